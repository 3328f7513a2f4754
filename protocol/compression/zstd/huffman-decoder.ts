// Huffman-coded literals (RFC 8878 section 4.2): the tree is sent as one weight per symbol, either as 4-bit
// nibbles or FSE-compressed; weight w means a code of Max_Number_of_Bits + 1 - w bits, and the last symbol's weight
// is implied by the others (the 2^(w-1) sums must reach a power of two). Decoding peeks Max_Number_of_Bits bits
// and looks them up in a table of 2^Max_Number_of_Bits entries.
import { BackwardBitReader } from './backward-bit-reader.js'
import { FseTable, readFseTable } from './fse-table.js'
import { zstdError } from './zstd-error.js'

/** Longest Huffman code zstd allows (section 4.2.1). */
const MAX_BITS = 11

export class HuffmanTable {
  maxBits = 0
  /** Indexed by the next maxBits bits of the stream: (symbol << 4) | code length. */
  readonly entries = new Uint16Array(1 << MAX_BITS)
}

const weights = new Uint8Array(256)
const weightTable = new FseTable(6)
const weightReader = new BackwardBitReader()
const rankCount = new Uint32Array(MAX_BITS + 2)
const rankNext = new Uint32Array(MAX_BITS + 2)

/** Reads a Huffman_Tree_Description at src[pos, end) into `table`; returns the position after it. */
export function readHuffmanTable (src: Uint8Array, pos: number, end: number, table: HuffmanTable): number {
  if (pos >= end) throw zstdError('Huffman tree description truncated')
  const header = src[pos++]
  let count: number
  if (header < 128) {
    // FSE-compressed weights: `header` bytes holding a table (max accuracy log 6) and a backward bitstream with
    // two interleaved states (section 4.2.1.2).
    const streamEnd = pos + header
    if (header === 0 || streamEnd > end) throw zstdError('Huffman weights truncated')
    const streamStart = readFseTable(src, pos, streamEnd, 255, 6, weightTable, 'Huffman weights')
    const r = weightReader.reset(src, streamStart, streamEnd, 'Huffman weights')
    const al = weightTable.accuracyLog
    const { symbol, nbBits, nextBase } = weightTable
    let s1 = r.read(al)
    let s2 = r.read(al)
    count = 0
    // Each pass emits at most two weights; the 255 cap bounds the loop whatever the input.
    for (;;) {
      if (count > 253) throw zstdError('Huffman weights: more than 255 weights')
      weights[count++] = symbol[s1]
      s1 = nextBase[s1] + r.read(nbBits[s1])
      if (r.overflowed()) { weights[count++] = symbol[s2]; break }
      weights[count++] = symbol[s2]
      s2 = nextBase[s2] + r.read(nbBits[s2])
      if (r.overflowed()) { weights[count++] = symbol[s1]; break }
    }
    if (count > 255) throw zstdError('Huffman weights: more than 255 weights')
    pos = streamEnd
  } else {
    // Direct representation: header - 127 weights, two per byte, high nibble first.
    count = header - 127
    const bytes = (count + 1) >>> 1
    if (pos + bytes > end) throw zstdError('Huffman weights truncated')
    for (let i = 0; i < count; i += 2) {
      const b = src[pos + (i >>> 1)]
      weights[i] = b >>> 4
      weights[i + 1] = b & 15
    }
    pos += bytes
  }
  buildHuffmanTable(count, table)
  return pos
}

function buildHuffmanTable (count: number, table: HuffmanTable): void {
  rankCount.fill(0)
  let total = 0
  for (let s = 0; s < count; s++) {
    const w = weights[s]
    if (w > MAX_BITS) throw zstdError(`Huffman weight ${w} above ${MAX_BITS}`)
    rankCount[w]++
    if (w > 0) total += 1 << (w - 1)
  }
  if (total === 0) throw zstdError('Huffman tree has no symbols')
  // The implied last weight tops the total up to the next power of two, which must itself be a power of two away.
  const maxBits = 32 - Math.clz32(total)
  if (maxBits > MAX_BITS) throw zstdError(`Huffman codes longer than ${MAX_BITS} bits`)
  const rest = (1 << maxBits) - total
  if ((rest & (rest - 1)) !== 0) throw zstdError('Huffman weights do not form a complete tree')
  const lastWeight = 32 - Math.clz32(rest)
  weights[count] = lastWeight
  rankCount[lastWeight]++
  const symbols = count + 1
  // Codes are assigned by increasing weight (longest codes first), then by symbol: each weight's entries start
  // where the lighter weights' end.
  let start = 0
  for (let w = 1; w <= maxBits; w++) {
    rankNext[w] = start
    start += rankCount[w] << (w - 1)
  }
  const entries = table.entries
  for (let s = 0; s < symbols; s++) {
    const w = weights[s]
    if (w === 0) continue
    const span = 1 << (w - 1)
    const from = rankNext[w]
    rankNext[w] = from + span
    entries.fill((s << 4) | (maxBits + 1 - w), from, from + span)
  }
  table.maxBits = maxBits
}

/**
 * Decodes exactly `n` literals from the backward bitstream src[start, end) into out[outPos...]. The stream must be
 * consumed exactly (section 4.2.2). The loop runs n times whatever the bits say, so it cannot hang.
 */
export function decodeHuffmanStream (
  src: Uint8Array, start: number, end: number, table: HuffmanTable, out: Uint8Array, outPos: number, n: number
): void {
  if (end <= start) throw zstdError('Huffman stream empty')
  const lastByte = src[end - 1]
  if (lastByte === 0) throw zstdError('Huffman stream has no end marker')
  const entries = table.entries
  const maxBits = table.maxBits
  const mask = (1 << maxBits) - 1
  let count = 31 - Math.clz32(lastByte)
  let bits = lastByte & ((1 << count) - 1)
  let next = end - 1
  const outEnd = outPos + n
  let o = outPos
  // Fast part: while 4+ bytes remain, a refill to 25+ bits serves two symbols (2 x 11 bits) without bounds checks.
  const fastEnd = outEnd - 1
  while (o < fastEnd && next - start >= 4) {
    while (count <= 24) {
      bits = (bits << 8) | src[--next]
      count += 8
    }
    let e = entries[(bits >>> (count - maxBits)) & mask]
    out[o++] = e >>> 4
    count -= e & 15
    e = entries[(bits >>> (count - maxBits)) & mask]
    out[o++] = e >>> 4
    count -= e & 15
  }
  while (o < outEnd) {
    while (count <= 24 && next > start) {
      bits = (bits << 8) | src[--next]
      count += 8
    }
    const shift = count - maxBits
    const e = entries[(shift >= 0 ? bits >>> shift : shift > -32 ? bits << -shift : 0) & mask]
    out[o++] = e >>> 4
    count -= e & 15
  }
  if (count !== 0 || next !== start) throw zstdError('Huffman stream not consumed exactly')
}
