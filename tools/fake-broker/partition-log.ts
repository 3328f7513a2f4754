import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import { crc32c } from '../../protocol/records/crc32c.js'
import { iterateRecords, rewriteBatchHeader, scanBatches, type BatchInfo, type TimestampType } from '../../protocol/records/index.js'
import { V2_ATTRIBUTES, V2_CRC } from '../../protocol/records/record-batch.js'

// One partition's log, kept the way Kafka keeps it: the record batches exactly as producers sent them, laid end to
// end in large segment buffers. Appending copies a produced blob once into the current segment and patches each
// batch's header in place (base offset, leader epoch, and for LogAppendTime topics the timestamp and CRC); a Fetch
// answers with a view (subarray) over a run of consecutive batches, so serving a consumer never re-encodes or
// copies records. The per-batch index holds plain numbers (packed arrays of doubles), about 32 bytes a batch.
//
// Offsets are numbers inside the log: exact while below 2^53 (at a million records a second, 285 years), and
// converted to bigint at the API boundary.

/** The first segment of a partition starts small and doubles, so idle partitions cost little. */
const SEGMENT_MIN_BYTES = 64 * 1024
/** Later segments are allocated at this size (or the size of a larger produced blob). */
const SEGMENT_MAX_BYTES = 8 * 1024 * 1024
/** Kafka keeps the last five batches of each producer to recognise retried duplicates (ProducerStateEntry). */
const PRODUCER_RECENT_BATCHES = 5
const INT32_MAX = 0x7fffffff

class Segment {
  buf: Buffer
  used = 0
  readonly bases: number[] = []
  readonly lasts: number[] = []
  readonly starts: number[] = []
  readonly maxTimestamps: number[] = []

  constructor (capacity: number) { this.buf = Buffer.allocUnsafe(capacity) }

  get count (): number { return this.bases.length }
  get lastOffset (): number { return this.lasts[this.lasts.length - 1] }
  batchEnd (i: number): number { return i + 1 < this.starts.length ? this.starts[i + 1] : this.used }
  batchView (i: number): Buffer { return this.buf.subarray(this.starts[i], this.batchEnd(i)) }

  /** Index of the first batch whose last offset is >= offset (binary search); count when there is none. */
  find (offset: number): number {
    let lo = 0
    let hi = this.lasts.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.lasts[mid] < offset) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

export interface AppendResult {
  errorCode: number
  errorMessage: string | null
  /** Offset of the first appended record (or of the original append, for a retried duplicate); -1 on error. */
  baseOffset: bigint
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTime: bigint
}

interface RecentBatch { firstSequence: number, lastSequence: number, baseOffset: number }

interface ProducerEntry {
  epoch: number
  lastSequence: number
  recent: RecentBatch[]
}

export interface PartitionLogOptions {
  topic: string
  partition: number
  timestampType: TimestampType
  /** Persist the log in this file (and its log start offset in FILE.start), loading what is there. */
  file?: string
}

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly timestampType: TimestampType
  private segments: Segment[] = []
  private endOffset = 0
  private startOffset = 0
  private readonly producers = new Map<bigint, ProducerEntry>()
  /** Leader epoch history, for OffsetForLeaderEpoch (KIP-101): each epoch and the first offset written in it. */
  private readonly epochs: Array<{ epoch: number, startOffset: number }> = []
  private fd: number | undefined
  private readonly file: string | undefined
  private appended: Promise<void> | undefined
  private wake: (() => void) | undefined

  constructor (opts: PartitionLogOptions) {
    this.topic = opts.topic
    this.partition = opts.partition
    this.timestampType = opts.timestampType
    this.file = opts.file
    if (this.file !== undefined) this.load(this.file)
  }

  /** One past the last offset: with no replication lag, the log end offset is the high watermark. */
  get highWatermark (): bigint { return BigInt(this.endOffset) }
  get logStartOffset (): bigint { return BigInt(this.startOffset) }
  /** Bytes held in memory by the log's segments. */
  get sizeBytes (): number { return this.segments.reduce((n, s) => n + s.used, 0) }

