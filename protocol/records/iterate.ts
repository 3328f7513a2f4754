// Iterating the records of a records blob (a Fetch response partition, a Produce request, a log segment) across
// all its batches and formats. This is the consumer's hot path, so the iterator is a hand-written class rather than
// a generator, keeps one Reader per batch, and allocates one object per record (see lazy-record.ts); batches the
// reader does not want (entirely before fromOffset, aborted, control) are skipped from their headers without
// checking their CRC or decompressing them.
import { decompress } from '../compression/codec.js'
import { Reader } from '../reader.js'
import { AbortedTransactions } from './aborted-transactions.js'
import { asCorrupt, corrupt } from './corrupt.js'
import { readRecord, V2BatchContext, type V2Record } from './lazy-record.js'
import { type LegacyRecord, legacyCodec, parseMessage, unwrapMessages } from './message-set.js'
import { CONTROL_ABORT, MIN_RECORD_BYTES, readRecordBatchInfo, recordBatchCrcMatches, V2_HEADER_BYTES, V2_MAGIC } from './record-batch.js'
import { batchEnd, crcMismatch, TRUNCATED } from './scan.js'
import type { BatchInfo, IterateOptions, KafkaRecord, RecordSource } from './types.js'

const DONE: IteratorResult<KafkaRecord> = Object.freeze({ value: undefined, done: true })

export class RecordIterator implements IterableIterator<KafkaRecord> {
  private pos = 0
  private readonly src: RecordSource
  private readonly fromOffset: bigint | undefined
  private readonly verifyCrc: boolean
  private readonly includeControl: boolean
  private readonly transactions: AbortedTransactions | undefined
  private readonly maxDecompressedBytes: number | undefined
  /** Base offset of the batch being read, for error messages. */
  private batchOffset: bigint | undefined = undefined
  // The magic-2 batch being read.
  private reader: Reader | undefined = undefined
  private batch: V2BatchContext | undefined = undefined
  private left = 0
  private minOffsetDelta = 0
  // Legacy messages waiting to be yielded (a wrapper's inner messages, or one plain message).
  private pending: LegacyRecord[] | undefined = undefined
  private pendingIndex = 0
  // With reuseRecord: the record and the iterator result handed out each time (made on first use).
  private readonly reuseRecord: boolean
  private reused: V2Record | undefined = undefined
  private result: { value: KafkaRecord, done: false } | undefined = undefined

  constructor (private readonly blob: Buffer, opts: IterateOptions = {}) {
    this.src = { topic: opts.topic, partition: opts.partition }
    this.fromOffset = opts.fromOffset
    this.verifyCrc = opts.verifyCrc !== false
    this.includeControl = opts.includeControl === true
    this.transactions = opts.isolation === 'read_committed' ? new AbortedTransactions(opts.abortedTransactions ?? []) : undefined
    this.maxDecompressedBytes = opts.maxDecompressedBytes
    this.reuseRecord = opts.reuseRecord === true
  }

  [Symbol.iterator] (): this { return this }

  next (): IteratorResult<KafkaRecord> {
    try {
      for (;;) {
        if (this.left > 0) {
          const r = this.reader as Reader
          this.left--
          const record = readRecord(r, this.batch as V2BatchContext, this.minOffsetDelta, this.reused)
          if (this.left === 0 && r.offset !== r.end) r.fail(`${r.end - r.offset} bytes left over after the batch's last record`)
          if (record !== null) {
            if (!this.reuseRecord) return { value: record, done: false }
            this.reused = record
            const result = (this.result ??= { value: record, done: false })
            result.value = record
            return result
          }
        } else if (this.pending !== undefined) {
          const p = this.pending
          if (this.pendingIndex < p.length) {
            const msg = p[this.pendingIndex++]
            if (this.fromOffset === undefined || msg.offset >= this.fromOffset) return { value: msg, done: false }
          } else {
            this.pending = undefined
          }
        } else if (!this.openNextBatch()) {
          return DONE
        }
      }
    } catch (err) {
      // A broken batch ends the iteration: what follows it cannot be trusted to be framed correctly.
      this.pos = this.blob.length
      this.left = 0
      this.pending = undefined
      throw asCorrupt(err, this.src, this.batchOffset)
    }
  }

