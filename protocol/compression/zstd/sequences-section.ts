// The sequences section of a compressed block (RFC 8878 section 3.1.1.3.2) and its execution (section 3.1.1.4).
// Each sequence is (literals length, match length, offset): copy that many literals, then copy the match from
// `offset` bytes back. The three values are FSE-coded in one backward bitstream with interleaved states.
import type { DecoderState } from './decoder-state.js'
import { LL_PREDEFINED, ML_PREDEFINED, OF_PREDEFINED } from './decoder-state.js'
import { FseTable, buildRleTable, readFseTable } from './fse-table.js'
import type { OutputBuffer } from './output-buffer.js'
import { limitExceeded } from './output-buffer.js'
import {
  LL_BASELINE, LL_EXTRA_BITS, LL_MAX_ACCURACY_LOG, MAX_LL_CODE, MAX_ML_CODE, MAX_OF_CODE,
  ML_BASELINE, ML_EXTRA_BITS, ML_MAX_ACCURACY_LOG, OF_MAX_ACCURACY_LOG
} from './sequence-codes.js'
import { zstdError } from './zstd-error.js'

const PREDEFINED_MODE = 0
const RLE_MODE = 1
const FSE_COMPRESSED_MODE = 2

type Alphabet = 'literals lengths' | 'offsets' | 'match lengths'

/** Picks (and if needed builds) one alphabet's table per its Compression_Mode; returns the position after it. */
function selectTable (
  src: Uint8Array, pos: number, end: number, mode: number, state: DecoderState, alphabet: Alphabet
): number {
  const isLl = alphabet === 'literals lengths'
  const isOf = alphabet === 'offsets'
  const maxCode = isLl ? MAX_LL_CODE : isOf ? MAX_OF_CODE : MAX_ML_CODE
  let table: FseTable
  if (mode === PREDEFINED_MODE) {
    table = isLl ? LL_PREDEFINED : isOf ? OF_PREDEFINED : ML_PREDEFINED
  } else if (mode === RLE_MODE) {
    if (pos >= end) throw zstdError(`${alphabet}: RLE symbol missing`)
    const code = src[pos++]
    if (code > maxCode) throw zstdError(`${alphabet}: code ${code} above ${maxCode}`)
    table = isLl ? state.llRle : isOf ? state.ofRle : state.mlRle
    buildRleTable(code, table)
    attach(table, alphabet)
  } else if (mode === FSE_COMPRESSED_MODE) {
    table = isLl ? state.llFse : isOf ? state.ofFse : state.mlFse
    const maxLog = isLl ? LL_MAX_ACCURACY_LOG : isOf ? OF_MAX_ACCURACY_LOG : ML_MAX_ACCURACY_LOG
    pos = readFseTable(src, pos, end, maxCode, maxLog, table, alphabet)
    attach(table, alphabet)
  } else {
    // Repeat_Mode: the table of the previous compressed block in this frame.
    const previous = isLl ? state.llTable : isOf ? state.ofTable : state.mlTable
    if (previous === null) throw zstdError(`${alphabet}: Repeat_Mode without a previous table`)
    table = previous
  }
  if (isLl) state.llTable = table
  else if (isOf) state.ofTable = table
  else state.mlTable = table
  return pos
}

function attach (table: FseTable, alphabet: Alphabet): void {
  if (alphabet === 'literals lengths') table.attachValues(LL_BASELINE, LL_EXTRA_BITS)
  else if (alphabet === 'match lengths') table.attachValues(ML_BASELINE, ML_EXTRA_BITS)
  else table.attachOffsetValues()
}

/** Names what a write past `hardEnd` broke: the output limit, the declared content size, or the block size. */
function overrun (out: OutputBuffer, hardEnd: number, wantedEnd: number): Error {
  if (hardEnd === out.limit && wantedEnd > out.limit) return limitExceeded(out.limit)
  return zstdError('block decodes to more bytes than its frame or block size allows')
}

