import { RecordBatchBuilder, type BufferPool, type BuilderFinishOptions, type RecordInput } from '../../protocol/records/index.js'

// A batch is the unit a producer sends: records for one partition, encoded into one record batch (magic 2) as they
// are added and finished (header, compression, CRC) when it is first sent. Once sent by an idempotent producer, a batch keeps its producer id, epoch and base sequence on
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
  /**
   * The records, encoded as they are added (so the caller's objects are let go at once); null once the batch has
   * been finished into `encoded`.
   */
  builder: RecordBatchBuilder | null
  /** Per-record reports, created with the first record that has one (most high-volume callers pass none). */
  reports: Array<DeliveryReport | undefined> | null = null
  /** Each record's create time, kept only while some record has a report (which says the timestamp). */
  timestamps: Array<bigint | number> | null = null
  /** Bytes counted against buffer.memory (`recordSize` of each record). */
  bytes = 0
  readonly createdAt: number
  /**
   * The encoded batch, finished on first send; a new epoch or sequence rewrites its header (on a copy), so the
   * batch never needs its records again.
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
  private count = 0

  /**
   * The (batch.size or larger) buffer whose bytes `encoded` is a view of: the producer may reuse it once the broker has
   * acknowledged the batch (and so has read every byte of it).
   */
  recyclable: Buffer | null = null

  /**
   * `batchSize` is the size the batch's buffer doubles up to (batch.size); `initial`, a buffer to write into from
   * the start (a recycled one).
   */
  constructor (readonly topic: string, readonly partition: number, now: number, batchSize: number, initial?: Buffer, pool?: BufferPool) {
    this.createdAt = now
    this.builder = new RecordBatchBuilder(batchSize, initial, pool)
  }

  /** How many records the batch holds. */
  get recordCount (): number { return this.count }

  /** The batch's encoded size so far (uncompressed). */
  get encodedBytes (): number { return this.builder === null ? (this.encoded as Buffer).length : this.builder.sizeInBytes }

  /**
   * Encodes a record into the batch. False (adding nothing) when the batch has records and this one would take it
   * past `limit` encoded bytes (batch.size); throws EncodeError (adding nothing) for a bad timestamp.
   */
  add (record: RecordInput, timestamp: bigint | number, size: number, report: DeliveryReport | undefined, limit: number): boolean {
    if ((this.builder as RecordBatchBuilder).append(record.key, record.value, record.headers, timestamp, limit) === 0) return false
    if (report !== undefined && this.reports === null) {
      this.reports = new Array(this.count).fill(undefined)
      this.timestamps = new Array(this.count).fill(-1n)
    }
    if (this.reports !== null) {
      this.reports.push(report)
      ;(this.timestamps as Array<bigint | number>).push(timestamp)
    }
    this.count++
    this.bytes += size
    return true
  }

  /**
   * Finishes the encoded batch (once): its header, compression and CRC. Returns the buffer the records were
   * written into when the batch did not end up as a view of it (compressed, or copied out of a mostly empty
   * buffer): it is free at once.
   */
  finish (opts: BuilderFinishOptions): Buffer | null {
    const builder = this.builder as RecordBatchBuilder
    const backing = builder.buffer
    const encoded = builder.finish(opts)
    this.encoded = encoded
    this.builder = null
    if (encoded.buffer === backing.buffer && encoded.byteOffset === backing.byteOffset) {
      this.recyclable = backing
      return null
    }
    return backing
  }

  /** Reports every record as written, from `baseOffset` on (-1 for all when unknown). */
  succeed (baseOffset: bigint, logAppendTime: bigint): void {
    if (this.reports === null) return
    const timestamps = this.timestamps as Array<bigint | number>
    for (let i = 0; i < this.reports.length; i++) {
      const report = this.reports[i]
      if (report === undefined) continue
      const ts = timestamps[i]
      report(null, {
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: logAppendTime >= 0n ? logAppendTime : typeof ts === 'bigint' ? ts : BigInt(ts)
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
  /** The encoded size of the partition's last closed batch: when it filled half of batch.size, the next gets a whole buffer at once. */
  lastBatchBytes = 0

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
