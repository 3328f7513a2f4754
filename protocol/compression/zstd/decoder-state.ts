// What a zstd decoder carries from one block to the next inside a frame (RFC 8878 section 3.1.1.3): the last
// Huffman table (for Treeless literals), the last FSE table per sequence alphabet (for Repeat_Mode), the three
// repeat offsets (section 3.1.1.5), and the literals of the block being decoded.
import { FseTable, buildFseTable } from './fse-table.js'
import { HuffmanTable } from './huffman-decoder.js'
import {
  LL_BASELINE, LL_DEFAULT_ACCURACY_LOG, LL_DEFAULT_DISTRIBUTION, LL_EXTRA_BITS, LL_MAX_ACCURACY_LOG,
  ML_BASELINE, ML_DEFAULT_ACCURACY_LOG, ML_DEFAULT_DISTRIBUTION, ML_EXTRA_BITS, ML_MAX_ACCURACY_LOG,
  OF_DEFAULT_ACCURACY_LOG, OF_DEFAULT_DISTRIBUTION, OF_MAX_ACCURACY_LOG
} from './sequence-codes.js'

/** The largest block content, and so the largest literals section (section 3.1.1.2.4). */
export const MAX_BLOCK_SIZE = 128 * 1024

function predefined (distribution: Int16Array, accuracyLog: number): FseTable {
  const table = new FseTable(accuracyLog)
  buildFseTable(distribution, distribution.length, accuracyLog, table)
  return table
}

// Predefined_Mode tables are the same for every frame: built once.
export const LL_PREDEFINED: FseTable = predefined(LL_DEFAULT_DISTRIBUTION, LL_DEFAULT_ACCURACY_LOG)
LL_PREDEFINED.attachValues(LL_BASELINE, LL_EXTRA_BITS)
export const ML_PREDEFINED: FseTable = predefined(ML_DEFAULT_DISTRIBUTION, ML_DEFAULT_ACCURACY_LOG)
ML_PREDEFINED.attachValues(ML_BASELINE, ML_EXTRA_BITS)
export const OF_PREDEFINED: FseTable = predefined(OF_DEFAULT_DISTRIBUTION, OF_DEFAULT_ACCURACY_LOG)
OF_PREDEFINED.attachOffsetValues()

export class DecoderState {
  readonly huffman = new HuffmanTable()
  hasHuffman = false
  // The table each alphabet used last (null before the first compressed block), and the storage that the
  // FSE_Compressed and RLE modes build into.
  llTable: FseTable | null = null
  ofTable: FseTable | null = null
  mlTable: FseTable | null = null
  readonly llFse = new FseTable(LL_MAX_ACCURACY_LOG)
  readonly ofFse = new FseTable(OF_MAX_ACCURACY_LOG)
  readonly mlFse = new FseTable(ML_MAX_ACCURACY_LOG)
  readonly llRle = new FseTable(0)
  readonly ofRle = new FseTable(0)
  readonly mlRle = new FseTable(0)
  rep1 = 1
  rep2 = 4
  rep3 = 8
  /** The current block's literals are literals[literalsStart, literalsEnd): a view of the input or of litBuffer. */
  literals: Uint8Array
  literalsStart = 0
  literalsEnd = 0
  readonly litBuffer = new Uint8Array(MAX_BLOCK_SIZE)

  constructor () {
    this.literals = this.litBuffer
  }

  /** A new frame starts from nothing: no tables to repeat, repeat offsets 1, 4, 8 (section 3.1.1.5). */
  resetForFrame (): void {
    this.hasHuffman = false
    this.llTable = null
    this.ofTable = null
    this.mlTable = null
    this.rep1 = 1
    this.rep2 = 4
    this.rep3 = 8
  }
}
