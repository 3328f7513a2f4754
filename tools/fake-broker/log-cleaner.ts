import { encodeRecordBatch, iterateRecords, rewriteBatchHeader, type BatchInfo, type RecordInput } from '../../protocol/records/index.js'
import { ATTR_DELETE_HORIZON, CONTROL_ABORT, encodeEmptyRecordBatch, readRecordBatchInfo } from '../../protocol/records/record-batch.js'
import type { ClusterState } from './cluster-state.js'
import type { AbortedSpan, PartitionLog, ProducerLastRecord } from './partition-log.js'

// Log compaction (cleanup.policy=compact, since Kafka 0.8.1; tombstone delete horizons KIP-534), as Kafka 4.x's log
// cleaner does it (LogCleanerManager.grabFilthiestCompactedLog and cleanableOffsets, LogCleaner.doClean,
// MemoryRecords.filterTo), on one partition's log at a time:
//
// - What may be cleaned: whole segments below the first uncleanable offset, the least of the active segment's base
//   (the active segment is never cleaned), the last stable offset (no open transaction's data), and the base of the
//   first segment whose newest record is younger than min.compaction.lag.ms.
// - When: the dirty share of the log (bytes not cleaned yet, of the cleanable part) exceeds
//   min.cleanable.dirty.ratio, or a dirty segment's first batch is older than max.compaction.lag.ms; and only when
//   a whole dirty segment can be cleaned.
// - What stays: the newest record of each key (the offset map is built from the dirty part), tombstones (null
//   values) until their batch's delete horizon, which the first cleaning that keeps them sets to now +
//   delete.retention.ms; records without a key go. Aborted transactions' records go; a transaction marker stays
//   while the cleaned range holds its transaction's data, then gets a horizon like a tombstone.
// - Batches keep their offsets: a batch keeps its base and last offset when records go (gaps appear), and a batch
//   whose records all went stays as an empty batch when it is an active producer's last (its sequence numbers) or
//   the last one of the cleaned range (so the next offset is known). Other emptied batches go.
// - Cleaned segments are merged while they fit segment.bytes (LogCleaner.groupSegmentsBySize).

export interface CleanerConfig {
  deleteRetentionMs: number
  minCompactionLagMs: number
  maxCompactionLagMs: number
  minCleanableRatio: number
  segmentBytes: number
}

interface LogicalSegment { base: number, bytes: number, largestTimestamp: number, firstBatchTimestamp: number, batches: StoredBatch[] }
interface StoredBatch { baseOffset: number, lastOffset: number, maxTimestamp: number, view: Buffer }

/** The cleaner's view of the log: its batches grouped into segments by the segments' base offsets. */
function segmentsOf (log: PartitionLog): LogicalSegment[] {
  const batches = [...log.batches(0)]
  const first = Math.min(batches[0]?.baseOffset ?? Number(log.logStartOffset), Number(log.logStartOffset))
  // Segments an earlier cleaning left empty still count, with their base.
  const segments = [first, ...log.segmentRolls.filter(r => r > first)].map(emptySegment)
  let k = 0
  for (const b of batches) {
    while (k + 1 < segments.length && b.baseOffset >= segments[k + 1].base) k++
    const s = segments[k]
    s.bytes += b.view.length
    if (b.maxTimestamp > s.largestTimestamp) s.largestTimestamp = b.maxTimestamp
    if (s.batches.length === 0) s.firstBatchTimestamp = b.maxTimestamp
    s.batches.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, view: b.view })
  }
  return segments
}

function emptySegment (base: number): LogicalSegment {
  return { base, bytes: 0, largestTimestamp: -1, firstBatchTimestamp: -1, batches: [] }
}

