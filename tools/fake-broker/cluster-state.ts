import { randomUUID } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import type { TimestampType } from '../../protocol/records/index.js'
import { TransactionCoordinator } from './transaction-coordinator.js'
import { ConfigStore } from './configs/config-store.js'
import { GroupCoordinator, type CommittedOffset } from './group-coordinator.js'
import { ConsumerGroupCoordinator } from './consumer-group-coordinator.js'
import type { MigrationPolicy } from './group-migration.js'
import { PartitionLog } from './partition-log.js'
import { Reassignments, type Reassignment } from './reassignments.js'
import { MetadataQuorum } from './metadata-quorum.js'
import { ScramCredentials } from './scram-credentials.js'
import { QuotaStore } from './quotas/quota-store.js'
import { ClientQuotas } from './quotas/client-quotas.js'
import type { RateWindowConfig } from './quotas/quota-rate.js'
import { AclStore, type AclBinding } from './acl-store.js'
import { Authorizer, type AuthorizerOptions } from './authorizer.js'

// The cluster as the handlers see it: brokers, topics, partitions with their leaders and logs, and the group
// coordinator. Every broker of a fake cluster shares this one state, the way a real cluster shares its metadata
// log; what differs per broker is only who leads what and who coordinates which group.

export interface BrokerInfo {
  readonly id: number
  readonly host: string
  /** The port of the broker's first listener. */
  port: number
  up: boolean
  /** The port of each listener by name, when the broker has several (FakeClusterOptions.listeners). */
  readonly listenerPorts?: Map<string, number>
  /** broker.rack (FakeClusterOptions.racks): answered in Metadata and used by the rack-aware replica selector. */
  readonly rack?: string | null
}

/**
 * The port `b` advertises to a client connected on `listener`: Kafka answers every request with the addresses of
 * the listener it arrived on (advertised.listeners), so an SSL client is never sent to a PLAINTEXT port.
 */
export function advertisedPort (b: BrokerInfo, listener: string | undefined): number {
  return (listener === undefined ? undefined : b.listenerPorts?.get(listener)) ?? b.port
}

export interface PartitionState {
  readonly topic: TopicState
  readonly index: number
  /** -1 while no replica is up (LEADER_NOT_AVAILABLE). */
  leaderId: number
  /** Bumped on every leader change (KIP-320), so clients can tell stale metadata from fresh. */
  leaderEpoch: number
  readonly replicas: number[]
  /**
   * The in-sync replicas. Every replica shares the one log, so a live replica is caught up at once; the ISR
   * shrinks when a broker stops (never below its last member, as Kafka keeps it) or by the shrink-isr fault.
   */
  isr: number[]
  readonly log: PartitionLog
  /** A reassignment in progress (AlterPartitionReassignments); `replicas` then holds old and new replicas. */
  reassignment?: Reassignment
}

export interface TopicState {
  readonly name: string
  readonly id: string
  readonly timestampType: TimestampType
  readonly partitions: PartitionState[]
}

export interface ClusterStateOptions {
  autoCreateTopics: boolean
  defaultPartitions: number
  /** max.message.bytes: the largest record batch a Produce may append. */
  maxMessageBytes: number
  dataDir: string | undefined
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  /** group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms (KIP-848 groups). */
  groupConsumerSessionTimeoutMs: number
  groupConsumerHeartbeatIntervalMs: number
  /** group.consumer.migration.policy: which way groups may change protocol while they have members. */
  groupConsumerMigrationPolicy: MigrationPolicy
  /** The finalized transaction.version feature level (0-2) ApiVersions reports. */
  transactionVersion: number
  /** How often open transactions are checked against their timeout (see TransactionCoordinatorOptions.expiryCheckMs). */
  transactionTimeoutCheckIntervalMs?: number
  /** Partitions the whole cluster may hold; creating more is refused (see handlers/19-create-topics.ts). */
  maxPartitions: number
  /** Where recovery of damaged log files is reported. */
  log?: (line: string) => void
  /** A fixed cluster id (else a random one, or the one saved in dataDir). */
  clusterId?: string
  /** The broker's clock in epoch ms (timestamp checks, retention); tests may drive it. Default Date.now. */
  clock?: () => number
  /** Static broker configs (server.properties), reported as STATIC_BROKER_CONFIG; validated by ConfigStore. */
  brokerConfigs?: Readonly<Record<string, string>>
  /** quota.window.num and quota.window.size.seconds (as ms) for the byte-rate quotas. Default 11 × 1000 ms. */
  quotaWindows?: RateWindowConfig
  /**
   * How a throttled connection waits out its throttle time before it is read from again. Default: a timer. Tests
   * give a function whose promise they resolve themselves, so muting is checked without waiting.
   */
  throttleWait?: (throttleTimeMs: number) => Promise<void>
  /** How long a reassignment stays in progress at least (see reassignments.ts). Default 0. */
  reassignmentDelayMs?: number
  /** Enforce ACLs (authorizer.class.name set); without it every request is allowed and the ACL APIs answer SECURITY_DISABLED. */
  authorizer?: AuthorizerOptions
}

