// The OffsetSource over consumer/'s SimpleConsumer: the direct stream's view of a real (or fake) Kafka cluster.
// Offsets come from ListOffsets, records from Fetch to each partition's leader, and commits go to the group
// coordinator (consumer/coordinator: FindCoordinator, OffsetCommit, OffsetFetch).
import { OffsetOutOfRangeError } from '../consumer/errors.js'
import { delay } from '../consumer/retry.js'
import { SimpleConsumer, tpKey, type FetchedPartition, type FetchPosition, type RawRecords } from '../consumer/simple-consumer.js'
import type { ConfigInput } from '../consumer/config.js'
import { GroupOffsets, SIMPLE_COMMIT } from '../consumer/coordinator/offsets.js'
import { ConfigError, KafkaError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { KafkaRecord } from '../protocol/records/index.js'
import type { ResolvedKafkaParams } from './kafka-params.js'
import type { OffsetRange, TopicPartition } from './offset-range.js'
import { FetchedRecord } from './fetched-record.js'
import type { OffsetSource, SourceRecord } from './offset-source.js'

/** The consumer configuration the stream's Kafka parameters stand for (also for the receiver's group consumer). */
export function consumerConfigOf (params: ResolvedKafkaParams, extra: ConfigInput = {}): ConfigInput {
  const config: ConfigInput = { bootstrapServers: params.bootstrapServers, isolationLevel: params.isolationLevel, ...params.security, ...params.connection, ...extra }
  if (params.clientId !== undefined) config.clientId = params.clientId
  if (params.requestTimeoutMs !== undefined) config.requestTimeoutMs = params.requestTimeoutMs
  if (params.fetchMaxWaitMs !== undefined) config.fetchWaitMaxMs = params.fetchMaxWaitMs
  if (params.fetchMinBytes !== undefined) config.fetchMinBytes = params.fetchMinBytes
  if (params.fetchMaxBytes !== undefined) config.fetchMaxBytes = params.fetchMaxBytes
  if (params.maxPartitionFetchBytes !== undefined) config.maxPartitionFetchBytes = params.maxPartitionFetchBytes
  return config
}

export class SimpleConsumerSource implements OffsetSource {
  readonly consumer: SimpleConsumer

  constructor (params: ResolvedKafkaParams, extra: ConfigInput = {}) {
    this.consumer = new SimpleConsumer(consumerConfigOf(params, extra))
    this.groupOffsets = new GroupOffsets(this.consumer.client)
  }

  /** Commits and committed offsets, at the group's coordinator (consumer/coordinator). */
  private readonly groupOffsets: GroupOffsets

  async partitionsFor (topics: readonly string[]): Promise<TopicPartition[]> {
    const md = await this.consumer.metadata([...topics])
    // By name, not a scan per topic: a stream over 1,000 topics stays linear.
    const byName = new Map(md.topics.map(t => [t.name, t]))
    const out: TopicPartition[] = []
    for (const name of topics) {
      const t = byName.get(name)
      if (t === undefined || t.errorCode !== ErrorCode.NONE) throw new KafkaError(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}"`)
      for (const p of t.partitions) out.push({ topic: name, partition: p.partition })
    }
    return out
  }

  async earliestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.consumer.earliestOffsets([...tps])
  }

  async latestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.consumer.latestOffsets([...tps])
  }

  /** The range's records as views (FetchedRecord) over the consumer's, one chunk per fetch response. */
  async * fetchRange (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly SourceRecord[]> {
    for await (const records of this.fetchRecords(range, signal)) {
      const chunk = new Array<SourceRecord>(records.length)
      for (let i = 0; i < records.length; i++) chunk[i] = new FetchedRecord(range.topic, range.partition, records[i] as KafkaRecord)
      yield chunk
    }
  }

  /**
   * The range's records as the consumer decoded them, one fetch response at a time, not copied: the stream's tasks
   * read this (partition-task.ts), wrapping each record only as they hand it to the message handler. Ends like
   * SimpleConsumer.records(): at untilOffset, or OffsetOutOfRangeError when the log ends before it.
   *
   * The partition tasks of a batch run concurrently, and their fetches are coalesced (fetchCoalesced): one Fetch
   * request per round for all of them, as the SimpleConsumer's own multi-partition loop does, rather than one per
   * partition. While one task handles its chunk, the others' next round is already on the wire, which is the
   * pipelining; a per-task read-ahead on top measured slower (more fetched records alive at once, more GC).
   */
  async * fetchRecords (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly KafkaRecord[]> {
    for await (const got of this.fetchResponses(range, signal)) {
      const records = got.records
      if (records.length > 0) yield records
    }
  }

  /**
   * The range's fetch responses undecoded (their CRCs checked as they arrive): what the stream's tasks keep for a
   * batch, decoding them only while an action runs, so a batch holds the fetched bytes rather than an object per
   * record until foreachRDD (partition-task.ts).
   */
  async * fetchRaw (range: OffsetRange, signal?: AbortSignal): AsyncIterable<RawRecords> {
    for await (const got of this.fetchResponses(range, signal)) {
      const raw = got.raw
      if (raw !== undefined) yield raw
    }
  }

  /** Fetch responses for the range until untilOffset, or OffsetOutOfRangeError when the log ends before it. */
  private async * fetchResponses (range: OffsetRange, signal?: AbortSignal): AsyncIterable<FetchedPartition> {
    const { topic, partition, untilOffset } = range
    let pos = range.fromOffset
    let idleRounds = 0
    while (pos < untilOffset) {
      const got = await this.fetchCoalesced({ topic, partition, fromOffset: pos, untilOffset })
      if (signal?.aborted === true) throw signal.reason
      if (got === undefined) continue
      // nextOffset === pos means no complete batch reached pos, so no records: nothing to decode to tell.
      if (got.nextOffset === pos && untilOffset > got.highWatermark && got.highWatermark >= 0n) {
        // Caught up with the log, and the range wants more than it holds.
        throw new OffsetOutOfRangeError(topic, partition, untilOffset, got.logStartOffset >= 0n ? got.logStartOffset : undefined, got.highWatermark)
      }
      if (got.nextOffset > pos) yield got
      // No progress (an open transaction under read_committed holds the last stable offset back): back off rather
      // than busy-loop against a broker that answers at once, as SimpleConsumer.records() does.
      idleRounds = got.nextOffset > pos ? 0 : idleRounds + 1
      if (idleRounds > 1) await delay(this.consumer.config.retryBackoffMs)
      pos = got.nextOffset
    }
  }

  /**
   * One partition's next fetch, sent together with every other fetch asked for before the event loop turns: one
   * fetchOnce round, so one Fetch per leader. setImmediate rather than a microtask, because the tasks woken by one
   * response each handle their chunk before asking again, and a microtask would send the first one's request alone.
   * A partition asked for twice waits for the next round (a Fetch names each partition once). If a shared round
   * fails, each position is fetched again on its own, so an error (an OffsetOutOfRangeError above all, which the
   * task turns into data-loss handling) reaches only the task it is about.
   */
  private fetchCoalesced (pos: FetchPosition): Promise<FetchedPartition | undefined> {
    return new Promise((resolve, reject) => {
      this.queued.push({ pos, resolve, reject })
      if (this.queued.length === 1) setImmediate(() => { this.flush() })
    })
  }

  private readonly queued: PendingFetch[] = []

  private flush (): void {
    const round: PendingFetch[] = []
    const keys = new Set<string>()
    const later: PendingFetch[] = []
    for (const q of this.queued.splice(0)) {
      const key = tpKey(q.pos.topic, q.pos.partition)
      if (keys.has(key)) later.push(q)
      else { keys.add(key); round.push(q) }
    }
    if (later.length > 0) {
      this.queued.push(...later)
      setImmediate(() => { this.flush() })
    }
    if (round.length === 0) return
    const settle = (q: PendingFetch, got: Map<string, FetchedPartition>): void => { q.resolve(got.get(tpKey(q.pos.topic, q.pos.partition))) }
    // raw: CRCs checked here, records decoded only when read (got.records or a task's action), without a second check.
    this.consumer.fetchOnce(round.map(q => q.pos), RAW).then(
      got => { for (const q of round) settle(q, got) },
      (err: unknown) => {
        if (round.length === 1) { (round[0] as PendingFetch).reject(err); return }
        for (const q of round) this.consumer.fetchOnce([q.pos], RAW).then(got => { settle(q, got) }, q.reject)
      }
    )
  }

  async commitOffsets (groupId: string, offsets: ReadonlyMap<string, { topic: string; partition: number; offset: bigint }>): Promise<void> {
    // A "simple" commit (generation -1, no member id): the stream is no group member (consumer/coordinator).
    await this.groupOffsets.commit(groupId, offsets.values(), SIMPLE_COMMIT)
  }

  /** The offsets a consumer group has committed (OffsetFetch), keyed by tpKey; -1 where it has none. */
  async committedOffsets (groupId: string, tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const got = await this.groupOffsets.fetch(groupId, tps)
    return new Map([...got].map(([key, c]) => [key, c.offset]))
  }

  /** The group's committed offsets with the metadata committed along (a group receiver's recovery reads it). */
  async committedWithMetadata (groupId: string, tps: readonly TopicPartition[]): Promise<Map<string, { offset: bigint, metadata: string | null }>> {
    return await this.groupOffsets.fetch(groupId, tps)
  }

  async close (): Promise<void> { await this.consumer.close() }
}

const RAW = { raw: true } as const

interface PendingFetch {
  pos: FetchPosition
  resolve: (got: FetchedPartition | undefined) => void
  reject: (err: unknown) => void
}