  /**
   * Appends a produced `records` blob. Each batch must be a magic-2 record batch (Produce v3+, KIP-98) with a
   * valid CRC-32C; idempotent producers' sequence numbers are checked as Kafka's ProducerStateManager does.
   */
  append (blob: Buffer, leaderEpoch: number, nowMs: number = Date.now()): AppendResult {
    let scan: { batches: BatchInfo[], truncatedTail: boolean }
    try {
      scan = scanBatches(blob)
    } catch (err) {
      return failure(ErrorCode.CORRUPT_MESSAGE, err instanceof Error ? err.message : String(err))
    }
    const { batches } = scan
    if (scan.truncatedTail || batches.length === 0) return failure(ErrorCode.CORRUPT_MESSAGE, 'the records end inside a batch')
    for (const b of batches) {
      if (b.magic !== 2) return failure(ErrorCode.INVALID_RECORD, `Produce v3+ requires record batch v2, got magic ${b.magic}`)
      if (b.isControl) return failure(ErrorCode.INVALID_RECORD, 'clients may not write control batches')
      // The CRC covers attributes to the end of the batch (KIP-98), so offsets can be assigned without it.
      if (blob.readUInt32BE(b.start + V2_CRC) !== crc32c(blob, b.start + V2_ATTRIBUTES, b.end)) {
        return failure(ErrorCode.CORRUPT_MESSAGE, `batch at byte ${b.start} fails its CRC-32C`)
      }
      if (b.lastOffset < b.baseOffset) return failure(ErrorCode.CORRUPT_MESSAGE, 'negative lastOffsetDelta')
    }
    // Idempotence (KIP-98): check every batch before changing anything.
    const staged = new Map<bigint, ProducerEntry>()
    const recents: Array<RecentBatch | undefined> = []
    for (const b of batches) {
      if (b.producerId < 0n) { recents.push(undefined); continue }
      const entry = staged.get(b.producerId) ?? cloneEntry(this.producers.get(b.producerId))
      const check = checkSequence(entry, b)
      if (check.duplicateOf !== undefined && batches.length === 1) {
        // A retried batch already in the log: Kafka answers with the original offset and no error.
        return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: BigInt(check.duplicateOf), logAppendTime: -1n }
      }
      if (check.errorCode !== 0) return failure(check.errorCode, check.message)
      const next = entry ?? { epoch: b.producerEpoch, lastSequence: -1, recent: [] }
      recents.push(recordSequence(next, b))
      staged.set(b.producerId, next)
    }

