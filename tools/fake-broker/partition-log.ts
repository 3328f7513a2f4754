import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs'
import type { ActiveProducer } from '../../consumer/admin/producers.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { CompressionError, ConfigError, CorruptRecordError } from '../../protocol/errors.js'
import { crc32c } from '../../protocol/records/crc32c.js'
import { encodeRecordBatch, iterateRecords, rewriteBatchHeader, scanBatches, type BatchInfo, type TimestampType } from '../../protocol/records/index.js'
import { CONTROL_ABORT, readRecordBatchInfo, V2_ATTRIBUTES, V2_CRC, controlRecord } from '../../protocol/records/record-batch.js'
import { batchEnd, TRUNCATED } from '../../protocol/records/scan.js'

// One partition's log, kept the way Kafka keeps it: the record batches exactly as producers sent them, laid end to
// end in large segment buffers. Appending copies a produced blob once into the current segment and patches each
// batch's header in place (base offset, leader epoch, and for LogAppendTime topics the timestamp and CRC); a Fetch
// answers with a view (subarray) over a run of consecutive batches, so serving a consumer never re-encodes or
// copies records. The per-batch index holds plain numbers (packed arrays of doubles), about 32 bytes a batch.
//
// Transactions (KIP-98): a producer's transactional batches are "ongoing" in the partition from the first one until
// the coordinator writes its commit or abort marker (a control batch). The last stable offset (LSO) is the first
// offset of the earliest ongoing transaction, or the high watermark; read_committed consumers read up to it. Each
// aborted transaction is remembered as (producerId, firstOffset, lastOffset) and listed in Fetch responses so that
// read_committed consumers skip its data. All of it is rebuilt from the batches when a persisted log is loaded.
//
// Segments as Kafka rolls them (segment.bytes, segment.ms, read from the topic's configs at each append through
// `rollPolicy`) are kept as their base offsets, apart from the memory buffers: they decide what the log cleaner
// may touch (never the active segment, log-cleaner.ts) and survive a restart in FILE.segments, with the cleaner's
// checkpoint (how far the log has been cleaned).
//
// Offsets are numbers inside the log: exact while below 2^53 (at a million records a second, 285 years), and
// converted to bigint at the API boundary.

/** The first segment of a partition is small and each next one twice as large, so idle partitions cost little. */
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
  /** The response's errorMessage, as Kafka fills it (often null: Kafka does not explain a refused batch). */
  errorMessage: string | null
  /** Why the batch was refused, for logs and for errors thrown in-process (FakeCluster.produce). */
  detail?: string
  /** Produce v8+ recordErrors (KIP-467): which record of the batch failed, where Kafka says so. */
  recordErrors?: Array<{ batchIndex: number, batchIndexErrorMessage: string | null }>
  /** Offset of the first appended record (or of the original append, for a retried duplicate); -1 on error. */
  baseOffset: bigint
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTime: bigint
}

interface RecentBatch { firstSequence: number, lastSequence: number, baseOffset: number, lastOffset: number }

interface ProducerEntry {
  epoch: number
  lastSequence: number
  recent: RecentBatch[]
  /** The max timestamp of the producer's last batch or marker, -1 before any (ProducerStateEntry.lastTimestamp). */
  lastTimestamp: bigint
  /** The coordinator epoch of the producer's last transaction marker, -1 before any. */
  coordinatorEpoch: number
}

/** An aborted transaction's span in this log: from its first batch to its abort marker, inclusive. */
export interface AbortedSpan { producerId: bigint, firstOffset: number, lastOffset: number }

/** When the active segment rolls (Kafka's LogSegment.shouldRoll): the topic's segment.bytes and segment.ms. */
export interface RollPolicy { segmentBytes: number, segmentMs: number }

/** A producer's last write here, for the cleaner (Kafka's lastRecordsOfActiveProducers). */
export interface ProducerLastRecord { lastDataOffset: number | undefined, epoch: number }

export interface PartitionLogOptions {
  topic: string
  partition: number
  timestampType: TimestampType
  /** Persist the log in this file (and its log start offset in FILE.start), loading what is there. */
  file?: string
  /** Where loading reports a damaged file it recovered from (which file, at which byte, how many bytes cut). */
  log?: (line: string) => void
  /** Read at each append; without it the log is one segment, as with Kafka's 1 GiB default. */
  rollPolicy?: () => RollPolicy
}

export class PartitionLog {
  readonly topic: string
  readonly partition: number
  readonly timestampType: TimestampType
  private segments: Segment[] = []
  private endOffset = 0
  private startOffset = 0
  private readonly producers = new Map<bigint, ProducerEntry>()
  /** Producers with an open transaction here, and the first offset of it. */
  private readonly ongoing = new Map<bigint, number>()
  private readonly aborted: AbortedSpan[] = []
  /** Leader epoch history, for OffsetForLeaderEpoch (KIP-101): each epoch and the first offset written in it. */
  private readonly epochs: Array<{ epoch: number, startOffset: number }> = []
  private fd: number | undefined
  private readonly file: string | undefined
  /** Fetch long polls waiting for the next append; each removes itself when its wait ends. */
  private readonly appendWaiters = new Set<() => void>()
  /** When the log was last written (a segment file's mtime in Kafka), for ListOffsets v0. */
  private lastModifiedMs = Date.now()
  /** Base offsets of the segments after the first, in order; the last one (or the first segment) is the active one. */
  private rolls: number[] = []
  /** The active segment's bytes, its first batch's max timestamp (-1: none) and when it was created. */
  private activeBytes = 0
  private activeFirstTimestamp = -1
  private activeCreatedMs = Date.now()
  /** Kafka's cleaner checkpoint: the log is clean below this offset (the first dirty offset). */
  private cleanedUpTo = 0
  private readonly rollPolicy: (() => RollPolicy) | undefined

