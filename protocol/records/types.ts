// The shapes shared by the record encoders, the batch scanner and the record iterator. Kafka stores records in
// batches: since 0.11 a "record batch" (magic 2, KIP-98), before that a "message set" of messages (magic 0, and
// magic 1 with timestamps from 0.10, KIP-32). A Fetch response's `records` field is a run of such batches, the
// last of which may be cut short by the broker's size limit (protocol guide, "Record Batch" and "Message sets";
// kafka.apache.org/documentation/#recordbatch and #messageset).
import type { CompressionCodec } from '../compression/codec.js'

export type { CompressionCodec }

export type TimestampType = 'create' | 'logAppend'

/** A record header: Kafka allows the same key more than once, so headers are a list, not a map. */
export interface RecordHeader {
  key: string
  value: Buffer | null
}

/**
 * One decoded record. `key`, `value` and header values are views into the fetched (or decompressed) bytes, not
 * copies: keep the record and you keep its batch alive.
 */
export interface KafkaRecord {
  readonly offset: bigint
  /** CreateTime, or the broker's append time when `timestampType` is 'logAppend'; -1 for magic-0 messages. */
  readonly timestamp: bigint
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: RecordHeader[]
  readonly timestampType: TimestampType
  /** The partition leader epoch stored in the batch (KIP-101); -1 when unknown and for magic 0/1. */
  readonly leaderEpoch: number
  /** A transaction marker (KIP-98); only yielded with `includeControl`. The key holds version and type. */
  readonly isControl: boolean
  /** The batch format the record came from: 0, 1 or 2. */
  readonly magic: number
}

/** A record to encode. Strings are UTF-8 encoded; a missing timestamp means "now" (Date.now()). */
export interface RecordInput {
  key?: Buffer | string | null
  value?: Buffer | string | null
  headers?: Array<{ key: string, value: Buffer | string | null }>
  timestamp?: bigint | number
  /**
   * The record's offset minus the batch's base offset. Default: its index in the batch. A compacted batch keeps its
   * records' original offsets, so its deltas have gaps (brokers' log cleaners write such batches).
   */
  offsetDelta?: number
}

export interface BatchOptions {
  /** Offset of the first record; brokers assign the real one on append. Default 0. */
  baseOffset?: bigint
  compression?: CompressionCodec
  timestampType?: TimestampType
  /** Idempotent/transactional producer identity (KIP-98); -1 when not idempotent. */
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  isControl?: boolean
  partitionLeaderEpoch?: number
  /** Default: the first record's timestamp. Record timestamps are stored as deltas from it. */
  baseTimestamp?: bigint
  /** The batch's last offset minus its base offset. Default: records - 1; larger when compaction removed the last records. */
  lastOffsetDelta?: number
  /**
   * KIP-534: when tombstones (and transaction markers) in this batch may be removed by the log cleaner. Stored as the
   * baseTimestamp with attribute bit 6 set; record timestamps stay right, as deltas from it.
   */
  deleteHorizonMs?: bigint
}

/** One batch of a records blob, read from its header alone. */
export interface BatchInfo {
  /** Byte range of the whole batch in the blob: [start, end). */
  start: number
  end: number
  magic: number
  baseOffset: bigint
  lastOffset: bigint
  recordCount: number
  firstTimestamp: bigint
  maxTimestamp: bigint
  attributes: number
  compression: CompressionCodec
  isTransactional: boolean
  isControl: boolean
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  partitionLeaderEpoch: number
  timestampType: TimestampType
}

/** Where a blob came from, for error messages. */
export interface RecordSource {
  topic?: string
  partition?: number
}

export interface ScanOptions extends RecordSource {
  /** Check each batch's checksum (CRC-32C for magic 2, CRC-32 per message for magic 0/1). Default false. */
  verifyCrc?: boolean
  /** Ceiling for decompressing legacy wrapper messages, whose record count is only known inside. */
  maxDecompressedBytes?: number
  /**
   * Yield one record object (and one iterator result), overwritten by each `next()`, instead of a new one per
   * record: for readers that are done with a record before asking for the next, like a printer. Keys, values and
   * headers taken from it stay valid; the record object itself must not be kept. Magic 0/1 records are always
   * distinct objects. Default false.
   */
  reuseRecord?: boolean
}

export interface IterateOptions extends RecordSource {
  /** Records below this offset are skipped (a fetch returns whole batches, which may start earlier). */
  fromOffset?: bigint
  /** Default true. */
  verifyCrc?: boolean
  /** Yield transaction markers too (they are skipped by default, as the Java consumer does). */
  includeControl?: boolean
  isolation?: 'read_uncommitted' | 'read_committed'
  /** From the Fetch response (v4+): for read_committed, which producers' transactions were aborted, from where. */
  abortedTransactions?: Array<{ producerId: bigint, firstOffset: bigint }>
  maxDecompressedBytes?: number
  /**
   * Yield one record object (and one iterator result), overwritten by each `next()`, instead of a new one per
   * record: for readers that are done with a record before asking for the next, like a printer. Keys, values and
   * headers taken from it stay valid; the record object itself must not be kept. Magic 0/1 records are always
   * distinct objects. Default false.
   */
  reuseRecord?: boolean
}
