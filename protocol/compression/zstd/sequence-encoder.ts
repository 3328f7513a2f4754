// Writes the sequences section of a compressed block (RFC 8878 section 3.1.1.3.2) with the Predefined_Mode tables
// for all three alphabets, so no table description is sent. The bitstream is written forward in exactly the
// reverse of the order the decoder reads it (sequences-section.ts): last sequence first, each sequence's state
// transitions before its extra bits, initial states last, then the end marker.
import { LL_PREDEFINED, ML_PREDEFINED, OF_PREDEFINED } from './decoder-state.js'
import type { FseTable } from './fse-table.js'
import { LL_BASELINE, LL_EXTRA_BITS, ML_BASELINE, ML_EXTRA_BITS, highBit } from './sequence-codes.js'

/**
 * The encoder's view of an FSE table. The decoder moves from state X to nextBase[X] + (nbBits[X] bits); for each
 * symbol, those ranges over its states partition [0, 2^accuracyLog). So going backward, given the state that
 * must come next and the symbol to emit now, exactly one state fits: stateFor[symbol * size + nextState].
 */
class FseEncoder {
  readonly size: number
  readonly stateFor: Uint16Array

  constructor (readonly table: FseTable, symbolCount: number) {
    this.size = 1 << table.accuracyLog
    this.stateFor = new Uint16Array(symbolCount * this.size)
    for (let state = 0; state < this.size; state++) {
      const from = table.nextBase[state]
      const to = from + (1 << table.nbBits[state])
      this.stateFor.fill(state, table.symbol[state] * this.size + from, table.symbol[state] * this.size + to)
    }
  }
}

const LL_ENCODER = new FseEncoder(LL_PREDEFINED, LL_BASELINE.length)
const ML_ENCODER = new FseEncoder(ML_PREDEFINED, ML_BASELINE.length)
const OF_ENCODER = new FseEncoder(OF_PREDEFINED, 32)

// Value -> code for the small values; larger ones follow the power-of-two pattern of the tables' tails.
const LL_CODE_SMALL = codeTable(LL_BASELINE, LL_EXTRA_BITS, 0, 64)
const ML_CODE_SMALL = codeTable(ML_BASELINE, ML_EXTRA_BITS, 3, 128)

function codeTable (baseline: Uint32Array, extraBits: Uint8Array, bias: number, size: number): Uint8Array {
  const table = new Uint8Array(size)
  for (let code = 0; code < baseline.length; code++) {
    const from = baseline[code] - bias
    const to = Math.min(size, from + 2 ** extraBits[code])
    if (from < size) table.fill(code, from, to)
  }
  return table
}

function literalsLengthCode (ll: number): number {
  return ll < 64 ? LL_CODE_SMALL[ll] : highBit(ll) + 19
}

function matchLengthCode (ml: number): number {
  const base = ml - 3
  return base < 128 ? ML_CODE_SMALL[base] : highBit(base) + 36
}

/** A little-endian bit writer: bits fill each byte from its least significant end. */
class BitWriter {
  acc = 0
  accBits = 0
  constructor (readonly out: Uint8Array, public pos: number) {}

  /** Appends the low n <= 24 bits of value. */
  write (value: number, n: number): void {
    this.acc |= value << this.accBits
    this.accBits += n
    while (this.accBits >= 8) {
      this.out[this.pos++] = this.acc & 0xff
      this.acc >>>= 8
      this.accBits -= 8
    }
  }

  /** Appends the end marker (a 1 bit) and pads the last byte with zeros; returns the end position. */
  close (): number {
    this.write(1, 1)
    if (this.accBits > 0) this.out[this.pos++] = this.acc & 0xff
    return this.pos
  }
}

// Per-sequence codes, computed once in a first pass; sized for the most sequences a block can hold.
const MAX_SEQUENCES = (128 * 1024) / 4 + 1
const llCodes = new Uint8Array(MAX_SEQUENCES)
const mlCodes = new Uint8Array(MAX_SEQUENCES)
const ofCodes = new Uint8Array(MAX_SEQUENCES)