  constructor (opts: PartitionLogOptions) {
    this.topic = opts.topic
    this.partition = opts.partition
    this.timestampType = opts.timestampType
    this.file = opts.file
    this.rollPolicy = opts.rollPolicy
    if (this.file !== undefined) this.load(this.file, opts.log ?? (line => { process.stderr.write(`${line}\n`) }))
  }

  /** One past the last offset: with no replication lag, the log end offset is the high watermark. */
  get highWatermark (): bigint { return BigInt(this.endOffset) }
  get logStartOffset (): bigint { return BigInt(this.startOffset) }
  /** The first offset of the earliest open transaction, or the high watermark: read_committed reads up to here. */
  get lastStableOffset (): bigint {
    let lso = this.endOffset
    for (const first of this.ongoing.values()) if (first < lso) lso = first
    return BigInt(lso)
  }

  /** The aborted transactions overlapping [fromOffset, untilOffset), in offset order, as Fetch lists them. */
  abortedTransactions (fromOffset: number, untilOffset: number): AbortedSpan[] {
    return this.aborted.filter(a => a.lastOffset >= fromOffset && a.firstOffset < untilOffset)
  }

  /** Whether the producer has an open transaction in this partition. */
  inTransaction (producerId: bigint): boolean {
    return this.ongoing.has(producerId)
  }

  /** Every producer the partition keeps state for (UnifiedLog.activeProducers), by producer id. */
  activeProducers (): ActiveProducer[] {
    return [...this.producers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([producerId, e]) => ({
      producerId,
      producerEpoch: e.epoch,
      lastSequence: e.lastSequence,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: BigInt(this.ongoing.get(producerId) ?? -1)
    }))
  }

  /**
   * Forgets producers idle for `expirationMs` (producer.id.expiration.ms) with no transaction open here, as Kafka's
   * ProducerStateManager.removeExpiredProducers does: idle is measured from the producer's last batch or marker
   * timestamp. A forgotten producer is new again: its next batch is taken at any sequence, so a retry that comes
   * after the expiry is not recognised as a duplicate. Returns how many were forgotten.
   */
  removeExpiredProducers (nowMs: number, expirationMs: number): number {
    let removed = 0
    for (const [id, e] of this.producers) {
      if (this.ongoing.has(id) || BigInt(nowMs) - e.lastTimestamp < BigInt(expirationMs)) continue
      this.producers.delete(id)
      removed++
    }
    return removed
  }

  /** The producer's epoch as this partition last saw it, or undefined. */
  producerEpoch (producerId: bigint): number | undefined {
    return this.producers.get(producerId)?.epoch
  }

  /**
   * Writes a transaction marker (a control batch, KIP-98) for a producer: it closes the producer's open transaction
   * here (an abort is remembered for read_committed readers) and raises the producer's epoch if the coordinator
   * bumped it, which fences any batch a zombie still sends with the old one.
   */
  writeMarker (producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number, leaderEpoch: number, nowMs: number = Date.now()): bigint {
    const blob = encodeRecordBatch([controlRecord(commit ? 'commit' : 'abort', { coordinatorEpoch, timestamp: nowMs })], {
      producerId, producerEpoch, baseSequence: -1, transactional: true, isControl: true
    })
    const offset = this.endOffset
    const batches = scanBatches(blob).batches
    this.store(blob, batches, leaderEpoch, nowMs, [undefined], batches.map(b => b.maxTimestamp))
    this.applyMarker(producerId, producerEpoch, commit, offset, coordinatorEpoch, BigInt(nowMs))
    return BigInt(offset)
  }

  /** A marker ends the producer's transaction and records its coordinator epoch and time (appendEndTxnMarker). */
  private applyMarker (producerId: bigint, producerEpoch: number, commit: boolean, offset: number, coordinatorEpoch: number, timestamp: bigint): void {
    let entry = this.producers.get(producerId)
    if (entry === undefined) {
      entry = newEntry(producerEpoch)
      this.producers.set(producerId, entry)
    } else if (producerEpoch > entry.epoch) { entry.epoch = producerEpoch; entry.lastSequence = -1; entry.recent.length = 0 }
    entry.coordinatorEpoch = coordinatorEpoch
    entry.lastTimestamp = timestamp
    const first = this.ongoing.get(producerId)
    if (first === undefined) return
    this.ongoing.delete(producerId)
    if (!commit) this.aborted.push({ producerId, firstOffset: first, lastOffset: offset })
  }

