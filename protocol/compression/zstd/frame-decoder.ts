// Zstandard frames (RFC 8878 section 3.1): magic, header, blocks, optional checksum; several frames may be
// concatenated, and skippable frames (section 3.1.2) are passed over. All frames decode into one buffer that never
// exceeds maxOutputBytes; a declared Frame_Content_Size is checked against that limit before anything is allocated.
import { maxOutputBytesOf } from '../limits.js'
import type { DecompressOptions } from '../limits.js'
import { DecoderState, MAX_BLOCK_SIZE } from './decoder-state.js'
import { decodeLiteralsSection } from './literals-section.js'
import { OutputBuffer, limitExceeded } from './output-buffer.js'
import { decodeAndExecuteSequences } from './sequences-section.js'
import { xxh64Low32 } from './xxh64.js'
import { zstdError } from './zstd-error.js'

export const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MAGIC = 0x184d2a50 // the low four bits are free: 0x184D2A50-0x184D2A5F

// The most a byte of input can expand to: an RLE block is 4 bytes (3 of header, 1 of content) for up to 128 KiB.
// A frame claiming more content than its remaining bytes could produce is corrupt, and is refused before its
// declared size is allocated.
const MAX_EXPANSION_PER_BYTE = MAX_BLOCK_SIZE / 4

/** maxOutputBytes (default 256 MiB, shared by every codec in ../limits.ts) caps the total output of all frames. */
export type ZstdDecompressOptions = DecompressOptions

// One decoder state serves every call: decoding is synchronous, and this keeps its 128 KiB literals buffer and
// tables out of the per-call allocations.
const state = new DecoderState()

function u32 (b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0
}

/** Decompresses one or more concatenated zstd frames. Throws CompressionError on malformed input or overflow. */
export function zstdDecompress (data: Buffer, opts?: ZstdDecompressOptions): Buffer {
  const limit = maxOutputBytesOf(opts)
  if (data.length === 0) throw zstdError('empty input: no frame')
  // Empty until a frame declares its size (then exactly that) or a block needs room (then grown geometrically).
  const out = new OutputBuffer(limit, 0)
  let pos = 0
  while (pos < data.length) {
    if (pos + 4 > data.length) throw zstdError(`truncated magic number at byte ${pos}`)
    const magic = u32(data, pos)
    if (magic === ZSTD_MAGIC) {
      pos = decodeFrame(data, pos + 4, out)
    } else if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > data.length) throw zstdError(`truncated skippable frame at byte ${pos}`)
      const size = u32(data, pos + 4)
      if (pos + 8 + size > data.length) throw zstdError(`skippable frame at byte ${pos} runs past the input`)
      pos += 8 + size
    } else {
      throw zstdError(`unknown magic number 0x${magic.toString(16)} at byte ${pos}`)
    }
  }
  return Buffer.from(out.buf.buffer, out.buf.byteOffset, out.pos)
}