/** Copies src[from, from + n) to out[to...]; short runs byte by byte, where a typed-array call costs more. */
function copyBytes (src: Uint8Array, from: number, out: Uint8Array, to: number, n: number): void {
  if (n < 32) {
    for (let i = 0; i < n; i++) out[to + i] = src[from + i]
  } else {
    out.set(src.subarray(from, from + n), to)
  }
}

/**
 * Decodes the sequences section at src[pos, end) and executes it against state's literals, writing to out from
 * out.pos up to at most hardEnd (out.buf already holds hardEnd bytes). `frameStart` is where this frame's output
 * begins: without dictionaries no offset may reach before it.
 */
export function decodeAndExecuteSequences (
  src: Uint8Array, pos: number, end: number, state: DecoderState, out: OutputBuffer, frameStart: number,
  hardEnd: number
): void {
  if (pos >= end) throw zstdError('sequences section missing')
  // Number_of_Sequences: 1-3 bytes (section 3.1.1.3.2.1).
  let nbSeq = src[pos++]
  if (nbSeq >= 128) {
    if (nbSeq < 255) {
      if (pos >= end) throw zstdError('sequence count truncated')
      nbSeq = ((nbSeq - 128) << 8) + src[pos++]
    } else {
      if (pos + 2 > end) throw zstdError('sequence count truncated')
      nbSeq = src[pos] + (src[pos + 1] << 8) + 0x7f00
      pos += 2
    }
  }
  const lits = state.literals
  let litPos = state.literalsStart
  const litEnd = state.literalsEnd
  const buf = out.buf
  let op = out.pos
  if (nbSeq > 0) {
    if (pos >= end) throw zstdError('symbol compression modes missing')
    const modes = src[pos++]
    if ((modes & 3) !== 0) throw zstdError('reserved bits set in symbol compression modes')
    pos = selectTable(src, pos, end, modes >>> 6, state, 'literals lengths')
    pos = selectTable(src, pos, end, (modes >>> 4) & 3, state, 'offsets')
    pos = selectTable(src, pos, end, (modes >>> 2) & 3, state, 'match lengths')
    const ll = state.llTable as FseTable
    const of = state.ofTable as FseTable
    const ml = state.mlTable as FseTable
    const llNbBits = ll.nbBits; const llNext = ll.nextBase; const llVBase = ll.valueBase; const llVBits = ll.valueBits
    const ofNbBits = of.nbBits; const ofNext = of.nextBase; const ofVBase = of.valueBase; const ofVBits = of.valueBits
    const mlNbBits = ml.nbBits; const mlNext = ml.nextBase; const mlVBase = ml.valueBase; const mlVBits = ml.valueBits

    // The backward bit reader, inlined as locals (see backward-bit-reader.ts for the same logic, commented).
    if (pos >= end) throw zstdError('sequences bitstream empty')
    const start = pos
    const last = src[end - 1]
    if (last === 0) throw zstdError('sequences bitstream has no end marker')
    let count = 31 - Math.clz32(last)
    let bits = last & ((1 << count) - 1)
    let next = end - 1
    while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }

    // Initial states: literals lengths, offsets, match lengths, in that order (section 3.1.1.3.2.1).
    count -= ll.accuracyLog
    let llState = (bits >>> count) & ((1 << ll.accuracyLog) - 1)
    while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
    count -= of.accuracyLog
    let ofState = (bits >>> count) & ((1 << of.accuracyLog) - 1)
    while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
    count -= ml.accuracyLog
    let mlState = (bits >>> count) & ((1 << ml.accuracyLog) - 1)
    if (count < 0) throw zstdError('sequences bitstream overread')

    let rep1 = state.rep1
    let rep2 = state.rep2
    let rep3 = state.rep3
    for (let i = 0; i < nbSeq; i++) {
      // Values: offset first, then match length, then literals length (section 4.1.2).
      while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
      const ofBits = ofVBits[ofState]
      let ofValue: number
      if (ofBits <= 24) {
        count -= ofBits
        ofValue = ofVBase[ofState] + ((bits >>> count) & ((1 << ofBits) - 1))
      } else {
        // Codes 25-31 carry more extra bits than one refill guarantees: read the high part, refill, then 16 more.
        const highBits = ofBits - 16
        count -= highBits
        const high = (bits >>> count) & ((1 << highBits) - 1)
        while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
        count -= 16
        ofValue = ofVBase[ofState] + high * 65536 + ((bits >>> count) & 0xffff)
      }
      while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
      const mlBits = mlVBits[mlState]
      count -= mlBits
      const matchLength = mlVBase[mlState] + ((bits >>> count) & ((1 << mlBits) - 1))
      while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
      const llBits = llVBits[llState]
      count -= llBits
      const literalsLength = llVBase[llState] + ((bits >>> count) & ((1 << llBits) - 1))

      // States update in the order literals lengths, match lengths, offsets, except after the last sequence.
      if (i + 1 < nbSeq) {
        while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
        let n = llNbBits[llState]
        count -= n
        llState = llNext[llState] + ((bits >>> count) & ((1 << n) - 1))
        n = mlNbBits[mlState]
        count -= n
        mlState = mlNext[mlState] + ((bits >>> count) & ((1 << n) - 1))
        while (count <= 24 && next > start) { bits = (bits << 8) | src[--next]; count += 8 }
        n = ofNbBits[ofState]
        count -= n
        ofState = ofNext[ofState] + ((bits >>> count) & ((1 << n) - 1))
      }
      // Reading past the start of the stream is corruption; checked before any value is used.
      if (count < 0) throw zstdError('sequences bitstream overread')

      // Repeat offsets (section 3.1.1.5): Offset_Value 1-3 names a recent offset, shifted by one when the
      // literals length is 0; index 3 then means "most recent minus one".
      let offset: number
      if (ofValue > 3) {
        offset = ofValue - 3
        rep3 = rep2
        rep2 = rep1
        rep1 = offset
      } else {
        const index = literalsLength === 0 ? ofValue : ofValue - 1
        if (index === 0) {
          offset = rep1
        } else {
          offset = index === 1 ? rep2 : index === 2 ? rep3 : rep1 - 1
          if (index !== 1) rep3 = rep2
          rep2 = rep1
          rep1 = offset
        }
      }

      // Execution (section 3.1.1.4).
      if (litPos + literalsLength > litEnd) throw zstdError('sequence uses more literals than the block has')
      const seqEnd = op + literalsLength + matchLength
      if (seqEnd > hardEnd) throw overrun(out, hardEnd, seqEnd)
      copyBytes(lits, litPos, buf, op, literalsLength)
      litPos += literalsLength
      op += literalsLength
      if (offset > op - frameStart || offset < 1) throw zstdError(`match offset ${offset} reaches before the frame`)
      const from = op - offset
      if (offset >= matchLength) {
        if (matchLength < 32) {
          for (let k = 0; k < matchLength; k++) buf[op + k] = buf[from + k]
        } else {
          buf.copyWithin(op, from, from + matchLength)
        }
      } else if (offset === 1) {
        buf.fill(buf[from], op, seqEnd)
      } else if (matchLength < 64) {
        // Overlapping: the match repeats its own output; byte order matters.
        for (let k = 0; k < matchLength; k++) buf[op + k] = buf[from + k]
      } else {
        // Long overlapping match: the copied region is periodic, so each copy may take twice as much as the last.
        let done = 0
        while (done < matchLength) {
          const n = Math.min(matchLength - done, offset + done)
          buf.copyWithin(op + done, from, from + n)
          done += n
        }
      }
      op = seqEnd
    }
    if (count !== 0 || next !== start) throw zstdError('sequences bitstream not consumed exactly')
    state.rep1 = rep1
    state.rep2 = rep2
    state.rep3 = rep3
  }
  // The literals after the last sequence.
  const rest = litEnd - litPos
  if (op + rest > hardEnd) throw overrun(out, hardEnd, op + rest)
  copyBytes(lits, litPos, buf, op, rest)
  out.pos = op + rest
}