    const first = batches[0].start
    const bytes = batches[batches.length - 1].end - first
    const seg = this.segmentFor(bytes)
    const at = seg.used
    blob.copy(seg.buf, at, first, first + bytes)
    const logAppendTime = this.timestampType === 'logAppend' ? BigInt(nowMs) : undefined
    const baseOffset = this.endOffset
    if (this.epochs.length === 0 || this.epochs[this.epochs.length - 1].epoch < leaderEpoch) {
      this.epochs.push({ epoch: leaderEpoch, startOffset: baseOffset })
    }
    for (let k = 0; k < batches.length; k++) {
      const b = batches[k]
      const start = at + b.start - first
      const view = seg.buf.subarray(start, at + b.end - first)
      const count = Number(b.lastOffset - b.baseOffset) + 1
      rewriteBatchHeader(view, { baseOffset: BigInt(this.endOffset), partitionLeaderEpoch: leaderEpoch, logAppendTime })
      seg.bases.push(this.endOffset)
      seg.lasts.push(this.endOffset + count - 1)
      seg.starts.push(start)
      seg.maxTimestamps.push(logAppendTime !== undefined ? nowMs : Number(b.maxTimestamp))
      const recent = recents[k]
      if (recent !== undefined) recent.baseOffset = this.endOffset
      this.endOffset += count
    }
    seg.used = at + bytes
    for (const [id, entry] of staged) this.producers.set(id, entry)
    if (this.fd !== undefined) writeSync(this.fd, seg.buf, at, bytes)
    this.notifyAppend()
    return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: BigInt(baseOffset), logAppendTime: logAppendTime ?? -1n }
  }

  /**
   * The stored batches from the one holding `fetchOffset`, as one view of at most `maxBytes` bytes that never
   * crosses a segment (Kafka reads one segment per fetch too). With `minOneBatch` the first batch is returned even
   * when larger than `maxBytes`, so that a consumer can always make progress (KIP-74).
   */
  read (fetchOffset: number, maxBytes: number, minOneBatch: boolean): Buffer {
    const found = this.locate(fetchOffset)
    if (found === undefined) return EMPTY
    const [seg, i] = found
    const from = seg.starts[i]
    let end = from
    for (let j = i; j < seg.count; j++) {
      const next = seg.batchEnd(j)
      if (next - from > maxBytes && !(j === i && minOneBatch)) break
      end = next
    }
    return seg.buf.subarray(from, end)
  }

  /** Each stored batch (a view) from the one holding `fromOffset` on. */
  * batches (fromOffset: number = this.startOffset): Generator<{ baseOffset: number, lastOffset: number, maxTimestamp: number, view: Buffer }> {
    const found = this.locate(fromOffset)
    if (found === undefined) return
    let [seg, i] = found
    for (let s = this.segments.indexOf(seg); s < this.segments.length; s++, i = 0) {
      seg = this.segments[s]
      for (; i < seg.count; i++) yield { baseOffset: seg.bases[i], lastOffset: seg.lasts[i], maxTimestamp: seg.maxTimestamps[i], view: seg.batchView(i) }
    }
  }

  /** The earliest offset whose timestamp is >= `timestampMs`, with that timestamp (ListOffsets by time, KIP-79). */
  offsetForTimestamp (timestampMs: bigint): { offset: bigint, timestamp: bigint } | undefined {
    for (const b of this.batches()) {
      if (b.maxTimestamp < Number(timestampMs)) continue
      for (const r of iterateRecords(b.view, { fromOffset: BigInt(this.startOffset), verifyCrc: false, topic: this.topic, partition: this.partition })) {
        if (r.timestamp >= timestampMs) return { offset: r.offset, timestamp: r.timestamp }
      }
    }
    return undefined
  }

  /** The offset of the record with the largest timestamp, the earliest one on ties (ListOffsets -3, KIP-734). */
  maxTimestampOffset (): { offset: bigint, timestamp: bigint } | undefined {
    let best: { maxTimestamp: number, view: Buffer } | undefined
    for (const b of this.batches()) if (best === undefined || b.maxTimestamp > best.maxTimestamp) best = b
    if (best === undefined) return undefined
    for (const r of iterateRecords(best.view, { fromOffset: BigInt(this.startOffset), verifyCrc: false })) {
      if (r.timestamp === BigInt(best.maxTimestamp)) return { offset: r.offset, timestamp: r.timestamp }
    }
    return undefined
  }

  /**
   * The end offset of `epoch` and the largest epoch <= it, as Kafka's LeaderEpochFileCache.endOffsetFor answers
   * OffsetForLeaderEpoch (KIP-101, KIP-279). `currentEpoch` is the partition's leader epoch now.
   */
  endOffsetForEpoch (epoch: number, currentEpoch: number): { leaderEpoch: number, endOffset: bigint } {
    const entries = this.epochs.slice()
    if (entries.length === 0 || entries[entries.length - 1].epoch < currentEpoch) entries.push({ epoch: currentEpoch, startOffset: this.endOffset })
    if (epoch < 0) return { leaderEpoch: -1, endOffset: -1n }
    if (epoch === entries[entries.length - 1].epoch) return { leaderEpoch: epoch, endOffset: BigInt(this.endOffset) }
    const higher = entries.find(e => e.epoch > epoch)
    if (higher === undefined) return { leaderEpoch: -1, endOffset: -1n }
    const floor = entries.filter(e => e.epoch <= epoch).pop()
    return { leaderEpoch: floor === undefined ? epoch : floor.epoch, endOffset: BigInt(higher.startOffset) }
  }

  /**
   * Moves the log start offset up to `offset` (DeleteRecords, KIP-107) and frees segments wholly below it.
   * Returns the new log start offset, or undefined when `offset` lies beyond the high watermark.
   */
  deleteRecordsBefore (offset: bigint): bigint | undefined {
    const target = offset < 0n ? this.endOffset : Number(offset)
    if (target > this.endOffset) return undefined
    if (target > this.startOffset) {
      this.startOffset = target
      while (this.segments.length > 0 && this.segments[0].lastOffset < target) this.segments.shift()
      if (this.file !== undefined) writeFileSync(`${this.file}.start`, String(target))
    }
    return BigInt(this.startOffset)
  }

  /**
   * Cuts the log back to `offset`, as a follower truncates when it becomes leader without the records above it
   * (unclean or lagging leader election). Whole batches go: the new end is the base offset of the batch that held
   * `offset` when it falls inside one. Returns the new end offset. Not for persisted logs (their file is
   * append-only here).
   */
  truncateTo (offset: bigint): bigint {
    if (this.file !== undefined) throw new ConfigError('truncate', `${this.topic}[${this.partition}]: truncation is not supported for logs kept in a data directory`)
    const target = Math.max(Number(offset), this.startOffset)
    if (target >= this.endOffset) return BigInt(this.endOffset)
    let end = target
    while (this.segments.length > 0) {
      const seg = this.segments[this.segments.length - 1]
      const i = seg.find(target)
      if (i < seg.count) end = Math.min(end, seg.bases[i])
      if (i < seg.count) {
        // A copy, so that the bytes of Fetch answers still being written are never overwritten by new appends.
        seg.used = seg.starts[i]
        seg.buf = Buffer.from(seg.buf.subarray(0, seg.used))
      }
      for (const list of [seg.bases, seg.lasts, seg.starts, seg.maxTimestamps]) list.length = Math.min(list.length, i)
      if (seg.count > 0 || this.segments.length === 1) break
      this.segments.pop()
    }
    this.endOffset = Math.max(end, this.startOffset)
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= this.endOffset) this.epochs.pop()
    return BigInt(this.endOffset)
  }

  /** Resolves at the next append: Fetch long polls wait on it. */
  nextAppend (): Promise<void> {
    this.appended ??= new Promise(resolve => { this.wake = resolve })
    return this.appended
  }

  close (): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  private notifyAppend (): void {
    const wake = this.wake
    this.appended = undefined
    this.wake = undefined
    wake?.()
  }

  private locate (offset: number): [Segment, number] | undefined {
    if (offset >= this.endOffset) return undefined
    for (const seg of this.segments) {
      if (seg.count === 0 || seg.lastOffset < offset) continue
      return [seg, seg.find(offset)]
    }
    return undefined
  }

  private segmentFor (bytes: number): Segment {
    const last = this.segments[this.segments.length - 1]
    if (last !== undefined && last.buf.length - last.used >= bytes) return last
    if (last !== undefined && last.used + bytes <= SEGMENT_MAX_BYTES) {
      // Grow the young segment by doubling, up to the segment size. Views already handed out keep the old
      // buffer alive and unchanged: bytes below `used` are never written again.
      let size = last.buf.length * 2
      while (size < last.used + bytes) size *= 2
      const grown = Buffer.allocUnsafe(Math.min(size, SEGMENT_MAX_BYTES))
      last.buf.copy(grown, 0, 0, last.used)
      last.buf = grown
      return last
    }
    const seg = new Segment(Math.max(bytes, last === undefined ? SEGMENT_MIN_BYTES : SEGMENT_MAX_BYTES))
    this.segments.push(seg)
    return seg
  }

  /** Reads a persisted log back: the batches as written (offsets already assigned), cut at a torn last write. */
  private load (file: string): void {
    const startFile = `${file}.start`
    if (existsSync(file)) {
      const buf = readFileSync(file)
      let batches: BatchInfo[] = []
      try { batches = scanBatches(buf).batches } catch (err) {
        throw new ConfigError('dataDir', `${file} is not a readable partition log`, { cause: err })
      }
      const seg = new Segment(0)
      seg.buf = buf
      for (const b of batches) {
        seg.bases.push(Number(b.baseOffset))
        seg.lasts.push(Number(b.lastOffset))
        seg.starts.push(b.start)
        seg.maxTimestamps.push(Number(b.maxTimestamp))
        if (this.epochs.length === 0 || this.epochs[this.epochs.length - 1].epoch < b.partitionLeaderEpoch) {
          this.epochs.push({ epoch: b.partitionLeaderEpoch, startOffset: Number(b.baseOffset) })
        }
      }
      seg.used = batches.length === 0 ? 0 : batches[batches.length - 1].end
      if (seg.count > 0) {
        this.segments.push(seg)
        this.endOffset = seg.lastOffset + 1
        this.startOffset = seg.bases[0]
      }
      this.fd = openSync(file, 'r+')
      ftruncateSync(this.fd, seg.used)
      this.fd = reopenForAppend(this.fd, file)
    } else {
      this.fd = openSync(file, 'a')
    }
    if (existsSync(startFile)) this.startOffset = Math.max(this.startOffset, Number(readFileSync(startFile, 'utf8')))
  }
}

