// An offset range is the unit of work of the direct approach: "read topic T, partition P, offsets from..until".
// Spark's direct stream defines one per Kafka partition per batch on the driver and hands it to a task, which
// reads exactly those records; recording the ranges (not the data) is what makes a batch replayable.
import { ConfigError } from '../protocol/errors.js'

// One definition across layers: the consumer's OffsetRange (half-open: `fromOffset` is the first offset read,
// `untilOffset` the first one not read), TopicPartition and map key.
import type { OffsetRange } from '../consumer/simple-consumer.js'
export type { OffsetRange, TopicPartition } from '../consumer/simple-consumer.js'
export { tpKey } from '../consumer/simple-consumer.js'

export function offsetRange (topic: string, partition: number, fromOffset: bigint, untilOffset: bigint): OffsetRange {
  if (fromOffset < 0n || untilOffset < fromOffset) {
    throw new ConfigError('offsetRange', `${topic}[${partition}]: needs 0 <= fromOffset <= untilOffset, got ${fromOffset}..${untilOffset}`)
  }
  return { topic, partition, fromOffset, untilOffset }
}

/** How many offsets a range spans (an upper bound on records: compaction and transaction markers leave gaps). */
export function rangeCount (range: OffsetRange): bigint {
  return range.untilOffset - range.fromOffset
}

export function formatRange (range: OffsetRange): string {
  return `${range.topic}[${range.partition}] ${range.fromOffset}..${range.untilOffset}`
}

/** Spark's HasOffsetRanges: a batch's dataset that came straight from a direct stream knows which ranges it read. */
export interface HasOffsetRanges {
  readonly offsetRanges: readonly OffsetRange[]
}

export function hasOffsetRanges (value: unknown): value is HasOffsetRanges {
  return typeof value === 'object' && value !== null && Array.isArray((value as { offsetRanges?: unknown }).offsetRanges)
}

/**
 * The typed form of Spark's `rdd.asInstanceOf[HasOffsetRanges].offsetRanges`. As in Spark, only the dataset the
 * direct stream produced carries ranges: after a map or a shuffle the partition-to-range link is gone, so take the
 * ranges in the first foreachRDD/transform on the stream itself.
 */
export function offsetRangesOf (rdd: unknown): readonly OffsetRange[] {
  if (!hasOffsetRanges(rdd)) {
    throw new ConfigError('offsetRangesOf', 'this dataset has no offset ranges: call it on the direct stream\'s own batch, ' +
      'before map/filter/reduceByKey (as with Spark\'s HasOffsetRanges)')
  }
  return rdd.offsetRanges
}

/** JSON form: offsets as decimal strings, since int64 offsets do not fit a JSON number exactly. */
export interface OffsetRangeJson { topic: string; partition: number; fromOffset: string; untilOffset: string }

export function rangeToJson (r: OffsetRange): OffsetRangeJson {
  return { topic: r.topic, partition: r.partition, fromOffset: r.fromOffset.toString(), untilOffset: r.untilOffset.toString() }
}

/** Parses the JSON form back; returns undefined for anything malformed so the caller can name the file. */
export function rangeFromJson (v: unknown): OffsetRange | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (typeof o.topic !== 'string' || typeof o.partition !== 'number' || !Number.isInteger(o.partition)) return undefined
  const from = parseOffset(o.fromOffset)
  const until = parseOffset(o.untilOffset)
  if (from === undefined || until === undefined || until < from) return undefined
  return { topic: o.topic, partition: o.partition, fromOffset: from, untilOffset: until }
}

function parseOffset (v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return BigInt(v)
  return undefined
}