  /** Bytes held in memory by the log's segments. */
  get sizeBytes (): number { return this.segments.reduce((n, s) => n + s.used, 0) }

  /**
   * Appends a produced `records` blob. Each batch must be a magic-2 record batch (Produce v3+, KIP-98) that passes
   * Kafka's LogValidator checks (validateBatch below); its max timestamp is recomputed from the records, and
   * idempotent producers' sequence numbers are checked as Kafka's ProducerStateManager does.
   */
  append (blob: Buffer, leaderEpoch: number, nowMs: number = Date.now()): AppendResult {
    let scan: { batches: BatchInfo[], truncatedTail: boolean }
    try {
      scan = scanBatches(blob)
    } catch (err) {
      // Kafka checks each batch's CRC first (CORRUPT_MESSAGE) and its header fields after (LogValidator,
      // INVALID_RECORD): a header our scanner refuses under a matching CRC was sent that way, not damaged.
      const message = err instanceof Error ? err.message : String(err)
      return refused({ errorCode: everyCrcMatches(blob) ? ErrorCode.INVALID_RECORD : ErrorCode.CORRUPT_MESSAGE, message })
    }
    const { batches } = scan
    if (scan.truncatedTail || batches.length === 0) return failure(ErrorCode.CORRUPT_MESSAGE, 'the records end inside a batch')
    const maxTimestamps: bigint[] = []
    for (const b of batches) {
      const checked = validateBatch(blob, b, this.timestampType, nowMs)
      if (typeof checked !== 'bigint') return refused(checked)
      maxTimestamps.push(checked)
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
      if (check.errorCode !== ErrorCode.NONE) return failure(check.errorCode, check.message)
      const next = entry ?? newEntry(b.producerEpoch)
      recents.push(recordSequence(next, b))
      staged.set(b.producerId, next)
    }

    const baseOffset = this.endOffset
    const logAppendTime = this.store(blob, batches, leaderEpoch, nowMs, recents, maxTimestamps)
    for (const [id, entry] of staged) this.producers.set(id, entry)
    let offset = baseOffset
    for (const [k, b] of batches.entries()) {
      const entry = b.producerId >= 0n ? this.producers.get(b.producerId) : undefined
      if (entry !== undefined) entry.lastTimestamp = logAppendTime ?? maxTimestamps[k]
      if (b.isTransactional && b.producerId >= 0n && !this.ongoing.has(b.producerId)) this.ongoing.set(b.producerId, offset)
      offset += Number(b.lastOffset - b.baseOffset) + 1
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: BigInt(baseOffset), logAppendTime: logAppendTime ?? -1n }
  }

  /** Copies checked batches into the log, assigning offsets; returns the append time for LogAppendTime topics. */
  private store (blob: Buffer, batches: BatchInfo[], leaderEpoch: number, nowMs: number, recents: Array<RecentBatch | undefined>, maxTimestamps: readonly bigint[]): bigint | undefined {
    const first = batches[0].start
    const bytes = batches[batches.length - 1].end - first
    let incomingMax = -1
    for (const t of maxTimestamps) if (Number(t) > incomingMax) incomingMax = Number(t)
    this.maybeRoll(bytes, this.timestampType === 'logAppend' ? nowMs : incomingMax, nowMs)
    if (this.activeBytes === 0) this.activeFirstTimestamp = this.timestampType === 'logAppend' ? nowMs : Number(maxTimestamps[0])
    this.activeBytes += bytes
    const seg = this.segmentFor(bytes)
    const at = seg.used
    blob.copy(seg.buf, at, first, first + bytes)
    const logAppendTime = this.timestampType === 'logAppend' ? BigInt(nowMs) : undefined
    if (this.epochs.length === 0 || this.epochs[this.epochs.length - 1].epoch < leaderEpoch) {
      this.epochs.push({ epoch: leaderEpoch, startOffset: this.endOffset })
    }
    for (let k = 0; k < batches.length; k++) {
      const b = batches[k]
      const start = at + b.start - first
      const view = seg.buf.subarray(start, at + b.end - first)
      const count = Number(b.lastOffset - b.baseOffset) + 1
      rewriteBatchHeader(view, { baseOffset: BigInt(this.endOffset), partitionLeaderEpoch: leaderEpoch, logAppendTime, maxTimestamp: maxTimestamps[k] })
      seg.bases.push(this.endOffset)
      seg.lasts.push(this.endOffset + count - 1)
      seg.starts.push(start)
      seg.maxTimestamps.push(logAppendTime !== undefined ? nowMs : Number(maxTimestamps[k]))
      const recent = recents[k]
      if (recent !== undefined) { recent.baseOffset = this.endOffset; recent.lastOffset = this.endOffset + count - 1 }
      this.endOffset += count
    }
    seg.used = at + bytes
    this.lastModifiedMs = nowMs
    if (this.fd !== undefined) writeSync(this.fd, seg.buf, at, bytes)
    this.notifyAppend()
    return logAppendTime
  }

