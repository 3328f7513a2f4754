import type { TlsOptions } from 'node:tls'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError, KafkaError } from '../../protocol/errors.js'
import { encodeRecordBatch, type BatchOptions, type RecordInput, type TimestampType } from '../../protocol/records/index.js'
import { MIN_ITERATIONS } from '../../consumer/sasl/scram.js'
import { BrokerServer } from './broker-server.js'
import { ClusterState, type BrokerInfo, type PartitionState } from './cluster-state.js'
import { Faults } from './faults.js'
import { enforceRetention, produceConfigError } from './topic-policy.js'
import { cleanCompactedLogs } from './log-cleaner.js'
import { expandIsr, moveLeaderToLaggingReplica, shrinkIsr, uncleanLeaderElection } from './replica-faults.js'
import { HANDLERS, SASL_HANDLERS } from './handlers/index.js'
import { listenerPort, resolveListeners, type Listener, type ListenerSpec } from './listeners.js'
import { SaslServer, type SaslServerOptions } from './sasl.js'
import type { AuthorizerOptions } from './authorizer.js'
import { generateSelfSignedCert } from './self-signed-cert.js'
import type { MigrationPolicy } from './group-migration.js'
import { checkRacks, checkReplicaSelector, REPLICA_SELECTOR_CONFIG } from './replica-selector.js'

// A Kafka cluster in the test process: N brokers, each a real TCP listener on 127.0.0.1, sharing one cluster
// state (topics, logs, groups). Unmodified clients (librdkafka/kcat, kafkajs, kafka-python, @platformatic/kafka,
// our own) connect to `bootstrap`. Start it in a test, stop it in teardown:
//
//   const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 6 }] })
//   t.teardown(() => cluster.stop())
//   cluster.produce('orders', 0, [{ key: 'k', value: 'v' }])
//   cluster.faults.failNext('Fetch', 2, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 'orders', partition: 0 })

