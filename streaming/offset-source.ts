// The little the direct stream needs from Kafka, as an interface of its own: where each partition's log starts and
// ends, and the records of one offset range. The real implementation wraps consumer/'s SimpleConsumer
// (simple-consumer-source.ts); tests and examples can use MemoryOffsetSource. Keeping it this small is what lets a
// partition's task be "range in, records out" with nothing shared.
import type { KafkaRecord } from '../protocol/records/index.js'
import type { RawRecords } from '../consumer/simple-consumer.js'
import type { OffsetRange, TopicPartition } from './offset-range.js'

export interface SourceHeader { readonly key: string; readonly value: Buffer | null }

/** One Kafka record as the stream sees it: the record plus where it came from. */
export interface SourceRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly timestamp: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly SourceHeader[]
}

export interface OffsetSource {
  /** Every partition of the given topics; a topic that does not exist is an error, not an empty list. */
  partitionsFor (topics: readonly string[]): Promise<TopicPartition[]>
  /** Log start offsets (ListOffsets timestamp -2), keyed by tpKey. */
  earliestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>>
  /** High watermarks (ListOffsets timestamp -1; the last stable offset under read_committed), keyed by tpKey. */
  latestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>>
  /**
   * The records with fromOffset <= offset < untilOffset, in offset order, in chunks. Offsets may have gaps
   * (compaction, transaction markers). When fromOffset is below the log start the source throws an error carrying
   * `logStartOffset: bigint` (see logStartOffsetOf), so the stream can apply failOnDataLoss.
   */
  fetchRange (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly SourceRecord[]>
  /**
   * Optional, for sources over the consumer: the same records as fetchRange, as the consumer decoded them, without
   * a SourceRecord per record. The stream's tasks prefer it and make each record's view only as they hand it to the
   * message handler, so the views die young instead of living as long as a fetched chunk (less GC work per batch).
   */
  fetchRecords? (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly KafkaRecord[]>
  /**
   * Optional, for sources over the consumer: the range's fetch responses undecoded (CRC-checked), one RawRecords per
   * response, each to be decoded from its options' fromOffset and stopped at untilOffset (the first and last may
   * hold records outside the range). The stream's tasks prefer it: a batch then holds bytes, and records and
   * handled values are made only while an action runs (partition-task.ts, readPartition).
   */
  fetchRaw? (range: OffsetRange, signal?: AbortSignal): AsyncIterable<RawRecords>
  /** Stores committed offsets for a consumer group (OffsetCommit), so group-lag tools can show progress. */
  commitOffsets? (groupId: string, offsets: ReadonlyMap<string, { topic: string; partition: number; offset: bigint }>): Promise<void>
  close (): Promise<void>
}

/** The log start offset an "offset out of range" error reports, if the error is one. */
export function logStartOffsetOf (err: unknown): bigint | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const v = (err as { logStartOffset?: unknown }).logStartOffset
  return typeof v === 'bigint' ? v : undefined
}