  /** Moves to the next batch with records to yield; false at the end of the blob or at a truncated last batch. */
  private openNextBatch (): boolean {
    const blob = this.blob
    while (this.pos < blob.length) {
      const start = this.pos
      const end = batchEnd(blob, start, this.src)
      if (end === TRUNCATED) {
        this.pos = blob.length
        return false
      }
      this.pos = end
      this.batchOffset = blob.readBigInt64BE(start)
      const magic = blob.readInt8(start + V2_MAGIC)
      if (magic === 2) {
        if (this.openRecordBatch(start, end)) return true
      } else if (magic === 0 || magic === 1) {
        if (this.openMessage(start, end)) return true
      } else {
        throw corrupt(this.src, this.batchOffset, `unknown magic ${magic}`)
      }
    }
    return false
  }

  private openRecordBatch (start: number, end: number): boolean {
    const info = readRecordBatchInfo(this.blob, start, end, this.src)
    const txn = this.transactions
    if (txn !== undefined && info.producerId >= 0n) {
      // Transaction bookkeeping runs even for batches before fromOffset: an abort marker there still ends a
      // producer's aborted span.
      txn.consumeUpTo(info.lastOffset)
      if (info.isControl) {
        if (this.controlType(info) === CONTROL_ABORT) txn.abortMarker(info.producerId)
      } else if (info.isTransactional && txn.isAborted(info.producerId)) {
        return false
      }
    }
    if (info.isControl && !this.includeControl) return false
    if (this.fromOffset !== undefined && info.lastOffset < this.fromOffset) return false
    if (info.recordCount === 0) return false
    this.openRecords(info)
    return this.left > 0
  }

  /** Checks the CRC, decompresses if needed, and positions the reader at the batch's first record. */
  private openRecords (info: BatchInfo): void {
    const blob = this.blob
    if (this.verifyCrc && !recordBatchCrcMatches(blob, info.start, info.end)) {
      throw crcMismatch(blob, info.start, info.end, this.src, info.baseOffset)
    }
    let r: Reader
    if (info.compression === 'none') {
      r = new Reader(blob, info.start + V2_HEADER_BYTES, info.end, info.start)
    } else {
      const records = decompress(info.compression, blob.subarray(info.start + V2_HEADER_BYTES, info.end), { maxOutputBytes: this.maxDecompressedBytes })
      if (info.recordCount * MIN_RECORD_BYTES > records.length) {
        throw corrupt(this.src, info.baseOffset, `${info.recordCount} records cannot fit in ${records.length} decompressed bytes`)
      }
      r = new Reader(records, 0, records.length, 0)
    }
    r.api = 'RecordBatch'
    r.version = 2
    this.reader = r
    this.batch = new V2BatchContext(r.buf, info.baseOffset, info.firstTimestamp, info.maxTimestamp, info.timestampType,
      info.partitionLeaderEpoch, info.isControl)
    this.left = info.recordCount
    // lastOffset >= fromOffset here, so the difference is at most lastOffsetDelta: an int32.
    const from = this.fromOffset
    this.minOffsetDelta = from !== undefined && from > info.baseOffset ? Number(from - info.baseOffset) : 0
  }

  /** The type (0 abort, 1 commit) in the key of a control batch's first record; -1 for an empty batch. */
  private controlType (info: BatchInfo): number {
    if (info.recordCount === 0) return -1
    this.openRecords(info)
    const record = readRecord(this.reader as Reader, this.batch as V2BatchContext, 0)
    this.left = 0 // only peeked: openRecordBatch decides whether the batch is yielded
    const key = record?.key ?? null
    // Control record key: version int16, type int16 (KIP-98, ControlRecordType).
    if (key === null || key.length < 4) throw corrupt(this.src, info.baseOffset, 'control record key shorter than 4 bytes')
    return key.readInt16BE(2)
  }

  private openMessage (start: number, end: number): boolean {
    const msg = parseMessage(this.blob, start, end, this.src, this.verifyCrc)
    const codec = legacyCodec(msg, this.src)
    // A wrapper's offset is that of its last inner message (KIP-31), so it alone says whether to skip.
    if (this.fromOffset !== undefined && msg.offset < this.fromOffset) return false
    this.pending = codec === 'none' ? [msg] : unwrapMessages(msg, codec, this.src, this.verifyCrc, this.maxDecompressedBytes)
    this.pendingIndex = 0
    return true
  }
}

/**
 * The records of a records blob, batch after batch: offsets below `fromOffset` skipped, a truncated last batch
 * ignored, CRCs checked unless `verifyCrc: false`, control batches skipped unless `includeControl`, aborted
 * transactions dropped under read_committed. Malformed input is a CorruptRecordError (a decompression failure or
 * limit a CompressionError).
 */
export function iterateRecords (blob: Buffer, opts?: IterateOptions): RecordIterator {
  return new RecordIterator(blob, opts)
}