/** Kafka's rule for topic names (Topic.validate): at most 249 of [a-zA-Z0-9._-], not "." or "..". */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/
/** A partition is stored on this many brokers at most (Kafka's default.replication.factor is 1; 3 shows ISR). */
const MAX_REPLICAS = 3

interface SavedCluster {
  clusterId: string
  nextProducerId: string
  topics: Array<{ name: string, id: string, partitions: number, timestampType: TimestampType }>
  offsets: Array<{ group: string, topic: string, partition: number, offset: string, leaderEpoch: number, metadata: string | null }>
  configs?: ReturnType<ConfigStore['snapshot']>
  quotas?: ReturnType<QuotaStore['snapshot']>
  acls?: AclBinding[]
}

export class ClusterState {
  readonly clusterId: string
  readonly brokers: BrokerInfo[]
  readonly topics = new Map<string, TopicState>()
  readonly groups: GroupCoordinator
  readonly transactions: TransactionCoordinator
  /** Topic overrides and broker configs (DescribeConfigs, AlterConfigs, CreateTopics' configs). */
  readonly configs: ConfigStore
  /** SCRAM credentials changed at run time (AlterUserScramCredentials). */
  readonly scram = new ScramCredentials()
  /** Client quotas (AlterClientQuotas) and their enforcement on Produce and Fetch. */
  readonly quotas: ClientQuotas
  /** The ACLs (CreateAcls, DescribeAcls, DeleteAcls), enforced when `authorizer` is set. */
  /** ACLs (CreateAcls/DeleteAcls), kept with `--data` as Kafka keeps them in its metadata log. */
  readonly acls = new AclStore(() => { this.save() })
  /** Set when the cluster was started with `authorizer`: see access-check.ts. */
  readonly authorizer: Authorizer | undefined
  /** Groups of the consumer protocol (KIP-848); their committed offsets are kept by `groups`. */
  readonly consumerGroups: ConsumerGroupCoordinator
  /** Partition reassignments in progress (AlterPartitionReassignments, ListPartitionReassignments). */
  readonly reassignments: Reassignments
  /** The KRaft quorum DescribeQuorum reports (metadata-quorum.ts). */
  readonly quorum: MetadataQuorum
  private readonly topicsById = new Map<string, TopicState>()
  private nextProducerId = 1000n
  private topicCount = 0
  private partitions = 0

