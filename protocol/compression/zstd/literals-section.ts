// The literals section of a compressed block (RFC 8878 section 3.1.1.3.1): bytes not covered by matches, sent raw,
// as one repeated byte (RLE), or Huffman-coded in one or four streams, with a new tree or the previous one
// ("Treeless").
import type { DecoderState } from './decoder-state.js'
import { decodeHuffmanStream, readHuffmanTable } from './huffman-decoder.js'
import { zstdError } from './zstd-error.js'

const RAW = 0
const RLE = 1
const COMPRESSED = 2

/**
 * Decodes the literals section at src[pos, end) into state.literals; returns the position after it. `maxSize` is
 * the block's maximum size: no block holds more literals than that.
 */
export function decodeLiteralsSection (
  src: Uint8Array, pos: number, end: number, state: DecoderState, maxSize: number
): number {
  if (pos >= end) throw zstdError('literals section missing')
  const b0 = src[pos]
  const type = b0 & 3
  if (type === RAW || type === RLE) {
    // Size_Format: bit 2 clear -> 1-byte header, 5-bit size; 01 -> 2 bytes, 12 bits; 11 -> 3 bytes, 20 bits.
    let size: number
    let header: number
    if ((b0 & 4) === 0) {
      size = b0 >>> 3
      header = 1
    } else if ((b0 & 8) === 0) {
      if (pos + 2 > end) throw zstdError('literals header truncated')
      size = (b0 >>> 4) | (src[pos + 1] << 4)
      header = 2
    } else {
      if (pos + 3 > end) throw zstdError('literals header truncated')
      size = (b0 >>> 4) | (src[pos + 1] << 4) | (src[pos + 2] << 12)
      header = 3
    }
    if (size > maxSize) throw zstdError(`literals section of ${size} bytes exceeds the block size ${maxSize}`)
    pos += header
    if (type === RAW) {
      if (pos + size > end) throw zstdError('raw literals truncated')
      // A view of the input: raw literals are copied once, straight into the output.
      state.literals = src
      state.literalsStart = pos
      state.literalsEnd = pos + size
      return pos + size
    }
    if (pos + 1 > end) throw zstdError('RLE literals truncated')
    state.litBuffer.fill(src[pos], 0, size)
    state.literals = state.litBuffer
    state.literalsStart = 0
    state.literalsEnd = size
    return pos + 1
  }
  // Compressed or Treeless. Size_Format 00: one stream, 00/01: 3-byte header with 10-bit sizes, 10: 4 bytes and
  // 14 bits, 11: 5 bytes and 18 bits; the regenerated size comes first, from bit 4.
  const sizeFormat = (b0 >>> 2) & 3
  const header = sizeFormat < 2 ? 3 : sizeFormat + 2
  if (pos + header > end) throw zstdError('literals header truncated')
  let regenerated: number
  let compressed: number
  if (sizeFormat < 2) {
    const v = b0 | (src[pos + 1] << 8) | (src[pos + 2] << 16)
    regenerated = (v >>> 4) & 0x3ff
    compressed = (v >>> 14) & 0x3ff
  } else if (sizeFormat === 2) {
    const v = (b0 | (src[pos + 1] << 8) | (src[pos + 2] << 16) | (src[pos + 3] << 24)) >>> 0
    regenerated = (v >>> 4) & 0x3fff
    compressed = (v >>> 18) & 0x3fff
  } else {
    regenerated = (b0 >>> 4) | (src[pos + 1] << 4) | ((src[pos + 2] & 0x3f) << 12)
    compressed = (src[pos + 2] >>> 6) | (src[pos + 3] << 2) | (src[pos + 4] << 10)
  }
  if (regenerated > maxSize) {
    throw zstdError(`literals section of ${regenerated} bytes exceeds the block size ${maxSize}`)
  }
  pos += header
  const sectionEnd = pos + compressed
  if (sectionEnd > end) throw zstdError('compressed literals truncated')
  if (type === COMPRESSED) {
    pos = readHuffmanTable(src, pos, sectionEnd, state.huffman)
    state.hasHuffman = true
  } else if (!state.hasHuffman) {
    throw zstdError('treeless literals without a previous Huffman table')
  }
  const out = state.litBuffer
  if (sizeFormat === 0) {
    decodeHuffmanStream(src, pos, sectionEnd, state.huffman, out, 0, regenerated)
  } else {
    // Four streams behind a jump table of three 2-byte sizes; the fourth takes the rest (section 3.1.1.3.1.6).
    if (pos + 6 > sectionEnd) throw zstdError('literals jump table truncated')
    const s1 = src[pos] | (src[pos + 1] << 8)
    const s2 = src[pos + 2] | (src[pos + 3] << 8)
    const s3 = src[pos + 4] | (src[pos + 5] << 8)
    const start1 = pos + 6
    const start2 = start1 + s1
    const start3 = start2 + s2
    const start4 = start3 + s3
    if (start4 >= sectionEnd) throw zstdError('literals jump table points past the section')
    const segment = (regenerated + 3) >>> 2
    const lastSegment = regenerated - 3 * segment
    if (lastSegment < 0) throw zstdError(`4-stream literals section too small (${regenerated} bytes)`)
    const table = state.huffman
    decodeHuffmanStream(src, start1, start2, table, out, 0, segment)
    decodeHuffmanStream(src, start2, start3, table, out, segment, segment)
    decodeHuffmanStream(src, start3, start4, table, out, 2 * segment, segment)
    decodeHuffmanStream(src, start4, sectionEnd, table, out, 3 * segment, lastSegment)
  }
  state.literals = out
  state.literalsStart = 0
  state.literalsEnd = regenerated
  return sectionEnd
}