/** Where cleaning would stop, and whether the log is due (cleanableOffsets, grabFilthiestCompactedLog). */
function planCleaning (log: PartitionLog, segments: LogicalSegment[], cfg: CleanerConfig, nowMs: number): { firstDirty: number, upTo: number } | undefined {
  const start = Number(log.logStartOffset)
  const checkpoint = log.cleanerCheckpoint
  const firstDirty = checkpoint < start || checkpoint > Number(log.highWatermark) ? start : checkpoint
  const active = segments[segments.length - 1]
  let uncleanable = Math.min(Number(log.lastStableOffset), active.base)
  const dirtyNonActive = segments.filter(s => s !== active && nextBase(segments, s) > firstDirty)
  if (cfg.minCompactionLagMs > 0) {
    const young = dirtyNonActive.find(s => s.largestTimestamp > nowMs - cfg.minCompactionLagMs)
    if (young !== undefined) uncleanable = Math.min(uncleanable, young.base)
  }
  // Rounded down to a segment base: only whole segments are cleaned (calculateCleanableBytes).
  const holding = segments.filter(s => s.base <= Math.max(firstDirty, uncleanable)).pop() ?? segments[0]
  const upTo = holding.base
  const bytesBetween = (from: number, to: number): number => segments.filter(s => s.base < to && nextBase(segments, s) > from).reduce((n, s) => n + s.bytes, 0)
  const cleanBytes = bytesBetween(-1, firstDirty)
  const cleanableBytes = bytesBetween(Math.min(firstDirty, upTo), upTo)
  const total = cleanBytes + cleanableBytes
  if (total === 0) return undefined
  // max.compaction.lag.ms (KIP-354): a dirty segment whose first batch is older than it must be cleaned now.
  const earliest = Math.min(...dirtyNonActive.map(s => s.firstBatchTimestamp).filter(t => t > 0), Infinity)
  const mustClean = earliest < nowMs - cfg.maxCompactionLagMs
  if (!((mustClean && cleanableBytes > 0) || cleanableBytes / total > cfg.minCleanableRatio)) return undefined
  return { firstDirty, upTo }
}

function nextBase (segments: LogicalSegment[], s: LogicalSegment): number {
  const i = segments.indexOf(s)
  return i + 1 < segments.length ? segments[i + 1].base : Infinity
}

/**
 * Which batches belong to aborted transactions, and whether a transaction marker may go, as the cleaner walks the
 * log in offset order (Kafka's CleanedTransactionMetadata). `retained` collects the aborted transactions whose
 * marker stays because their data is still there: Fetch keeps listing those.
 */
class TransactionWalk {
  private readonly pending: AbortedSpan[]
  private readonly ongoingAborted = new Map<bigint, { span: AbortedSpan, sawData: boolean }>()
  private readonly ongoingCommitted = new Set<bigint>()
  readonly retained: AbortedSpan[] = []

  constructor (aborted: AbortedSpan[]) {
    this.pending = aborted.slice().sort((a, b) => a.firstOffset - b.firstOffset)
  }

