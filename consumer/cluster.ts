import { BufferPool } from './buffer-pool.js'
import { ConnectionError, KafkaError } from '../protocol/errors.js'
import type { ApiSchema } from '../protocol/schema/define.js'
import type { DecodedResponse } from '../protocol/messages.js'
import { Metadata, type MetadataResponse } from '../protocol/apis/metadata.js'
import { BrokerConnection, type RequestOptions } from './connection.js'
import { parseConsumerConfig, parseHostPort, type ConfigInput, type ConsumerConfig } from './config.js'
import { clusterMetadataFrom, type BrokerInfo, type ClusterMetadata, type PartitionInfo, type TopicInfo } from './cluster-metadata.js'
import { backoffMs, delay, isRetriable, needsMetadataRefresh } from './retry.js'

// The cluster as a client sees it: a pool of broker connections (one per broker address) and a metadata cache
// saying which broker leads each partition. Requests that must go to a partition's leader (Fetch, ListOffsets,
// Produce) are routed through `leaderFor`; when a broker says the metadata was stale, or a broker drops off, the
// cache is refreshed and the request retried, a bounded number of times with backoff.
//
// Bootstrap (`bootstrap.servers`): any listed address will do for the first Metadata request; after that the
// brokers' advertised addresses are used. Connections are keyed by address, so a bootstrap connection that
// turns out to be broker 1 is reused as broker 1's.