/**
 * Writes the sequences section for `count` sequences (literals lengths, match lengths >= 3, offsets >= 1) at
 * out[pos...]; returns the end position. `out` must have room: at most 4 + 10 bytes per sequence.
 */
export function writeSequencesSection (
  out: Uint8Array, pos: number, lls: Int32Array, mls: Int32Array, offsets: Int32Array, count: number
): number {
  // Number_of_Sequences (section 3.1.1.3.2.1).
  if (count < 128) {
    out[pos++] = count
  } else if (count < 0x7f00) {
    out[pos++] = (count >>> 8) + 128
    out[pos++] = count & 0xff
  } else {
    out[pos++] = 255
    out[pos++] = (count - 0x7f00) & 0xff
    out[pos++] = (count - 0x7f00) >>> 8
  }
  if (count === 0) return pos
  out[pos++] = 0 // Symbol_Compression_Modes: Predefined_Mode for all three
  for (let i = 0; i < count; i++) {
    llCodes[i] = literalsLengthCode(lls[i])
    mlCodes[i] = matchLengthCode(mls[i])
    // New offsets are sent as Offset_Value = offset + 3; values 1-3 would name repeat offsets.
    ofCodes[i] = highBit(offsets[i] + 3)
  }
  const w = new BitWriter(out, pos)
  const llT = LL_ENCODER.table; const mlT = ML_ENCODER.table; const ofT = OF_ENCODER.table
  const last = count - 1
  // The last sequence's states may be any state of their symbols; the first one found will do.
  let llState = LL_ENCODER.stateFor[llCodes[last] * LL_ENCODER.size]
  let mlState = ML_ENCODER.stateFor[mlCodes[last] * ML_ENCODER.size]
  let ofState = OF_ENCODER.stateFor[ofCodes[last] * OF_ENCODER.size]
  writeExtraBits(w, lls[last], mls[last], offsets[last], llCodes[last], mlCodes[last], ofCodes[last])
  for (let i = last - 1; i >= 0; i--) {
    // Transitions into sequence i+1's states (decoder order: literals lengths, match lengths, offsets; so the
    // reverse here), then sequence i's extra bits.
    const of = OF_ENCODER.stateFor[ofCodes[i] * OF_ENCODER.size + ofState]
    w.write(ofState - ofT.nextBase[of], ofT.nbBits[of])
    ofState = of
    const ml = ML_ENCODER.stateFor[mlCodes[i] * ML_ENCODER.size + mlState]
    w.write(mlState - mlT.nextBase[ml], mlT.nbBits[ml])
    mlState = ml
    const ll = LL_ENCODER.stateFor[llCodes[i] * LL_ENCODER.size + llState]
    w.write(llState - llT.nextBase[ll], llT.nbBits[ll])
    llState = ll
    writeExtraBits(w, lls[i], mls[i], offsets[i], llCodes[i], mlCodes[i], ofCodes[i])
  }
  w.write(mlState, mlT.accuracyLog)
  w.write(ofState, ofT.accuracyLog)
  w.write(llState, llT.accuracyLog)
  return w.close()
}

/** A sequence's extra bits; the decoder reads offset, match length, literals length, so they go in reversed. */
function writeExtraBits (
  w: BitWriter, ll: number, ml: number, offset: number, llCode: number, mlCode: number, ofCode: number
): void {
  w.write(ll - LL_BASELINE[llCode], LL_EXTRA_BITS[llCode])
  w.write(ml - ML_BASELINE[mlCode], ML_EXTRA_BITS[mlCode])
  const extra = offset + 3 - 2 ** ofCode
  if (ofCode <= 24) {
    w.write(extra, ofCode)
  } else {
    // The decoder reads the high ofCode-16 bits first, so they are written last.
    w.write(extra & 0xffff, 16)
    w.write(Math.floor(extra / 65536), ofCode - 16)
  }
}
