// The raw Snappy block format (google/snappy format_description.txt). A block is the uncompressed length as a
// little-endian base-128 varint ("preamble"), then elements, each starting with a tag byte whose low two bits say:
//   00 literal: upper six bits hold length-1 (0..59); 60..63 mean length-1 follows in 1..4 little-endian bytes
//   01 copy, 1-byte offset: length 4..11 in bits 2-4 (stored as length-4), offset bits 8-10 in bits 5-7, low byte next
//   10 copy, 2-byte offset: length 1..64 in bits 2-7 (stored as length-1), then a little-endian uint16 offset
//   11 copy, 4-byte offset: as 10 but the offset is a little-endian uint32
// A copy repeats `length` bytes starting `offset` bytes back in the output; offset < length repeats a pattern.
import { CompressionError } from '../errors.js'
import { copyMatch } from './copy-match.js'

const HASH_BITS = 14
// The encoder works on 64 KiB fragments (as the reference does), so every offset fits a copy-2 element.
const FRAGMENT_BYTES = 1 << 16
// Best expansion any element allows: a 3-byte copy-2 element yields 64 bytes (21.3x); literals never expand.
// A preamble claiming more than this times the remaining input cannot be honest, so it is rejected before
// allocating.
const MAX_EXPANSION = 22

// Scratch hash table reused across calls (compression is synchronous). Stale entries are harmless: every candidate
// is checked to lie in the current fragment, behind the cursor, and to match four bytes.
const table = new Int32Array(1 << HASH_BITS)

/** Worst-case block size for n input bytes: preamble, plus one literal tag per 60 bytes at most (n + n/6 + 32). */
export function snappyMaxBlockBytes (n: number): number {
  return 32 + n + Math.floor(n / 6)
}

function snappyError (detail: string): CompressionError {
  return new CompressionError('snappy', detail)
}

function load32 (b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)
}

function hash (u32: number): number {
  // Multiplicative hashing: the top HASH_BITS bits of the product are well mixed.
  return Math.imul(u32, 0x1e35a7bd) >>> (32 - HASH_BITS)
}

