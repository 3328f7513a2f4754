import { ErrorCode } from '../../protocol/error-codes.js'
import { iterateRecords, scanBatches } from '../../protocol/records/index.js'
import type { ClusterState, TopicState } from './cluster-state.js'
import { hasCleanupPolicy } from './log-cleaner.js'

// Topic configs that change what the broker does, read from the config model (configs/) each time so that an
// AlterConfigs takes effect at once, as on Kafka:
// - max.message.bytes: a produced record batch larger than it is refused with MESSAGE_TOO_LARGE (LogValidator).
// - message.timestamp.before.max.ms / after.max.ms (KIP-937): a CreateTime record older or newer than now by more
//   than these is refused with INVALID_TIMESTAMP. LogAppendTime topics stamp records themselves and skip this.
// - cleanup.policy=compact: records without a key are refused with INVALID_RECORD; compaction is log-cleaner.ts.
// - retention.ms / retention.bytes: old data is deleted, oldest first, and the log start offset moves, so readers
//   below it get OFFSET_OUT_OF_RANGE. Kafka deletes whole segments; here a segment is one record batch (as with a
//   tiny segment.bytes), which keeps the fake's answers exact for tests. `enforceRetention` runs on the cluster's
//   schedule (log.retention.check.interval.ms) and can be run by a test after it moves its virtual clock.

const LONG_MAX = 9223372036854775807n

export interface PolicyError { errorCode: number, errorMessage: string, recordErrors?: Array<{ batchIndex: number, batchIndexErrorMessage: string }> }

function numberConfig (cluster: ClusterState, topic: string, name: string): bigint {
  return BigInt(cluster.configs.topicValue(topic, name, cluster.brokers[0].id) ?? '-1')
}

/** The error for a produced blob that the topic's configs refuse, or undefined. The blob's batches are valid. */
export function produceConfigError (cluster: ClusterState, topic: TopicState, partition: number, blob: Buffer, nowMs: number): PolicyError | undefined {
  const maxBytes = numberConfig(cluster, topic.name, 'max.message.bytes')
  const { batches } = scanBatches(blob)
  for (const b of batches) {
    const size = b.end - b.start
    if (BigInt(size) > maxBytes) {
      return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, errorMessage: `The batch size ${size} bytes exceeds max.message.bytes ${maxBytes} of topic ${topic.name}` }
    }
  }
  // A compacted topic keeps records by key, so Kafka's LogValidator refuses records without one.
  const compacted = hasCleanupPolicy(cluster, topic.name, 'compact')
  const checkTimes = topic.timestampType === 'create'
  const before = checkTimes ? numberConfig(cluster, topic.name, 'message.timestamp.before.max.ms') : LONG_MAX
  const after = checkTimes ? numberConfig(cluster, topic.name, 'message.timestamp.after.max.ms') : LONG_MAX
  const now = BigInt(nowMs)
  for (const b of batches) {
    if (!compacted && before === LONG_MAX && (after === LONG_MAX || b.maxTimestamp <= now + after)) continue
    // The batch's first timestamp need not be its smallest: each record is checked, as Kafka's LogValidator does,
    // and every refused record of the batch is listed (the key first, then the timestamp).
    const errors: RecordError[] = []
    let n = 0
    for (const r of iterateRecords(blob.subarray(b.start, b.end), { verifyCrc: false, topic: topic.name, partition })) {
      if (compacted && r.key === null) {
        errors.push({ batchIndex: n, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${topic.name}-${partition}`, timestamp: false })
      } else if (checkTimes && (r.timestamp > now + after || r.timestamp < now - before)) {
        const text = `Timestamp ${r.timestamp} of message with offset ${n} is out of range. The timestamp should be within [${now - before}, ${now + after}]`
        errors.push({ batchIndex: n, batchIndexErrorMessage: text, timestamp: true })
      }
      n++
    }
    if (errors.length > 0) return recordErrors(errors)
  }
  return undefined
}

interface RecordError { batchIndex: number, batchIndexErrorMessage: string, timestamp: boolean }

/**
 * Refused records answered as Kafka's LogValidator.processRecordErrors words them: any timestamp error makes it
 * INVALID_TIMESTAMP with a summary; otherwise INVALID_RECORD, listing the first three (Java's RecordError.toString).
 * Every refused record is named in recordErrors (KIP-467).
 */
function recordErrors (errors: RecordError[]): PolicyError {
  const listed = errors.map(e => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.batchIndexErrorMessage }))
  if (errors.some(e => e.timestamp)) {
    return { errorCode: ErrorCode.INVALID_TIMESTAMP, errorMessage: 'One or more records have been rejected due to invalid timestamp', recordErrors: listed }
  }
  const shown = listed.slice(0, 3).map(e => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`).join(', ')
  return {
    errorCode: ErrorCode.INVALID_RECORD,
    errorMessage: `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]`,
    recordErrors: listed
  }
}

/**
 * Deletes what retention.ms and retention.bytes no longer keep, on every partition of topics whose
 * cleanup.policy includes delete. Returns the number of partitions whose log start offset moved.
 */
export function enforceRetention (cluster: ClusterState, nowMs: number): number {
  let moved = 0
  for (const topic of cluster.topics.values()) {
    if (!hasCleanupPolicy(cluster, topic.name, 'delete')) continue
    const retentionMs = numberConfig(cluster, topic.name, 'retention.ms')
    const retentionBytes = numberConfig(cluster, topic.name, 'retention.bytes')
    if (retentionMs < 0n && retentionBytes < 0n) continue
    for (const p of topic.partitions) {
      const log = p.log
      let size = 0
      for (const b of log.batches()) size += b.view.length
      let newStart: number | undefined
      for (const b of log.batches()) {
        const expired = retentionMs >= 0n && BigInt(nowMs) - BigInt(b.maxTimestamp) > retentionMs
        const oversized = retentionBytes >= 0n && BigInt(size - b.view.length) >= retentionBytes
        if (!expired && !oversized) break
        size -= b.view.length
        newStart = b.lastOffset + 1
      }
      if (newStart !== undefined && BigInt(newStart) > log.logStartOffset) {
        log.deleteRecordsBefore(BigInt(newStart))
        moved++
      }
    }
  }
  return moved
}
