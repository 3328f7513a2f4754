import { ConfigError, ConnectionError, KafkaError, TimeoutError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { Fetch, type FetchResponse } from '../protocol/apis/fetch.js'
import { ListOffsets } from '../protocol/apis/list-offsets.js'
import { iterateRecords, scanBatches, type KafkaRecord } from '../protocol/records/index.js'
import type { IterateOptions } from '../protocol/records/types.js'
import { KafkaClient } from './cluster.js'
import type { ConfigInput, ConsumerConfig } from './config.js'
import type { ClusterMetadata, PartitionInfo, TopicInfo } from './cluster-metadata.js'
import { ZERO_UUID } from './cluster-metadata.js'
import { OffsetOutOfRangeError } from './errors.js'
import type { BrokerConnection } from './connection.js'
import type { DecodedResponse } from '../protocol/messages.js'
import { FetchSession, FINAL_EPOCH, INVALID_SESSION_ID, type FetchPlan, type PartitionMarks, type SessionPartition } from './fetch-session.js'
import { backoffMs, delay, isRetriable, needsMetadataRefresh } from './retry.js'
import { ReadReplicas } from './read-replicas.js'

// The simple consumer: no group, no committed offsets, just "give me these offsets of these partitions", the way
// Kafka's old SimpleConsumer and Spark's direct stream read. Every request goes to the partition's leader, one
// request per leader broker for all the partitions it leads (Fetch and ListOffsets both batch partitions).
//
// What Kafka may return, and how each case is handled (protocol guide "Fetch API", KIP-74, KIP-98):
// - Whole batches: the first may start below the requested offset (records below it are skipped), and the last
//   may be cut short by the size limit (it is dropped and fetched again next time).
// - Gaps: compaction removes offsets, and control batches (transaction markers) and aborted records are not
//   handed out; the position advances past the last complete batch, not the last record returned.
// - A record bigger than the partition's byte limit: only a truncated batch comes back. KIP-74 lets a broker
//   return an oversized first batch, but only for the first partition of a response; for the others the limit is
//   grown and the fetch retried, up to `maxRecordBytes`.
// - OFFSET_OUT_OF_RANGE: an OffsetOutOfRangeError carrying the partition's valid range.
// - Stale metadata (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, ...), dropped connections and timeouts: refresh
//   the leader and retry, bounded by `retries`.
// - With `client.rack`, a leader may name a preferredReadReplica (KIP-392): the partition's later fetches go to
//   that follower until it fails or the choice expires (read-replicas.ts).

export interface TopicPartition { topic: string, partition: number }

/** Offsets [fromOffset, untilOffset) of one partition: half-open, as Spark's OffsetRange. */
export interface OffsetRange { topic: string, partition: number, fromOffset: bigint, untilOffset: bigint }

/** The key of per-partition maps. */
export function tpKey (topic: string, partition: number): string {
  return `${topic}:${partition}`
}

/** One partition's part of a fetch round. */
export interface FetchedPartition {
  topic: string
  partition: number
  /**
   * Records at or after the requested offset (and below `untilOffset` if one was given), in offset order. With
   * `lazy` fetches, decoded on first access.
   */
  readonly records: KafkaRecord[]
  /**
   * The same records one at a time, decoded as they are read and not kept: a consumer that handles each record once
   * (a printer, a counter) lets each die young instead of holding a whole response's worth in an array. With
   * `reuseRecord` (see IterateOptions) one record object is overwritten for each record, for readers that keep none.
   */
  iterate: (opts?: { reuseRecord?: boolean }) => Iterator<KafkaRecord>
  /**
   * The response's complete batches undecoded, for a reader that decodes them itself (later, or more than once):
   * undefined when there were none. See RawRecords.
   */
  readonly raw: RawRecords | undefined
  /** Where the next fetch should start: past the last complete batch returned (or the requested offset). */
  nextOffset: bigint
  highWatermark: bigint
  /** -1 when the broker did not say (Fetch < v4). */
  lastStableOffset: bigint
  logStartOffset: bigint
  /** The node id of the broker that served the fetch: the leader, or a follower chosen for `client.rack` (KIP-392). */
  broker: number
}

/**
 * One partition's complete batches from one Fetch response, as the broker sent them: `iterateRecords(blob, options)`
 * yields the records at or after the requested offset (control and aborted records skipped), and a reader stops at
 * the first offset >= untilOffset (the last batch may run past it). The blob is a view of the response, so holding
 * it holds the response's bytes, which are fewer than its decoded records.
 */
export interface RawRecords {
  readonly blob: Buffer
  readonly options: IterateOptions
  readonly untilOffset: bigint | undefined
}

export interface FetchPosition { topic: string, partition: number, fromOffset: bigint, untilOffset?: bigint }

export interface FetchOptions {
  /** How long the broker may wait for `minBytes` (default `fetch.wait.max.ms`). */
  maxWaitMs?: number
  minBytes?: number
  /**
   * Leave the records undecoded until `records` or `iterate()` asks for them (default false: decoded in fetchOnce).
   * A corrupt batch then fails there instead of in fetchOnce.
   */
  lazy?: boolean
  /**
   * Check the CRCs of the complete batches in fetchOnce, leave their records undecoded, and decode them later
   * without checking again (implies `lazy`): for a reader of `raw` that decodes each response more than once, so a
   * damaged batch still fails the fetch while the CRC is computed once.
   */
  raw?: boolean
}

interface PartitionLimits { maxBytes: number }

/** Top-level errors of a session the broker no longer takes: reset, and send the fetch again at once (full). */
const SESSION_ERRORS = new Set<number>([ErrorCode.FETCH_SESSION_ID_NOT_FOUND, ErrorCode.INVALID_FETCH_SESSION_EPOCH, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR])
/** Partition errors meaning the topic id the session holds is stale (deleted or recreated topic, KIP-516). */
const TOPIC_ID_ERRORS = new Set<number>([ErrorCode.UNKNOWN_TOPIC_ID, ErrorCode.INCONSISTENT_TOPIC_ID])

const LATEST = -1n
const EARLIEST = -2n

export class SimpleConsumer {
  readonly client: KafkaClient
  readonly config: ConsumerConfig
  /** Per-partition byte limits grown by KIP-74 retries, so a partition with big records stays fast. */
  private readonly limits = new Map<string, PartitionLimits>()
  /** Incremental fetch sessions by leader node id (KIP-227; fetch-session.ts). */
  private readonly sessions = new Map<number, FetchSession>()
  /** Followers the leaders chose for this consumer's rack, by partition (KIP-392). */
  private readonly readReplicas: ReadReplicas

  constructor (config: ConfigInput | ConsumerConfig | KafkaClient) {
    this.client = config instanceof KafkaClient ? config : new KafkaClient(config)
    this.config = this.client.config
    this.readReplicas = new ReadReplicas(this.config.metadataMaxAgeMs)
  }

  async connect (): Promise<void> { await this.client.connect() }

  /** Ends this consumer's fetch sessions (see closeSessions), then closes every connection. */
  async close (options: { timeoutMs?: number } = {}): Promise<void> {
    try { await this.closeSessions(options.timeoutMs) } finally { await this.client.close() }
  }

  /**
   * Tells each broker this consumer has a fetch session with that the session is over: a Fetch naming the session
   * with epoch -1 and no partitions, as the Java consumer does on close (AbstractFetch.prepareCloseFetchSessionRequests).
   * Kafka keeps sessions after their connection closes, in a cache of max.incremental.fetch.session.cache.slots
   * (1000 by default) shared by every client; one that is never closed holds its slot until evicted, and many
   * short-lived consumers would crowd out long-lived ones. Only brokers with an open connection are asked, a session
   * with a fetch in flight is left to the broker, and the whole step is bounded by `timeoutMs` (default: the
   * request timeout, at most 5 s); failures are ignored: the broker evicts what it is not told about.
   */
  async closeSessions (timeoutMs = Math.min(this.config.requestTimeoutMs, 5000)): Promise<void> {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new ConfigError('timeoutMs', `close timeout must be an integer >= 0, got ${timeoutMs}`)
    const open = [...this.sessions].filter(([, s]) => s.id !== INVALID_SESSION_ID && !s.busy)
    this.sessions.clear()
    if (open.length === 0 || timeoutMs === 0) return
    const deadline = Date.now() + timeoutMs
    await Promise.all(open.map(async ([leader, session]) => {
      try {
        const conn = await this.client.existingConnection(leader)
        const left = deadline - Date.now()
        if (conn === undefined || left <= 0) return
        const version = conn.versions.pick(Fetch)
        if (version < 7) return
        await conn.request<FetchResponse>(Fetch, version, {
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          maxBytes: this.config.fetchMaxBytes,
          isolationLevel: 0,
          sessionId: session.id,
          sessionEpoch: FINAL_EPOCH,
          topics: [],
          forgottenTopicsData: [],
          rackId: this.config.clientRack
        }, { timeoutMs: left })
      } catch {}
    }))
  }

  /** Brokers, topics, partitions, leaders and leader epochs: for `topics`, or every topic when omitted. */
  async metadata (topics?: string[]): Promise<ClusterMetadata> {
    return await this.client.metadata(topics)
  }

  /**
   * Hands the memory of fetched partitions back for reuse by later fetches of this consumer (see buffer-pool.ts):
   * for a reader that handles each round and then lets go of it entirely, like the kcat-style printer. Only call it
   * when no record, key, value, header or `raw` blob of these partitions is still held, or still queued for writing
   * somewhere: their bytes will be overwritten by the next response. Partitions sharing one response are released
   * together; releasing twice is harmless.
   */
  recycle (fetched: Iterable<FetchedPartition>): void {
    for (const f of fetched) {
      const raw = f.raw
      if (raw !== undefined) this.client.buffers.release(raw.blob)
    }
  }

  /** The first offset of each partition (the log start offset). */
  async earliestOffsets (tps: TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.listOffsets(tps.map(tp => ({ ...tp, timestamp: EARLIEST })))
  }

  /** The high watermark of each partition (the last stable offset under read_committed). */
  async latestOffsets (tps: TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.listOffsets(tps.map(tp => ({ ...tp, timestamp: LATEST })))
  }

  /**
   * The earliest offset whose timestamp is at or after each given timestamp (ms since the epoch); -1 when no such
   * record exists yet. Negative timestamps are ListOffsets' special values (-1 latest, -2 earliest).
   */
  async offsetsForTimes (tps: Array<TopicPartition & { timestamp: bigint | number }>): Promise<Map<string, bigint>> {
    return await this.listOffsets(tps.map(tp => ({ ...tp, timestamp: BigInt(tp.timestamp) })))
  }

  /** One ListOffsets request per leader; partitions that fail retriably are retried after a metadata refresh. */
  private async listOffsets (tps: Array<TopicPartition & { timestamp: bigint }>): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>()
    // Kafka refuses a ListOffsets that names a partition twice (INVALID_REQUEST), and the result holds one offset
    // per partition anyway: the last timestamp asked for a partition wins, as in librdkafka (kcat -Q).
    let todo = [...new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), tp])).values()]
    const isolationLevel = this.config.isolationLevel === 'read_committed' ? 1 : 0
    await this.client.withRetries('ListOffsets', async () => {
      const { byLeader, infos } = await this.groupByLeader(todo)
      const failed: typeof todo = []
      let lastErr: unknown
      await Promise.all([...byLeader].map(async ([leader, group]) => {
        const topics = new Map<string, Array<{ partitionIndex: number, currentLeaderEpoch: number, timestamp: bigint }>>()
        // The reply is matched to the request by key, never by a scan of the group: 10,000 partitions stay linear.
        const asked = new Map<string, typeof todo[number]>()
        for (const tp of group) {
          let parts = topics.get(tp.topic)
          if (parts === undefined) topics.set(tp.topic, parts = [])
          const key = tpKey(tp.topic, tp.partition)
          asked.set(key, tp)
          parts.push({ partitionIndex: tp.partition, currentLeaderEpoch: infos.get(key)?.leaderEpoch ?? -1, timestamp: tp.timestamp })
        }
        let res
        try {
          res = await this.client.request(leader, ListOffsets, {
            replicaId: -1,
            isolationLevel,
            topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
            timeoutMs: this.config.requestTimeoutMs
          })
        } catch (err) {
          if (!isRetriable(err)) throw err
          lastErr = err
          failed.push(...group)
          return
        }
        for (const t of res.body.topics) {
          for (const p of t.partitions) {
            const key = tpKey(t.name, p.partitionIndex)
            const tp = asked.get(key)
            if (tp === undefined) continue
            // Each asked partition is answered once: a repeat in the reply is ignored.
            asked.delete(key)
            if (p.errorCode !== ErrorCode.NONE) {
              const err = new KafkaError(p.errorCode, `ListOffsets ${t.name}[${p.partitionIndex}]`)
              if (!isRetriable(err)) throw err
              lastErr = err
              failed.push(tp)
              continue
            }
            // v0 answered a list of offsets (oldStyleOffsets); v1+ a single one.
            const offset = res.version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset
            out.set(key, offset)
          }
        }
        // What the reply left out is asked again.
        for (const tp of asked.values()) failed.push(tp)
      }))
      todo = failed
      if (failed.length > 0) throw lastErr ?? new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'ListOffsets: partitions missing from the response')
    }, tps.map(tp => tp.topic))
    return out
  }

  /**
   * Looks up each partition's leader (one Metadata request for all topics not cached); groups partitions by leader,
   * or with `readReplicas` by the broker to fetch from (a follower chosen for this consumer's rack, KIP-392).
   */
  private async groupByLeader<T extends TopicPartition>(tps: T[], readReplicas?: ReadReplicas): Promise<{ byLeader: Map<number, T[]>, infos: Map<string, PartitionInfo> }> {
    const byLeader = new Map<number, T[]>()
    const infos = new Map<string, PartitionInfo>()
    const topics = await this.client.topicsByName(tps.map(tp => tp.topic))
    // Without a choice on record (no client.rack, or no redirect yet) the lookup is skipped.
    const redirects = readReplicas !== undefined && readReplicas.size > 0 ? readReplicas : undefined
    const known = (id: number): boolean => this.client.hasBroker(id)
    for (const tp of tps) {
      const info = this.client.checkPartition(topics.get(tp.topic) as TopicInfo, tp.partition)
      const key = tpKey(tp.topic, tp.partition)
      infos.set(key, info)
      const node = redirects === undefined ? info.leader : redirects.target(key, info, known)
      let g = byLeader.get(node)
      if (g === undefined) byLeader.set(node, g = [])
      g.push(tp)
    }
    return { byLeader, infos }
  }

  /**
   * Reads exactly the records in each range [fromOffset, untilOffset), for many partitions at once (one Fetch
   * per leader broker per round). Compacted gaps and transaction markers mean a range may hold fewer records than
   * offsets. Fails with OffsetOutOfRangeError if a range starts below the log start or ends past the high
   * watermark.
   */
  async fetch (ranges: OffsetRange[], opts: FetchOptions = {}): Promise<Map<string, KafkaRecord[]>> {
    const out = new Map<string, KafkaRecord[]>()
    let todo: FetchPosition[] = []
    for (const r of ranges) {
      const key = tpKey(r.topic, r.partition)
      if (out.has(key)) throw new ConfigError('ranges', `${key} is given twice`)
      out.set(key, [])
      if (r.untilOffset < r.fromOffset) throw new ConfigError('ranges', `${key}: untilOffset ${r.untilOffset} is below fromOffset ${r.fromOffset}`)
      if (r.untilOffset > r.fromOffset) todo.push({ ...r })
    }
    let idleRounds = 0
    while (todo.length > 0) {
      const round = await this.fetchOnce(todo, opts)
      const next: FetchPosition[] = []
      let progressed = false
      for (const pos of todo) {
        const key = tpKey(pos.topic, pos.partition)
        const got = round.get(key)
        if (got === undefined) { next.push(pos); continue }
        const list = out.get(key) as KafkaRecord[]
        for (const r of got.records) list.push(r)
        const until = pos.untilOffset as bigint
        if (got.nextOffset > pos.fromOffset) progressed = true
        if (got.nextOffset >= until) continue
        // Caught up with the log, and the range wants more than it holds.
        const end = await this.pastEnd(pos.fromOffset, until, got)
        if (end !== undefined) throw new OffsetOutOfRangeError(pos.topic, pos.partition, until, got.logStartOffset >= 0n ? got.logStartOffset : undefined, end)
        next.push({ ...pos, fromOffset: got.nextOffset })
      }
      // No partition moved (waiting on an open transaction under read_committed): the broker already waited
      // maxWaitMs, but a broker that answers at once must not turn this into a busy loop.
      idleRounds = progressed ? 0 : idleRounds + 1
      if (idleRounds > 1) await delay(backoffMs(Math.min(idleRounds, 5), this.config.retryBackoffMs, this.config.retryBackoffMaxMs))
      todo = next
    }
    return out
  }

  /**
   * One partition's records from `fromOffset`, up to `untilOffset` (exclusive) or forever when it is omitted,
   * following the log as it grows. Holds one fetch response at a time.
   */
  async * records (topic: string, partition: number, fromOffset: bigint, untilOffset?: bigint, opts: FetchOptions = {}): AsyncGenerator<KafkaRecord, void, undefined> {
    let pos = fromOffset
    let idleRounds = 0
    while (untilOffset === undefined || pos < untilOffset) {
      const round = await this.fetchOnce([{ topic, partition, fromOffset: pos, untilOffset }], opts)
      const got = round.get(tpKey(topic, partition))
      if (got === undefined) continue
      for (const r of got.records) yield r
      const end = untilOffset === undefined ? undefined : await this.pastEnd(pos, untilOffset, got)
      if (end !== undefined) throw new OffsetOutOfRangeError(topic, partition, untilOffset as bigint, got.logStartOffset >= 0n ? got.logStartOffset : undefined, end)
      idleRounds = got.nextOffset > pos ? 0 : idleRounds + 1
      if (idleRounds > 1 && (opts.maxWaitMs ?? this.config.fetchWaitMaxMs) < 10) await delay(this.config.retryBackoffMs)
      pos = got.nextOffset
    }
  }

  /**
   * The high watermark that puts `until` out of reach when a round read from `from` shows it (nothing new, and the
   * log ends before `until`), else undefined. A follower's high watermark may lag its leader's for a moment (KIP-392:
   * it learns it from the leader), so when a follower served the round, the leader's is looked up first.
   */
  private async pastEnd (from: bigint, until: bigint, got: FetchedPartition): Promise<bigint | undefined> {
    if (got.nextOffset !== from || got.records.length > 0 || until <= got.highWatermark || got.highWatermark < 0n) return undefined
    const key = tpKey(got.topic, got.partition)
    if (!this.readReplicas.isReadReplica(key, got.broker)) return got.highWatermark
    const leaderEnd = (await this.latestOffsets([got])).get(key) ?? got.highWatermark
    // Within the leader's log: the follower will catch up, and the caller fetches again.
    return until > leaderEnd ? leaderEnd : undefined
  }

  /**
   * One fetch round: for each position, the records its broker (the leader, or a follower for `client.rack`) returns
   * from `fromOffset` (at most one response's worth). Retriable failures are retried within the call (bounded by
   * `retries`), so every position comes back with a result or the call fails.
   */
  async fetchOnce (positions: FetchPosition[], opts: FetchOptions = {}): Promise<Map<string, FetchedPartition>> {
    const out = new Map<string, FetchedPartition>()
    let todo = positions
    await this.client.withRetries('Fetch', async () => {
      const failed: FetchPosition[] = []
      let lastErr: unknown
      // Partitions a leader sent to a follower (KIP-392), or a follower's error sent back to the leader, are fetched
      // again at once, in a second pass, so a redirect costs a round trip and not an empty round.
      let pass = todo
      for (let round = 0; round < 2 && pass.length > 0; round++) {
        const moved: FetchPosition[] | undefined = round === 0 ? [] : undefined
        const { byLeader, infos } = await this.groupByLeader(pass, this.readReplicas)
        await Promise.all([...byLeader].map(async ([leader, group]) => {
          try {
            await this.fetchFromLeader(leader, group, infos, out, opts, moved)
          } catch (err) {
            // A follower that cannot be reached sends its partitions back to their leader (handleFetchFailure).
            for (const p of group) this.readReplicas.clear(tpKey(p.topic, p.partition), leader)
            if (!isRetriable(err)) throw err
            lastErr = err
          }
        }))
        const again = new Set(moved)
        for (const p of pass) if (!out.has(tpKey(p.topic, p.partition)) && !again.has(p)) failed.push(p)
        pass = moved ?? []
      }
      todo = failed
      if (failed.length > 0) throw lastErr ?? new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Fetch: partitions missing from the response')
    }, positions.map(p => p.topic))
    return out
  }

  private limitFor (key: string): PartitionLimits {
    let l = this.limits.get(key)
    if (l === undefined) this.limits.set(key, l = { maxBytes: this.config.maxPartitionFetchBytes })
    return l
  }

  private async fetchFromLeader (
    leader: number, group: FetchPosition[], infos: Map<string, PartitionInfo>, out: Map<string, FetchedPartition>, opts: FetchOptions,
    moved?: FetchPosition[]
  ): Promise<void> {
    const conn = await this.client.connection(leader)
    // Fetch v13+ names topics by id (KIP-516); without ids from Metadata v10+, stay at v12.
    const topicIds = new Map<string, string>()
    for (const [name, t] of await this.client.topicsByName(group.map(p => p.topic))) topicIds.set(name, t.topicId)
    const maxVersion = [...topicIds.values()].some(id => id === ZERO_UUID) ? 12 : undefined
    // What each partition's request says, and the position it came from: the reply is matched to the request by
    // key, since a scan per partition would make 10,000 partitions quadratic.
    const wanted = new Map<string, SessionPartition>()
    const asked = new Map<string, FetchPosition>()
    for (const p of group) {
      const key = tpKey(p.topic, p.partition)
      asked.set(key, p)
      wanted.set(key, {
        topic: p.topic,
        topicId: topicIds.get(p.topic) ?? ZERO_UUID,
        partition: p.partition,
        currentLeaderEpoch: infos.get(key)?.leaderEpoch ?? -1,
        fetchOffset: p.fromOffset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: this.limitFor(key).maxBytes
      })
    }
    const version = Math.min(conn.versionFor(Fetch), maxVersion ?? Number.MAX_SAFE_INTEGER)
    const session = this.sessionFor(leader, version)
    if (session !== undefined) session.busy = true
    try {
      // A session error (evicted, wrong epoch) resets the session; the full fetch sent again cannot meet one.
      for (let attempt = 0; ; attempt++) {
        const { res, plan } = await this.sendFetch(conn, version, session, wanted, opts)
        if (res.body.errorCode !== ErrorCode.NONE) {
          if (plan !== undefined && session !== undefined) {
            session.answered(plan, res.body.errorCode, res.body.sessionId)
            if (attempt === 0 && SESSION_ERRORS.has(res.body.errorCode)) continue
          }
          throw new KafkaError(res.body.errorCode, `Fetch from broker ${leader}`)
        }
        const answer = plan !== undefined && session !== undefined && session.answered(plan, ErrorCode.NONE, res.body.sessionId) ? { plan, session } : undefined
        await this.takeFetchResponse(res, leader, topicIds, asked, out, opts, answer, moved)
        return
      }
    } finally {
      if (session !== undefined) session.busy = false
    }
  }

  /**
   * This consumer's fetch session with a leader (KIP-227), when one can be used: enabled, Fetch v7+, and not in use
   * by another fetch to the same broker (which then goes without it: epochs order a session's requests).
   */
  private sessionFor (leader: number, version: number): FetchSession | undefined {
    if (!this.config.enableFetchSessions || version < 7) return undefined
    let session = this.sessions.get(leader)
    if (session === undefined) this.sessions.set(leader, session = new FetchSession())
    return session.busy ? undefined : session
  }

  /**
   * Sends one Fetch: in the session when one is given (what it plans: maybe only what changed), else a full,
   * sessionless one. `plan` is undefined when the request went without the session.
   */
  private async sendFetch (
    conn: BrokerConnection, version: number, session: FetchSession | undefined, wanted: Map<string, SessionPartition>, opts: FetchOptions
  ): Promise<{ res: DecodedResponse<FetchResponse>, plan: FetchPlan | undefined }> {
    const cfg = this.config
    let plan: FetchPlan | undefined
    try {
      plan = session?.plan(wanted, version >= 13, conn)
      const maxWaitMs = opts.maxWaitMs ?? cfg.fetchWaitMaxMs
      const body = (p: FetchPlan | undefined): object => ({
        replicaId: -1,
        maxWaitMs,
        minBytes: opts.minBytes ?? cfg.fetchMinBytes,
        maxBytes: cfg.fetchMaxBytes,
        isolationLevel: cfg.isolationLevel === 'read_committed' ? 1 : 0,
        // Without a session: sessionId 0 with epoch -1 asks for a full, sessionless fetch.
        sessionId: p?.sessionId ?? INVALID_SESSION_ID,
        sessionEpoch: p?.sessionEpoch ?? FINAL_EPOCH,
        // The partitions as they are: the encoder writes the schema's fields and passes over topic and topicId.
        topics: byTopic(p?.toSend ?? wanted.values(), (t, partitions) => ({ topic: t.topic, topicId: t.topicId, partitions })),
        forgottenTopicsData: byTopic(p?.toForget ?? [], (t, partitions) => ({ topic: t.topic, topicId: t.topicId, partitions: partitions.map(x => x.partition) })),
        rackId: cfg.clientRack
      })
      const planned = body(plan)
      const res = await conn.request<FetchResponse>(Fetch, undefined, v => {
        if (v === version) return planned
        // The connection fell back to a lower version (an answer at `version` did not decode): the broker did
        // take the planned request, so the session's epoch is unknown. Without it now; the next fetch starts over.
        session?.failed()
        return body(undefined)
      }, { timeoutMs: cfg.requestTimeoutMs + maxWaitMs, maxVersion: version })
      return { res, plan: res.version === version ? plan : undefined }
    } catch (err) {
      // Lost connection, timeout: whether the broker took the request is unknown (FetchSessionHandler.handleError).
      session?.failed()
      throw err
    }
  }

  /** Turns a Fetch answer into results; `answer` when it was an answer in a session, which may leave partitions out. */
  private async takeFetchResponse (
    res: DecodedResponse<FetchResponse>, leader: number, topicIds: Map<string, string>, asked: Map<string, FetchPosition>,
    out: Map<string, FetchedPartition>, opts: FetchOptions, answer: { plan: FetchPlan, session: FetchSession } | undefined,
    moved: FetchPosition[] | undefined
  ): Promise<void> {
    const session = answer?.session
    const isolationLevel = this.config.isolationLevel === 'read_committed' ? 1 : 0
    const nameById = new Map([...topicIds].map(([name, id]) => [id, name]))
    // Partitions an incremental answer named; the others had nothing new.
    const named = answer?.plan.incremental === true ? new Set<string>() : undefined
    let retriable: unknown
    try {
      for (const t of res.body.responses) {
        const topic = res.version >= 13 ? nameById.get(t.topicId) : t.topic
        if (topic === undefined) continue
        for (const p of t.partitions) {
          const key = tpKey(topic, p.partitionIndex)
          const pos = asked.get(key)
          if (pos === undefined) continue
          named?.add(key)
          session?.record(key, p.errorCode, p)
          if (p.errorCode !== ErrorCode.NONE) {
            // An error from a follower: back to the leader, which knows best (a follower's log may lag, so its
            // OFFSET_OUT_OF_RANGE is not the partition's: the Java consumer retries at the leader too). Asked again
            // in this call, or (after a redirect already) by the caller's retry.
            if (this.readReplicas.clear(key, leader)) {
              moved?.push(pos)
              continue
            }
            if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) await this.throwOutOfRange(pos)
            const err = new KafkaError(p.errorCode, `Fetch ${topic}[${p.partitionIndex}] from broker ${leader}`)
            if (!isRetriable(err)) throw err
            if (needsMetadataRefresh(p.errorCode)) this.client.invalidate(topic)
            // The topic was deleted or recreated: its id changes, and a session holds the old one.
            if (TOPIC_ID_ERRORS.has(p.errorCode)) session?.failed()
            retriable = err
            continue
          }
          // The leader sends this consumer to a replica in its rack, with no records: fetched there from now on.
          if (p.preferredReadReplica >= 0 && p.preferredReadReplica !== leader) {
            this.readReplicas.set(key, p.preferredReadReplica)
            if (moved !== undefined) { moved.push(pos); continue }
          }
          const fetched = this.decodePartition(pos, p, isolationLevel === 1, leader, opts.lazy === true || opts.raw === true, opts.raw === true)
          if (fetched !== null) out.set(key, fetched)
        }
      }
    } catch (err) {
      // Partitions after the one that failed were not recorded: their marks are unknown, so start over.
      session?.failed()
      throw err
    }
    if (named !== undefined && session !== undefined) {
      for (const [key, pos] of asked) {
        if (named.has(key)) continue
        const marks = session.marks(key)
        // Left out of an incremental answer: nothing new since the marks the broker sent last. Without marks (never
        // answered in this session, or last answered with an error, which a broker must answer again): asked again
        // by the caller's retry, in a full fetch, which answers every partition.
        if (marks !== undefined) out.set(key, this.nothingNew(pos, marks, isolationLevel === 1, leader))
        else session.failed()
      }
    }
    if (retriable !== undefined) throw retriable
  }

  /** The result for a partition an incremental answer left out: no records, the position unchanged, the last marks. */
  private nothingNew (pos: FetchPosition, marks: PartitionMarks, readCommitted: boolean, broker: number): FetchedPartition {
    return new PartitionRecords(pos, undefined, this.iterateOptions(pos, readCommitted, [], this.config.checkCrcs),
      pos.fromOffset, marks.highWatermark, marks.lastStableOffset, marks.logStartOffset, broker)
  }

  private iterateOptions (pos: FetchPosition, readCommitted: boolean, abortedTransactions: IterateOptions['abortedTransactions'], verifyCrc: boolean): IterateOptions {
    return {
      fromOffset: pos.fromOffset,
      verifyCrc,
      topic: pos.topic,
      partition: pos.partition,
      isolation: readCommitted ? 'read_committed' : 'read_uncommitted',
      abortedTransactions,
      maxDecompressedBytes: this.config.maxRecordBytes
    }
  }

  /** Turns one partition's response into records and the next position; null when the fetch must be retried larger. */
  private decodePartition (
    pos: FetchPosition, p: FetchResponse['responses'][number]['partitions'][number], readCommitted: boolean, broker: number, lazy: boolean, checkNow: boolean
  ): FetchedPartition | null {
    const key = tpKey(pos.topic, pos.partition)
    const blob = p.records ?? Buffer.alloc(0)
    let nextOffset = pos.fromOffset
    const verifyNow = checkNow && this.config.checkCrcs
    const { batches, truncatedTail } = scanBatches(blob, { topic: pos.topic, partition: pos.partition, verifyCrc: verifyNow, maxDecompressedBytes: this.config.maxRecordBytes })
    if (batches.length === 0 && truncatedTail) {
      // Only part of one batch fit: a record bigger than the limit (KIP-74). Grow the limit and fetch again.
      const limit = this.limitFor(key)
      if (limit.maxBytes >= this.config.maxRecordBytes) {
        throw new ConfigError('maxRecordBytes', `${key} offset ${pos.fromOffset}: a record batch is larger than ${limit.maxBytes} bytes; raise maxRecordBytes`)
      }
      limit.maxBytes = Math.min(this.config.maxRecordBytes, limit.maxBytes * 2)
      return null
    }
    let complete: Buffer | undefined
    if (batches.length > 0) {
      const last = batches[batches.length - 1]
      complete = blob.subarray(0, last.end)
      if (last.lastOffset + 1n > nextOffset) nextOffset = last.lastOffset + 1n
      if (pos.untilOffset !== undefined && nextOffset > pos.untilOffset) nextOffset = pos.untilOffset
    }
    // CRCs checked by scanBatches above when asked to (checkNow), so not again at each decoding.
    const fetched = new PartitionRecords(pos, complete, this.iterateOptions(pos, readCommitted, p.abortedTransactions ?? [], this.config.checkCrcs && !verifyNow), nextOffset, p.highWatermark, p.lastStableOffset, p.logStartOffset, broker)
    // Decoded here unless asked otherwise, so a corrupt batch fails the fetch as it always has.
    if (!lazy) void fetched.records
    return fetched
  }

  /** OFFSET_OUT_OF_RANGE: look the valid range up, so the error can say where data is. */
  private async throwOutOfRange (pos: FetchPosition): Promise<never> {
    let start: bigint | undefined
    let end: bigint | undefined
    try {
      const tp = [{ topic: pos.topic, partition: pos.partition }]
      const key = tpKey(pos.topic, pos.partition)
      start = (await this.earliestOffsets(tp)).get(key)
      end = (await this.listOffsetsUncommitted(tp)).get(key)
    } catch (err) {
      if (!(err instanceof KafkaError || err instanceof ConnectionError || err instanceof TimeoutError)) throw err
    }
    throw new OffsetOutOfRangeError(pos.topic, pos.partition, pos.fromOffset, start, end)
  }

  /** The high watermark regardless of isolation level. */
  private async listOffsetsUncommitted (tps: TopicPartition[]): Promise<Map<string, bigint>> {
    return await this.latestOffsets(tps)
  }
}