export interface FakeClusterOptions {
  /** Number of brokers (ids firstBrokerId..firstBrokerId+N-1). Default 1. */
  brokers?: number
  /** The first broker's id; many client test suites assume brokers 0..n-1. Default 1. */
  firstBrokerId?: number
  /**
   * Each broker's `broker.rack`, in broker order (one entry per broker; null for none), as Metadata answers it. With
   * `brokerConfigs['replica.selector.class']` set to Kafka's RackAwareReplicaSelector, a consumer naming its rack in
   * Fetch v11+ is sent to a replica in that rack (KIP-392; see replica-selector.ts). Default: no racks.
   */
  racks?: Array<string | null>
  /** The host name brokers advertise in Metadata and FindCoordinator (they listen on 127.0.0.1). Default 127.0.0.1. */
  advertisedHost?: string
  /** A fixed cluster id (Metadata's clusterId), for tests that compare it. Default: a random one. */
  clusterId?: string
  /**
   * Several listeners per broker, each on its own port with its own security protocol, as Kafka's `listeners`:
   * `['PLAINTEXT://:9092', 'SASL_SSL://:9094']` or `{ securityProtocol: 'SSL', port: 0 }`. A client is answered
   * with the addresses of the listener it connected to. SSL listeners use `tls`, or a generated self-signed
   * certificate (`tlsCa`) when `tls` is not given; SASL listeners need `sasl`. A listener's port is the first
   * broker's; broker i (0-based) listens on port + i * (number of listeners). Default: one listener, on `port`,
   * TLS when `tls` is given and SASL when `sasl` is.
   */
  listeners?: Array<ListenerSpec | string>
  topics?: Array<{ name: string, partitions?: number, timestampType?: TimestampType }>
  /** Create unknown topics named in Metadata requests (auto.create.topics.enable; Produce never creates). Default false. */
  autoCreateTopics?: boolean
  /** Partitions of auto-created topics and of CreateTopics with numPartitions -1. Default 1. */
  defaultPartitions?: number
  /** message.max.bytes: a produced batch longer than this is refused with MESSAGE_TOO_LARGE. Default 1048588, as Kafka. */
  maxMessageBytes?: number
  /** First broker's port (without `listeners`); the others take the next ones. Default 0: free ports. */
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
   * group.consumer.migration.policy: whether a classic group with members becomes a consumer group when a KIP-848
   * member joins (upgrade), and back when the last KIP-848 member leaves (downgrade). Default 'bidirectional', as Kafka 4.
   */
  groupConsumerMigrationPolicy?: MigrationPolicy
  /**
   * The `transaction.version` feature level the cluster finalizes and ApiVersions reports (KIP-584). 2, Kafka 4.x's
   * level for a new cluster, tells clients they may use transaction protocol v2 (KIP-890 part 2: Produce v12 adds
   * partitions by itself, EndTxn v5 bumps the epoch per transaction); 0 or 1 makes clients use protocol v1, as
   * against Kafka 3.x. The request versions are served alike at every level, as Kafka does. Default 2.
   */
  transactionVersion?: 0 | 1 | 2
  /**
   * transaction.abort.timed.out.transaction.cleanup.interval.ms: how often open transactions are checked against
   * their timeout, on a timer as Kafka does, and aborted when past it. Default 100 (Kafka's is 10000), so that
   * tests of a timeout are quick.
   */
  transactionTimeoutCheckIntervalMs?: number
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
  /** Static broker configs, as in server.properties (`{ 'log.retention.hours': '24' }`): DescribeConfigs reports them as STATIC_BROKER_CONFIG and topics inherit them. */
  brokerConfigs?: Record<string, string>
  /**
   * The brokers' clock in epoch ms: record timestamp checks, LogAppendTime and retention use it, so a test can
   * move time forward (virtual time) and call `enforceRetention()`. Default Date.now.
   */
  clock?: () => number
  /**
   * quota.window.num and quota.window.size.seconds (in ms) of the byte-rate quotas (AlterClientQuotas). Default
   * Kafka's: 11 windows of 1000 ms.
   */
  quotaWindows?: { samples: number, windowMs: number }
  /**
   * How a connection throttled by a quota waits out its throttle time before it is read again. Default a timer;
   * tests give one they resolve themselves (virtual time).
   */
  throttleWait?: (throttleTimeMs: number) => Promise<void>
  /**
   * How long a partition reassignment (AlterPartitionReassignments) stays in progress at least, so that a test can
   * see it in ListPartitionReassignments. Default 0: it completes at once when its new replicas are live, as
   * Kafka's does for a small partition; a new replica on a stopped broker holds it until that broker starts.
   */
  reassignmentDelayMs?: number
  /** log.retention.check.interval.ms: how often retention runs on its own. Default 300000, as Kafka. */
  retentionCheckIntervalMs?: number
  /**
   * log.cleaner.backoff.ms: how often the log cleaner looks for compacted partitions that are due (by the `clock`).
   * Default 15000, as Kafka. Tests can call `compact()` instead of waiting.
   */
  logCleanerBackoffMs?: number
  /**
   * Enforce ACLs as a Kafka broker with StandardAuthorizer does: `superUsers` ("User:admin") bypass the checks, and
   * `allowEveryoneIfNoAclFound` (default false) allows what no ACL covers. SASL users are "User:<name>", clients of
   * listeners without SASL "User:ANONYMOUS". Without it, everything is allowed and the ACL APIs answer SECURITY_DISABLED.
   */
  authorizer?: AuthorizerOptions
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

  /** Followers leave a partition's ISR (all but the leader when `brokerIds` is omitted); returns the ISR. */
  shrinkIsr (topic: string, partition: number, brokerIds?: number[]): number[] {
    return shrinkIsr(this.cluster.state, topic, partition, brokerIds)
  }

  /** Live replicas rejoin a partition's ISR (all of them when `brokerIds` is omitted); returns the ISR. */
  expandIsr (topic: string, partition: number, brokerIds?: number[]): number[] {
    return expandIsr(this.cluster.state, topic, partition, brokerIds)
  }

