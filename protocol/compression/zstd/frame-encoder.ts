// The zstd encoder: one frame (RFC 8878 section 3.1.1) with the content size, a content checksum, and blocks of at
// most 128 KiB. Each block is LZ77-matched (lz-matcher.ts), its literals sent raw and its sequences coded with the
// predefined FSE tables (sequence-encoder.ts). A block that would not shrink is stored raw, one made of a single
// repeated byte as an RLE block.
import { MAX_BLOCK_SIZE } from './decoder-state.js'
import { ZSTD_MAGIC } from './frame-decoder.js'
import { LzMatcher, MatchResult } from './lz-matcher.js'
import { writeSequencesSection } from './sequence-encoder.js'
import { xxh64Low32 } from './xxh64.js'

// Inputs up to 1 MiB go in a single segment (the window is the whole content); larger ones declare a 1 MiB
// window, which bounds match offsets and the memory a decoder needs.
const WINDOW_LOG = 20
const WINDOW_SIZE = 1 << WINDOW_LOG
const MAX_HASH_LOG = 17

// Reused across calls (encoding is synchronous): match results and a scratch area for one compressed block, which
// holds the raw literals (block size + 3) plus at most 10 bytes of sequences per 4 input bytes.
const matches = new MatchResult(MAX_BLOCK_SIZE)
const blockScratch = new Uint8Array(MAX_BLOCK_SIZE * 4 + 64)

/** Compresses `data` into one zstd frame that any RFC 8878 decoder reads. */
export function zstdCompress (data: Buffer): Buffer {
  const len = data.length
  const blocks = Math.max(1, Math.ceil(len / MAX_BLOCK_SIZE))
  // Header (at most 4 + 1 + 1 + 8), block headers, content (no block is stored larger than raw), checksum.
  const out = Buffer.allocUnsafe(14 + blocks * 3 + len + 4)
  let pos = writeFrameHeader(out, len)
  const hashLog = Math.min(MAX_HASH_LOG, Math.max(8, 32 - Math.clz32(len)))
  const matcher = new LzMatcher(hashLog, WINDOW_SIZE - 1)
  let start = 0
  do {
    const end = Math.min(len, start + MAX_BLOCK_SIZE)
    pos = writeBlock(data, start, end, end === len, matcher, out, pos)
    start = end
  } while (start < len)
  // Content_Checksum: the low 32 bits of XXH64 of the content (section 3.1.1).
  out.writeUInt32LE(xxh64Low32(data, 0, len), pos)
  pos += 4
  // A copy of exactly the compressed size, so the caller does not keep the input-sized allocation alive.
  return Buffer.from(out.subarray(0, pos))
}

/** Magic, Frame_Header_Descriptor, Window_Descriptor or single segment, Frame_Content_Size (section 3.1.1.1). */
function writeFrameHeader (out: Buffer, len: number): number {
  out.writeUInt32LE(ZSTD_MAGIC, 0)
  const singleSegment = len <= WINDOW_SIZE
  // Frame_Content_Size_Flag: 1-byte field (single segment only) below 256, 2 bytes (minus 256) up to 65791,
  // else 4 bytes, or 8 beyond 4 GiB.
  let fcsFlag: number
  if (singleSegment && len < 256) fcsFlag = 0
  else if (len >= 256 && len <= 65791) fcsFlag = 1
  else if (len <= 0xffffffff) fcsFlag = 2
  else fcsFlag = 3
  const checksumFlag = 1
  out[4] = (fcsFlag << 6) | ((singleSegment ? 1 : 0) << 5) | (checksumFlag << 2)
  let pos = 5
  if (!singleSegment) out[pos++] = (WINDOW_LOG - 10) << 3 // exponent, mantissa 0
  if (fcsFlag === 0) {
    out[pos++] = len
  } else if (fcsFlag === 1) {
    out.writeUInt16LE(len - 256, pos)
    pos += 2
  } else if (fcsFlag === 2) {
    out.writeUInt32LE(len, pos)
    pos += 4
  } else {
    out.writeUInt32LE(len >>> 0, pos)
    out.writeUInt32LE(Math.floor(len / 2 ** 32), pos + 4)
    pos += 8
  }
  return pos
}

/** Block_Header: Last_Block, Block_Type, Block_Size in 3 little-endian bytes (section 3.1.1.2.1). */
function writeBlockHeader (out: Uint8Array, pos: number, last: boolean, type: number, size: number): number {
  const header = (last ? 1 : 0) | (type << 1) | (size << 3)
  out[pos] = header & 0xff
  out[pos + 1] = (header >>> 8) & 0xff
  out[pos + 2] = header >>> 16
  return pos + 3
}

const RAW_BLOCK = 0
const RLE_BLOCK = 1
const COMPRESSED_BLOCK = 2

function writeBlock (
  src: Buffer, start: number, end: number, last: boolean, matcher: LzMatcher, out: Buffer, pos: number
): number {
  const size = end - start
  if (size > 1 && isSingleByte(src, start, end)) {
    pos = writeBlockHeader(out, pos, last, RLE_BLOCK, size)
    out[pos] = src[start]
    return pos + 1
  }
  if (size > 0) {
    matcher.findMatches(src, start, end, matches)
    const compressedSize = writeCompressedBlock(blockScratch)
    if (compressedSize < size) {
      pos = writeBlockHeader(out, pos, last, COMPRESSED_BLOCK, compressedSize)
      out.set(blockScratch.subarray(0, compressedSize), pos)
      return pos + compressedSize
    }
  }
  pos = writeBlockHeader(out, pos, last, RAW_BLOCK, size)
  out.set(src.subarray(start, end), pos)
  return pos + size
}

function isSingleByte (src: Uint8Array, start: number, end: number): boolean {
  const b = src[start]
  for (let i = start + 1; i < end; i++) if (src[i] !== b) return false
  return true
}

/** Literals section (raw) then sequences section into `scratch`; returns the block content's size. */
function writeCompressedBlock (scratch: Uint8Array): number {
  const n = matches.literalCount
  let pos: number
  // Raw_Literals_Block header (section 3.1.1.3.1.1): 1, 2 or 3 bytes for sizes of 5, 12 or 20 bits.
  if (n < 32) {
    scratch[0] = n << 3
    pos = 1
  } else if (n < 4096) {
    scratch[0] = ((n & 0xf) << 4) | 0x4
    scratch[1] = n >>> 4
    pos = 2
  } else {
    scratch[0] = ((n & 0xf) << 4) | 0xc
    scratch[1] = (n >>> 4) & 0xff
    scratch[2] = n >>> 12
    pos = 3
  }
  scratch.set(matches.literals.subarray(0, n), pos)
  pos += n
  return writeSequencesSection(
    scratch, pos, matches.literalsLengths, matches.matchLengths, matches.offsets, matches.count
  )
}