const EMPTY = Buffer.alloc(0)

function reopenForAppend (fd: number, file: string): number {
  closeSync(fd)
  return openSync(file, 'a')
}

function failure (errorCode: number, message: string): AppendResult {
  return { errorCode, errorMessage: message, baseOffset: -1n, logAppendTime: -1n }
}

function cloneEntry (e: ProducerEntry | undefined): ProducerEntry | undefined {
  return e === undefined ? undefined : { epoch: e.epoch, lastSequence: e.lastSequence, recent: e.recent.slice() }
}

/** Sequence numbers wrap from INT32_MAX to 0 (KIP-98, DefaultRecordBatch.incrementSequence). */
function addSequence (seq: number, n: number): number {
  const v = seq + n
  return v > INT32_MAX ? v - INT32_MAX - 1 : v
}

function checkSequence (entry: ProducerEntry | undefined, b: BatchInfo): { errorCode: number, message: string, duplicateOf?: number } {
  const ok = { errorCode: 0, message: '' }
  // A producer the partition has not seen is accepted at any sequence (KIP-360: its state may have been
  // removed after its records were deleted).
  if (entry === undefined) return ok
  if (b.producerEpoch < entry.epoch) {
    return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message: `producer epoch ${b.producerEpoch} is older than ${entry.epoch}` }
  }
  if (b.producerEpoch > entry.epoch) {
    return b.baseSequence === 0 ? ok : { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `a new epoch must start at sequence 0, got ${b.baseSequence}` }
  }
  const last = addSequence(b.baseSequence, Number(b.lastOffset - b.baseOffset))
  const dup = entry.recent.find(r => r.firstSequence === b.baseSequence && r.lastSequence === last)
  if (dup !== undefined) return { ...ok, duplicateOf: dup.baseOffset }
  const expected = addSequence(entry.lastSequence, 1)
  if (b.baseSequence !== expected) {
    return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `expected sequence ${expected}, got ${b.baseSequence}` }
  }
  return ok
}

/** Advances a producer's state past batch `b`; the returned entry gets its base offset once one is assigned. */
function recordSequence (entry: ProducerEntry, b: BatchInfo): RecentBatch {
  if (b.producerEpoch !== entry.epoch) {
    entry.epoch = b.producerEpoch
    entry.recent.length = 0
  }
  entry.lastSequence = addSequence(b.baseSequence, Number(b.lastOffset - b.baseOffset))
  const recent = { firstSequence: b.baseSequence, lastSequence: entry.lastSequence, baseOffset: -1 }
  entry.recent.push(recent)
  if (entry.recent.length > PRODUCER_RECENT_BATCHES) entry.recent.shift()
  return recent
}
