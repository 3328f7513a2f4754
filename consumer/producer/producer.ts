import { ConnectionError, KafkaError, TimeoutError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { Produce, type ProduceResponse } from '../../protocol/apis/produce.js'
import { InitProducerId, type InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js'
import { rewriteBatchHeader, type RecordInput } from '../../protocol/records/index.js'
import { crc32 } from '../../protocol/records/crc32.js'
import { KafkaClient } from '../cluster.js'
import { ZERO_UUID } from '../cluster-metadata.js'
import type { ConfigInput } from '../config.js'
import { backoffMs, isRetriable, needsMetadataRefresh } from '../retry.js'
import { parseProducerConfig, type ProducerConfig } from './producer-config.js'
import { PartitionQueue, ProducerBatch, recordSize, type DeliveryReport, type RecordMetadata } from './producer-batch.js'
import type { BufferPool } from '../../protocol/records/index.js'
import { ProducerClosedError, RecordTooLargeError } from './producer-errors.js'
import { partitionForKey } from './murmur2.js'

// The producer: records are appended to a batch per partition (the accumulator), and batches are sent when full
// (`batch.size`, `batch.num.messages`) or old enough (`linger.ms`), one Produce request per broker carrying one
// batch for each of its partitions, at most `max.in.flight.requests.per.connection` requests per broker at a time.
// Memory is bounded by `buffer.memory`: past it, `produce` hands back a promise that settles when there is room.
//
// Idempotence (KIP-98, on by default as in Kafka 3+): the producer gets a producer id and epoch (InitProducerId),
// numbers each partition's batches with consecutive sequence numbers, and keeps a batch's numbers on every retry,
// so the broker writes a retried batch once and in order. A rejected batch (a retriable error, or
// OUT_OF_ORDER_SEQUENCE_NUMBER because an earlier one was rejected) goes back into its partition's queue by sequence,
// and the partition sends one batch at a time until it has caught up. When sequences can no longer line up (a
// batch failed for good, leaving a gap; UNKNOWN_PRODUCER_ID; an unexplained OUT_OF_ORDER_SEQUENCE_NUMBER) the
// producer bumps its epoch (KIP-360) and renumbers the unsent batches from 0, but only after every batch whose
// fate is unknown (a timeout) has been resolved under its old number, so nothing is written twice.

/** A record and where it goes: `partition` if given, else chosen by the partitioner from the key. */
export interface ProducerRecord extends RecordInput {
  topic: string
  partition?: number
}

/** Produce v13 names topics by id instead of name (KIP-516). */
const PRODUCE_TOPIC_ID_VERSION = 13

/** Errors that come after the leader appended the batch: a retry may find it already written. */
const CODES_MAYBE_WRITTEN = new Set<number>([ErrorCode.REQUEST_TIMED_OUT, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND])

export class Producer {
  readonly client: KafkaClient
  readonly config: ProducerConfig
  private readonly ownsClient: boolean
  /** The highest Produce version to use (transactions under protocol v1 stay below v12, KIP-890). */
  protected produceVersionCap = Infinity
  private readonly queues = new Map<string, PartitionQueue[]>()
  private readonly openQueues = new Set<PartitionQueue>()
  private readonly stickyPartition = new Map<string, number>()
  private bufferedBytes = 0
  /**
   * Buffers of batch.size or more from acknowledged batches, reused for new ones (as the Java client's BufferPool
   * does): a busy producer otherwise leaves a batch's worth of dead buffers per batch to the garbage collector,
   * which frees such off-heap memory only tens of MiB at a time. A record larger than batch.size gets a pooled
   * buffer that fits it, so a stream of large records reuses one or two. At most buffer.memory of them are kept.
   */
  private readonly freeBuffers: Buffer[] = []
  private freeBytes = 0
  private readonly pool: BufferPool = {
    take: bytes => this.takeBuffer(bytes),
    give: buf => this.recycle(buf)
  }
  /** Records given to `produce` that are not yet delivered or failed, by batch. */
  private unfinishedBatches = 0
  private readonly idleWaiters: Array<() => void> = []
  /** `produce` calls that had to wait (metadata or buffer space) are chained so records keep their order. */
  private slowChain: Promise<void> = Promise.resolve()
  private slowPending = 0
  private spaceWaiter: (() => void) | null = null
  private readonly inFlightByBroker = new Map<number, number>()
  private totalInFlight = 0
  protected producerId = -1n
  protected producerEpoch = -1
  private needsBump = false
  private fatalError: Error | null = null
  private closed = false
  private flushing = 0
  private drainScheduled = false
  private draining = false
  private drainAgain = false
  private timer: NodeJS.Timeout | null = null
  private timerAt = Infinity
  /** New batches carry the transactional flag (set by transactions while one is open). */
  protected transactionalBatches = false

  /** Takes a configuration (producer and client keys together), or an existing client to share. */
  constructor (config: ConfigInput, client?: KafkaClient) {
    const { producer, client: clientConfig } = parseProducerConfig(config)
    this.config = producer
    this.ownsClient = client === undefined
    // A record waits for the cluster at most delivery.timeout.ms, so a broker outage is waited out that long and
    // no longer (the client's own default waits an outage out for as long as it lasts).
    const bounded = clientConfig['outage.max.ms'] === undefined && clientConfig.outageMaxMs === undefined
      ? { ...clientConfig, 'outage.max.ms': producer.deliveryTimeoutMs }
      : clientConfig
    this.client = client ?? new KafkaClient(bounded)
  }

  /** Records delivered and failed so far, and the first failure: for callers that pass no per-record report. */
  readonly stats = { deliveredRecords: 0, failedRecords: 0, firstError: null as Error | null }

  /** Whether batches carry producer ids and sequences. */
  get idempotent (): boolean { return this.config.enableIdempotence }

  /**
   * Adds a record to its partition's batch. Returns undefined when the record was buffered at once; otherwise (the
   * topic's metadata is not loaded yet, or the buffer is full) a promise that settles when it has been: await it
   * before producing more, and memory stays within `buffer.memory`. `report` is called once with the outcome.
   * Throws (or rejects) RecordTooLargeError, ProducerClosedError, or the error that made the producer unusable.
   */
  produce (record: ProducerRecord, report?: DeliveryReport): Promise<void> | undefined {
    this.checkUsable()
    const size = recordSize(record)
    if (size > this.config.bufferMemory) throw new RecordTooLargeError(size, this.config.bufferMemory, 'buffer.memory')
    if (size > this.client.config.maxRequestBytes) throw new RecordTooLargeError(size, this.client.config.maxRequestBytes, 'max.request.size')
    const count = this.queues.get(record.topic)?.length
    if (this.slowPending === 0 && count !== undefined && this.bufferedBytes + size <= this.config.bufferMemory) {
      this.append(record, size, count, report)
      return undefined
    }
    this.slowPending++
    const p = this.slowChain.then(async () => await this.produceSlow(record, size, report)).finally(() => { this.slowPending-- })
    // The chain itself never rejects: one failed record must not fail the records queued behind it.
    this.slowChain = p.catch(() => {})
    return p
  }

  /** Produces one record and resolves with where it was written (a convenience over `produce`). */
  async send (record: ProducerRecord): Promise<RecordMetadata> {
    return await new Promise<RecordMetadata>((resolve, reject) => {
      try {
        const buffered = this.produce(record, (err, meta) => { if (err !== null) reject(err); else resolve(meta as RecordMetadata) })
        if (buffered !== undefined) buffered.catch(reject)
      } catch (err) {
        reject(err)
      }
    })
  }

  /** Sends every buffered record now (ignoring linger.ms) and waits until each has been delivered or failed. */
  async flush (): Promise<void> {
    await this.slowChain
    this.flushing++
    try {
      this.scheduleDrain()
      if (this.unfinishedBatches > 0) await new Promise<void>(resolve => this.idleWaiters.push(resolve))
    } finally {
      this.flushing--
    }
  }

  /** Flushes, then closes the connections (if this producer opened them). Records still undelivered fail. */
  async close (): Promise<void> {
    if (this.closed) return
    if (this.fatalError === null) {
      try { await this.flush() } catch {}
    }
    this.closed = true
    this.failEverything(new ProducerClosedError())
    if (this.timer !== null) clearTimeout(this.timer)
    if (this.ownsClient) await this.client.close()
  }

  protected checkUsable (): void {
    if (this.closed) throw new ProducerClosedError()
    if (this.fatalError !== null) throw this.fatalError
  }

  // ---- accumulating ----

  private async produceSlow (record: ProducerRecord, size: number, report: DeliveryReport | undefined): Promise<void> {
    this.checkUsable()
    const deadline = Date.now() + this.config.maxBlockMs
    let count = this.queues.get(record.topic)?.length
    if (count === undefined) {
      const info = await withDeadline(this.client.withRetries('Metadata', async () => await this.client.topic(record.topic, { allowAutoTopicCreation: true }), [record.topic]), deadline, `metadata for topic ${record.topic} (max.block.ms)`)
      count = info.partitions.length
      if (!this.queues.has(record.topic)) {
        this.queues.set(record.topic, Array.from({ length: count }, (_, p) => new PartitionQueue(record.topic, p)))
      }
      count = (this.queues.get(record.topic) as PartitionQueue[]).length
    }
    while (this.bufferedBytes > 0 && this.bufferedBytes + size > this.config.bufferMemory) {
      this.checkUsable()
      const waitMs = deadline - Date.now()
      if (waitMs <= 0) throw new TimeoutError('waiting for buffer space (buffer.memory)', this.config.maxBlockMs)
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, waitMs)
        this.spaceWaiter = () => { clearTimeout(t); resolve() }
      })
      this.spaceWaiter = null
    }
    this.checkUsable()
    this.append(record, size, count, report)
  }

  private append (record: ProducerRecord, size: number, count: number, report: DeliveryReport | undefined): void {
    const partition = this.choosePartition(record, count)
    const q = (this.queues.get(record.topic) as PartitionQueue[])[partition]
    const now = Date.now()
    let fresh = q.open === null
    if (q.open === null) q.open = this.newBatch(q, now)
    // The create time is fixed now, as the Java client does. The record is encoded into its batch at once, so the
    // caller may reuse its key, value and header buffers as soon as `produce` returns.
    const timestamp = record.timestamp ?? now
    try {
      if (!q.open.add(record, timestamp, size, report, this.config.batchSize)) {
        // It would take the batch past batch.size: the batch goes as it is, and the record starts the next one.
        this.closeBatch(q)
        q.open = this.newBatch(q, now)
        fresh = true
        q.open.add(record, timestamp, size, report, this.config.batchSize)
      }
    } catch (err) {
      if (fresh) q.open = null
      throw err
    }
    if (fresh) {
      this.openQueues.add(q)
      this.unfinishedBatches++
      this.armTimer(now + this.config.lingerMs)
    }
    this.bufferedBytes += size
    if (q.open.encodedBytes >= this.config.batchSize || q.open.recordCount >= this.config.batchRecords) {
      this.closeBatch(q)
      // Sticky partitioning (KIP-480): unkeyed records fill one partition's batch, then move on.
      if (record.partition === undefined && record.key == null && this.stickyPartition.get(record.topic) === partition) this.stickyPartition.delete(record.topic)
    }
  }

  private newBatch (q: PartitionQueue, now: number): ProducerBatch {
    // A partition whose last batch filled half of batch.size will likely fill this one too: it gets a whole
    // buffer at once (a recycled one if there is one) instead of doubling up to it; others start small.
    const batchSize = this.config.batchSize
    const initial = q.lastBatchBytes * 2 >= batchSize && q.lastBatchBytes <= batchSize ? this.takeBuffer(batchSize) ?? Buffer.allocUnsafe(batchSize) : undefined
    const b = new ProducerBatch(q.topic, q.partition, now, batchSize, initial, this.pool)
    b.transactional = this.transactionalBatches
    return b
  }

  /** The smallest free buffer of at least `bytes` (and at most twice that, so a small batch does not pin a large one). */
  private takeBuffer (bytes: number): Buffer | undefined {
    let best = -1
    for (let i = 0; i < this.freeBuffers.length; i++) {
      const len = this.freeBuffers[i].length
      if (len >= bytes && len <= 2 * bytes && (best < 0 || len < this.freeBuffers[best].length)) best = i
    }
    if (best < 0) return undefined
    const buf = this.freeBuffers[best]
    this.freeBuffers[best] = this.freeBuffers[this.freeBuffers.length - 1]
    this.freeBuffers.pop()
    this.freeBytes -= buf.length
    return buf
  }

  private recycle (buf: Buffer): void {
    if (buf.length < this.config.batchSize) return
    // Past buffer.memory of free buffers, the newest is let go: the pool never holds more than a full buffer would.
    if (this.freeBytes + buf.length > this.config.bufferMemory) return
    this.freeBuffers.push(buf)
    this.freeBytes += buf.length
  }

  private choosePartition (record: ProducerRecord, count: number): number {
    if (record.partition !== undefined) {
      if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= count) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${record.topic}[${record.partition}]: the topic has ${count} partitions`)
      }
      return record.partition
    }
    const key = record.key
    if (key !== null && key !== undefined && this.config.partitioner !== 'random') {
      const bytes = typeof key === 'string' ? Buffer.from(key) : key
      return this.config.partitioner === 'murmur2_random' ? partitionForKey(bytes, count) : (crc32(bytes) >>> 0) % count
    }
    let p = this.stickyPartition.get(record.topic)
    if (p === undefined || p >= count) {
      p = Math.floor(Math.random() * count)
      this.stickyPartition.set(record.topic, p)
    }
    return p
  }

  private closeBatch (q: PartitionQueue): void {
    if (q.open === null) return
    q.lastBatchBytes = q.open.encodedBytes
    q.ready.push(q.open)
    q.open = null
    this.openQueues.delete(q)
    this.scheduleDrain()
  }

  private armTimer (at: number): void {
    if (at >= this.timerAt) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = null
      this.timerAt = Infinity
      this.scheduleDrain()
    }, Math.max(0, at - Date.now()))
  }

  // ---- sending ----

  protected scheduleDrain (): void {
    if (this.drainScheduled) return
    this.drainScheduled = true
    setImmediate(() => {
      this.drainScheduled = false
      void this.drain()
    })
  }

  private async drain (): Promise<void> {
    if (this.draining) { this.drainAgain = true; return }
    this.draining = true
    try {
      do {
        this.drainAgain = false
        await this.drainOnce()
      } while (this.drainAgain && !this.closed)
    } catch (err) {
      this.setFatal(err instanceof Error ? err : new Error(String(err)))
    } finally {
      this.draining = false
    }
  }

  private async drainOnce (): Promise<void> {
    if (this.closed || this.fatalError !== null || this.unfinishedBatches === 0) return
    const now = Date.now()
    for (const q of [...this.openQueues]) {
      const b = q.open as ProducerBatch
      if (this.flushing > 0 || now - b.createdAt >= this.config.lingerMs) this.closeBatch(q)
      else this.armTimer(b.createdAt + this.config.lingerMs)
    }
    this.expireBatches(now)
    let resolving = false
    if (this.idempotent && (this.producerId < 0n || this.needsBump)) {
      // Before a new epoch, batches whose fate is unknown are retried under their old one.
      if (this.producerId >= 0n && this.settleUnknownBatches()) resolving = true
      else if (this.totalInFlight > 0) return // responses will come back and drain again
      else {
        await this.acquireProducerId()
        if (this.producerId < 0n || this.needsBump) return // failed: retried after a backoff
      }
    }
    if (!(await this.beforeSend())) return
    let earliest = Infinity
    const byLeader = new Map<number, ProducerBatch[]>()
    for (const list of this.queues.values()) {
      for (const q of list) {
        const b = q.ready[0]
        if (b === undefined) continue
        if (resolving && !b.maybeWritten) continue
        const limit = q.recovering || (this.idempotent && !q.acked) ? 1 : this.config.maxInFlight
        if (q.inFlight >= limit) continue
        if (b.retryAt > now) { earliest = Math.min(earliest, b.retryAt); continue }
        if (!this.mayWriteTo(q)) continue
        let leader: number
        try {
          leader = (await this.client.partitionInfo(q.topic, q.partition)).leader
        } catch (err) {
          if (!isRetriable(err)) { q.ready.shift(); this.finishFailed(b, q, err as Error); continue }
          b.retryAt = Date.now() + this.client.config.retryBackoffMs
          earliest = Math.min(earliest, b.retryAt)
          continue
        }
        if ((this.inFlightByBroker.get(leader) ?? 0) >= this.config.maxInFlight) continue
        let batches = byLeader.get(leader)
        if (batches === undefined) byLeader.set(leader, batches = [])
        batches.push(b)
      }
    }
    if (earliest < Infinity) this.armTimer(earliest)
    for (const [leader, batches] of byLeader) {
      let request: ProducerBatch[] = []
      let bytes = 0
      for (const b of batches) {
        const q = this.queueOf(b)
        q.ready.shift()
        this.encode(b, q)
        const size = (b.encoded as Buffer).length
        if (request.length > 0 && bytes + size > this.client.config.maxRequestBytes - 1024) {
          this.sendRequest(leader, request)
          request = []
          bytes = 0
        }
        q.inFlight++
        request.push(b)
        bytes += size
      }
      if (request.length > 0) this.sendRequest(leader, request)
      this.drainAgain = true // more batches may be ready behind the ones just sent
    }
    if (byLeader.size === 0) this.drainAgain = false
  }

  /**
   * Fails the waiting batches older than delivery.timeout.ms, whatever holds them up (no leader, no producer id,
   * an unreachable cluster), and arms the timer for the next one to expire, so `flush` never waits forever.
   */
  private expireBatches (now: number): void {
    let next = Infinity
    for (const q of this.partitionQueues()) {
      while (q.ready.length > 0 && now - q.ready[0].createdAt > this.config.deliveryTimeoutMs) {
        const b = q.ready.shift() as ProducerBatch
        this.finishFailed(b, q, new TimeoutError(`delivery of ${b.recordCount} records to ${q.topic}[${q.partition}] (delivery.timeout.ms)`, this.config.deliveryTimeoutMs))
      }
      if (q.ready.length > 0) next = Math.min(next, q.ready[0].createdAt + this.config.deliveryTimeoutMs + 1)
    }
    if (next < Infinity) this.armTimer(next)
  }

  /** A hook for transactions: runs before batches are collected; false skips this round. */
  protected async beforeSend (): Promise<boolean> { return true }

  /** A hook for transactions: whether batches may be sent to this partition yet. */
  protected mayWriteTo (_q: PartitionQueue): boolean { return true }

  protected get transactionalId (): string | null { return this.config.transactionalId ?? null }

  /** Batches not yet delivered or failed (queued or in flight). */
  protected get pendingBatches (): number { return this.unfinishedBatches }

  /** Every partition queue of every topic produced to. */
  protected * partitionQueues (): Generator<PartitionQueue> {
    for (const list of this.queues.values()) yield * list
  }

  /** The current producer id and epoch. */
  protected setProducerIdAndEpoch (producerId: bigint, producerEpoch: number): void {
    this.producerId = producerId
    this.producerEpoch = producerEpoch
    for (const q of this.partitionQueues()) {
      q.nextSequence = 0
      q.recovering = false
      q.acked = false
      for (const b of q.ready) { b.baseSequence = -1; b.maybeWritten = false }
    }
  }

  /** Resolve-first: sends the unknown-outcome batches at the head of their partitions. True while any remain. */
  private settleUnknownBatches (): boolean {
    let pending = false
    for (const list of this.queues.values()) {
      for (const q of list) {
        const head = q.ready[0]
        if (head === undefined) continue
        // Behind a batch the broker rejected, no later batch of the partition can have been written.
        if (!head.maybeWritten) { for (const b of q.ready) b.maybeWritten = false; continue }
        pending = true
      }
    }
    return pending || this.totalInFlight > 0
  }

  private queueOf (b: ProducerBatch): PartitionQueue {
    return (this.queues.get(b.topic) as PartitionQueue[])[b.partition]
  }

  /**
   * Finishes a batch on its first send (its records were encoded as they were added), so a batch in flight holds
   * its bytes once. A batch renumbered under a new epoch
   * (baseSequence reset to -1) gets its header rewritten on a copy: the old bytes may still be in a socket write.
   */
  private encode (b: ProducerBatch, q: PartitionQueue): void {
    if (b.encoded !== null && (!this.idempotent || b.baseSequence >= 0)) return
    if (this.idempotent) {
      b.producerId = this.producerId
      b.producerEpoch = this.producerEpoch
      b.baseSequence = q.nextSequence
      // Sequences wrap from INT32_MAX to 0 (DefaultRecordBatch.incrementSequence).
      q.nextSequence = (q.nextSequence + b.recordCount) % 0x80000000
    }
    if (b.encoded !== null) {
      const copy = Buffer.from(b.encoded)
      rewriteBatchHeader(copy, { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence })
      b.encoded = copy
      b.recyclable = null
      return
    }
    const free = b.finish({
      compression: this.config.compression,
      producerId: b.producerId,
      producerEpoch: b.producerEpoch,
      baseSequence: b.baseSequence,
      transactional: b.transactional
    })
    if (free !== null) this.recycle(free)
  }

  private sendRequest (leader: number, batches: ProducerBatch[]): void {
    this.inFlightByBroker.set(leader, (this.inFlightByBroker.get(leader) ?? 0) + 1)
    this.totalInFlight++
    void this.exchange(leader, batches).finally(() => {
      this.inFlightByBroker.set(leader, (this.inFlightByBroker.get(leader) ?? 1) - 1)
      this.totalInFlight--
      this.scheduleDrain()
    })
  }

  private async exchange (leader: number, batches: ProducerBatch[]): Promise<void> {
    const acks = this.config.acks
    const byTopic = new Map<string, Array<{ index: number, records: Buffer }>>()
    for (const b of batches) {
      b.attempts++
      let list = byTopic.get(b.topic)
      if (list === undefined) byTopic.set(b.topic, list = [])
      list.push({ index: b.partition, records: b.encoded as Buffer })
    }
    // v13 names topics by the ids Metadata gave; a topic whose id we do not know (a broker older than Metadata v10)
    // sends the whole request as v12, by name, as Kafka's producer does.
    const ids = new Map([...byTopic.keys()].map(name => [name, this.client.cachedTopicId(name)]))
    const allIds = [...ids.values()].every(id => id !== ZERO_UUID)
    let version = 0
    let res
    try {
      const conn = await this.client.connection(leader)
      version = Math.min(conn.versionFor(Produce), this.produceVersionCap, allIds ? Infinity : PRODUCE_TOPIC_ID_VERSION - 1)
      res = await conn.request<ProduceResponse>(Produce, version, {
        transactionalId: this.transactionalId,
        acks,
        timeoutMs: this.client.config.requestTimeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, topicId: ids.get(name), partitionData }))
      }, { noResponse: acks === 0 })
    } catch (err) {
      // No answer: the batches may or may not have been written.
      const error = err instanceof Error ? err : new Error(String(err))
      const unknown = err instanceof ConnectionError || err instanceof TimeoutError
      for (const b of batches) {
        if (unknown) { for (const t of byTopic.keys()) this.client.invalidate(t) }
        this.retryOrFail(b, this.queueOf(b), error, unknown && isRetriable(err), true)
      }
      return
    }
    if (acks === 0) {
      for (const b of batches) this.finishOk(b, this.queueOf(b), -1n, -1n)
      return
    }
    // From v13 the response names each topic by the id the request gave (an unknown one answered UNKNOWN_TOPIC_ID).
    const byId = version >= PRODUCE_TOPIC_ID_VERSION
    for (const b of batches) {
      const q = this.queueOf(b)
      const topic = res.body.responses.find(r => byId ? r.topicId === ids.get(b.topic) : r.name === b.topic)
      const p = topic?.partitionResponses.find(x => x.index === b.partition)
      if (p === undefined) {
        this.retryOrFail(b, q, new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `Produce ${b.topic}[${b.partition}]: partition missing from the response`), true, true)
        continue
      }
      this.handleResult(b, q, p.errorCode, p.baseOffset, p.logAppendTimeMs, p.errorMessage)
    }
  }

  private handleResult (b: ProducerBatch, q: PartitionQueue, code: number, baseOffset: bigint, logAppendTime: bigint, message: string | null): void {
    if (code === ErrorCode.NONE) { this.finishOk(b, q, baseOffset, logAppendTime); return }
    const err = new KafkaError(code, `Produce ${b.topic}[${b.partition}]${message === null ? '' : `: ${message}`}`)
    // The broker already has this batch, but no longer remembers where (only the last five are cached).
    if (code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) { this.finishOk(b, q, -1n, -1n); return }
    if (this.idempotent && (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || code === ErrorCode.UNKNOWN_PRODUCER_ID)) {
      // After an earlier batch of this partition was rejected, later ones are out of order: expected, retry them.
      // Otherwise the broker lost our state (or we lost a batch): renumber under a new epoch (KIP-360). Either way
      // the broker rejected this batch, so it was not written.
      if (!(code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && q.recovering)) this.requestBump(err)
      this.retryOrFail(b, q, err, true, false)
      return
    }
    if (this.isFenced(code)) {
      if (this.transactionalId === null) {
        // An idempotent producer's epoch went stale (another bump, or broker state lost): bump and resend (KIP-360).
        this.requestBump(err)
        this.retryOrFail(b, q, err, true, false)
      } else {
        this.retryOrFail(b, q, err, false, false)
        this.onFenced(err)
      }
      return
    }
    if (needsMetadataRefresh(code)) this.client.invalidate(b.topic)
    this.retryOrFail(b, q, err, isRetriable(err), CODES_MAYBE_WRITTEN.has(code))
  }

  protected isFenced (code: number): boolean {
    return code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH
  }

  /**
   * Sequences can no longer line up: an idempotent producer renumbers under a new epoch once nothing is in
   * flight (KIP-360). A transactional producer overrides this: the transaction must be aborted first.
   */
  protected requestBump (_cause: Error): void {
    this.needsBump = true
  }

  /** Whether a failed batch may be retried (a transactional producer stops retrying once the transaction failed). */
  protected mayRetry (): boolean { return true }

  /** A transactional producer whose epoch is stale has been fenced by a newer instance (overridden). */
  protected onFenced (err: KafkaError): void {
    this.setFatal(err)
  }

  private retryOrFail (b: ProducerBatch, q: PartitionQueue, err: Error, retriable: boolean, maybeWritten: boolean): void {
    q.inFlight--
    const now = Date.now()
    if (!retriable || this.closed || !this.mayRetry() || b.attempts > this.client.config.retries || now - b.createdAt > this.config.deliveryTimeoutMs) {
      this.finishFailed(b, q, err)
      return
    }
    b.maybeWritten = maybeWritten
    b.retryAt = now + backoffMs(b.attempts - 1, this.client.config.retryBackoffMs, this.client.config.retryBackoffMaxMs)
    q.requeue(b)
    this.armTimer(b.retryAt)
  }

  private finishOk (b: ProducerBatch, q: PartitionQueue, baseOffset: bigint, logAppendTime: bigint): void {
    q.inFlight--
    q.acked = true
    // The broker answered, so it read every byte of the batch. Only a batch sent once: an earlier attempt that
    // timed out might still be queued for writing on another connection. With acks=0 nothing was answered.
    if (b.recyclable !== null && b.attempts === 1 && this.config.acks !== 0) this.recycle(b.recyclable)
    b.recyclable = null
    this.release(b, q)
    this.stats.deliveredRecords += b.recordCount
    b.succeed(baseOffset, logAppendTime)
  }

  /** Fails a batch that is neither queued nor counted in flight any more. */
  protected finishFailed (b: ProducerBatch, q: PartitionQueue, err: Error): void {
    // A numbered batch that is never written leaves a gap the broker will not accept: renumber under a new epoch.
    if (this.idempotent && b.baseSequence >= 0) this.requestBump(err)
    this.release(b, q)
    this.countFailed(b, err)
    b.fail(err)
    this.onBatchFailed(err)
  }

  /** A hook for transactions: a failed batch spoils the transaction. */
  protected onBatchFailed (_err: Error): void {}

  private countFailed (b: ProducerBatch, err: Error): void {
    this.stats.failedRecords += b.recordCount
    this.stats.firstError ??= err
  }

  private release (b: ProducerBatch, q: PartitionQueue): void {
    if (q.recovering && q.inFlight === 0 && !q.hasSequenced()) q.recovering = false
    this.bufferedBytes -= b.bytes
    this.unfinishedBatches--
    if (this.spaceWaiter !== null) this.spaceWaiter()
    if (this.unfinishedBatches === 0) {
      for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  /** InitProducerId: a new producer id, or (KIP-360, v3+) the same id with its epoch bumped. */
  private async acquireProducerId (): Promise<void> {
    const bump = this.producerId >= 0n
    try {
      const res = await this.initProducerId(bump)
      this.producerId = res.producerId
      this.producerEpoch = res.producerEpoch
    } catch (err) {
      if (!isRetriable(err)) throw err
      this.armTimer(Date.now() + this.client.config.retryBackoffMs)
      return
    }
    // Everything not yet written starts again from sequence 0 under the new epoch.
    for (const list of this.queues.values()) {
      for (const q of list) {
        q.nextSequence = 0
        q.recovering = false
        q.acked = false
        for (const b of q.ready) {
          b.baseSequence = -1
          b.maybeWritten = false
        }
      }
    }
    this.needsBump = false
  }

  /** Sends InitProducerId (overridden by transactions, which go to the transaction coordinator). */
  protected async initProducerId (bump: boolean): Promise<InitProducerIdResponse> {
    return await this.client.withRetries('InitProducerId', async () => {
      let node = this.client.knownBrokers()[0]
      if (node === undefined) { await this.client.connect(); node = this.client.knownBrokers()[0] }
      const res = await this.client.request(node.nodeId, InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: this.config.transactionTimeoutMs,
        producerId: bump ? this.producerId : -1n,
        producerEpoch: bump ? this.producerEpoch : -1
      })
      if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, 'InitProducerId')
      return res.body
    })
  }

  /** The producer cannot go on: every undelivered record fails with `err`, and so does every later call. */
  protected setFatal (err: Error): void {
    if (this.fatalError !== null) return
    this.fatalError = err
    this.failEverything(err)
  }

  /** Fails every batch not in flight (open or waiting) with `err`. */
  protected failEverything (err: Error): void {
    for (const list of this.queues.values()) {
      for (const q of list) {
        if (q.open !== null) { q.ready.push(q.open); q.open = null }
        for (const b of q.ready.splice(0)) {
          this.release(b, q)
          this.countFailed(b, err)
          b.fail(err)
        }
      }
    }
    this.openQueues.clear()
    if (this.spaceWaiter !== null) this.spaceWaiter()
  }
}

async function withDeadline<T> (p: Promise<T>, deadline: number, what: string): Promise<T> {
  const waitMs = deadline - Date.now()
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(what, Math.max(0, waitMs))), Math.max(0, waitMs))
    })])
  } finally {
    clearTimeout(timer)
  }
}