/** Compresses src[from, to) as one raw block into out at op; returns the new end. out must have room for snappyMaxBlockBytes. */
export function compressSnappyBlockInto (src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  let n = to - from
  // Preamble: uncompressed length, 7 bits per byte, least-significant group first.
  while (n >= 0x80) {
    out[op++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  out[op++] = n
  for (let base = from; base < to; base += FRAGMENT_BYTES) {
    op = compressFragment(src, base, Math.min(base + FRAGMENT_BYTES, to), out, op)
  }
  return op
}

/** One raw Snappy block holding all of src. */
export function snappyCompressBlock (src: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(snappyMaxBlockBytes(src.length))
  return out.subarray(0, compressSnappyBlockInto(src, 0, src.length, out, 0))
}

// Greedy LZ77 over one fragment: hash the four bytes at the cursor, look up the last position with the same hash,
// and if those four bytes really match, extend the match and emit literals-then-copy. After 32 consecutive misses
// the cursor starts stepping 2, then 3, ... bytes (the reference's heuristic), so incompressible input is skimmed
// quickly instead of hashed at every byte.
function compressFragment (src: Uint8Array, base: number, end: number, out: Uint8Array, op: number): number {
  let ip = base
  let anchor = base
  let skip = 32
  const ipLimit = end - 4
  while (ip <= ipLimit) {
    const seq = load32(src, ip)
    const h = hash(seq)
    const cand = table[h]
    table[h] = ip
    if (cand >= base && cand < ip && load32(src, cand) === seq) {
      op = emitLiteral(src, anchor, ip, out, op)
      let len = 4
      while (ip + len < end && src[cand + len] === src[ip + len]) len++
      op = emitCopy(ip - cand, len, out, op)
      ip += len
      anchor = ip
      skip = 32
      // Index the last byte of the match too: runs and repeated records then chain match to match.
      if (ip - 1 <= ipLimit) table[hash(load32(src, ip - 1))] = ip - 1
    } else {
      ip += skip >> 5
      skip++
    }
  }
  return emitLiteral(src, anchor, end, out, op)
}

function emitLiteral (src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const len = to - from
  if (len === 0) return op
  const n = len - 1
  if (n < 60) {
    out[op++] = n << 2
  } else if (n < 0x100) {
    out[op++] = 60 << 2
    out[op++] = n
  } else {
    // Literals never span fragments, so len <= 64 KiB and two length bytes always suffice (tag 61).
    out[op++] = 61 << 2
    out[op++] = n & 0xff
    out[op++] = n >>> 8
  }
  if (len < 32) {
    for (let i = 0; i < len; i++) out[op + i] = src[from + i]
  } else {
    out.set(src.subarray(from, to), op)
  }
  return op + len
}

// Copies longer than 64 are split; the split keeps every piece at least 4 long so the last one can still be a
// copy-1 when it is short and near.
function emitCopy (offset: number, len: number, out: Uint8Array, op: number): number {
  while (len >= 68) {
    op = emitCopy2(offset, 64, out, op)
    len -= 64
  }
  if (len > 64) {
    op = emitCopy2(offset, 60, out, op)
    len -= 60
  }
  if (len < 12 && offset < 2048) {
    out[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5)
    out[op++] = offset & 0xff
    return op
  }
  return emitCopy2(offset, len, out, op)
}

function emitCopy2 (offset: number, len: number, out: Uint8Array, op: number): number {
  out[op++] = 2 | ((len - 1) << 2)
  out[op++] = offset & 0xff
  out[op++] = offset >>> 8
  return op
}

/** The preamble of the block at src[from, to): its uncompressed length and where the elements start. */
export function readSnappyPreamble (src: Uint8Array, from: number, to: number): { length: number, elementsStart: number } {
  let length = 0
  let ip = from
  // At most five bytes: the format limits the length to 2^32 - 1. The group weight is kept by multiplication, not
  // `2 ** shift`: V8 types `**` as a double, and a double length spread through the output positions derived from
  // it (xerial's op += length) into decodeSnappyElements, where every out[op + i] then converted a double: xerial
  // decoding measured ~280 versus ~500 MB/s, and raw blocks fell to ~280 as well once both had run in a process.
  let weight = 1
  for (let shift = 0; shift < 35; shift += 7) {
    if (ip >= to) throw snappyError(`block preamble truncated at byte ${ip}`)
    const b = src[ip++]
    length += (b & 0x7f) * weight
    weight *= 128
    if (b < 0x80) {
      if (length > 0xffffffff) throw snappyError(`block preamble claims ${length} bytes, more than 2^32 - 1`)
      return { length, elementsStart: ip }
    }
  }
  throw snappyError(`block preamble at byte ${from} is longer than 5 bytes`)
}

/**
 * Rejects, before any allocation, a block claiming more than its bytes could expand to, or more than the limit
 * once added to the `before` bytes that earlier blocks of the same payload decode to.
 */
export function checkSnappyClaim (claimed: number, elementBytes: number, before: number, maxOutputBytes: number): void {
  if (before + claimed > maxOutputBytes) {
    throw snappyError(`decompressed size ${before + claimed} exceeds maxOutputBytes (${maxOutputBytes})`)
  }
  if (claimed > elementBytes * MAX_EXPANSION) {
    throw snappyError(`block claims ${claimed} decompressed bytes from only ${elementBytes} bytes of elements`)
  }
}

/**
 * Decodes the elements in src[ip, ipEnd) into out[opStart, opEnd), which must be filled exactly. Offsets may reach
 * back only into this block's own output (opStart), as each block is self-contained.
 */
export function decodeSnappyElements (src: Uint8Array, ip: number, ipEnd: number, out: Uint8Array, opStart: number, opEnd: number): void {
  let op = opStart
  while (ip < ipEnd) {
    const tag = src[ip++]
    const kind = tag & 3
    let len: number
    let offset: number
    if (kind === 0) {
      len = (tag >>> 2) + 1
      if (len > 60) {
        // 61..64: length-1 follows in 1..4 little-endian bytes.
        const extra = len - 60
        if (extra > ipEnd - ip) throw truncated('literal length', ip)
        len = src[ip] | (extra > 1 ? src[ip + 1] << 8 : 0) | (extra > 2 ? src[ip + 2] << 16 : 0) |
          (extra > 3 ? src[ip + 3] << 24 : 0)
        // A 4-byte length of 2^31 or more is negative here; no input is that long anyway.
        if (len < 0) throw truncated('literal length (2^31 or more)', ip)
        len += 1
        ip += extra
      }
      if (len > ipEnd - ip) throw truncated('literal', ip)
      if (len > opEnd - op) throw overflows(len, opEnd - opStart)
      // Short literals copy faster by hand than through subarray + set, which allocate a view.
      if (len < 64) {
        for (let i = 0; i < len; i++) out[op + i] = src[ip + i]
      } else {
        out.set(src.subarray(ip, ip + len), op)
      }
      ip += len
      op += len
      continue
    }
    if (kind === 1) {
      if (ip >= ipEnd) throw truncated('copy-1 element', ip)
      len = ((tag >>> 2) & 7) + 4
      offset = ((tag >>> 5) << 8) | src[ip++]
    } else if (kind === 2) {
      if (ip + 2 > ipEnd) throw truncated('copy-2 element', ip)
      len = (tag >>> 2) + 1
      offset = src[ip] | (src[ip + 1] << 8)
      ip += 2
    } else {
      if (ip + 4 > ipEnd) throw truncated('copy-4 element', ip)
      len = (tag >>> 2) + 1
      // Kept a signed int32 (fast in V8); an offset of 2^31 or more is negative and rejected just below.
      offset = src[ip] | (src[ip + 1] << 8) | (src[ip + 2] << 16) | (src[ip + 3] << 24)
      ip += 4
    }
    if (offset <= 0 || offset > op - opStart) {
      throw badOffset(offset, op - opStart)
    }
    if (len > opEnd - op) throw overflows(len, opEnd - opStart)
    op = copyMatch(out, op, offset, len)
  }
  if (op !== opEnd) throw shortBlock(op - opStart, opEnd - opStart)
}

// Error builders live outside the decode loop: template literals inside it made V8 stop inlining copyMatch
// (measured: ~180 versus ~300+ MB/s).
function truncated (what: string, at: number): CompressionError {
  return snappyError(`${what} at byte ${at} runs past the end of the input`)
}

function overflows (len: number, declared: number): CompressionError {
  return snappyError(`an element of ${len} bytes overflows the ${declared} bytes the preamble declares`)
}

function shortBlock (decoded: number, declared: number): CompressionError {
  return snappyError(`block decodes to ${decoded} bytes, its preamble says ${declared}`)
}

function badOffset (offset: number, at: number): CompressionError {
  return snappyError(`copy offset ${offset >>> 0} at output byte ${at} points outside the output`)
}

/** Decodes one raw Snappy block, checking its claimed length against maxOutputBytes before allocating. */
export function snappyDecompressBlock (src: Uint8Array, maxOutputBytes: number): Buffer {
  const { length, elementsStart } = readSnappyPreamble(src, 0, src.length)
  checkSnappyClaim(length, src.length - elementsStart, 0, maxOutputBytes)
  const out = Buffer.allocUnsafe(length)
  decodeSnappyElements(src, elementsStart, src.length, out, 0, length)
  return out
}
