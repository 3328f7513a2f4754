// XXH64 (seed 0), the hash behind zstd's optional Content_Checksum: the frame stores its low 32 bits, little-endian
// (RFC 8878 section 3.1.1). The algorithm is xxHash's 64-bit variant (https://github.com/Cyan4973/xxHash,
// doc/xxhash_spec.md).
//
// 64-bit values are pairs of 32-bit halves in int32 arithmetic (Math.imul), not BigInt. A BigInt version written
// as BigInt.asUintN(64, ...) ran 4x faster on Node 20.20, but its optimized code crashed the process (V8 fatal
// "Phi of kRepTagged (UnsignedBigInt64) cannot be changed to kRepWord64"); a checksum must never do that.

// The five 64-bit primes as int32 high and low halves.
const P1H = 0x9e3779b1 | 0; const P1L = 0x85ebca87 | 0
const P2H = 0xc2b2ae3d | 0; const P2L = 0x27d4eb4f | 0
const P3H = 0x165667b1 | 0; const P3L = 0x9e3779f9 | 0
const P4H = 0x85ebca77 | 0; const P4L = 0xc2b2ae63 | 0
const P5H = 0x27d4eb2f | 0; const P5L = 0x165667c5 | 0

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

// Results come back through this array: a typed-array store is cheap in optimized code and allocates nothing.
const R = new Int32Array(2)

const INV_2_16 = 1 / 65536

/**
 * The high 32 bits of the unsigned product a * b, as an int32. The full product needs 64 bits, more than a double
 * holds exactly, so b is split into 16-bit halves: a * b0 and a * b1 are below 2^48 and exact, and
 * floor(a * b / 2^32) = floor((a * b1 + floor(a * b0 / 2^16)) / 2^16), every step exact (scaling by 2^-16 is).
 * Measured ~1.7x faster for the whole hash than four Math.imul of 16-bit pieces with carries (Node 20).
 */
function mulHigh32 (a: number, b: number): number {
  const u = a >>> 0
  return Math.floor((u * (b >>> 16) + Math.floor(u * (b & 0xffff) * INV_2_16)) * INV_2_16) | 0
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

/**
 * round() over every 32-byte stripe of words, written out with the four lanes in local variables: the hot loop of
 * a zstd checksum. Locals stay in registers where the lanes array costs a load and a store per half per round.
 */
function stripesAligned (words: Int32Array): void {
  let ah = lanes[0]; let al = lanes[1]; let bh = lanes[2]; let bl = lanes[3]
  let ch = lanes[4]; let cl = lanes[5]; let dh = lanes[6]; let dl = lanes[7]
  const n = words.length
  for (let w = 0; w < n; w += 8) {
    // Each block: s = lane + input * P2; r = rotl(s, 31); lane = r * P1 (all mod 2^64), as round() does.
    let inl = words[w]; let inh = words[w + 1]
    let ml = Math.imul(inl, P2L)
    let sl = (al + ml) | 0
    let sh = (ah + Math.imul(inh, P2L) + Math.imul(inl, P2H) + mulHigh32(inl, P2L) + ((sl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0
    let rh = (sh << 31) | (sl >>> 1); let rl = (sl << 31) | (sh >>> 1)
    ah = (Math.imul(rh, P1L) + Math.imul(rl, P1H) + mulHigh32(rl, P1L)) | 0; al = Math.imul(rl, P1L)

    inl = words[w + 2]; inh = words[w + 3]
    ml = Math.imul(inl, P2L)
    sl = (bl + ml) | 0
    sh = (bh + Math.imul(inh, P2L) + Math.imul(inl, P2H) + mulHigh32(inl, P2L) + ((sl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0
    rh = (sh << 31) | (sl >>> 1); rl = (sl << 31) | (sh >>> 1)
    bh = (Math.imul(rh, P1L) + Math.imul(rl, P1H) + mulHigh32(rl, P1L)) | 0; bl = Math.imul(rl, P1L)

    inl = words[w + 4]; inh = words[w + 5]
    ml = Math.imul(inl, P2L)
    sl = (cl + ml) | 0
    sh = (ch + Math.imul(inh, P2L) + Math.imul(inl, P2H) + mulHigh32(inl, P2L) + ((sl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0
    rh = (sh << 31) | (sl >>> 1); rl = (sl << 31) | (sh >>> 1)
    ch = (Math.imul(rh, P1L) + Math.imul(rl, P1H) + mulHigh32(rl, P1L)) | 0; cl = Math.imul(rl, P1L)

    inl = words[w + 6]; inh = words[w + 7]
    ml = Math.imul(inl, P2L)
    sl = (dl + ml) | 0
    sh = (dh + Math.imul(inh, P2L) + Math.imul(inl, P2H) + mulHigh32(inl, P2L) + ((sl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0
    rh = (sh << 31) | (sl >>> 1); rl = (sl << 31) | (sh >>> 1)
    dh = (Math.imul(rh, P1L) + Math.imul(rl, P1H) + mulHigh32(rl, P1L)) | 0; dl = Math.imul(rl, P1L)
  }
  lanes[0] = ah; lanes[1] = al; lanes[2] = bh; lanes[3] = bl
  lanes[4] = ch; lanes[5] = cl; lanes[6] = dh; lanes[7] = dl
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
      stripesAligned(new Int32Array(data.buffer, data.byteOffset + start, stripes * 8))
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

// Warm-up at load, for V8's sake: a zstd checksum is one call over a whole frame, so the first one (often 1 MiB)
// gets stripesAligned compiled mid-loop (on-stack replacement) before the code after the loop has ever run. Node 20
// then deoptimized that code at the loop's exit on every later call while never installing a regular optimized
// version, and hashing ran at ~500 instead of ~870 MB/s for the life of the process, in about half the runs.
// A few small hashes here give every path its type feedback first; they cost microseconds.
for (let k = 0; k < 16; k++) hash(Buffer.alloc(256 + k), 0, 256 + k)

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
