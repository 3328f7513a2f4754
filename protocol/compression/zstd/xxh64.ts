// XXH64 (seed 0), the hash behind zstd's optional Content_Checksum: the frame stores its low 32 bits, little-endian
// (RFC 8878 section 3.1.1). The algorithm is xxHash's 64-bit variant (https://github.com/Cyan4973/xxHash,
// doc/xxhash_spec.md).
//
// 64-bit values are pairs of 32-bit halves in int32 arithmetic (Math.imul), not BigInt. A BigInt version written
// as BigInt.asUintN(64, ...) ran 4x faster on Node 20.20, but its optimized code crashed the process (V8 fatal
// "Phi of kRepTagged (UnsignedBigInt64) cannot be changed to kRepWord64"); a checksum must never do that.

// The five 64-bit primes as int32 high and low halves; the low halves of P1 and P2 also as 16-bit pieces.
const P1H = 0x9e3779b1 | 0; const P1L = 0x85ebca87 | 0
const P2H = 0xc2b2ae3d | 0; const P2L = 0x27d4eb4f | 0
const P3H = 0x165667b1 | 0; const P3L = 0x9e3779f9 | 0
const P4H = 0x85ebca77 | 0; const P4L = 0xc2b2ae63 | 0
const P5H = 0x27d4eb2f | 0; const P5L = 0x165667c5 | 0

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

// Results come back through this array: a typed-array store is cheap in optimized code and allocates nothing.
const R = new Int32Array(2)

/** The high 32 bits of the unsigned product a * b, from 16-bit pieces so that every step stays in int32. */
function mulHigh32 (a: number, b: number): number {
  const a1 = a >>> 16; const a0 = a & 0xffff
  const b1 = b >>> 16; const b0 = b & 0xffff
  const m1 = Math.imul(a1, b0)
  const m2 = Math.imul(a0, b1)
  const low = Math.imul(a0, b0)
  const carry = ((m1 & 0xffff) + (m2 & 0xffff) + (low >>> 16)) >>> 16
  return (Math.imul(a1, b1) + (m1 >>> 16) + (m2 >>> 16) + carry) | 0
}

/** R = (ah:al * bh:bl) mod 2^64. */
function mul64 (ah: number, al: number, bh: number, bl: number): void {
  R[0] = Math.imul(ah, bl) + Math.imul(al, bh) + mulHigh32(al, bl)
  R[1] = Math.imul(al, bl)
}

/** R = ah:al + bh:bl (mod 2^64). */
function add64 (ah: number, al: number, bh: number, bl: number): void {
  const lo = (al + bl) | 0
  R[0] = ah + bh + ((lo >>> 0) < (bl >>> 0) ? 1 : 0)
  R[1] = lo
}

/** R = rotl(h:l, r), 0 < r < 32. */
function rotl64 (h: number, l: number, r: number): void {
  R[0] = (h << r) | (l >>> (32 - r))
  R[1] = (l << r) | (h >>> (32 - r))
}