  constructor (brokers: BrokerInfo[], readonly options: ClusterStateOptions) {
    this.brokers = brokers
    this.quotas = new ClientQuotas(new QuotaStore(() => { this.save() }), options.quotaWindows, () => this.now())
    this.reassignments = new Reassignments(this, options.reassignmentDelayMs ?? 0)
    this.quorum = new MetadataQuorum(this)
    this.authorizer = options.authorizer === undefined ? undefined : new Authorizer(options.authorizer, this.acls)
    this.groups = new GroupCoordinator({
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: options.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
      onOffsetsChanged: () => { this.save() }
    })
    this.configs = new ConfigStore(new Map(Object.entries({
      'num.partitions': String(options.defaultPartitions),
      'auto.create.topics.enable': String(options.autoCreateTopics),
      ...options.brokerConfigs
    })), () => { this.save() })
    this.consumerGroups = new ConsumerGroupCoordinator({
      sessionTimeoutMs: options.groupConsumerSessionTimeoutMs,
      heartbeatIntervalMs: options.groupConsumerHeartbeatIntervalMs,
      topics: () => [...this.topics.values()].map(t => ({ name: t.name, id: t.id, partitions: t.partitions.length })),
      migrationPolicy: options.groupConsumerMigrationPolicy,
      onDowngrade: group => { this.groups.adoptDowngraded(group) }
    })
    const saved = this.load()
    this.transactions = new TransactionCoordinator({
      partition: (topic, index) => this.partition(topic, index),
      allocateProducerId: () => this.allocateProducerId(),
      commitOffsets: (group, offsets) => {
        for (const o of offsets) this.groups.commit(group, o.topic, o.partition, o.committed)
        this.groups.committedBatch()
      },
      file: options.dataDir === undefined ? undefined : join(options.dataDir, 'transactions.json'),
      expiryCheckMs: options.transactionTimeoutCheckIntervalMs,
      now: () => this.now()
    })
    if (saved !== undefined && options.clusterId !== undefined && saved.clusterId !== options.clusterId) {
      // Kafka refuses to start on a log directory formatted for another cluster (INCONSISTENT_CLUSTER_ID).
      throw new ConfigError('clusterId', `${options.clusterId} differs from ${saved.clusterId}, the cluster id saved in ${options.dataDir ?? ''}`)
    }
    this.clusterId = saved?.clusterId ?? options.clusterId ?? randomUUID().replace(/-/g, '').slice(0, 22)
    // The cluster id is written at once, as `kafka-storage format` does, so that a restart keeps it.
    if (saved === undefined) this.save()
    if (saved?.configs !== undefined) this.configs.restore(saved.configs.topics, saved.configs.brokers)
    if (saved?.quotas !== undefined) this.quotas.store.restore(saved.quotas)
    if (saved?.acls !== undefined) this.acls.restore(saved.acls)
    if (saved !== undefined) {
      this.nextProducerId = BigInt(saved.nextProducerId)
      for (const t of saved.topics) this.addTopic(t.name, t.partitions, t.timestampType, t.id)
      for (const o of saved.offsets) {
        this.groups.restoreOffset(o.group, o.topic, o.partition, { offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch, metadata: o.metadata })
      }
    }
    if (saved?.configs === undefined) {
      // A new Kafka 4.x cluster's controller writes a cluster-wide min.insync.replicas when it enables eligible
      // leader replicas (KIP-966), so DescribeConfigs reports it as DYNAMIC_DEFAULT_BROKER_CONFIG from the start.
      // Done after the restore above: the change is saved, and must not save a half-loaded cluster.
      this.configs.alterBroker('', [{ name: 'min.insync.replicas', op: 0, value: options.brokerConfigs?.['min.insync.replicas'] ?? '1' }], false, false)
    }
  }

  broker (id: number): BrokerInfo | undefined {
    return this.brokers.find(b => b.id === id)
  }

  liveBrokers (): BrokerInfo[] {
    return this.brokers.filter(b => b.up)
  }

  topicById (id: string): TopicState | undefined {
    return this.topicsById.get(id)
  }

  /** Partitions of every topic: what maxPartitions bounds. */
  get partitionCount (): number { return this.partitions }

  partition (topic: string, index: number): PartitionState | undefined {
    return this.topics.get(topic)?.partitions[index]
  }

  /** An error code for a topic name that cannot be created, or 0. */
  static topicNameError (name: string): number {
    return TOPIC_NAME.test(name) && name !== '.' && name !== '..' ? ErrorCode.NONE : ErrorCode.INVALID_TOPIC_EXCEPTION
  }

  /**
   * Creates a topic; throws ConfigError when the name is invalid, it exists, partitions < 1, or the replication
   * factor is outside 1..brokers. Replicas are spread round robin (default min(3, brokers) of them, or
   * default.replication.factor), or placed as `assignments` says (broker ids per partition, the first leads).
   */
  createTopic (name: string, partitions: number, timestampType: TimestampType = 'create', placement: { replicationFactor?: number, assignments?: ReadonlyArray<readonly number[]> } = {}): TopicState {
    if (ClusterState.topicNameError(name) !== ErrorCode.NONE) throw new ConfigError('topic', `invalid topic name ${JSON.stringify(name)}`)
    if (this.topics.has(name)) throw new ConfigError('topic', `topic ${name} already exists`)
    if (!Number.isInteger(partitions) || partitions < 1) throw new ConfigError('partitions', `topic ${name}: partitions must be a positive integer, got ${partitions}`)
    const rf = placement.replicationFactor ?? this.defaultReplicationFactor()
    if (!Number.isInteger(rf) || rf < 1 || rf > this.brokers.length) throw new ConfigError('replicationFactor', `topic ${name}: must be 1..${this.brokers.length} (the brokers), got ${rf}`)
    for (const a of placement.assignments ?? []) {
      if (a.length === 0 || new Set(a).size !== a.length || a.some(id => this.broker(id) === undefined)) throw new ConfigError('assignments', `topic ${name}: ${JSON.stringify(a)} is not a list of distinct broker ids`)
    }
    if (partitions > this.options.maxPartitions - this.partitions) {
      throw new ConfigError('partitions', `topic ${name}: ${partitions} partitions would take the cluster past its ${this.options.maxPartitions} (maxPartitions)`)
    }
    const topic = this.addTopic(name, partitions, timestampType, randomUUID(), rf, placement.assignments)
    this.save()
    return topic
  }

