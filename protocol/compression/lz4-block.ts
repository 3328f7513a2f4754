// The LZ4 block format (lz4/lz4 doc/lz4_Block_format.md). A block is a series of sequences:
//   token: high nibble = literal count, low nibble = match length - 4 (15 in either means "more bytes follow":
//          add each following byte, stopping after the first one that is not 255)
//   literals, then a little-endian uint16 offset (1..65535) back into the output, then the match is copied.
// The last sequence is literals only, and ends the block. Rules for encoders, so decoders may read fast:
// the last 5 bytes are always literals, and the last match starts at least 12 bytes before the block's end.

import { copyMatch } from './copy-match.js'

const MIN_MATCH = 4
const LAST_LITERALS = 5
const MFLIMIT = 12
const MAX_OFFSET = 65535
const HASH_BITS = 14

// Scratch hash table reused across calls (compression is synchronous). Stale entries are harmless: every candidate
// is checked to lie inside the block, behind the cursor, within 64 KiB, and to match four bytes.
const table = new Int32Array(1 << HASH_BITS)

/** Returned by decodeLz4Block when the output would pass its limit; the caller words the error. */
export const LZ4_OUTPUT_FULL = -1
/** Returned by decodeLz4Block for malformed input, with the reason in lz4BlockErrorDetail. */
export const LZ4_MALFORMED = -2
export let lz4BlockErrorDetail = ''

/** Worst-case compressed size of n bytes (an all-literal block): n + n/255 + 16. */
export function lz4MaxBlockBytes (n: number): number {
  return n + Math.floor(n / 255) + 16
}

function load32 (b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

function hash (u32: number): number {
  // Knuth's multiplicative hash; the top bits of the product are the well-mixed ones.
  return Math.imul(u32, 0x9e3779b1) >>> (32 - HASH_BITS)
}

/**
 * Compresses src[from, to) as one independent block into out at op; returns the new end. out needs room for
 * lz4MaxBlockBytes(to - from). Greedy: at each position the last position with the same 4-byte hash is tried; a
 * verified match is extended backwards over pending literals and forwards, then emitted. After 64 misses in a row
 * the step grows by one per 64 further misses (LZ4's "acceleration"), skimming incompressible data.
 */
export function compressLz4BlockInto (src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  let anchor = from
  if (to - from > MFLIMIT) {
    const ipLimit = to - MFLIMIT // last position where a match may start
    const matchLimit = to - LAST_LITERALS // matches end at or before this
    let ip = from
    let misses = 0
    while (ip <= ipLimit) {
      const seq = load32(src, ip)
      const h = hash(seq)
      let cand = table[h]
      table[h] = ip
      if (cand >= from && cand < ip && ip - cand <= MAX_OFFSET && load32(src, cand) === seq) {
        let start = ip
        while (start > anchor && cand > from && src[start - 1] === src[cand - 1]) {
          start--
          cand--
        }
        let end = ip + MIN_MATCH // the four bytes verified at ip
        while (end < matchLimit && src[end] === src[cand + (end - start)]) end++
        op = emitSequence(src, anchor, start, start - cand, end - start, out, op)
        ip = end
        anchor = ip
        misses = 0
        // Index a position inside the match as well, so runs of repeated records chain together.
        if (ip - 2 > from && ip - 2 <= ipLimit) table[hash(load32(src, ip - 2))] = ip - 2
      } else {
        misses++
        ip += 1 + (misses >>> 6)
      }
    }
  }
  return emitLastLiterals(src, anchor, to, out, op)
}

function writeLength (rest: number, out: Uint8Array, op: number): number {
  while (rest >= 255) {
    out[op++] = 255
    rest -= 255
  }
  out[op++] = rest
  return op
}

function copyLiterals (src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const len = to - from
  if (len < 32) {
    for (let i = 0; i < len; i++) out[op + i] = src[from + i]
  } else {
    out.set(src.subarray(from, to), op)
  }
  return op + len
}

function emitSequence (src: Uint8Array, litFrom: number, litTo: number, offset: number, matchLen: number,
  out: Uint8Array, op: number): number {
  const litLen = litTo - litFrom
  const ml = matchLen - MIN_MATCH
  const tokenAt = op++
  out[tokenAt] = ((litLen >= 15 ? 15 : litLen) << 4) | (ml >= 15 ? 15 : ml)
  if (litLen >= 15) op = writeLength(litLen - 15, out, op)
  op = copyLiterals(src, litFrom, litTo, out, op)
  out[op++] = offset & 0xff
  out[op++] = offset >>> 8
  if (ml >= 15) op = writeLength(ml - 15, out, op)
  return op
}

function emitLastLiterals (src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const litLen = to - from
  out[op++] = (litLen >= 15 ? 15 : litLen) << 4
  if (litLen >= 15) op = writeLength(litLen - 15, out, op)
  return copyLiterals(src, from, to, out, op)
}

// Outside the decode loop on purpose: template literals inside it cost V8's inlining there (see snappy-block.ts).
function malformed (what: string, at: number): number {
  lz4BlockErrorDetail = `${what} (byte ${at} of the block)`
  return LZ4_MALFORMED
}

/**
 * Decodes the block src[ip, ipEnd) into out from op, never writing at or past opLimit. Matches may reach back to
 * windowStart: the block's own start for independent blocks, earlier output for linked ones. Returns the new output
 * end, LZ4_OUTPUT_FULL, or LZ4_MALFORMED (details in lz4BlockErrorDetail). Status codes rather than exceptions keep
 * this loop free of error wording that depends on the caller (frame limit versus block size).
 */
export function decodeLz4Block (src: Uint8Array, ip: number, ipEnd: number, out: Uint8Array, op: number,
  opLimit: number, windowStart: number): number {
  const blockStart = ip
  for (;;) {
    if (ip >= ipEnd) return malformed('block ends before a sequence token', ip - blockStart)
    const token = src[ip++]
    let litLen = token >>> 4
    if (litLen === 15) {
      let b: number
      do {
        if (ip >= ipEnd) return malformed('literal length runs past the block', ip - blockStart)
        b = src[ip++]
        litLen += b
      } while (b === 255)
    }
    if (litLen > ipEnd - ip) return malformed('literals run past the block', ip - blockStart)
    if (litLen > opLimit - op) return LZ4_OUTPUT_FULL
    if (litLen < 64) {
      for (let i = 0; i < litLen; i++) out[op + i] = src[ip + i]
    } else {
      out.set(src.subarray(ip, ip + litLen), op)
    }
    ip += litLen
    op += litLen
    if (ip === ipEnd) return op // the last sequence has no match part
    if (ip + 2 > ipEnd) return malformed('match offset runs past the block', ip - blockStart)
    const offset = src[ip] | (src[ip + 1] << 8)
    ip += 2
    if (offset === 0 || offset > op - windowStart) {
      return malformed('match offset 0 or before the start of the window', ip - 2 - blockStart)
    }
    let matchLen = (token & 15) + MIN_MATCH
    if ((token & 15) === 15) {
      let b: number
      do {
        if (ip >= ipEnd) return malformed('match length runs past the block', ip - blockStart)
        b = src[ip++]
        matchLen += b
      } while (b === 255)
    }
    if (matchLen > opLimit - op) return LZ4_OUTPUT_FULL
    if (offset >= matchLen && matchLen >= 64) {
      out.copyWithin(op, op - offset, op - offset + matchLen)
      op += matchLen
    } else {
      op = copyMatch(out, op, offset, matchLen)
    }
  }
}