/** One partition's fetched records: the complete batches of the response, decoded into an array at most once. */
class PartitionRecords implements FetchedPartition {
  readonly topic: string
  readonly partition: number
  private decoded: KafkaRecord[] | undefined = undefined

  constructor (
    private readonly pos: FetchPosition,
    /** The response's complete batches; undefined when there were none. */
    private readonly blob: Buffer | undefined,
    private readonly iterateOptions: IterateOptions,
    readonly nextOffset: bigint,
    readonly highWatermark: bigint,
    readonly lastStableOffset: bigint,
    readonly logStartOffset: bigint,
    readonly broker: number
  ) {
    this.topic = pos.topic
    this.partition = pos.partition
  }

  get raw (): RawRecords | undefined {
    return this.blob === undefined ? undefined : { blob: this.blob, options: this.iterateOptions, untilOffset: this.pos.untilOffset }
  }

  get records (): KafkaRecord[] {
    if (this.decoded === undefined) {
      const out: KafkaRecord[] = []
      const it = this.iterate()
      for (let r = it.next(); r.done !== true; r = it.next()) out.push(r.value)
      this.decoded = out
    }
    return this.decoded
  }

  iterate (opts?: { reuseRecord?: boolean }): Iterator<KafkaRecord> {
    if (this.decoded !== undefined) return this.decoded.values()
    if (this.blob === undefined) return NO_RECORDS.values()
    const records = iterateRecords(this.blob, opts?.reuseRecord === true ? { ...this.iterateOptions, reuseRecord: true } : this.iterateOptions)
    const until = this.pos.untilOffset
    return until === undefined ? records : untilOffset(records, until)
  }
}

const NO_RECORDS: KafkaRecord[] = []

function * untilOffset (records: Iterator<KafkaRecord>, until: bigint): Generator<KafkaRecord, void, undefined> {
  for (let r = records.next(); r.done !== true; r = records.next()) {
    if (r.value.offset >= until) return
    yield r.value
  }
}

/** Partitions grouped by topic, in the order topics first appear (a Fetch names each topic once). */
function byTopic<T> (partitions: Iterable<SessionPartition>, make: (topic: SessionPartition, partitions: SessionPartition[]) => T): T[] {
  const groups = new Map<string, SessionPartition[]>()
  for (const p of partitions) {
    const list = groups.get(p.topic)
    if (list === undefined) groups.set(p.topic, [p])
    else list.push(p)
  }
  return [...groups.values()].map(list => make(list[0], list))
}