  /**
   * Creates a topic on first use when auto-creation is on (auto.create.topics.enable); else undefined. `charge`
   * takes its partitions from the asker's controller mutation quota, last, as Kafka's controller does; false
   * (the quota refused them) leaves the topic uncreated.
   */
  autoCreate (name: string, charge: (partitions: number) => boolean): TopicState | undefined {
    if (!this.options.autoCreateTopics || ClusterState.topicNameError(name) !== ErrorCode.NONE) return undefined
    if (this.options.defaultPartitions > this.options.maxPartitions - this.partitions) return undefined
    if (!charge(this.options.defaultPartitions)) return undefined
    return this.createTopic(name, this.options.defaultPartitions)
  }

  /**
   * Adds partitions to a topic up to `count` (CreatePartitions). `assignments` places each new partition's
   * replicas (the first is the preferred leader); without it they are spread as at creation.
   */
  addPartitions (name: string, count: number, assignments?: ReadonlyArray<readonly number[]>): void {
    const topic = this.topics.get(name)
    if (topic === undefined) throw new ConfigError('topic', `no topic ${name}`)
    const first = topic.partitions[0]?.replicas[0] ?? this.brokers[0].id
    const start = this.brokers.findIndex(b => b.id === first)
    for (let i = topic.partitions.length, a = 0; i < count; i++, a++) {
      topic.partitions.push(this.newPartition(topic, i, assignments?.[a] ?? this.spreadReplicas(start, i, topic.partitions[0]?.replicas.length)))
      this.partitions++
    }
    this.save()
  }

  deleteTopic (name: string): boolean {
    const topic = this.topics.get(name)
    if (topic === undefined) return false
    this.topics.delete(name)
    this.topicsById.delete(topic.id)
    this.partitions -= topic.partitions.length
    for (const p of topic.partitions) {
      p.log.close()
      if (this.options.dataDir !== undefined) {
        rmSync(this.logFile(name, p.index), { force: true })
        rmSync(`${this.logFile(name, p.index)}.start`, { force: true })
        rmSync(`${this.logFile(name, p.index)}.segments`, { force: true })
      }
    }
    this.groups.forgetTopic(name)
    this.configs.forgetTopic(name)
    this.save()
    return true
  }

  /**
   * The error a broker answers for a partition it is asked to lead: NOT_LEADER_OR_FOLLOWER when another broker
   * leads it, LEADER_NOT_AVAILABLE when none does, else 0.
   */
  leaderError (p: PartitionState, brokerId: number): number {
    if (p.leaderId < 0) return ErrorCode.LEADER_NOT_AVAILABLE
    return p.leaderId === brokerId ? 0 : ErrorCode.NOT_LEADER_OR_FOLLOWER
  }

