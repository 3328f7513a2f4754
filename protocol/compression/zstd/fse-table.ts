// Finite State Entropy decoding tables (RFC 8878 section 4.1). A table of 2^Accuracy_Log states; each state emits
// one symbol, then reads nbBits from the backward bitstream and adds them to nextBase to find the next state.
// The same tables decode Huffman weights and the three sequence alphabets.
import { highBit } from './sequence-codes.js'
import { zstdError } from './zstd-error.js'

export class FseTable {
  accuracyLog = 0
  readonly symbol: Uint8Array
  readonly nbBits: Uint8Array
  readonly nextBase: Uint16Array
  // For the sequence alphabets the hot loop wants the decoded value's baseline and extra-bit count, not the code:
  // copying them per state here saves a second lookup per field per sequence.
  readonly valueBase: Uint32Array
  readonly valueBits: Uint8Array

  constructor (maxAccuracyLog: number) {
    const size = 1 << maxAccuracyLog
    this.symbol = new Uint8Array(size)
    this.nbBits = new Uint8Array(size)
    this.nextBase = new Uint16Array(size)
    this.valueBase = new Uint32Array(size)
    this.valueBits = new Uint8Array(size)
  }

  /** Fills valueBase/valueBits from a code table (literals or match lengths). */
  attachValues (baseline: Uint32Array, extraBits: Uint8Array): void {
    const size = 1 << this.accuracyLog
    for (let s = 0; s < size; s++) {
      const code = this.symbol[s]
      this.valueBase[s] = baseline[code]
      this.valueBits[s] = extraBits[code]
    }
  }

  /** Offset codes: Offset_Value = 2^code + code extra bits (section 3.1.1.3.2.1.1). */
  attachOffsetValues (): void {
    const size = 1 << this.accuracyLog
    for (let s = 0; s < size; s++) {
      const code = this.symbol[s]
      this.valueBase[s] = 2 ** code
      this.valueBits[s] = code
    }
  }
}

// Scratch for one table build at a time; decoding is synchronous, so sharing it is safe.
const normScratch = new Int16Array(256)
const nextScratch = new Uint16Array(256)

/** Builds `table` from a normalized distribution (section 4.1.1: spreading, then per-state bits and baselines). */
export function buildFseTable (norm: Int16Array, symbolCount: number, accuracyLog: number, table: FseTable): void {
  const size = 1 << accuracyLog
  const { symbol, nbBits, nextBase } = table
  table.accuracyLog = accuracyLog
  // "Less than 1" symbols take one state each, from the top of the table down.
  let high = size - 1
  for (let s = 0; s < symbolCount; s++) {
    if (norm[s] === -1) {
      symbol[high--] = s
      nextScratch[s] = 1
    } else {
      nextScratch[s] = norm[s]
    }
  }
  // The others are spread with a fixed odd step, skipping the states taken above.
  const step = (size >>> 1) + (size >>> 3) + 3
  const mask = size - 1
  let position = 0
  for (let s = 0; s < symbolCount; s++) {
    const count = norm[s]
    for (let i = 0; i < count; i++) {
      symbol[position] = s
      do position = (position + step) & mask
      while (position > high)
    }
  }
  if (position !== 0) throw zstdError('FSE table: distribution does not fill the table')
  for (let u = 0; u < size; u++) {
    const next = nextScratch[symbol[u]]++
    const bits = accuracyLog - highBit(next)
    nbBits[u] = bits
    nextBase[u] = (next << bits) - size
  }
}

/** A one-state table that always emits `sym` and reads nothing: RLE_Mode (section 3.1.1.3.2.1). */
export function buildRleTable (sym: number, table: FseTable): void {
  table.accuracyLog = 0
  table.symbol[0] = sym
  table.nbBits[0] = 0
  table.nextBase[0] = 0
}

/**
 * Reads an FSE_Table_Description at src[pos, end) and builds `table` from it (section 4.1.1). Returns the position
 * after the description. Symbols above maxSymbol or an Accuracy_Log above maxAccuracyLog are corruption.
 */
export function readFseTable (
  src: Uint8Array, pos: number, end: number, maxSymbol: number, maxAccuracyLog: number, table: FseTable, what: string
): number {
  const availableBits = (end - pos) * 8
  if (availableBits < 8) throw zstdError(`${what}: FSE table description truncated`)
  // Little-endian bit reading from the front; the peeks may run past `end` (zeros) but consumption is checked.
  let bitPos = 0
  const peek = (n: number): number => {
    const i = pos + (bitPos >>> 3)
    const v = (i < end ? src[i] : 0) | (i + 1 < end ? src[i + 1] << 8 : 0) | (i + 2 < end ? src[i + 2] << 16 : 0)
    return (v >>> (bitPos & 7)) & ((1 << n) - 1)
  }
  const accuracyLog = peek(4) + 5
  bitPos = 4
  if (accuracyLog > maxAccuracyLog) {
    throw zstdError(`${what}: FSE accuracy log ${accuracyLog} above the maximum ${maxAccuracyLog}`)
  }
  const norm = normScratch
  let remaining = (1 << accuracyLog) + 1
  let threshold = 1 << accuracyLog
  let nbBits = accuracyLog + 1
  let sym = 0
  while (remaining > 1) {
    if (sym > maxSymbol) throw zstdError(`${what}: FSE distribution has more than ${maxSymbol + 1} symbols`)
    // A value needs nbBits-1 bits if it is small enough, else nbBits (section 4.1.1, "variable bit width").
    const max = 2 * threshold - 1 - remaining
    const v = peek(nbBits)
    let count
    if ((v & (threshold - 1)) < max) {
      count = v & (threshold - 1)
      bitPos += nbBits - 1
    } else {
      count = v & (2 * threshold - 1)
      if (count >= threshold) count -= max
      bitPos += nbBits
    }
    count-- // stored as probability + 1, so that -1 ("less than 1") is representable
    remaining -= count < 0 ? -count : count
    if (remaining < 1) throw zstdError(`${what}: FSE distribution exceeds its table`)
    norm[sym++] = count
    if (count === 0) {
      // A zero is followed by 2-bit repeat fields, each adding 0-3 more zeros; 3 means another field follows.
      let repeat
      do {
        repeat = peek(2)
        bitPos += 2
        if (bitPos > availableBits) throw zstdError(`${what}: FSE table description truncated`)
        if (sym + repeat > maxSymbol + 1) throw zstdError(`${what}: FSE zero run past the last symbol`)
        for (let k = 0; k < repeat; k++) norm[sym++] = 0
      } while (repeat === 3)
    }
    while (remaining < threshold) {
      nbBits--
      threshold >>>= 1
    }
    if (bitPos > availableBits) throw zstdError(`${what}: FSE table description truncated`)
  }
  if (remaining !== 1) throw zstdError(`${what}: FSE distribution does not sum to its table size`)
  buildFseTable(norm, sym, accuracyLog, table)
  return pos + ((bitPos + 7) >>> 3)
}
