import { BufferPool } from './buffer-pool.js'
import { ConnectionError, KafkaError, TimeoutError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { ApiSchema, Infer, InferInput } from '../protocol/schema/define.js'
import type { DecodedResponse } from '../protocol/messages.js'
import { Metadata } from '../protocol/apis/metadata.js'
import { BrokerConnection, type RequestOptions } from './connection.js'
import { parseConsumerConfig, parseHostPort, type ConfigInput, type ConsumerConfig } from './config.js'
import { ZERO_UUID, clusterMetadataFrom, findPartition, type BrokerInfo, type ClusterMetadata, type PartitionInfo, type TopicInfo } from './cluster-metadata.js'
import { backoffMs, delay, isOutage, isRetriable, needsMetadataRefresh } from './retry.js'

// The cluster as a client sees it: a pool of broker connections (one per broker address) and a metadata cache
// saying which broker leads each partition. Requests that must go to a partition's leader (Fetch, ListOffsets,
// Produce) are routed through `leaderFor`; when a broker says the metadata was stale, or a broker drops off, the
// cache is refreshed and the request retried, a bounded number of times with backoff.
//
// Bootstrap (`bootstrap.servers`): any listed address will do for the first Metadata request; after that the
// brokers' advertised addresses are used. Connections are keyed by address, so a bootstrap connection that
// turns out to be broker 1 is reused as broker 1's.
//
// Failures, and how long they are waited out (withRetries):
// - Before the cluster has answered once (bootstrap), everything together is bounded by bootstrap.timeout.ms: a
//   wrong address fails in seconds, naming the first real cause per broker ("connect ECONNREFUSED").
// - After that, a broker outage (refused or timed-out connections, partitions without a leader) is waited out for
//   as long as it lasts (or outage.max.ms), with a warning line per retry; other retriable errors count against
//   `retries`.

interface PoolEntry {
  conn: Promise<BrokerConnection> | null
  /** Consecutive failed connection attempts: drives the reconnect backoff. */
  failures: number
  /** Not before this time (ms since epoch) may the next connection attempt start. */
  nextAttemptAt: number
  /**
   * Why the first attempt of the current run of failures failed (ECONNREFUSED, a timeout): what errors report, so
   * that the reason stays visible however many attempts follow.
   */
  firstCause: Error | undefined
  /** Versions this broker answered wrongly, per API key: kept across its connections (VersionTable.markUndecodable). */
  undecodable: Map<number, number>
}

// `ApiSchema<any, any>`: any API at all; the field lists themselves are what the types below are inferred from.
/** A response body as the schema declares it (fields of other versions hold their defaults). */
export type ResponseOf<A extends ApiSchema<any, any>> = Infer<A['response']>
/** What a request body may hold: any field may be left out and takes its default. */
export type RequestOf<A extends ApiSchema<any, any>> = InferInput<A['request']>

export class KafkaClient {
  readonly config: ConsumerConfig
  /** Memory for large responses, shared by this client's connections; see `SimpleConsumer.recycle`. */
  readonly buffers = new BufferPool()
  private readonly pool = new Map<string, PoolEntry>()
  private brokers = new Map<number, BrokerInfo>()
  private readonly topics = new Map<string, TopicInfo>()
  /** When each cached topic was last refreshed (ms since epoch). */
  private readonly topicAge = new Map<string, number>()
  private lastMetadata: ClusterMetadata | undefined
  /** Refreshes in flight, by topic name: concurrent lookups of a topic share one request. */
  private readonly refreshing = new Map<string, Promise<ClusterMetadata>>()
  /** Whether a Metadata response has ever arrived: from then on outages are waited out, not bounded by bootstrap. */
  private bootstrapped = false
  private closed = false

  constructor (config: ConfigInput | ConsumerConfig) {
    this.config = parseConsumerConfig(config as ConfigInput)
  }

  /** Connects to a bootstrap broker and loads the broker list. */
  async connect (): Promise<void> {
    await this.metadata([])
  }

  /** Closes every connection; requests in flight fail with ConnectionError. */
  async close (): Promise<void> {
    this.closed = true
    const conns = [...this.pool.values()].map(e => e.conn)
    this.pool.clear()
    await Promise.all(conns.map(async c => {
      if (c === null) return
      try { await (await c).close() } catch {}
    }))
  }

  /** Whether a broker is in the last metadata response (a node a request can be sent to). */
  hasBroker (nodeId: number): boolean {
    return this.brokers.has(nodeId)
  }

  /** Brokers known from the last metadata response. */
  knownBrokers (): BrokerInfo[] {
    return [...this.brokers.values()]
  }

  /**
   * Fetches metadata from the cluster and updates the cache: for `topics`, or for every topic when omitted. Topic-
   * level errors are left in the result (UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist). Retried as
   * withRetries says; the first call of a client (bootstrap) is bounded by bootstrap.timeout.ms in all.
   */
  async metadata (topics?: string[], opts: { allowAutoTopicCreation?: boolean } = {}): Promise<ClusterMetadata> {
    const load = this.withRetries('Metadata', async () => {
      const { conn, address } = await this.anyConnection()
      const res = await conn.request<ResponseOf<typeof Metadata>>(Metadata, undefined, v => ({
        // v0 has no "all topics" null: an empty list meant all topics then.
        topics: topics === undefined ? (v === 0 ? [] : null) : topics.map(name => ({ name })),
        // A consumer must not create topics by asking about them (librdkafka allow.auto.create.topics=false);
        // a producer's lookup may (topic()).
        allowAutoTopicCreation: opts.allowAutoTopicCreation === true
      }))
      // v13+ carries a top-level error (KIP-1102: REBOOTSTRAP_REQUIRED); earlier versions decode it as 0.
      if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `Metadata from ${address}`)
      const md = clusterMetadataFrom(res.body, address)
      this.bootstrapped = true
      this.absorb(md)
      return md
    })
    return this.bootstrapped ? await load : await this.boundedBootstrap(load)
  }

  /**
   * The first Metadata, bounded in all by bootstrap.timeout.ms: one attempt may itself take up to
   * socket.connection.setup.timeout.ms, so the retries' own bound is not enough.
   */
  private async boundedBootstrap (load: Promise<ClusterMetadata>): Promise<ClusterMetadata> {
    const limitMs = this.config.bootstrapTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const causes = this.causes()
        reject(new ConnectionError(this.config.bootstrapServers.join(','),
          `no broker answered within bootstrap.timeout.ms (${limitMs} ms)${causes === '' ? '' : `: ${causes}`}`,
          { cause: new TimeoutError('bootstrap', limitMs) }))
      }, limitMs)
    })
    // The load goes on after the deadline until its own attempt ends; its outcome then belongs to nobody.
    load.catch(() => {})
    try {
      return await Promise.race([load, expired])
    } finally {
      clearTimeout(timer)
    }
  }

  private absorb (md: ClusterMetadata): void {
    if (md.brokers.length > 0) this.brokers = new Map(md.brokers.map(b => [b.nodeId, b]))
    const now = Date.now()
    for (const t of md.topics) {
      if (t.errorCode === ErrorCode.NONE) {
        this.topics.set(t.name, t)
        this.topicAge.set(t.name, now)
      } else {
        this.topics.delete(t.name)
      }
    }
    this.lastMetadata = md
  }

  /** The last metadata response seen. */
  get cachedMetadata (): ClusterMetadata | undefined { return this.lastMetadata }

  /**
   * The topic's id from the cached metadata (stale or not, no request), or the zero uuid when it is unknown: never
   * looked up, or a broker older than Metadata v10 (KIP-516).
   */
  cachedTopicId (name: string): string {
    return this.topics.get(name)?.topicId ?? ZERO_UUID
  }

  /**
   * Each topic's id, from the metadata (looked up when missing or stale, as topicsByName does); a topic Metadata
   * does not find, or a broker older than Metadata v10, gives the zero uuid. For requests that name topics by id
   * when every id is known (Produce v13, OffsetCommit v10, ...) and by name otherwise.
   */
  async topicIds (names: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(names)]
    try {
      const found = await this.topicsByName(unique)
      return new Map(unique.map(name => [name, found.get(name)?.topicId ?? ZERO_UUID]))
    } catch (err) {
      // One missing topic fails the lookup: the others keep what the cache holds (a deleted topic is dropped from it).
      if (!(err instanceof KafkaError)) throw err
      return new Map(unique.map(name => [name, this.cachedTopicId(name)]))
    }
  }

  /** Marks a topic's cached metadata stale, so the next lookup refreshes it. */
  invalidate (topic: string): void {
    this.topicAge.delete(topic)
  }

  private fresh (name: string): TopicInfo | undefined {
    const age = this.topicAge.get(name)
    if (age === undefined || Date.now() - age >= this.config.metadataMaxAgeMs) return undefined
    return this.topics.get(name)
  }

  /**
   * Cached metadata for a topic, refreshed if missing or stale (UNKNOWN_TOPIC_OR_PARTITION if it does not exist).
   * `allowAutoTopicCreation` lets a broker with auto.create.topics.enable create a missing topic, as a producer's
   * lookup does (librdkafka and the Java producer); the broker then answers LEADER_NOT_AVAILABLE until the new
   * topic has leaders, which callers retry (withRetries).
   */
  async topic (name: string, opts: { allowAutoTopicCreation?: boolean } = {}): Promise<TopicInfo> {
    const cached = this.fresh(name)
    if (cached !== undefined) return cached
    if (opts.allowAutoTopicCreation !== true) return (await this.topicsByName([name])).get(name) as TopicInfo
    const md = await this.metadata([name], { allowAutoTopicCreation: true })
    const found = md.topics.find(x => x.name === name)
    if (found === undefined || found.errorCode !== ErrorCode.NONE) throw new KafkaError(found?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}"`)
    return found
  }

  /**
   * Cached metadata for many topics, those missing or stale refreshed in one Metadata request (concurrent callers
   * asking for the same topic share it); KafkaError for a topic that does not exist.
   */
  async topicsByName (names: Iterable<string>): Promise<Map<string, TopicInfo>> {
    const out = new Map<string, TopicInfo>()
    const missing: string[] = []
    const waits = new Set<Promise<ClusterMetadata>>()
    // Read once: `names` may be an iterator (a Map's keys), which a second loop would find empty.
    const unique = new Set(names)
    for (const name of unique) {
      const t = this.fresh(name)
      if (t !== undefined) { out.set(name, t); continue }
      const shared = this.refreshing.get(name)
      if (shared !== undefined) waits.add(shared)
      else missing.push(name)
    }
    if (missing.length > 0) {
      const p = this.metadata(missing)
      for (const name of missing) this.refreshing.set(name, p)
      waits.add(p.finally(() => { for (const name of missing) if (this.refreshing.get(name) === p) this.refreshing.delete(name) }))
    }
    const answers = await Promise.all(waits)
    const byName = new Map<string, TopicInfo>()
    for (const md of answers) for (const t of md.topics) byName.set(t.name, t)
    for (const name of unique) {
      if (out.has(name)) continue
      const t = byName.get(name)
      if (t === undefined || t.errorCode !== ErrorCode.NONE) throw new KafkaError(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}"`)
      out.set(name, t)
    }
    return out
  }

  /** A partition's metadata, including its leader and leader epoch; retriable KafkaError when it has no leader. */
  async partitionInfo (topic: string, partition: number): Promise<PartitionInfo> {
    return this.checkPartition(await this.topic(topic), partition)
  }

  /** The partition's entry in a topic's metadata, if it has a usable leader (see partitionInfo). */
  checkPartition (t: TopicInfo, partition: number): PartitionInfo {
    const p = findPartition(t, partition)
    if (p === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${t.name}[${partition}]: the topic has ${t.partitions.length} partitions`)
    if (p.errorCode !== ErrorCode.NONE && p.errorCode !== ErrorCode.REPLICA_NOT_AVAILABLE /* the leader is still usable */) {
      this.invalidate(t.name)
      throw new KafkaError(p.errorCode, `${t.name}[${partition}]`)
    }
    if (p.leader < 0 || !this.brokers.has(p.leader)) {
      this.invalidate(t.name)
      throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${t.name}[${partition}] has no leader`)
    }
    return p
  }

  /** The connection to a broker by node id, opened (with reconnect backoff) if needed. */
  async connection (nodeId: number): Promise<BrokerConnection> {
    const b = this.brokers.get(nodeId)
    if (b === undefined) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`)
    return await this.connectionTo(`${b.host}:${b.port}`)
  }

  /**
   * The pooled connection to a broker when one is already open, without connecting: for courtesy requests on close
   * (ending fetch sessions) that are not worth a new connection, as the Java client skips nodes it is not connected to.
   */
  async existingConnection (nodeId: number): Promise<BrokerConnection | undefined> {
    const b = this.brokers.get(nodeId)
    const e = b === undefined ? undefined : this.pool.get(`${b.host}:${b.port}`)
    if (this.closed || e === undefined || e.conn === null) return undefined
    try { return await e.conn } catch { return undefined }
  }

  /**
   * Sends a request to a broker by node id. The response's type follows from the schema: `request(id, OffsetFetch,
   * ...)` resolves to an OffsetFetch response body, whose fields outside the version used hold their defaults.
   * (`ApiSchema<any, any>`: any API; the response type is inferred from the one passed.)
   */
  async request<A extends ApiSchema<any, any>>(
    nodeId: number, api: A, body: RequestOf<A> | ((version: number) => RequestOf<A>), opts?: RequestOptions
  ): Promise<DecodedResponse<ResponseOf<A>>> {
    const conn = await this.connection(nodeId)
    return await conn.request<ResponseOf<A>>(api, undefined, body as object | ((version: number) => object), opts)
  }

  /**
   * A new connection to a broker by node id, outside the pool and owned by the caller (who closes it). For traffic
   * that must not queue behind other requests on the shared connection: a broker answers one connection's requests
   * in order, so a group member's heartbeats would wait behind a long-poll Fetch or a JoinGroup that the coordinator
   * holds for the whole rebalance (the Java client gives the coordinator its own connection for the same reason).
   */
  async openConnection (nodeId: number): Promise<BrokerConnection> {
    if (this.closed) throw new ConnectionError(`node ${nodeId}`, 'client is closed')
    const b = this.brokers.get(nodeId)
    if (b === undefined) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`)
    const c = this.config
    // The same options as a pooled connection's (connectionTo), without the pool's bookkeeping.
    return await BrokerConnection.open({
      host: b.host,
      port: b.port,
      clientId: c.clientId,
      requestTimeoutMs: c.requestTimeoutMs,
      connectTimeoutMs: c.connectTimeoutMs,
      maxResponseBytes: c.maxResponseBytes,
      maxRequestBytes: c.maxRequestBytes,
      tls: c.tls,
      apiVersionRequest: c.apiVersionRequest,
      maxVersions: c.maxVersions,
      authenticate: c.authenticate,
      createSocket: c.createSocket,
      log: c.log
    })
  }

  /**
   * Some live connection: an open one, else a known broker's, else a bootstrap address's, trying each in turn
   * (addresses in reconnect backoff last, waiting for the first to come out of it). Fails with every address's
   * first real cause.
   */
  private async anyConnection (): Promise<{ conn: BrokerConnection, address: string }> {
    const listed: string[] = []
    for (const [address, e] of this.pool) if (e.conn !== null) listed.push(address)
    for (const b of this.brokers.values()) listed.push(`${b.host}:${b.port}`)
    for (const s of this.config.bootstrapServers) { const hp = parseHostPort(s); listed.push(`${hp.host}:${hp.port}`) }
    const now = Date.now()
    const addresses = [...new Set(listed)]
    const ready = addresses.filter(a => (this.pool.get(a)?.nextAttemptAt ?? 0) <= now)
    const waiting = addresses.filter(a => (this.pool.get(a)?.nextAttemptAt ?? 0) > now)
      .sort((a, b) => (this.pool.get(a)?.nextAttemptAt ?? 0) - (this.pool.get(b)?.nextAttemptAt ?? 0))
    // Every address is backing off: wait for the first to be due rather than fail with "try later".
    if (ready.length === 0 && waiting.length > 0) ready.push(waiting.shift() as string)
    let lastErr: unknown
    for (const address of ready) {
      try {
        return { conn: await this.connectionTo(address), address }
      } catch (err) {
        if (!isRetriable(err)) throw err
        lastErr = err
      }
    }
    throw new ConnectionError(this.config.bootstrapServers.join(','), `no broker reachable: ${this.causes()}`, { cause: lastErr })
  }

  /**
   * The first real cause of each address's current run of failures ("127.0.0.1:1: cannot connect: ..."), and the
   * addresses whose first attempt is still under way (connected, say, but not answered).
   */
  private causes (): string {
    const out: string[] = []
    for (const [address, e] of this.pool) {
      if (e.firstCause !== undefined) out.push(e.firstCause.message)
      else if (e.conn !== null && e.failures === 0) out.push(`${address}: no answer yet`)
    }
    return out.join('; ')
  }

  private async connectionTo (address: string): Promise<BrokerConnection> {
    if (this.closed) throw new ConnectionError(address, 'client is closed')
    let e = this.pool.get(address)
    if (e === undefined) this.pool.set(address, e = { conn: null, failures: 0, nextAttemptAt: 0, firstCause: undefined, undecodable: new Map() })
    if (e.conn !== null) return await e.conn
    const entry = e
    const waitMs = entry.nextAttemptAt - Date.now()
    if (waitMs > 0) {
      await delay(waitMs)
      if (entry.conn !== null) return await entry.conn
      if (this.closed) throw new ConnectionError(address, 'client is closed')
    }
    const { host, port } = parseHostPort(address)
    const c = this.config
    const p = BrokerConnection.open({
      host,
      port,
      clientId: c.clientId,
      requestTimeoutMs: c.requestTimeoutMs,
      connectTimeoutMs: c.connectTimeoutMs,
      maxResponseBytes: c.maxResponseBytes,
      maxRequestBytes: c.maxRequestBytes,
      tls: c.tls,
      apiVersionRequest: c.apiVersionRequest,
      maxVersions: c.maxVersions,
      authenticate: c.authenticate,
      createSocket: c.createSocket,
      bufferPool: this.buffers,
      log: c.log,
      undecodable: entry.undecodable,
      onClose: () => {
        // Forget the connection so the next request reconnects (after backoff if it keeps failing).
        if (entry.conn === p) entry.conn = null
      }
    })
    entry.conn = p
    try {
      const conn = await p
      entry.failures = 0
      entry.firstCause = undefined
      return conn
    } catch (err) {
      if (entry.conn === p) entry.conn = null
      entry.nextAttemptAt = Date.now() + backoffMs(entry.failures++, c.reconnectBackoffMs, c.reconnectBackoffMaxMs)
      entry.firstCause ??= err as Error
      throw err
    }
  }

  /**
   * Runs `attempt` until it succeeds. A broker outage (isOutage: refused or timed-out connections, no leader) is
   * waited out, with a warning line per retry, for as long as it lasts once the cluster has answered (outage.max.ms
   * bounds it when set; bootstrap.timeout.ms before that). Other retriable failures (see retry.ts) are retried up to
   * `config.retries` times. Metadata for `topics` is marked stale before each retry so the next attempt routes
   * afresh.
   */
  async withRetries<T>(what: string, attempt: (n: number) => Promise<T>, topics: Iterable<string> = []): Promise<T> {
    let retried = 0
    let outageSince: number | undefined
    for (let n = 0; ; n++) {
      try {
        const result = await attempt(n)
        if (outageSince !== undefined) this.config.log(`% ${what}: the cluster answers again after ${Date.now() - outageSince} ms`)
        return result
      } catch (err) {
        // The last failure is rethrown as it is: its class says what went wrong.
        if (this.closed || !isRetriable(err)) throw err
        let waitMs: number
        if (isOutage(err)) {
          const now = Date.now()
          outageSince ??= now
          const limitMs = this.bootstrapped ? this.config.outageMaxMs : this.config.bootstrapTimeoutMs
          if (limitMs > 0 && now - outageSince >= limitMs) throw err
          waitMs = backoffMs(Math.min(n, 30), this.config.retryBackoffMs, this.config.retryBackoffMaxMs)
          this.config.log(`% waiting for ${describeOutage(err)}, retry ${n + 1} in ${waitMs} ms`)
        } else {
          if (retried >= this.config.retries) throw err
          waitMs = backoffMs(retried++, this.config.retryBackoffMs, this.config.retryBackoffMaxMs)
        }
        if (!(err instanceof KafkaError) || needsMetadataRefresh(err.errorCode)) {
          for (const t of topics) this.invalidate(t)
        }
        await delay(waitMs)
      }
    }
  }
}

/** "HOST:PORT: connect timed out" for a connection failure; "a leader: t[0] has no leader ..." for a broker error. */
function describeOutage (err: unknown): string {
  if (err instanceof ConnectionError && err.cause instanceof ConnectionError) return err.cause.message
  if (err instanceof KafkaError) return `a leader: ${err.message}`
  return err instanceof Error ? err.message : String(err)
}