  /** KIP-320 fencing: a client's known leader epoch older or newer than ours is an error; -1 means unknown. */
  static epochError (p: PartitionState, currentLeaderEpoch: number): number {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === p.leaderEpoch) return 0
    return currentLeaderEpoch < p.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
  }

  moveLeader (topic: string, partition: number, brokerId: number): void {
    const p = this.partition(topic, partition)
    if (p === undefined) throw new ConfigError('topic', `no partition ${topic}[${partition}]`)
    if (this.broker(brokerId) === undefined) throw new ConfigError('brokerId', `no broker ${brokerId}`)
    if (!p.replicas.includes(brokerId)) p.replicas.push(brokerId)
    if (!p.isr.includes(brokerId)) p.isr.push(brokerId)
    p.leaderId = brokerId
    p.leaderEpoch++
  }

  /** The replication factor of topics created without one: default.replication.factor if set, else min(3, brokers). */
  defaultReplicationFactor (): number {
    const configured = this.options.brokerConfigs?.['default.replication.factor']
    return configured !== undefined ? Math.min(Number(configured), this.brokers.length) : Math.min(this.brokers.length, MAX_REPLICAS)
  }

  /** The broker's time now, in epoch ms (the `clock` option). */
  now (): number {
    return (this.options.clock ?? Date.now)()
  }

  /** A broker config's value (brokers share one configuration here) as a number. */
  brokerNumber (name: string): number {
    return Number(this.configs.brokerValue(String(this.brokers[0].id), name))
  }

  /** Every partition forgets producers idle past producer.id.expiration.ms; returns how many were forgotten. */
  expireProducerIds (): number {
    const expirationMs = this.brokerNumber('producer.id.expiration.ms')
    const now = this.now()
    let removed = 0
    for (const t of this.topics.values()) for (const p of t.partitions) removed += p.log.removeExpiredProducers(now, expirationMs)
    return removed
  }

  /** The transaction coordinator forgets transactional ids idle past transactional.id.expiration.ms. */
  expireTransactionalIds (): number {
    return this.transactions.removeExpiredTransactionalIds(this.brokerNumber('transactional.id.expiration.ms'))
  }

  /** The topic's min.insync.replicas (its override, else the broker's). */
  minInsyncReplicas (topic: string): number {
    return Number(this.configs.topicValue(topic, 'min.insync.replicas', this.brokers[0].id) ?? '1')
  }

  /**
   * A stopped broker leaves every ISR (unless it is the last member: Kafka never empties an ISR), and its
   * leaderships move to a live in-sync replica, as the controller's clean election; none: no leader.
   */
  onBrokerDown (id: number): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (!p.replicas.includes(id)) continue
        if (p.isr.length > 1) p.isr = p.isr.filter(r => r !== id)
        if (p.leaderId !== id) continue
        const next = p.isr.find(r => r !== id && this.broker(r)?.up === true)
        p.leaderId = next ?? -1
        p.leaderEpoch++
      }
    }
  }

  /**
   * A restarted broker's replicas catch up from their leader at once (the log is shared) and rejoin the ISR. A
   * leaderless partition gets a leader only when the broker is in its ISR (its last member): a clean election
   * never picks an out-of-sync replica (the unclean-leader-election fault does).
   */
  onBrokerUp (id: number): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (!p.replicas.includes(id)) continue
        if (p.leaderId >= 0) {
          if (!p.isr.includes(id)) p.isr.push(id)
        } else if (p.isr.includes(id)) {
          p.leaderId = id
          p.leaderEpoch++
          // The replicas that were up without a leader catch up from this one.
          for (const r of p.replicas) if (!p.isr.includes(r) && this.broker(r)?.up === true) p.isr.push(r)
        }
      }
    }
    // A reassignment waiting for this broker's new replica to catch up can now complete.
    this.reassignments.completeReady()
  }

  /** The broker coordinating a group: a stable hash of its id over the live brokers (like __consumer_offsets). */
  coordinatorFor (key: string): BrokerInfo | undefined {
    const live = this.liveBrokers()
    if (live.length === 0) return undefined
    let h = 0
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0
    return live[Math.abs(h) % live.length]
  }

  allocateProducerId (): bigint {
    const id = this.nextProducerId++
    this.save()
    return id
  }

  close (): void {
    this.reassignments.close()
    this.groups.close()
    this.transactions.close()
    this.consumerGroups.close()
    for (const t of this.topics.values()) for (const p of t.partitions) p.log.close()
  }

  private addTopic (name: string, partitions: number, timestampType: TimestampType, id: string, replicationFactor?: number, assignments?: ReadonlyArray<readonly number[]>): TopicState {
    const first = this.topicCount++ % this.brokers.length
    const topic: TopicState = { name, id, timestampType, partitions: [] }
    for (let i = 0; i < partitions; i++) topic.partitions.push(this.newPartition(topic, i, assignments?.[i] ?? this.spreadReplicas(first, i, replicationFactor)))
    this.topics.set(name, topic)
    this.topicsById.set(id, topic)
    this.partitions += partitions
    return topic
  }

  /** Replicas of partition i on consecutive brokers from `first`, so leaders spread over the cluster. */
  private spreadReplicas (first: number, i: number, count = this.defaultReplicationFactor()): number[] {
    const n = this.brokers.length
    const replicas: number[] = []
    for (let r = 0; r < Math.min(n, count); r++) replicas.push(this.brokers[(first + i + r) % n].id)
    return replicas
  }

  private newPartition (topic: TopicState, i: number, replicas: readonly number[]): PartitionState {
    // Before the brokers listen (topics given at start) every replica counts as live and in sync.
    const starting = !this.brokers.some(b => b.up)
    const live = starting ? [...replicas] : replicas.filter(r => this.broker(r)?.up === true)
    return {
      topic,
      index: i,
      leaderId: live[0] ?? -1,
      leaderEpoch: 0,
      replicas: [...replicas],
      isr: live.length > 0 ? live : [replicas[0]],
      log: new PartitionLog({
        topic: topic.name,
        partition: i,
        timestampType: topic.timestampType,
        file: this.options.dataDir === undefined ? undefined : this.logFile(topic.name, i),
        log: this.options.log,
        // segment.bytes and segment.ms as the topic has them at each append, as Kafka reads its LogConfig.
        rollPolicy: () => ({ segmentBytes: this.topicNumber(topic.name, 'segment.bytes'), segmentMs: this.topicNumber(topic.name, 'segment.ms') })
      })
    }
  }

  /** A numeric topic config's value now (override, broker synonym or Kafka's default). */
  topicNumber (topic: string, name: string): number {
    return Number(this.configs.topicValue(topic, name, this.brokers[0].id) ?? NaN)
  }

  private logFile (topic: string, partition: number): string {
    return join(this.options.dataDir!, `${topic}-${partition}.log`)
  }

  private clusterFile (): string | undefined {
    return this.options.dataDir === undefined ? undefined : join(this.options.dataDir, 'cluster.json')
  }

  private load (): SavedCluster | undefined {
    const file = this.clusterFile()
    if (file === undefined) return undefined
    prepareDataDir(this.options.dataDir!)
    if (!existsSync(file)) return undefined
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as SavedCluster
    } catch (err) {
      throw new ConfigError('dataDir', `${file} is not a readable cluster file`, { cause: err })
    }
  }

  /** Writes topics, the producer id counter, committed offsets, configs and client quotas (the logs persist themselves on append). */
  save (): void {
    const file = this.clusterFile()
    if (file === undefined || this.clusterId === undefined) return
    const saved: SavedCluster = {
      clusterId: this.clusterId,
      nextProducerId: String(this.nextProducerId),
      topics: [...this.topics.values()].map(t => ({ name: t.name, id: t.id, partitions: t.partitions.length, timestampType: t.timestampType })),
      offsets: this.groups.allOffsets().map(({ group, topic, partition, committed }: { group: string, topic: string, partition: number, committed: CommittedOffset }) => ({
        group, topic, partition, offset: String(committed.offset), leaderEpoch: committed.leaderEpoch, metadata: committed.metadata
      })),
      configs: this.configs.snapshot(),
      quotas: this.quotas.store.snapshot(),
      acls: this.acls.all()
    }
    // Written aside and renamed, so a crash never leaves half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(saved, null, 1))
    renameSync(`${file}.tmp`, file)
  }
}

/**
 * Creates the data directory (and missing parents) or checks the one there, with one clear ConfigError for each
 * way it can fail. Not mkdirSync's `recursive`: on a path such as /proc/x, where mkdir answers ENOENT although the
 * parent exists, Node's recursive mkdir retries forever.
 */
function prepareDataDir (dir: string, depth = 0): void {
  const fail = (why: string, cause?: unknown): ConfigError => new ConfigError('dataDir', `${dir} cannot be used as the data directory: ${why}`, { cause })
  try {
    mkdirSync(dir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') {
      if (!statSync(dir).isDirectory()) throw fail('it exists and is not a directory')
    } else if (code === 'ENOENT' && depth < 64 && dirname(dir) !== dir && !existsSync(dirname(dir))) {
      prepareDataDir(dirname(dir), depth + 1)
      prepareDataDir(dir, depth + 1)
      return
    } else if (code === 'ENOTDIR') {
      throw fail('a part of the path is a regular file, not a directory', err)
    } else {
      throw fail(`${code ?? 'error'}: ${(err as Error).message}`, err)
    }
  }
  try {
    accessSync(dir, constants.W_OK)
  } catch (err) {
    throw fail('it is not writable', err)
  }
}
