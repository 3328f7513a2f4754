import type { TlsOptions } from 'node:tls'
import { ConfigError, KafkaError } from '../../protocol/errors.js'
import { encodeRecordBatch, type BatchOptions, type RecordInput, type TimestampType } from '../../protocol/records/index.js'
import { BrokerServer } from './broker-server.js'
import { ClusterState, type BrokerInfo, type PartitionState } from './cluster-state.js'
import { Faults } from './faults.js'
import { HANDLERS, SASL_HANDLERS } from './handlers/index.js'
import { SaslServer, type SaslServerOptions } from './sasl.js'

// A Kafka cluster in the test process: N brokers, each a real TCP listener on 127.0.0.1, sharing one cluster
// state (topics, logs, groups). Unmodified clients (librdkafka/kcat, kafkajs, kafka-python, @platformatic/kafka,
// our own) connect to `bootstrap`. Start it in a test, stop it in teardown:
//
//   const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 6 }] })
//   t.teardown(() => cluster.stop())
//   cluster.produce('orders', 0, [{ key: 'k', value: 'v' }])
//   cluster.faults.failNext('Fetch', 2, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 'orders', partition: 0 })

export interface FakeClusterOptions {
  /** Number of brokers (ids 1..N). Default 1. */
  brokers?: number
  topics?: Array<{ name: string, partitions?: number, timestampType?: TimestampType }>
  /** Create unknown topics named in Metadata requests (auto.create.topics.enable; Produce never creates). Default false. */
  autoCreateTopics?: boolean
  /** Partitions of auto-created topics and of CreateTopics with numPartitions -1. Default 1. */
  defaultPartitions?: number
  /** message.max.bytes: a produced batch longer than this is refused with MESSAGE_TOO_LARGE. Default 1048588, as Kafka. */
  maxMessageBytes?: number
  /** First broker's port; the others take the next ones. Default 0: each broker gets a free port. */
  port?: number
  /** Keep topics, logs and committed offsets in this directory, and load them on start. */
  dataDir?: string
  /** group.initial.rebalance.delay.ms. Default 0, so that tests are fast (Kafka's default is 3000). */
  groupInitialRebalanceDelayMs?: number
  /** group.min.session.timeout.ms / group.max.session.timeout.ms. Defaults 6000 / 1800000, as Kafka. */
  groupMinSessionTimeoutMs?: number
  groupMaxSessionTimeoutMs?: number
  /** group.consumer.session.timeout.ms / group.consumer.heartbeat.interval.ms for KIP-848 groups. Defaults 45000 / 5000, as Kafka. */
  groupConsumerSessionTimeoutMs?: number
  groupConsumerHeartbeatIntervalMs?: number
  /**
   * Partitions the cluster may hold in all; CreateTopics past it answers POLICY_VIOLATION and auto-creation stops.
   * Kafka has no such cap, but a broker in a test process must not grow without bound. Default 100,000.
   */
  maxPartitions?: number
  /** socket.request.max.bytes: larger request frames close their connection. Default 100 MiB. */
  maxFrameBytes?: number
  /**
   * queued.max.request.bytes, per connection: a connection holding this many request bytes not yet answered
   * stops reading until it is under half of it. Default: maxFrameBytes.
   */
  queuedMaxRequestBytes?: number
  /**
   * Listen with TLS instead of plain TCP: node:tls server options, at least `key` and `cert` (PEM). Every broker
   * uses them; clients connect as to a Kafka SSL listener (librdkafka `security.protocol=ssl`). Default: plaintext.
   */
  tls?: TlsOptions
  /**
   * Require SASL authentication on every listener (a SASL_PLAINTEXT listener, or SASL_SSL with `tls`): users and
   * their passwords, and the enabled mechanisms (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; default all three).
   */
  sasl?: SaslServerOptions
  /** Where to write log lines (closed connections and why; with `verbose`, every request). */
  log?: (line: string) => void
  /** Log every request: API, version, client id, topic-partitions and the answer's error codes. */
  verbose?: boolean
}

const DEFAULT_MAX_PARTITIONS = 100_000

/** Faults that change the cluster, on top of the per-request ones (see faults.ts). */
export class ClusterFaults extends Faults {
  constructor (private readonly cluster: FakeCluster) { super() }

  /** Makes `brokerId` the leader of a partition (bumping its leader epoch); others answer NOT_LEADER_OR_FOLLOWER. */
  moveLeader (topic: string, partition: number, brokerId: number): void {
    this.cluster.state.moveLeader(topic, partition, brokerId)
  }

  /** Stops a broker: its listener and connections close and its partitions' leadership moves to live replicas. */
  async brokerDown (id: number): Promise<void> {
    await this.cluster.stopBroker(id)
  }

  /** Restarts a stopped broker on its old port. */
  async brokerUp (id: number): Promise<void> {
    await this.cluster.startBroker(id)
  }

  /** Moves a partition's log start offset up, so fetches below it get OFFSET_OUT_OF_RANGE. */
  deleteRecordsBefore (topic: string, partition: number, offset: bigint): void {
    const low = this.cluster.partitionState(topic, partition).log.deleteRecordsBefore(offset)
    if (low === undefined) throw new ConfigError('offset', `${topic}[${partition}]: ${offset} is beyond the high watermark`)
  }
}

export class FakeCluster {
  /** The cluster state the handlers share; exposed for tests that need to look deeper. */
  readonly state: ClusterState
  readonly faults: ClusterFaults
  private readonly servers = new Map<number, BrokerServer>()
  private stopped = false