  /**
   * What Fetch serves: the stored batches from the one holding `fetchOffset`, as one view of at most `maxBytes`
   * bytes that never crosses a segment (Kafka reads one segment per fetch too), so nothing is copied. As Kafka's
   * LogSegment.read, the view is cut at the byte, so its last batch may be partial (clients skip a partial last
   * batch); with `minOneBatch` it holds at least the whole first batch, even when that is larger than `maxBytes`, so
   * that a consumer can always make progress (KIP-74). Batches from `untilOffset` on are left out (the last stable
   * offset, for read_committed, which always falls on a batch boundary).
   */
  readSegment (fetchOffset: number, maxBytes: number, minOneBatch: boolean, untilOffset: number = this.endOffset): Buffer {
    if (fetchOffset >= untilOffset) return EMPTY
    const found = this.locate(fetchOffset)
    if (found === undefined) return EMPTY
    return this.segmentView(found[0], found[1], maxBytes, minOneBatch, untilOffset).view
  }

  /**
   * As readSegment, but across segments: every stored batch from the one holding `fetchOffset` up to `maxBytes`,
   * one Buffer (a copy when the run spans segments). For callers that want the records at once (tools, tests).
   */
  read (fetchOffset: number, maxBytes: number, minOneBatch: boolean, untilOffset: number = this.endOffset): Buffer {
    if (fetchOffset >= untilOffset) return EMPTY
    const found = this.locate(fetchOffset)
    if (found === undefined) return EMPTY
    const parts: Buffer[] = []
    let size = 0
    let [seg, i] = found
    for (let s = this.segments.indexOf(seg); s < this.segments.length; s++, i = 0) {
      seg = this.segments[s]
      if (seg.count === 0 || seg.bases[i] >= untilOffset) break
      const part = this.segmentView(seg, i, maxBytes - size, minOneBatch && parts.length === 0, untilOffset)
      parts.push(part.view)
      size += part.view.length
      if (!part.whole || size >= maxBytes) break
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, size)
  }

