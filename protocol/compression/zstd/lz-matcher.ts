// Greedy LZ77 match finding for the encoder: one hash table of 4-byte prefixes, the latest position per bucket,
// matches of at least 4 bytes within `maxOffset`. A block's matches may reach back into earlier blocks of the same
// frame (the decoder keeps them as window), but never past the block's end.

/** The sequences and literals found in one block; arrays are reused from block to block. */
export class MatchResult {
  count = 0
  literalCount = 0
  readonly literalsLengths: Int32Array
  readonly matchLengths: Int32Array
  readonly offsets: Int32Array
  readonly literals: Uint8Array

  constructor (maxBlockSize: number) {
    // Every match is at least MIN_MATCH bytes, which bounds the number of sequences in a block.
    const maxSequences = Math.floor(maxBlockSize / MIN_MATCH) + 1
    this.literalsLengths = new Int32Array(maxSequences)
    this.matchLengths = new Int32Array(maxSequences)
    this.offsets = new Int32Array(maxSequences)
    this.literals = new Uint8Array(maxBlockSize)
  }
}

const MIN_MATCH = 4
const PRIME = 2654435761 // Knuth's multiplicative hash constant, 2^32 / golden ratio

function read32 (src: Uint8Array, i: number): number {
  return src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)
}

export class LzMatcher {
  private readonly table: Int32Array
  private readonly shift: number

  /** `hashLog` sizes the table (2^hashLog entries); small inputs get small tables. */
  constructor (hashLog: number, private readonly maxOffset: number) {
    // Entries hold position + 1, so the zero-filled table means "empty".
    this.table = new Int32Array(1 << hashLog)
    this.shift = 32 - hashLog
  }

  /** Finds the sequences covering src[start, end) into `result`. */
  findMatches (src: Uint8Array, start: number, end: number, result: MatchResult): void {
    const table = this.table
    const shift = this.shift
    const maxOffset = this.maxOffset
    const lls = result.literalsLengths
    const mls = result.matchLengths
    const offs = result.offsets
    const lits = result.literals
    let count = 0
    let litCount = 0
    let anchor = start
    let ip = start
    const searchEnd = end - MIN_MATCH
    while (ip <= searchEnd) {
      const seq = read32(src, ip)
      const h = Math.imul(seq, PRIME) >>> shift
      let candidate = table[h] - 1
      table[h] = ip + 1
      if (candidate < 0 || ip - candidate > maxOffset || read32(src, candidate) !== seq) {
        // Skip faster the longer nothing matched: incompressible data costs less time (as LZ4 does).
        ip += 1 + ((ip - anchor) >>> 6)
        continue
      }
      // Extend backward over pending literals, then forward up to the block end.
      let matchStart = ip
      while (matchStart > anchor && candidate > 0 && src[matchStart - 1] === src[candidate - 1]) {
        matchStart--
        candidate--
      }
      let p = ip + MIN_MATCH
      let q = candidate + (p - matchStart)
      while (p < end && src[p] === src[q]) { p++; q++ }
      const ll = matchStart - anchor
      for (let i = anchor; i < matchStart; i++) lits[litCount++] = src[i]
      lls[count] = ll
      mls[count] = p - matchStart
      offs[count] = matchStart - candidate
      count++
      // Index a position near the match's end too, so that the next repetition is found.
      if (p - 2 > ip && p - 2 <= searchEnd) table[Math.imul(read32(src, p - 2), PRIME) >>> shift] = p - 2 + 1
      ip = p
      anchor = p
    }
    for (let i = anchor; i < end; i++) lits[litCount++] = src[i]
    result.count = count
    result.literalCount = litCount
  }
}
