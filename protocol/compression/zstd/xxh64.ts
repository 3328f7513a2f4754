// XXH64 (seed 0), the hash behind zstd's optional Content_Checksum: the frame stores its low 32 bits, little-endian
// (RFC 8878 section 3.1.1). The algorithm is xxHash's 64-bit variant (https://github.com/Cyan4973/xxHash,
// doc/xxhash_spec.md). It runs on pairs of unsigned 32-bit halves instead of BigInt: BigInt arithmetic allocates
// per operation and would make the checksum slower than decompression itself.

// The five 64-bit primes, as [high, low] halves.
const P1H = 0x9e3779b1; const P1L = 0x85ebca87
const P2H = 0xc2b2ae3d; const P2L = 0x27d4eb4f
const P3H = 0x165667b1; const P3L = 0x9e3779f9
const P4H = 0x85ebca77; const P4L = 0xc2b2ae63
const P5H = 0x27d4eb2f; const P5L = 0x165667c5

// Results of the helpers below: module-level registers, so that no 64-bit value is ever an allocated object.
let rh = 0
let rl = 0

/** rh:rl = (ah:al * bh:bl) mod 2^64. */
function mul64 (ah: number, al: number, bh: number, bl: number): void {
  // The low 32x32 product needs its high half exactly: split into 16-bit pieces, whose sums stay below 2^53.
  const a1 = al >>> 16; const a0 = al & 0xffff
  const b1 = bl >>> 16; const b0 = bl & 0xffff
  const mid = a1 * b0 + a0 * b1
  const carry = Math.floor((mid * 65536 + a0 * b0) / 4294967296)
  rh = (Math.imul(ah, bl) + Math.imul(al, bh) + a1 * b1 + carry) >>> 0
  rl = Math.imul(al, bl) >>> 0
}

/** rh:rl = ah:al + bh:bl (mod 2^64). */
function add64 (ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl
  rl = lo >>> 0
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0
}

/** rh:rl = rotl(h:l, r), 0 < r < 32. */
function rotl64 (h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0
  rl = ((l << r) | (h >>> (32 - r))) >>> 0
}

/** rh:rl = round(acc, input) = rotl(acc + input * P2, 31) * P1. */
function round (acch: number, accl: number, inh: number, inl: number): void {
  mul64(inh, inl, P2H, P2L)
  add64(acch, accl, rh, rl)
  rotl64(rh, rl, 31)
  mul64(rh, rl, P1H, P1L)
}

/** rh:rl = (acc ^ round(0, val)) * P1 + P4: folds one lane accumulator into the hash. */
function mergeRound (acch: number, accl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl)
  mul64((acch ^ rh) >>> 0, (accl ^ rl) >>> 0, P1H, P1L)
  add64(rh, rl, P4H, P4L)
}

function u32le (b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0
}

/** Leaves XXH64(data[start, end), seed 0) in rh:rl. */
function hash (data: Uint8Array, start: number, end: number): void {
  const len = end - start
  let i = start
  let hh: number
  let hl: number
  if (len >= 32) {
    // v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1 (seed 0).
    add64(P1H, P1L, P2H, P2L)
    let v1h = rh; let v1l = rl
    let v2h = P2H; let v2l = P2L
    let v3h = 0; let v3l = 0
    add64(~P1H >>> 0, ~P1L >>> 0, 0, 1)
    let v4h = rh; let v4l = rl
    const limit = end - 32
    while (i <= limit) {
      round(v1h, v1l, u32le(data, i + 4), u32le(data, i)); v1h = rh; v1l = rl
      round(v2h, v2l, u32le(data, i + 12), u32le(data, i + 8)); v2h = rh; v2l = rl
      round(v3h, v3l, u32le(data, i + 20), u32le(data, i + 16)); v3h = rh; v3l = rl
      round(v4h, v4l, u32le(data, i + 28), u32le(data, i + 24)); v4h = rh; v4l = rl
      i += 32
    }
    rotl64(v1h, v1l, 1); hh = rh; hl = rl
    rotl64(v2h, v2l, 7); add64(hh, hl, rh, rl); hh = rh; hl = rl
    rotl64(v3h, v3l, 12); add64(hh, hl, rh, rl); hh = rh; hl = rl
    rotl64(v4h, v4l, 18); add64(hh, hl, rh, rl); hh = rh; hl = rl
    mergeRound(hh, hl, v1h, v1l); hh = rh; hl = rl
    mergeRound(hh, hl, v2h, v2l); hh = rh; hl = rl
    mergeRound(hh, hl, v3h, v3l); hh = rh; hl = rl
    mergeRound(hh, hl, v4h, v4l); hh = rh; hl = rl
  } else {
    hh = P5H; hl = P5L
  }
  // h += len; lengths here are below 2^53, so the high half is a plain division.
  add64(hh, hl, Math.floor(len / 4294967296) >>> 0, len >>> 0); hh = rh; hl = rl
  while (i + 8 <= end) {
    round(0, 0, u32le(data, i + 4), u32le(data, i))
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0
    rotl64(hh, hl, 27); mul64(rh, rl, P1H, P1L); add64(rh, rl, P4H, P4L); hh = rh; hl = rl
    i += 8
  }
  if (i + 4 <= end) {
    mul64(0, u32le(data, i), P1H, P1L)
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0
    rotl64(hh, hl, 23); mul64(rh, rl, P2H, P2L); add64(rh, rl, P3H, P3L); hh = rh; hl = rl
    i += 4
  }
  while (i < end) {
    mul64(0, data[i], P5H, P5L)
    hh = (hh ^ rh) >>> 0; hl = (hl ^ rl) >>> 0
    rotl64(hh, hl, 11); mul64(rh, rl, P1H, P1L); hh = rh; hl = rl
    i++
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hl = (hl ^ (hh >>> 1)) >>> 0
  mul64(hh, hl, P2H, P2L); hh = rh; hl = rl
  hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0; hh = (hh ^ (hh >>> 29)) >>> 0
  mul64(hh, hl, P3H, P3L); hh = rh; hl = rl
  rh = hh
  rl = (hl ^ hh) >>> 0
}

/** The low 32 bits of XXH64(data[start, end), seed 0), as an unsigned number. */
export function xxh64Low32 (data: Uint8Array, start: number, end: number): number {
  hash(data, start, end)
  return rl
}

/** The full 64-bit XXH64 as a bigint; for tests and diagnostics, not the hot path. */
export function xxh64 (data: Uint8Array, start: number = 0, end: number = data.length): bigint {
  hash(data, start, end)
  return (BigInt(rh) << 32n) | BigInt(rl)
}