  private consumeUpTo (offset: number): void {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= offset) {
      const span = this.pending.shift()!
      if (!this.ongoingAborted.has(span.producerId)) this.ongoingAborted.set(span.producerId, { span, sawData: false })
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (so it may go). */
  onBatch (b: BatchInfo): boolean {
    this.consumeUpTo(Number(b.lastOffset))
    if (!b.isTransactional) return false
    const aborted = this.ongoingAborted.get(b.producerId)
    if (aborted !== undefined) { aborted.sawData = true; return true }
    this.ongoingCommitted.add(b.producerId)
    return false
  }

  /** A control batch: true when its transaction's data is gone, so the marker itself may go (after its horizon). */
  onControl (b: BatchInfo, markerType: number | undefined): boolean {
    this.consumeUpTo(Number(b.lastOffset))
    if (markerType === undefined) return true // an emptied marker batch, cleaned before
    if (markerType === CONTROL_ABORT) {
      const aborted = this.ongoingAborted.get(b.producerId)
      this.ongoingAborted.delete(b.producerId)
      if (aborted?.sawData === true) { this.retained.push(aborted.span); return false }
      return true
    }
    return !this.ongoingCommitted.delete(b.producerId)
  }
}

function markerTypeOf (view: Buffer): number | undefined {
  for (const r of iterateRecords(view, { includeControl: true, verifyCrc: false })) {
    return r.key !== null && r.key.length >= 4 ? r.key.readInt16BE(2) : -1
  }
  return undefined
}

/** key → the offset of its newest record in the dirty part (buildOffsetMap); aborted data and markers do not count. */
function buildOffsetMap (segments: LogicalSegment[], firstDirty: number, upTo: number, aborted: AbortedSpan[]): Map<string, number> {
  const map = new Map<string, number>()
  const walk = new TransactionWalk(aborted)
  for (const s of segments) {
    for (const stored of s.batches) {
      if (stored.lastOffset < firstDirty || stored.baseOffset >= upTo) continue
      const b = readRecordBatchInfo(stored.view, 0, stored.view.length, {})
      if (b.isControl) { walk.onControl(b, markerTypeOf(stored.view)); continue }
      if (walk.onBatch(b)) continue
      for (const r of iterateRecords(stored.view, { verifyCrc: false, reuseRecord: true })) {
        if (r.key !== null && r.offset >= BigInt(firstDirty)) map.set(r.key.toString('latin1'), Number(r.offset))
      }
    }
  }
  return map
}

/** Cleans one batch (MemoryRecords.filterTo with the cleaner's filter): its bytes to keep, or undefined. */
function cleanBatch (stored: StoredBatch, map: Map<string, number>, walk: TransactionWalk, producers: Map<bigint, ProducerLastRecord>, upTo: number, cfg: CleanerConfig, nowMs: number): Buffer | undefined {
  const b = readRecordBatchInfo(stored.view, 0, stored.view.length, {})
  const horizon = (b.attributes & ATTR_DELETE_HORIZON) !== 0 ? Number(b.firstTimestamp) : undefined
  const canDiscard = b.isControl ? walk.onControl(b, markerTypeOf(stored.view)) : walk.onBatch(b)
  const discardRecords = b.isControl ? canDiscard && horizon !== undefined && horizon <= nowMs : canDiscard
  const last = producers.get(b.producerId)
  const lastOfProducer = b.producerId >= 0n && last !== undefined &&
    (last.lastDataOffset !== undefined ? stored.lastOffset === last.lastDataOffset : b.isControl && b.producerEpoch === last.epoch)
  const retainEmpty = lastOfProducer || stored.lastOffset + 1 === upTo
  if (!retainEmpty && discardRecords) return undefined

  const kept: RecordInput[] = []
  let all = true
  let tombstones = false
  for (const r of iterateRecords(stored.view, { includeControl: true, verifyCrc: false })) {
    let keep: boolean
    if (discardRecords) keep = false
    else if (b.isControl) keep = true
    else if (r.key === null) keep = false
    else {
      const latest = Number(r.offset) >= (map.get(r.key.toString('latin1')) ?? -1)
      keep = latest && (r.value !== null || horizon === undefined || nowMs < horizon)
    }
    if (!keep) { all = false; continue }
    if (r.value === null) tombstones = true
    kept.push({ key: r.key, value: r.value, headers: r.headers.map(h => ({ key: h.key, value: h.value })), timestamp: r.timestamp, offsetDelta: Number(r.offset - b.baseOffset) })
  }
  if (kept.length === 0) return retainEmpty ? encodeEmptyRecordBatch(b) : undefined
  const needHorizon = (tombstones || (canDiscard && b.isControl)) && horizon === undefined
  if (all && !needHorizon) return stored.view
  const rebuilt = encodeRecordBatch(kept, {
    baseOffset: b.baseOffset,
    compression: b.compression,
    timestampType: b.timestampType,
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
    transactional: b.isTransactional,
    isControl: b.isControl,
    partitionLeaderEpoch: b.partitionLeaderEpoch,
    lastOffsetDelta: Number(b.lastOffset - b.baseOffset),
    deleteHorizonMs: needHorizon ? BigInt(nowMs + cfg.deleteRetentionMs) : (horizon === undefined ? undefined : BigInt(horizon))
  })
  // LogAppendTime batches keep their append time as the max timestamp (MemoryRecordsBuilder's logAppendTime).
  if (b.timestampType === 'logAppend') rewriteBatchHeader(rebuilt, { logAppendTime: b.maxTimestamp })
  return rebuilt
}

/**
 * Cleans one partition's log if it is due, by the clock `nowMs`; returns whether it cleaned. Records in the
 * cleaned range that lost to a newer record of their key, expired tombstones, keyless records and aborted
 * transactional data are removed; everything keeps its offset.
 */
export function cleanLog (log: PartitionLog, cfg: CleanerConfig, nowMs: number): boolean {
  const segments = segmentsOf(log)
  const plan = planCleaning(log, segments, cfg, nowMs)
  if (plan === undefined) return false
  const { firstDirty, upTo } = plan
  const aborted = log.abortedSpans
  const map = buildOffsetMap(segments, firstDirty, upTo, aborted.filter(a => a.lastOffset >= firstDirty && a.firstOffset < upTo))
  const walk = new TransactionWalk(aborted.filter(a => a.firstOffset < upTo))
  const producers = log.producerLastRecords()
  const cleaned: Buffer[] = []
  // Segments are grouped by their size before cleaning, as long as a group fits segment.bytes.
  const rolls: number[] = []
  let groupBytes = Infinity
  const below = segments.filter(s => s.base < upTo)
  below.forEach((s, i) => {
    if (groupBytes + s.bytes > cfg.segmentBytes) {
      if (i > 0) rolls.push(s.base)
      groupBytes = 0
    }
    groupBytes += s.bytes
    for (const stored of s.batches) {
      const kept = cleanBatch(stored, map, walk, producers, upTo, cfg, nowMs)
      if (kept !== undefined) cleaned.push(kept)
    }
  })
  for (const s of segments) if (s.base >= upTo && s !== segments[0]) rolls.push(s.base)
  const stillListed = aborted.filter(a => a.lastOffset >= upTo)
  log.replaceCleaned(upTo, cleaned, rolls, [...walk.retained, ...stillListed].sort((a, b) => a.firstOffset - b.firstOffset))
  return true
}

/** The cleaner settings a topic has now, from its configs (read at each run, so AlterConfigs takes effect). */
export function cleanerConfig (cluster: ClusterState, topic: string): CleanerConfig {
  return {
    deleteRetentionMs: cluster.topicNumber(topic, 'delete.retention.ms'),
    minCompactionLagMs: cluster.topicNumber(topic, 'min.compaction.lag.ms'),
    maxCompactionLagMs: cluster.topicNumber(topic, 'max.compaction.lag.ms'),
    minCleanableRatio: cluster.topicNumber(topic, 'min.cleanable.dirty.ratio'),
    segmentBytes: cluster.topicNumber(topic, 'segment.bytes')
  }
}

/** Whether a topic's cleanup.policy includes `policy` (compact, delete). */
export function hasCleanupPolicy (cluster: ClusterState, topic: string, policy: 'compact' | 'delete'): boolean {
  const value = cluster.configs.topicValue(topic, 'cleanup.policy', cluster.brokers[0].id) ?? 'delete'
  return value.split(',').map(s => s.trim()).includes(policy)
}

/** One cleaner pass over every partition of the compacted topics; returns how many partitions were cleaned. */
export function cleanCompactedLogs (cluster: ClusterState, nowMs: number): number {
  let cleaned = 0
  for (const topic of cluster.topics.values()) {
    if (!hasCleanupPolicy(cluster, topic.name, 'compact')) continue
    const cfg = cleanerConfig(cluster, topic.name)
    for (const p of topic.partitions) if (cleanLog(p.log, cfg, nowMs)) cleaned++
  }
  return cleaned
}