/** Decodes the frame whose header starts at src[pos] (after the magic); returns the position after the frame. */
function decodeFrame (src: Uint8Array, pos: number, out: OutputBuffer): number {
  const end = src.length
  const frameAt = pos - 4
  if (pos >= end) throw zstdError(`frame at byte ${frameAt}: header truncated`)
  // Frame_Header_Descriptor (section 3.1.1.1.1).
  const fhd = src[pos++]
  const fcsFlag = fhd >>> 6
  const singleSegment = (fhd & 0x20) !== 0
  const hasChecksum = (fhd & 0x04) !== 0
  const dictIdFlag = fhd & 3
  if ((fhd & 0x08) !== 0) throw zstdError(`frame at byte ${frameAt}: reserved header bit set`)
  const dictIdSize = dictIdFlag === 3 ? 4 : dictIdFlag
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag
  const headerRest = (singleSegment ? 0 : 1) + dictIdSize + fcsSize
  if (pos + headerRest > end) throw zstdError(`frame at byte ${frameAt}: header truncated`)
  // Window_Descriptor (section 3.1.1.1.2): 2^(10 + exponent) plus mantissa eighths of that.
  let windowSize = 0
  if (!singleSegment) {
    const wd = src[pos++]
    const windowBase = 2 ** (10 + (wd >>> 3))
    windowSize = windowBase + (windowBase / 8) * (wd & 7)
  }
  // Dictionary_ID (section 3.1.1.1.3): 0 means none.
  let dictId = 0
  for (let i = 0; i < dictIdSize; i++) dictId += src[pos + i] * 2 ** (8 * i)
  pos += dictIdSize
  if (dictId !== 0) {
    throw zstdError(`frame at byte ${frameAt} needs dictionary ${dictId}; dictionaries are not supported`)
  }
  // Frame_Content_Size (section 3.1.1.1.4): the 2-byte form is offset by 256. -1: not declared.
  let contentSize = -1
  if (fcsSize === 1) contentSize = src[pos]
  else if (fcsSize === 2) contentSize = (src[pos] | (src[pos + 1] << 8)) + 256
  else if (fcsSize === 4) contentSize = u32(src, pos)
  else if (fcsSize === 8) contentSize = u32(src, pos + 4) * 2 ** 32 + u32(src, pos) // may round; only compared
  pos += fcsSize
  if (singleSegment) windowSize = contentSize
  const blockMax = Math.min(windowSize, MAX_BLOCK_SIZE)

  const frameStart = out.pos
  let frameEnd = Infinity
  if (contentSize >= 0) {
    if (contentSize > out.limit - out.pos) throw limitExceeded(out.limit)
    if (contentSize > (end - pos) * MAX_EXPANSION_PER_BYTE) {
      throw zstdError(`frame at byte ${frameAt} declares ${contentSize} bytes but only ${end - pos} bytes follow`)
    }
    out.ensure(frameStart + contentSize)
    frameEnd = frameStart + contentSize
  }
  state.resetForFrame()

  // Blocks (section 3.1.1.2): every pass consumes at least the 3-byte header.
  for (;;) {
    if (pos + 3 > end) throw zstdError(`frame at byte ${frameAt}: block header truncated at byte ${pos}`)
    const header = src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16)
    pos += 3
    const lastBlock = (header & 1) !== 0
    const type = (header >>> 1) & 3
    const size = header >>> 3
    if (type === 3) throw zstdError(`block at byte ${pos - 3}: reserved block type`)
    if (size > blockMax) throw zstdError(`block at byte ${pos - 3}: size ${size} exceeds the maximum ${blockMax}`)
    if (type === 0) {
      // Raw_Block: `size` bytes stored as they are.
      if (pos + size > end) throw zstdError(`raw block at byte ${pos - 3} truncated`)
      if (out.pos + size > frameEnd) throw zstdError(`frame at byte ${frameAt} exceeds its declared content size`)
      out.ensure(out.pos + size)
      out.buf.set(src.subarray(pos, pos + size), out.pos)
      out.pos += size
      pos += size
    } else if (type === 1) {
      // RLE_Block: one byte, repeated `size` times.
      if (pos + 1 > end) throw zstdError(`RLE block at byte ${pos - 3} truncated`)
      if (out.pos + size > frameEnd) throw zstdError(`frame at byte ${frameAt} exceeds its declared content size`)
      out.ensure(out.pos + size)
      out.buf.fill(src[pos], out.pos, out.pos + size)
      out.pos += size
      pos += 1
    } else {
      // Compressed_Block: literals section, then sequences section, together exactly `size` bytes.
      const blockEnd = pos + size
      if (blockEnd > end) throw zstdError(`compressed block at byte ${pos - 3} truncated`)
      const hardEnd = Math.min(out.pos + blockMax, frameEnd, out.limit)
      if (hardEnd > out.buf.length) out.ensure(hardEnd)
      const seqStart = decodeLiteralsSection(src, pos, blockEnd, state, blockMax)
      decodeAndExecuteSequences(src, seqStart, blockEnd, state, out, frameStart, hardEnd)
      pos = blockEnd
    }
    if (lastBlock) break
  }
  if (contentSize >= 0 && out.pos - frameStart !== contentSize) {
    throw zstdError(`frame at byte ${frameAt} holds ${out.pos - frameStart} bytes, declared ${contentSize}`)
  }
  if (hasChecksum) {
    // Content_Checksum: the low 32 bits of XXH64 of the frame's content, little-endian (section 3.1.1).
    if (pos + 4 > end) throw zstdError(`frame at byte ${frameAt}: content checksum truncated`)
    if (xxh64Low32(out.buf, frameStart, out.pos) !== u32(src, pos)) {
      throw zstdError(`frame at byte ${frameAt}: content checksum mismatch`)
    }
    pos += 4
  }
  return pos
}