  /** An out-of-sync replica becomes leader, losing the records above `truncateTo`; returns the new log end. */
  uncleanLeaderElection (topic: string, partition: number, brokerId: number, truncateTo?: bigint): bigint {
    return uncleanLeaderElection(this.cluster.state, topic, partition, brokerId, truncateTo)
  }

  /** Leadership moves to a replica whose log ends at `endOffset` (the rest is truncated); returns the new log end. */
  moveLeaderToLaggingReplica (topic: string, partition: number, brokerId: number, endOffset: bigint): bigint {
    return moveLeaderToLaggingReplica(this.cluster.state, topic, partition, brokerId, endOffset)
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
  /** The listeners every broker has, in the order given (the first is the one `bootstrap` lists). */
  readonly listeners: readonly Listener[]
  /** The PEM certificate SSL listeners present, when it was generated: give it to clients as their CA. */
  readonly tlsCa: string | undefined
  private readonly servers = new Map<number, BrokerServer[]>()
  private retentionTimer: NodeJS.Timeout | undefined
  private cleanerTimer: NodeJS.Timeout | undefined
  private producerIdTimer: NodeJS.Timeout | undefined
  private transactionalIdTimer: NodeJS.Timeout | undefined
  private stopped = false

  private constructor (private readonly opts: FakeClusterOptions, brokers: BrokerInfo[], listeners: Listener[]) {
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
      groupConsumerMigrationPolicy: opts.groupConsumerMigrationPolicy ?? 'bidirectional',
      transactionVersion: opts.transactionVersion ?? 2,
      transactionTimeoutCheckIntervalMs: opts.transactionTimeoutCheckIntervalMs ?? 100,
      maxPartitions: opts.maxPartitions ?? DEFAULT_MAX_PARTITIONS,
      log: opts.log,
      clusterId: opts.clusterId,
      clock: opts.clock,
      quotaWindows: opts.quotaWindows,
      throttleWait: opts.throttleWait,
      reassignmentDelayMs: opts.reassignmentDelayMs,
      authorizer: opts.authorizer,
      // maxMessageBytes is the broker's message.max.bytes, the default of every topic's max.message.bytes.
      brokerConfigs: opts.maxMessageBytes === undefined ? opts.brokerConfigs : { 'message.max.bytes': String(opts.maxMessageBytes), ...opts.brokerConfigs }
    })
    this.faults = new ClusterFaults(this)
    this.listeners = listeners
    const sasl = opts.sasl === undefined ? undefined : new SaslServer(opts.sasl, this.state.scram, {
      now: () => this.state.now(),
      maxReauthMs: () => this.state.brokerNumber('connections.max.reauth.ms')
    })
    if (sasl !== undefined) this.state.scram.seed(Object.keys(opts.sasl!.users), sasl.scramMechanisms, MIN_ITERATIONS)
    const unservedReported = new Set<string>()
    let tls = opts.tls
    if (tls === undefined && listeners.some(l => l.tls)) {
      // Every name a client may check: the advertised host and the address the brokers listen on.
      const generated = generateSelfSignedCert([...new Set([brokers[0].host, 'localhost', '127.0.0.1'])])
      tls = { key: generated.key, cert: generated.cert }
      this.tlsCa = generated.cert
    }
    for (const b of brokers) {
      this.servers.set(b.id, listeners.map(l => new BrokerServer({
        cluster: this.state,
        broker: b,
        listener: l.name,
        handlers: l.sasl ? SASL_HANDLERS : HANDLERS,
        faults: this.faults,
        maxFrameBytes: opts.maxFrameBytes ?? 100 * 1024 * 1024,
        maxQueuedBytes: opts.queuedMaxRequestBytes,
        log: opts.log,
        verbose: opts.verbose === true && opts.log !== undefined,
        sasl: l.sasl ? sasl : undefined,
        unservedReported
      }, l.tls ? tls : undefined)))
    }
  }

  static async start (opts: FakeClusterOptions = {}): Promise<FakeCluster> {
    const n = opts.brokers ?? 1
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('brokers', `must be a positive integer, got ${n}`)
    const port = opts.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port + n - 1 > 65535) throw new ConfigError('port', `must be 0 or a port with room for ${n} brokers, got ${port}`)
    if (opts.listeners !== undefined && opts.port !== undefined) throw new ConfigError('port', 'give the ports in `listeners` instead')
    const first = opts.firstBrokerId ?? 1
    if (!Number.isInteger(first) || first < 0 || first + n - 1 > 0x7fffffff) throw new ConfigError('firstBrokerId', `must be an integer >= 0, got ${first}`)
    const host = opts.advertisedHost ?? '127.0.0.1'
    if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new ConfigError('advertisedHost', `not a host name: ${JSON.stringify(host)}`)
    if (opts.clusterId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(opts.clusterId)) throw new ConfigError('clusterId', `expected letters, digits, _ and - (Kafka's are 22 base64url characters), got ${JSON.stringify(opts.clusterId)}`)
    const defaultProtocol = opts.tls === undefined ? (opts.sasl === undefined ? 'PLAINTEXT' : 'SASL_PLAINTEXT') : (opts.sasl === undefined ? 'SSL' : 'SASL_SSL')
    const listeners = resolveListeners(opts.listeners ?? [{ securityProtocol: defaultProtocol, port }], n)
    if (listeners.some(l => l.sasl) && opts.sasl === undefined) throw new ConfigError('sasl', 'a SASL listener needs `sasl` (its users)')
    const racks = checkRacks(opts.racks, n)
    checkReplicaSelector(opts.brokerConfigs?.[REPLICA_SELECTOR_CONFIG])
    const brokers: BrokerInfo[] = Array.from({ length: n }, (_, i) => {
      const ports = new Map(listeners.map((l): [string, number] => [l.name, listenerPort(l, i, listeners.length)]))
      return { id: first + i, host, port: ports.get(listeners[0].name)!, up: false, listenerPorts: ports, rack: racks?.[i] ?? null }
    })
    // Without a certificate every handshake would fail, far from the cause: refuse the options instead.
    if (opts.tls !== undefined && opts.tls.pfx === undefined && opts.tls.SNICallback === undefined && (opts.tls.key === undefined || opts.tls.cert === undefined)) {
      throw new ConfigError('tls', 'needs a key and a cert (or pfx) for the brokers to present')
    }
    const cluster = new FakeCluster(opts, brokers, listeners)
    try {
      for (const t of opts.topics ?? []) {
        if (!cluster.state.topics.has(t.name)) cluster.state.createTopic(t.name, t.partitions ?? 1, t.timestampType ?? 'create')
      }
      for (const b of brokers) await cluster.startBroker(b.id)
      const interval = opts.retentionCheckIntervalMs ?? 300_000
      if (!Number.isInteger(interval) || interval < 1) throw new ConfigError('retentionCheckIntervalMs', `must be a positive integer, got ${interval}`)
      cluster.retentionTimer = setInterval(() => { cluster.enforceRetention() }, interval).unref()
      // As Kafka loads producer state without the producers that expired while it was down, then checks on a timer.
      cluster.expireProducerIds()
      cluster.producerIdTimer = setInterval(() => { cluster.expireProducerIds() }, cluster.state.brokerNumber('producer.id.expiration.check.interval.ms')).unref()
      cluster.transactionalIdTimer = setInterval(() => { cluster.expireTransactionalIds() }, cluster.state.brokerNumber('transaction.remove.expired.transaction.cleanup.interval.ms')).unref()
      const backoff = opts.logCleanerBackoffMs ?? 15_000
      if (!Number.isInteger(backoff) || backoff < 1) throw new ConfigError('logCleanerBackoffMs', `must be a positive integer, got ${backoff}`)
      cluster.cleanerTimer = setInterval(() => {
        // As Kafka's cleaner marks a partition it cannot clean and carries on, a failure is logged, never thrown
        // out of a timer (which would end the process the cluster lives in).
        try { cluster.compact() } catch (err) { opts.log?.(`log cleaner: ${err instanceof Error ? err.message : String(err)}`) }
      }, backoff).unref()
    } catch (err) {
      await cluster.stop()
      throw err
    }
    return cluster
  }

  /** "127.0.0.1:p1,127.0.0.1:p2,...": every broker on the first listener, for clients' bootstrap.servers. */
  get bootstrap (): string {
    return this.bootstrapFor(this.listeners[0].name)
  }

  /** Every broker's address on a listener, by name ("SASL_SSL", or the name given in `listeners`). */
  bootstrapFor (listener: string): string {
    if (!this.listeners.some(l => l.name === listener)) throw new ConfigError('listener', `no listener ${listener} (${this.listeners.map(l => l.name).join(', ')})`)
    return this.state.brokers.map(b => `${b.host}:${b.listenerPorts?.get(listener) ?? b.port}`).join(',')
  }

  /** Stops every broker, answers pending group requests and closes log files. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    clearInterval(this.retentionTimer)
    clearInterval(this.producerIdTimer)
    clearInterval(this.transactionalIdTimer)
    clearInterval(this.cleanerTimer)
    this.state.groups.close()
    await Promise.all([...this.servers.values()].flat().map(s => s.close()))
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
    const blob = encodeRecordBatch(records, opts)
    // The topic's configs refuse what they would refuse from a client (a keyless record on a compacted topic, ...).
    const refused = produceConfigError(this.state, p.topic, partition, blob, this.state.now())
    if (refused !== undefined) throw new KafkaError(refused.errorCode, `${topic}[${partition}] ${refused.recordErrors?.[0]?.batchIndexErrorMessage ?? refused.errorMessage}`)
    const result = p.log.append(blob, p.leaderEpoch, this.state.now())
    if (result.errorCode !== ErrorCode.NONE) throw new KafkaError(result.errorCode, `${topic}[${partition}] ${result.detail ?? result.errorMessage ?? ''}`)
    return result.baseOffset
  }

  /**
   * Applies retention.ms and retention.bytes now (by the cluster's clock), as the scheduled check does: old
   * batches go and log start offsets move. Returns how many partitions lost data.
   */
  enforceRetention (): number {
    return enforceRetention(this.state, this.state.now())
  }

  /**
   * Applies producer.id.expiration.ms now (by the cluster's clock), as the check every
   * producer.id.expiration.check.interval.ms does: partitions forget producers idle that long with no transaction
   * open. Returns how many producer states went.
   */
  expireProducerIds (): number {
    return this.state.expireProducerIds()
  }

  /**
   * Applies transactional.id.expiration.ms now, as the check every
   * transaction.remove.expired.transaction.cleanup.interval.ms does: transactional ids idle that long with no
   * transaction open are forgotten, and their next InitProducerId gets a new producer id. Returns how many went.
   */
  expireTransactionalIds (): number {
    return this.state.expireTransactionalIds()
  }

  /**
   * Runs the log cleaner now (by the cluster's clock), as its scheduled pass does: every partition of a topic whose
   * cleanup.policy includes compact that is due (min.cleanable.dirty.ratio, max.compaction.lag.ms) is compacted
   * below its active segment. Returns how many partitions were cleaned.
   */
  compact (): number {
    return cleanCompactedLogs(this.state, this.state.now())
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
    for (const s of [...this.servers.values()].flat()) n += s.queuedBytes
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
    const servers = this.servers.get(id)!
    for (let j = 0; j < servers.length; j++) {
      const name = this.listeners[j].name
      const port = await servers[j].listen(b.listenerPorts?.get(name) ?? b.port)
      b.listenerPorts?.set(name, port)
      if (j === 0) b.port = port
    }
    b.up = true
    this.state.onBrokerUp(id)
  }

  /** @internal */
  async stopBroker (id: number): Promise<void> {
    const b = this.brokerInfo(id)
    if (!b.up) return
    b.up = false
    this.state.onBrokerDown(id)
    await Promise.all(this.servers.get(id)!.map(s => s.close()))
  }

  private brokerInfo (id: number): BrokerInfo {
    const b = this.state.broker(id)
    if (b === undefined) throw new ConfigError('brokerId', `no broker ${id} (brokers are ${this.state.brokers.map(x => x.id).join(', ')})`)
    return b
  }
}