  private constructor (private readonly opts: FakeClusterOptions, brokers: BrokerInfo[]) {
    this.state = new ClusterState(brokers, {
      autoCreateTopics: opts.autoCreateTopics ?? false,
      defaultPartitions: opts.defaultPartitions ?? 1,
      maxMessageBytes: opts.maxMessageBytes ?? 1048588,
      dataDir: opts.dataDir,
      groupInitialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs ?? 0,
      groupMinSessionTimeoutMs: opts.groupMinSessionTimeoutMs ?? 6000,
      groupMaxSessionTimeoutMs: opts.groupMaxSessionTimeoutMs ?? 1800000,
      groupConsumerSessionTimeoutMs: opts.groupConsumerSessionTimeoutMs ?? 45000,
      groupConsumerHeartbeatIntervalMs: opts.groupConsumerHeartbeatIntervalMs ?? 5000,
      maxPartitions: opts.maxPartitions ?? DEFAULT_MAX_PARTITIONS,
      log: opts.log
    })
    this.faults = new ClusterFaults(this)
    const sasl = opts.sasl === undefined ? undefined : new SaslServer(opts.sasl)
    const unservedReported = new Set<string>()
    for (const b of brokers) {
      this.servers.set(b.id, new BrokerServer({
        cluster: this.state,
        broker: b,
        handlers: sasl === undefined ? HANDLERS : SASL_HANDLERS,
        faults: this.faults,
        maxFrameBytes: opts.maxFrameBytes ?? 100 * 1024 * 1024,
        maxQueuedBytes: opts.queuedMaxRequestBytes,
        log: opts.log,
        verbose: opts.verbose === true && opts.log !== undefined,
        sasl,
        unservedReported
      }, opts.tls))
    }
  }

  static async start (opts: FakeClusterOptions = {}): Promise<FakeCluster> {
    const n = opts.brokers ?? 1
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('brokers', `must be a positive integer, got ${n}`)
    const port = opts.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port + n - 1 > 65535) throw new ConfigError('port', `must be 0 or a port with room for ${n} brokers, got ${port}`)
    const brokers: BrokerInfo[] = Array.from({ length: n }, (_, i) => ({ id: i + 1, host: '127.0.0.1', port: port === 0 ? 0 : port + i, up: false }))
    // Without a certificate every handshake would fail, far from the cause: refuse the options instead.
    if (opts.tls !== undefined && opts.tls.pfx === undefined && opts.tls.SNICallback === undefined && (opts.tls.key === undefined || opts.tls.cert === undefined)) {
      throw new ConfigError('tls', 'needs a key and a cert (or pfx) for the brokers to present')
    }
    const cluster = new FakeCluster(opts, brokers)
    try {
      for (const t of opts.topics ?? []) {
        if (!cluster.state.topics.has(t.name)) cluster.state.createTopic(t.name, t.partitions ?? 1, t.timestampType ?? 'create')
      }
      for (const b of brokers) await cluster.startBroker(b.id)
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  /** "127.0.0.1:p1,127.0.0.1:p2,...": every broker, for clients' bootstrap.servers. */
  get bootstrap (): string {
    return this.state.brokers.map(b => `${b.host}:${b.port}`).join(',')
  }

  /** Stops every broker, answers pending group requests and closes log files. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.state.groups.close()
    await Promise.all([...this.servers.values()].map(s => s.close()))
    for (const b of this.state.brokers) b.up = false
    this.state.close()
  }

  createTopic (name: string, partitions: number, opts: { timestampType?: TimestampType } = {}): void {
    this.state.createTopic(name, partitions, opts.timestampType ?? 'create')
  }

  /**
   * Appends records to a partition's log directly (no client, no leader check) as one record batch, and returns
   * the offset of the first. Throws KafkaError when the log refuses the batch.
   */
  produce (topic: string, partition: number, records: RecordInput[], opts: BatchOptions = {}): bigint {
    const p = this.partitionState(topic, partition)
    const result = p.log.append(encodeRecordBatch(records, opts), p.leaderEpoch)
    if (result.errorCode !== 0) throw new KafkaError(result.errorCode, `${topic}[${partition}] ${result.detail ?? result.errorMessage ?? ''}`)
    return result.baseOffset
  }

  highWatermark (topic: string, partition: number): bigint {
    return this.partitionState(topic, partition).log.highWatermark
  }

  logStartOffset (topic: string, partition: number): bigint {
    return this.partitionState(topic, partition).log.logStartOffset
  }

  /** @internal Request bytes held by every broker's connections (queued.max.request.bytes applies per connection). */
  queuedRequestBytes (): number {
    let n = 0
    for (const s of this.servers.values()) n += s.queuedBytes
    return n
  }

  /** @internal */
  partitionState (topic: string, partition: number): PartitionState {
    const p = this.state.partition(topic, partition)
    if (p === undefined) throw new ConfigError('topic', `no partition ${topic}[${partition}]`)
    return p
  }

  /** @internal Listens for a broker (on its old port when it had one) and hands it back its partitions. */
  async startBroker (id: number): Promise<void> {
    const b = this.brokerInfo(id)
    if (b.up) return
    b.port = await this.servers.get(id)!.listen(b.port)
    b.up = true
    this.state.onBrokerUp(id)
  }

  /** @internal */
  async stopBroker (id: number): Promise<void> {
    const b = this.brokerInfo(id)
    if (!b.up) return
    b.up = false
    this.state.onBrokerDown(id)
    await this.servers.get(id)!.close()
  }

  private brokerInfo (id: number): BrokerInfo {
    const b = this.state.broker(id)
    if (b === undefined) throw new ConfigError('brokerId', `no broker ${id} (brokers are 1..${this.state.brokers.length})`)
    return b
  }
}