/** lanes[i, i+1] = rotl(lane + input * P2, 31) * P1: the step every 8 input bytes go through. */
function round (lanes: Int32Array, i: number, inh: number, inl: number): void {
  const mh = Math.imul(inh, P2L) + Math.imul(inl, P2H) + mulHigh32(inl, P2L)
  const ml = Math.imul(inl, P2L)
  const sl = (lanes[i + 1] + ml) | 0
  const sh = (lanes[i] + mh + ((sl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0
  const rh = (sh << 31) | (sl >>> 1)
  const rl = (sl << 31) | (sh >>> 1)
  lanes[i] = Math.imul(rh, P1L) + Math.imul(rl, P1H) + mulHigh32(rl, P1L)
  lanes[i + 1] = Math.imul(rl, P1L)
}

const lanes = new Int32Array(8)

/** R = (h ^ round(0, lanes[lane])) * P1 + P4: folds one lane accumulator into the hash. */
function mergeRound (h: number, l: number, lane: number): void {
  const vh = lanes[lane]; const vl = lanes[lane + 1]
  lanes[lane] = 0; lanes[lane + 1] = 0
  round(lanes, lane, vh, vl)
  mul64(h ^ lanes[lane], l ^ lanes[lane + 1], P1H, P1L)
  add64(R[0], R[1], P4H, P4L)
}

function i32le (b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

/** Leaves XXH64(data[start, end), seed 0) in R. */
function hash (data: Uint8Array, start: number, end: number): void {
  const len = end - start
  let i = start
  let hh: number
  let hl: number
  if (len >= 32) {
    // Lanes: v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1 (seed 0).
    add64(P1H, P1L, P2H, P2L); lanes[0] = R[0]; lanes[1] = R[1]
    lanes[2] = P2H; lanes[3] = P2L
    lanes[4] = 0; lanes[5] = 0
    add64(~P1H, ~P1L, 0, 1); lanes[6] = R[0]; lanes[7] = R[1]
    const stripes = len >>> 5
    if (LITTLE_ENDIAN && ((data.byteOffset + start) & 3) === 0) {
      // Aligned: read whole words through an Int32Array view, two loads per lane instead of eight.
      const words = new Int32Array(data.buffer, data.byteOffset + start, stripes * 8)
      for (let w = 0; w < words.length; w += 8) {
        round(lanes, 0, words[w + 1], words[w])
        round(lanes, 2, words[w + 3], words[w + 2])
        round(lanes, 4, words[w + 5], words[w + 4])
        round(lanes, 6, words[w + 7], words[w + 6])
      }
      i += stripes * 32
    } else {
      const limit = end - 32
      for (; i <= limit; i += 32) {
        round(lanes, 0, i32le(data, i + 4), i32le(data, i))
        round(lanes, 2, i32le(data, i + 12), i32le(data, i + 8))
        round(lanes, 4, i32le(data, i + 20), i32le(data, i + 16))
        round(lanes, 6, i32le(data, i + 28), i32le(data, i + 24))
      }
    }
    rotl64(lanes[0], lanes[1], 1); hh = R[0]; hl = R[1]
    rotl64(lanes[2], lanes[3], 7); add64(hh, hl, R[0], R[1]); hh = R[0]; hl = R[1]
    rotl64(lanes[4], lanes[5], 12); add64(hh, hl, R[0], R[1]); hh = R[0]; hl = R[1]
    rotl64(lanes[6], lanes[7], 18); add64(hh, hl, R[0], R[1]); hh = R[0]; hl = R[1]
    mergeRound(hh, hl, 0); hh = R[0]; hl = R[1]
    mergeRound(hh, hl, 2); hh = R[0]; hl = R[1]
    mergeRound(hh, hl, 4); hh = R[0]; hl = R[1]
    mergeRound(hh, hl, 6); hh = R[0]; hl = R[1]
  } else {
    hh = P5H; hl = P5L
  }
  // h += len; lengths are below 2^53, so the high half is a plain division.
  add64(hh, hl, Math.floor(len / 4294967296), len | 0); hh = R[0]; hl = R[1]
  for (; i + 8 <= end; i += 8) {
    lanes[0] = 0; lanes[1] = 0
    round(lanes, 0, i32le(data, i + 4), i32le(data, i))
    rotl64(hh ^ lanes[0], hl ^ lanes[1], 27)
    mul64(R[0], R[1], P1H, P1L); add64(R[0], R[1], P4H, P4L); hh = R[0]; hl = R[1]
  }
  if (i + 4 <= end) {
    mul64(0, i32le(data, i), P1H, P1L)
    rotl64(hh ^ R[0], hl ^ R[1], 23)
    mul64(R[0], R[1], P2H, P2L); add64(R[0], R[1], P3H, P3L); hh = R[0]; hl = R[1]
    i += 4
  }
  for (; i < end; i++) {
    mul64(0, data[i], P5H, P5L)
    rotl64(hh ^ R[0], hl ^ R[1], 11)
    mul64(R[0], R[1], P1H, P1L); hh = R[0]; hl = R[1]
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hl ^= hh >>> 1
  mul64(hh, hl, P2H, P2L); hh = R[0]; hl = R[1]
  hl ^= (hl >>> 29) | (hh << 3)
  hh ^= hh >>> 29
  mul64(hh, hl, P3H, P3L)
  R[1] ^= R[0]
}

/** The low 32 bits of XXH64(data[start, end), seed 0), unsigned: what a zstd frame's Content_Checksum holds. */
export function xxh64Low32 (data: Uint8Array, start: number, end: number): number {
  hash(data, start, end)
  return R[1] >>> 0
}

/** The full 64-bit XXH64 as a bigint; for tests and diagnostics, not the hot path. */
export function xxh64 (data: Uint8Array, start: number = 0, end: number = data.length): bigint {
  hash(data, start, end)
  return (BigInt(R[0] >>> 0) << 32n) | BigInt(R[1] >>> 0)
}