  /** Batch `i` on of `seg`, as readSegment cuts them; `whole` when the view runs to the segment's end. */
  private segmentView (seg: Segment, i: number, maxBytes: number, minOneBatch: boolean, untilOffset: number): { view: Buffer, whole: boolean } {
    const from = seg.starts[i]
    let stop = seg.used
    for (let j = i + 1; j < seg.count; j++) if (seg.bases[j] >= untilOffset) { stop = seg.starts[j]; break }
    const limit = minOneBatch ? Math.max(maxBytes, seg.batchEnd(i) - from) : maxBytes
    const end = Math.min(stop, from + Math.max(0, limit))
    return { view: seg.buf.subarray(from, end), whole: end === seg.used }
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
   * ListOffsets v0's answer: up to `maxNumOffsets` offsets "before" `timestamp`, newest first, as Kafka's
   * Log.legacyFetchOffsetsBefore computes them. Kafka lists each segment's base offset (at least the log start
   * offset) with the segment file's last-modified time, plus the log end offset stamped "now" when the active
   * segment holds anything; -1 (latest) starts from the end, -2 (earliest) from the first entry, and any other
   * timestamp from the last entry modified at or before it. The fake keeps a partition as one segment, so a
   * timestamp older than the last write (0, say) finds nothing and the answer is an empty list; it is not the
   * log end offset, and not v1's "first offset at or after the time".
   */
  legacyOffsetsBefore (timestamp: bigint, maxNumOffsets: number, nowMs: number = Date.now()): bigint[] {
    const entries: Array<[offset: number, modifiedMs: number]> = [[this.startOffset, this.lastModifiedMs]]
    if (this.endOffset > 0) entries.push([this.endOffset, nowMs])
    let from: number
    if (timestamp === -1n) from = entries.length - 1
    else if (timestamp === -2n) from = 0
    else {
      from = entries.length - 1
      while (from >= 0 && BigInt(entries[from][1]) > timestamp) from--
    }
    const out: bigint[] = []
    for (let i = from; i >= 0 && out.length < maxNumOffsets; i--) out.push(BigInt(entries[i][0]))
    return out
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
      // Whole segments below the new start go, as Kafka deletes segment files; the one holding it stays.
      const before = this.rolls.length
      while (this.rolls.length > 0 && this.rolls[0] <= target) this.rolls.shift()
      // Nothing left (retention took the newest batch too): Kafka rolls a new, empty active segment first.
      if (this.segments.length === 0) this.resetActive()
      if (this.file !== undefined) writeFileSync(`${this.file}.start`, String(target))
      if (before !== this.rolls.length) this.saveSegments()
    }
    return BigInt(this.startOffset)
  }

  /**
   * Calls `cb` at the next append and returns the function that unregisters it. A callback set, not a shared
   * "next append" promise: a long poll that ends by timeout must leave nothing behind on an idle partition.
   */
  onAppend (cb: () => void): () => void {
    this.appendWaiters.add(cb)
    return () => { this.appendWaiters.delete(cb) }
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
    // Segments above the new end go; the one holding it becomes the active segment again.
    while (this.rolls.length > 0 && this.rolls[this.rolls.length - 1] > this.endOffset) this.rolls.pop()
    this.recountActive()
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1].startOffset >= this.endOffset) this.epochs.pop()
    return BigInt(this.endOffset)
  }

  close (): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  /** The base offsets of the segments after the first (the last is the active segment's); a copy. */
  get segmentRolls (): number[] { return this.rolls.slice() }

  /** The cleaner's checkpoint: the offset below which the log is clean (Kafka's cleaner-offset-checkpoint). */
  get cleanerCheckpoint (): number { return this.cleanedUpTo }

  /** The aborted transactions this log remembers (a copy). */
  get abortedSpans (): AbortedSpan[] { return this.aborted.slice() }

  /**
   * Each producer's last data offset here (undefined once a marker with a newer epoch closed its batches) and
   * epoch, as Kafka's lastRecordsOfActiveProducers: the cleaner keeps those batches (empty if need be).
   */
  producerLastRecords (): Map<bigint, ProducerLastRecord> {
    const out = new Map<bigint, ProducerLastRecord>()
    for (const [id, e] of this.producers) out.set(id, { lastDataOffset: e.recent.length === 0 ? undefined : e.recent[e.recent.length - 1].lastOffset, epoch: e.epoch })
    return out
  }

  /**
   * Swaps the batches below `upTo` for `cleaned` (the cleaner's output: whole batches in offset order, offsets kept),
   * as Kafka's replaceSegments swaps cleaned segment files in. `rolls` are the segment bases after cleaning (the
   * cleaner groups small segments), `aborted` the aborted transactions still listed, and the checkpoint moves to
   * `upTo`. Buffers already handed to Fetch answers are never written: the cleaned log lives in new ones.
   */
  replaceCleaned (upTo: number, cleaned: Buffer[], rolls: number[], aborted: AbortedSpan[]): void {
    const head = new Segment(0)
    head.buf = Buffer.concat(cleaned)
    for (const b of scanBatches(head.buf).batches) {
      head.bases.push(Number(b.baseOffset))
      head.lasts.push(Number(b.lastOffset))
      head.starts.push(b.start)
      head.maxTimestamps.push(Number(b.maxTimestamp))
    }
    head.used = head.buf.length
    const tail: Segment[] = []
    for (const seg of this.segments) {
      if (seg.count === 0 || seg.lastOffset < upTo) continue
      const i = seg.find(upTo)
      if (i === 0) { tail.push(seg); continue }
      // The segment holding the boundary: its batches from there on, copied (earlier views stay unchanged).
      const part = new Segment(0)
      const from = seg.starts[i]
      part.buf = Buffer.from(seg.buf.subarray(from, seg.used))
      for (let j = i; j < seg.count; j++) {
        part.bases.push(seg.bases[j])
        part.lasts.push(seg.lasts[j])
        part.starts.push(seg.starts[j] - from)
        part.maxTimestamps.push(seg.maxTimestamps[j])
      }
      part.used = seg.used - from
      tail.push(part)
    }
    this.segments = head.count > 0 ? [head, ...tail] : tail
    if (this.segments.length === 0) this.segments.push(new Segment(SEGMENT_MIN_BYTES))
    this.rolls = rolls.slice()
    this.aborted.length = 0
    this.aborted.push(...aborted)
    this.cleanedUpTo = upTo
    if (this.file !== undefined) this.rewriteFile()
    this.saveSegments()
  }

  /** Rolls the active segment when the next append would overflow segment.bytes or is segment.ms newer than its first batch. */
  private maybeRoll (bytes: number, incomingMaxTimestamp: number, nowMs: number): void {
    if (this.rollPolicy === undefined || this.activeBytes === 0) return
    const { segmentBytes, segmentMs } = this.rollPolicy()
    // LogSegment.timeWaitedForRoll: by the records' timestamps when the segment has one, else by its age.
    const waited = this.activeFirstTimestamp >= 0 ? incomingMaxTimestamp - this.activeFirstTimestamp : nowMs - this.activeCreatedMs
    if (this.activeBytes > segmentBytes - bytes || waited > segmentMs) {
      this.rolls.push(this.endOffset)
      this.resetActive(nowMs)
      this.saveSegments()
    }
  }

  private resetActive (nowMs: number = Date.now()): void {
    this.activeBytes = 0
    this.activeFirstTimestamp = -1
    this.activeCreatedMs = nowMs
  }

  /** Sums the active segment's bytes and finds its first timestamp again (after loading or truncating). */
  private recountActive (): void {
    const base = this.rolls.length > 0 ? this.rolls[this.rolls.length - 1] : -1
    this.resetActive()
    for (const b of this.batches()) {
      if (b.baseOffset < base) continue
      if (this.activeBytes === 0) this.activeFirstTimestamp = b.maxTimestamp
      this.activeBytes += b.view.length
    }
  }

  /** FILE.segments: the segment bases and the cleaner checkpoint, replaced whole (written aside, then renamed). */
  private saveSegments (): void {
    if (this.file === undefined) return
    writeFileSync(`${this.file}.segments.tmp`, JSON.stringify({ rolls: this.rolls, cleanedUpTo: this.cleanedUpTo }))
    renameSync(`${this.file}.segments.tmp`, `${this.file}.segments`)
  }

  /** Writes the whole log file again after cleaning (aside, then renamed over it) and appends to the new one. */
  private rewriteFile (): void {
    const file = this.file!
    const tmp = `${file}.cleaned`
    const fd = openSync(tmp, 'w')
    try {
      for (const seg of this.segments) writeSync(fd, seg.buf, 0, seg.used)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = openSync(file, 'a')
  }

  private notifyAppend (): void {
    if (this.appendWaiters.size === 0) return
    const waiters = [...this.appendWaiters]
    this.appendWaiters.clear()
    for (const w of waiters) w()
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
    // A full segment stays as it is and the next one is twice its size (up to SEGMENT_MAX_BYTES, or the blob's
    // size): growing by copying into a larger buffer left the old one as garbage, and with little JavaScript
    // allocation to prompt a collection that garbage stayed resident (issue 15: RSS 1.7x the stored bytes while
    // filling through Produce). The room left at a segment's end is never written, so never resident.
    const size = last === undefined ? SEGMENT_MIN_BYTES : Math.min(Math.max(last.buf.length * 2, SEGMENT_MIN_BYTES), SEGMENT_MAX_BYTES)
    const seg = new Segment(Math.max(bytes, size))
    this.segments.push(seg)
    return seg
  }

  /**
   * Rebuilds what a restart would otherwise forget from the batches themselves, as Kafka rebuilds its producer
   * state snapshots from the log: each producer's epoch and recent sequences (so retries across a restart are still
   * recognised as duplicates), open transactions and aborted spans.
   */
  private replayProducerState (buf: Buffer, batches: BatchInfo[]): void {
    for (const b of batches) {
      if (b.producerId < 0n) continue
      if (b.isControl) {
        const marker = readMarker(buf, b)
        this.applyMarker(b.producerId, b.producerEpoch, marker.type !== CONTROL_ABORT, Number(b.baseOffset), marker.coordinatorEpoch, b.maxTimestamp)
        continue
      }
      const entry = this.producers.get(b.producerId) ?? newEntry(b.producerEpoch)
      const recent = recordSequence(entry, b)
      recent.baseOffset = Number(b.baseOffset)
      recent.lastOffset = Number(b.lastOffset)
      entry.lastTimestamp = b.maxTimestamp
      this.producers.set(b.producerId, entry)
      if (b.isTransactional && !this.ongoing.has(b.producerId)) this.ongoing.set(b.producerId, Number(b.baseOffset))
    }
  }

  /**
   * Reads a persisted log back: the batches as written (offsets already assigned). Recovery follows Kafka's
   * LogSegment.recover: batches are checked one by one (framing, magic 2, CRC-32C, offsets that only grow) and the
   * file is truncated after the last good one, so a torn last write or a damaged tail costs only what is damaged.
   * What was cut is logged, never dropped in silence.
   */
  private load (file: string, log: (line: string) => void): void {
    const startFile = `${file}.start`
    if (existsSync(file)) {
      let buf: Buffer
      try {
        buf = readFileSync(file)
      } catch (err) {
        throw new ConfigError('dataDir', `${file} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
      const { batches, validBytes, problem } = recoverPrefix(buf)
      if (validBytes < buf.length) {
        log(`recovered ${file}: ${problem ?? 'damaged data'} at byte ${validBytes}; kept ${batches.length} batches` +
          `${batches.length === 0 ? '' : ` (offsets ${batches[0].baseOffset}-${batches[batches.length - 1].lastOffset})`}, ` +
          `truncated ${buf.length - validBytes} bytes`)
      }
      // Kafka's ListOffsets v0 reads a segment's time from its file's mtime; so does legacyOffsetsBefore.
      this.lastModifiedMs = statSync(file).mtimeMs
      // Room after the loaded batches for what is appended next, as a new segment would have (one copy, at load).
      const room = Math.min(Math.max(validBytes * 2, SEGMENT_MIN_BYTES), SEGMENT_MAX_BYTES)
      const seg = new Segment(Math.max(room, validBytes))
      buf.copy(seg.buf, 0, 0, validBytes)
      for (const b of batches) {
        seg.bases.push(Number(b.baseOffset))
        seg.lasts.push(Number(b.lastOffset))
        seg.starts.push(b.start)
        seg.maxTimestamps.push(Number(b.maxTimestamp))
        if (this.epochs.length === 0 || this.epochs[this.epochs.length - 1].epoch < b.partitionLeaderEpoch) {
          this.epochs.push({ epoch: b.partitionLeaderEpoch, startOffset: Number(b.baseOffset) })
        }
      }
      seg.used = validBytes
      this.replayProducerState(buf, batches)
      if (seg.count > 0) {
        this.segments.push(seg)
        this.endOffset = seg.lastOffset + 1
        this.startOffset = seg.bases[0]
      }
      this.fd = openSync(file, 'r+')
      if (validBytes < buf.length) ftruncateSync(this.fd, validBytes)
      this.fd = reopenForAppend(this.fd, file)
    } else {
      this.fd = openSync(file, 'a')
    }
    if (existsSync(startFile)) this.startOffset = Math.max(this.startOffset, Number(readFileSync(startFile, 'utf8')))
    this.loadSegments(`${file}.segments`)
  }

  /** Reads FILE.segments back; a missing or unreadable one leaves the log as one segment, never cleaned. */
  private loadSegments (file: string): void {
    if (!existsSync(file)) return
    let saved: unknown
    try {
      saved = JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      return
    }
    const { rolls, cleanedUpTo } = saved as { rolls?: unknown, cleanedUpTo?: unknown }
    if (Array.isArray(rolls) && rolls.every(r => Number.isSafeInteger(r))) this.rolls = (rolls as number[]).filter(r => r <= this.endOffset)
    if (Number.isSafeInteger(cleanedUpTo)) this.cleanedUpTo = Math.min(cleanedUpTo as number, this.endOffset)
    this.recountActive()
  }
}

/** The longest prefix of a log file made of sound batches, and what ends it when it is not the whole file. */
export function recoverPrefix (buf: Buffer): { batches: BatchInfo[], validBytes: number, problem?: string } {
  const batches: BatchInfo[] = []
  let pos = 0
  let next = -1n
  while (pos < buf.length) {
    let end: number
    let info: BatchInfo
    try {
      end = batchEnd(buf, pos, {})
      if (end === TRUNCATED) return { batches, validBytes: pos, problem: 'a batch cut short (torn write)' }
      if (buf[pos + 16] !== 2) return { batches, validBytes: pos, problem: `magic ${buf[pos + 16]} where a record batch v2 was expected` }
      info = readRecordBatchInfo(buf, pos, end, {})
    } catch (err) {
      return { batches, validBytes: pos, problem: err instanceof Error ? err.message : String(err) }
    }
    if (buf.readUInt32BE(pos + V2_CRC) !== crc32c(buf, pos + V2_ATTRIBUTES, end)) return { batches, validBytes: pos, problem: 'a batch that fails its CRC-32C' }
    if (info.baseOffset < next || info.lastOffset < info.baseOffset) {
      return { batches, validBytes: pos, problem: `offsets ${info.baseOffset}-${info.lastOffset} out of order (expected from ${next})` }
    }
    next = info.lastOffset + 1n
    batches.push(info)
    pos = end
  }
  return { batches, validBytes: pos }
}

const EMPTY = Buffer.alloc(0)

/** The type of a control batch's marker: abort (0) or commit (1), from its record's key (KIP-98). */
/** A control record's type (key: version int16, type int16) and coordinator epoch (value: version int16, epoch int32). */
function readMarker (buf: Buffer, b: BatchInfo): { type: number, coordinatorEpoch: number } {
  for (const r of iterateRecords(buf.subarray(b.start, b.end), { includeControl: true, verifyCrc: false })) {
    return {
      type: r.key !== null && r.key.length >= 4 ? r.key.readInt16BE(2) : -1,
      coordinatorEpoch: r.value !== null && r.value.length >= 6 ? r.value.readInt32BE(2) : -1
    }
  }
  return { type: -1, coordinatorEpoch: -1 }
}

function newEntry (epoch: number): ProducerEntry {
  return { epoch, lastSequence: -1, recent: [], lastTimestamp: -1n, coordinatorEpoch: -1 }
}

function reopenForAppend (fd: number, file: string): number {
  closeSync(fd)
  return openSync(file, 'a')
}

/**
 * message.timestamp.after.max.ms: how far in the future a CreateTime record may be. Kafka 4.0 lowered the default
 * from Long.MAX_VALUE to one hour (KIP-1030); message.timestamp.before.max.ms stays unlimited.
 */
const TIMESTAMP_AFTER_MAX_MS = 3_600_000n
const INT64_MAX = 0x7fffffffffffffffn

/**
 * Checks one produced batch as Kafka's LogValidator does before it appends (validateBatch, then each record), and
 * returns the batch's true max timestamp, or the error Kafka answers. Kafka recomputes maxTimestamp from the
 * records rather than trusting the header (Sarama 1.22 writes -1 there), so ListOffsets by time and KIP-734's
 * max-timestamp lookup see what the records say. Kafka's exceptions map to error codes as its Errors table does:
 * CorruptRecordException is CORRUPT_MESSAGE, InvalidRecordException INVALID_RECORD, InvalidTimestampException
 * INVALID_TIMESTAMP.
 */
interface Refusal { errorCode: number, message: string, recordErrors?: AppendResult['recordErrors'] }

function validateBatch (blob: Buffer, b: BatchInfo, timestampType: TimestampType, nowMs: number): bigint | Refusal {
  const fail = (errorCode: number, message: string): Refusal => ({ errorCode, message })
  if (b.magic !== 2) return fail(ErrorCode.INVALID_RECORD, `Produce v3+ requires record batch v2, got magic ${b.magic}`)
  // The CRC covers attributes to the end of the batch (KIP-98), so offsets can be assigned without it.
  if (blob.readUInt32BE(b.start + V2_CRC) !== crc32c(blob, b.start + V2_ATTRIBUTES, b.end)) {
    return fail(ErrorCode.CORRUPT_MESSAGE, `batch at byte ${b.start} fails its CRC-32C`)
  }
  const countFromOffsets = b.lastOffset - b.baseOffset + 1n
  if (countFromOffsets <= 0n) return fail(ErrorCode.INVALID_RECORD, `Batch has an invalid offset range: [${b.baseOffset}, ${b.lastOffset}]`)
  if (b.recordCount <= 0) return fail(ErrorCode.INVALID_RECORD, `Invalid reported count for record batch: ${b.recordCount}`)
  if (countFromOffsets !== BigInt(b.recordCount)) {
    return fail(ErrorCode.INVALID_RECORD, `Inconsistent batch offset range [${b.baseOffset}, ${b.lastOffset}] and count of records ${b.recordCount}`)
  }
  if (b.isControl) return fail(ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records')
  if (b.producerId >= 0n && b.baseSequence < 0) {
    return fail(ErrorCode.INVALID_RECORD, `Invalid sequence number ${b.baseSequence} in record batch with producerId ${b.producerId}`)
  }
  let max = -1n
  let n = 0
  const now = BigInt(nowMs)
  try {
    // reuseRecord: one record object for the whole batch; only its offset and timestamp are read.
    for (const r of iterateRecords(blob.subarray(b.start, b.end), { verifyCrc: false, reuseRecord: true })) {
      // Kafka checks inner offsets only where it rebuilds the batch (compressed input); uncompressed records keep
      // their deltas as sent.
      if (b.compression !== 'none' && r.offset !== b.baseOffset + BigInt(n)) {
        return fail(ErrorCode.INVALID_RECORD, `Invalid inner offset ${r.offset - b.baseOffset} for record ${n} of a compressed batch`)
      }
      if (timestampType === 'create' && r.timestamp >= 0n && r.timestamp - now > TIMESTAMP_AFTER_MAX_MS) {
        // Kafka's wording, with the range it allows: message.timestamp.before.max.ms is Long.MAX_VALUE.
        const text = `Timestamp ${r.timestamp} of message with offset ${n} is out of range. The timestamp should be within [${now - INT64_MAX}, ${now + TIMESTAMP_AFTER_MAX_MS}]`
        return { errorCode: ErrorCode.INVALID_TIMESTAMP, message: text, recordErrors: [{ batchIndex: n, batchIndexErrorMessage: text }] }
      }
      if (r.timestamp > max) max = r.timestamp
      n++
    }
  } catch (err) {
    if (err instanceof CompressionError) return fail(ErrorCode.CORRUPT_MESSAGE, err.message)
    if (err instanceof CorruptRecordError) return fail(ErrorCode.INVALID_RECORD, `Found invalid record structure: ${err.message}`)
    throw err
  }
  if (n !== b.recordCount) return fail(ErrorCode.INVALID_RECORD, `Incorrect declared batch size: ${b.recordCount} records declared, ${n} found`)
  return max
}

/** True when `blob` frames as magic-2 batches (by their length fields) whose CRC-32C all match. */
function everyCrcMatches (blob: Buffer): boolean {
  let pos = 0
  while (pos < blob.length) {
    if (blob.length - pos < V2_ATTRIBUTES) return false
    const end = pos + 12 + blob.readInt32BE(pos + 8)
    if (end > blob.length || end < pos + V2_ATTRIBUTES || blob[pos + 16] !== 2) return false
    if (blob.readUInt32BE(pos + V2_CRC) !== crc32c(blob, pos + V2_ATTRIBUTES, end)) return false
    pos = end
  }
  return true
}

function failure (errorCode: number, message: string): AppendResult {
  return { errorCode, errorMessage: message, detail: message, baseOffset: -1n, logAppendTime: -1n }
}

/**
 * A batch refused by validation, answered as Kafka 4.x answers it (checked against a real broker): no
 * errorMessage for CORRUPT_MESSAGE and INVALID_RECORD; for a record's timestamp, INVALID_TIMESTAMP with Kafka's
 * summary and the record in recordErrors (KIP-467).
 */
function refused (r: Refusal): AppendResult {
  const errorMessage = r.recordErrors === undefined ? null : 'One or more records have been rejected due to invalid timestamp'
  return { errorCode: r.errorCode, errorMessage, detail: r.message, recordErrors: r.recordErrors, baseOffset: -1n, logAppendTime: -1n }
}

function cloneEntry (e: ProducerEntry | undefined): ProducerEntry | undefined {
  return e === undefined ? undefined : { ...e, recent: e.recent.slice() }
}

/** Sequence numbers wrap from INT32_MAX to 0 (KIP-98, DefaultRecordBatch.incrementSequence). */
function addSequence (seq: number, n: number): number {
  const v = seq + n
  return v > INT32_MAX ? v - INT32_MAX - 1 : v
}

function checkSequence (entry: ProducerEntry | undefined, b: BatchInfo): { errorCode: number, message: string, duplicateOf?: number } {
  const ok = { errorCode: ErrorCode.NONE, message: '' }
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
  const recent = { firstSequence: b.baseSequence, lastSequence: entry.lastSequence, baseOffset: -1, lastOffset: -1 }
  entry.recent.push(recent)
  if (entry.recent.length > PRODUCER_RECENT_BATCHES) entry.recent.shift()
  return recent
}