interface PoolEntry {
  conn: Promise<BrokerConnection> | null
  /** Consecutive failed connection attempts: drives the reconnect backoff. */
  failures: number
  /** Not before this time (ms since epoch) may the next connection attempt start. */
  nextAttemptAt: number
}

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
  private refreshing: Promise<ClusterMetadata> | undefined
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

  /** Brokers known from the last metadata response. */
  knownBrokers (): BrokerInfo[] {
    return [...this.brokers.values()]
  }

  /**
   * Fetches metadata from the cluster and updates the cache: for `topics`, or for every topic when omitted. Topic-
   * level errors are left in the result (UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist).
   */
  async metadata (topics?: string[]): Promise<ClusterMetadata> {
    return await this.withRetries('Metadata', async () => {
      const { conn, address } = await this.anyConnection()
      const res = await conn.request<MetadataResponse>(Metadata, undefined, v => ({
        // v0 has no "all topics" null: an empty list meant all topics then.
        topics: topics === undefined ? (v === 0 ? [] : null) : topics.map(name => ({ name })),
        // A consumer must not create topics by asking about them (librdkafka allow.auto.create.topics=false).
        allowAutoTopicCreation: false
      }))
      if (res.body.errorCode !== 0) throw new KafkaError(res.body.errorCode, `Metadata from ${address}`)
      const md = clusterMetadataFrom(res.body, address)
      this.absorb(md)
      return md
    })
  }

  private absorb (md: ClusterMetadata): void {
    if (md.brokers.length > 0) this.brokers = new Map(md.brokers.map(b => [b.nodeId, b]))
    const now = Date.now()
    for (const t of md.topics) {
      if (t.errorCode === 0) {
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

  /** Marks a topic's cached metadata stale, so the next lookup refreshes it. */
  invalidate (topic: string): void {
    this.topicAge.delete(topic)
  }

  /** Cached metadata for a topic, refreshed if missing or stale (UNKNOWN_TOPIC_OR_PARTITION if it does not exist). */
  async topic (name: string): Promise<TopicInfo> {
    const age = this.topicAge.get(name)
    const cached = this.topics.get(name)
    if (cached !== undefined && age !== undefined && Date.now() - age < this.config.metadataMaxAgeMs) return cached
    // Concurrent lookups share one refresh.
    if (this.refreshing === undefined) {
      this.refreshing = this.metadataOnce([name]).finally(() => { this.refreshing = undefined })
    }
    await this.refreshing
    const t = this.topics.get(name)
    if (t !== undefined && this.topicAge.has(name)) return t
    const md = await this.metadataOnce([name])
    const found = md.topics.find(x => x.name === name)
    if (found === undefined || found.errorCode !== 0) throw new KafkaError(found?.errorCode ?? 3, `topic "${name}"`)
    return found
  }

  private async metadataOnce (topics: string[]): Promise<ClusterMetadata> {
    const { conn, address } = await this.anyConnection()
    const res = await conn.request<MetadataResponse>(Metadata, undefined, { topics: topics.map(name => ({ name })), allowAutoTopicCreation: false })
    const md = clusterMetadataFrom(res.body, address)
    this.absorb(md)
    return md
  }

  /** A partition's metadata, including its leader and leader epoch; retriable KafkaError when it has no leader. */
  async partitionInfo (topic: string, partition: number): Promise<PartitionInfo> {
    const t = await this.topic(topic)
    const p = t.partitions.find(x => x.partition === partition)
    if (p === undefined) throw new KafkaError(3, `${topic}[${partition}]: the topic has ${t.partitions.length} partitions`)
    if (p.errorCode !== 0 && p.errorCode !== 9 /* REPLICA_NOT_AVAILABLE: the leader is still usable */) {
      this.invalidate(topic)
      throw new KafkaError(p.errorCode, `${topic}[${partition}]`)
    }
    if (p.leader < 0 || !this.brokers.has(p.leader)) {
      this.invalidate(topic)
      throw new KafkaError(5, `${topic}[${partition}] has no leader`)
    }
    return p
  }

  /** The connection to a broker by node id, opened (with reconnect backoff) if needed. */
  async connection (nodeId: number): Promise<BrokerConnection> {
    const b = this.brokers.get(nodeId)
    if (b === undefined) throw new KafkaError(8, `broker ${nodeId} is not in the cluster metadata`)
    return await this.connectionTo(`${b.host}:${b.port}`)
  }

  /** Sends a request to a broker by node id. */
  async request<T = any>(nodeId: number, api: ApiSchema, body: object | ((version: number) => object), opts?: RequestOptions): Promise<DecodedResponse<T>> {
    const conn = await this.connection(nodeId)
    return await conn.request<T>(api, undefined, body, opts)
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
    if (b === undefined) throw new KafkaError(8, `broker ${nodeId} is not in the cluster metadata`)
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
      createSocket: c.createSocket
    })
  }

  /** Some live connection: a known broker's, else a bootstrap address's, trying each in turn. */
  private async anyConnection (): Promise<{ conn: BrokerConnection, address: string }> {
    const addresses: string[] = []
    // Prefer connections already open, then known brokers, then the bootstrap list.
    for (const [address, e] of this.pool) if (e.conn !== null) addresses.push(address)
    for (const b of this.brokers.values()) addresses.push(`${b.host}:${b.port}`)
    addresses.push(...this.config.bootstrapServers.map(s => { const hp = parseHostPort(s); return `${hp.host}:${hp.port}` }))
    let lastErr: unknown
    for (const address of new Set(addresses)) {
      try {
        return { conn: await this.connectionTo(address, false), address }
      } catch (err) {
        if (!isRetriable(err)) throw err
        lastErr = err
      }
    }
    throw new ConnectionError(this.config.bootstrapServers.join(','), `no broker reachable${lastErr instanceof Error ? `: ${lastErr.message}` : ''}`, { cause: lastErr })
  }

  private async connectionTo (address: string, wait = true): Promise<BrokerConnection> {
    if (this.closed) throw new ConnectionError(address, 'client is closed')
    let e = this.pool.get(address)
    if (e === undefined) this.pool.set(address, e = { conn: null, failures: 0, nextAttemptAt: 0 })
    if (e.conn !== null) return await e.conn
    const entry = e
    const waitMs = entry.nextAttemptAt - Date.now()
    if (waitMs > 0) {
      if (!wait) throw new ConnectionError(address, `reconnect backoff: next attempt in ${waitMs} ms`)
      await delay(waitMs)
      if (entry.conn !== null) return await entry.conn
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
      onClose: () => {
        // Forget the connection so the next request reconnects (after backoff if it keeps failing).
        if (entry.conn === p) entry.conn = null
      }
    })
    entry.conn = p
    try {
      const conn = await p
      entry.failures = 0
      return conn
    } catch (err) {
      if (entry.conn === p) entry.conn = null
      entry.nextAttemptAt = Date.now() + backoffMs(entry.failures++, c.reconnectBackoffMs, c.reconnectBackoffMaxMs)
      throw err
    }
  }

  /**
   * Runs `attempt` until it succeeds, retrying retriable failures (see retry.ts) up to `config.retries` times with
   * backoff; metadata for `topics` is marked stale before each retry so the next attempt routes afresh.
   */
  async withRetries<T>(what: string, attempt: (n: number) => Promise<T>, topics: Iterable<string> = []): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(n)
      } catch (err) {
        // The last failure is rethrown as it is: its class says what went wrong (the attempts are in `what`'s log).
        if (this.closed || !isRetriable(err) || n >= this.config.retries) throw err
        if (!(err instanceof KafkaError) || needsMetadataRefresh(err.errorCode)) {
          for (const t of topics) this.invalidate(t)
        }
        await delay(backoffMs(n, this.config.retryBackoffMs, this.config.retryBackoffMaxMs))
      }
    }
  }
}
