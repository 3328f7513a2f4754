// How many records each partition may contribute to the next batch: the arithmetic of Spark's
// DirectKafkaInputDStream.maxMessagesPerPartition and clamp, kept pure so it can be checked against fixed tables.
//
// - Without backpressure, each partition's limit is spark.streaming.kafka.maxRatePerPartition (0 = unlimited).
// - With backpressure, the estimated stream rate is split over partitions in proportion to their lag
//   (lag / totalLag × rate), each share capped by maxRatePerPartition when that is set.
// - A partition then takes max(floor(batchSeconds × limit), minRatePerPartition) records, and never more than it has.
//
// Offsets are bigint on the wire; lags are converted to number for the division. That is exact up to 2^53 records of
// lag, far beyond anything a batch could read.
import { tpKey } from '../offset-range.js'
import type { TopicPartition } from '../offset-range.js'

export interface PartitionLimitOptions {
  batchIntervalMs: number
  /** spark.streaming.kafka.maxRatePerPartition, records/s; 0 means unlimited. */
  maxRatePerPartition: number
  /** spark.streaming.kafka.minRatePerPartition, records per batch floor when limited (Spark's default 1). */
  minRatePerPartition: number
  /**
   * The backpressure estimate for the whole stream (records/s), or undefined without backpressure / before the
   * estimator has produced one (then spark.streaming.backpressure.initialRate applies if set, which the caller passes
   * here).
   */
  estimatedRate?: number
}

/**
 * Records per partition the next batch may take, keyed by tpKey; undefined when nothing limits the batch.
 * @param current where each partition's next batch starts
 * @param latest each partition's latest offset
 */
export function maxMessagesPerPartition (
  tps: readonly TopicPartition[], current: ReadonlyMap<string, bigint>, latest: ReadonlyMap<string, bigint>, opts: PartitionLimitOptions
): Map<string, number> | undefined {
  const limits = new Map<string, number>()
  const rate = opts.estimatedRate
  if (rate !== undefined && rate > 0) {
    const lags = new Map<string, number>()
    let totalLag = 0
    for (const tp of tps) {
      const k = tpKey(tp.topic, tp.partition)
      const lag = Math.max(Number((latest.get(k) ?? 0n) - (current.get(k) ?? 0n)), 0)
      lags.set(k, lag)
      totalLag += lag
    }
    for (const [k, lag] of lags) {
      // With no lag anywhere Spark divides 0 by 0 and gets NaN, which then fails the "sum > 0" test below, meaning
      // "no limit". We spell that out instead of relying on NaN.
      const share = totalLag === 0 ? 0 : lag / totalLag * rate
      limits.set(k, opts.maxRatePerPartition > 0 ? Math.min(share, opts.maxRatePerPartition) : share)
    }
  } else {
    for (const tp of tps) limits.set(tpKey(tp.topic, tp.partition), opts.maxRatePerPartition)
  }
  let sum = 0
  for (const v of limits.values()) sum += v
  if (!(sum > 0)) return undefined
  const batchSeconds = opts.batchIntervalMs / 1000
  const out = new Map<string, number>()
  for (const [k, limit] of limits) out.set(k, Math.max(Math.floor(batchSeconds * limit), opts.minRatePerPartition))
  return out
}

/** Spark's clamp: each partition's until offset is min(current + allowed, latest). */
export function clampUntilOffsets (
  tps: readonly TopicPartition[], current: ReadonlyMap<string, bigint>, latest: ReadonlyMap<string, bigint>, opts: PartitionLimitOptions
): Map<string, bigint> {
  const allowed = maxMessagesPerPartition(tps, current, latest, opts)
  const out = new Map<string, bigint>()
  for (const tp of tps) {
    const k = tpKey(tp.topic, tp.partition)
    const until = latest.get(k) ?? 0n
    const from = current.get(k) ?? until
    const n = allowed?.get(k)
    const capped = n === undefined ? until : from + BigInt(n)
    out.set(k, capped < until ? capped : until)
  }
  return out
}
