import type { RecordInput } from '../../protocol/records/index.js'

// A batch is the unit a producer sends: records for one partition, encoded as one record batch (magic 2) when it
// is first sent. Once sent by an idempotent producer, a batch keeps its producer id, epoch and base sequence on
// every retry, so the broker can recognise a retry of a batch it already wrote (KIP-98); only an epoch bump
// (KIP-360) gives the unsent and rejected batches new sequence numbers.

export interface RecordMetadata {
  topic: string
  partition: number
  /** The record's offset, or -1 when the broker did not say (acks=0, or a duplicate older than its cache). */
  offset: bigint
  /** The record's timestamp: its create time, or the broker's append time for LogAppendTime topics. */
  timestamp: bigint
}

/** Called once per record: with an error, or with where the record was written. */
export type DeliveryReport = (err: Error | null, meta: RecordMetadata | null) => void

/** Bytes a record adds to a batch, roughly: its key, value and headers plus the varint framing. */
export function recordSize (r: RecordInput): number {
  let n = 21 + byteLength(r.key) + byteLength(r.value)
  if (r.headers !== undefined) for (const h of r.headers) n += 2 + Buffer.byteLength(h.key) + byteLength(h.value)
  return n
}

function byteLength (v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length
}

export class ProducerBatch {
  /** The records, until the batch is encoded: then dropped unless their reports need their timestamps. */
  readonly records: RecordInput[] = []
  /** How many records the batch holds (kept when `records` is emptied). */
  recordCount = 0
  /** Per-record reports, created with the first record that has one (most high-volume callers pass none). */
  reports: Array<DeliveryReport | undefined> | null = null
  bytes = 0
  readonly createdAt: number
  /**
   * The encoded batch, built on first send; a new epoch or sequence rewrites its header (on a copy), so the
   * records need not be kept to encode it again.
   */
  encoded: Buffer | null = null
  producerId = -1n
  producerEpoch = -1
  /** -1 until the batch is first sent (idempotent producers only). */
  baseSequence = -1
  attempts = 0
  /** Not to be sent again before this time (retry backoff). */
  retryAt = 0
  /**
   * A send whose outcome is unknown (no response: timeout, lost connection; or a response saying the write
   * happened but is not yet safe). Such a batch must be retried under its own sequence before the epoch may be
   * bumped, or a retry under a new epoch could write it twice.
   */
  maybeWritten = false
  /** Sent with the transactional flag (inside a transaction). */
  transactional = false

  constructor (readonly topic: string, readonly partition: number, now: number) {
    this.createdAt = now
  }

  add (record: RecordInput, size: number, report: DeliveryReport | undefined): void {
    if (report !== undefined && this.reports === null) this.reports = new Array(this.records.length).fill(undefined)
    this.records.push(record)
    this.recordCount++
    if (this.reports !== null) this.reports.push(report)
    this.bytes += size
  }

  /** Reports every record as written, from `baseOffset` on (-1 for all when unknown). */
  succeed (baseOffset: bigint, logAppendTime: bigint): void {
    if (this.reports === null) return
    for (let i = 0; i < this.records.length; i++) {
      const report = this.reports[i]
      if (report === undefined) continue
      const ts = this.records[i].timestamp
      report(null, {
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: logAppendTime >= 0n ? logAppendTime : typeof ts === 'bigint' ? ts : BigInt(ts ?? -1)
      })
    }
  }

  fail (err: Error): void {
    if (this.reports === null) return
    for (const report of this.reports) if (report !== undefined) report(err, null)
  }
}

/** One partition's batches waiting to be sent (in sequence order) and how many of its batches are in flight. */
export class PartitionQueue {
  /** The batch records are being added to; not yet in `ready`. */
  open: ProducerBatch | null = null
  /** Closed batches, oldest first; batches put back for a retry go before unsent ones, by sequence. */
  readonly ready: ProducerBatch[] = []
  inFlight = 0
  /** The next sequence number to give a batch (idempotence). */
  nextSequence = 0
  /**
   * A batch of this partition was put back for a retry: until the retries are through, send one batch at a time,
   * so the broker sees the sequences in order again.
   */
  recovering = false
  /**
   * The broker acknowledged a batch of the current epoch. Until then only one batch may be in flight: a broker
   * that has no state for a producer accepts any sequence (as Kafka does, for producers whose state expired), so
   * a second batch could be written ahead of a rejected first one.
   */
  acked = false
  /** Added to the current transaction (AddPartitionsToTxn answered). */
  inTransaction = false

  constructor (readonly topic: string, readonly partition: number) {}

  /** Puts a batch back for a retry, ahead of every unsent batch and in sequence order among the retried ones. */
  requeue (batch: ProducerBatch): void {
    this.recovering = true
    let at = 0
    while (at < this.ready.length && this.ready[at].baseSequence >= 0 && sequenceBefore(this.ready[at].baseSequence, batch.baseSequence)) at++
    this.ready.splice(at, 0, batch)
  }

  /** True when some batch in `ready` already carries a sequence (a retry is pending). */
  hasSequenced (): boolean {
    return this.ready.length > 0 && this.ready[0].baseSequence >= 0
  }
}

/** Sequence order, allowing for the wrap from INT32_MAX to 0. */
function sequenceBefore (a: number, b: number): boolean {
  const d = (b - a) | 0
  return d > 0
}
