import { randomUUID } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import type { TimestampType } from '../../protocol/records/index.js'
import { GroupCoordinator, type CommittedOffset } from './group-coordinator.js'
import { ConsumerGroupCoordinator } from './consumer-group-coordinator.js'
import { PartitionLog } from './partition-log.js'

// The cluster as the handlers see it: brokers, topics, partitions with their leaders and logs, and the group
// coordinator. Every broker of a fake cluster shares this one state, the way a real cluster shares its metadata
// log; what differs per broker is only who leads what and who coordinates which group.

export interface BrokerInfo {
  readonly id: number
  readonly host: string
  port: number
  up: boolean
}

export interface PartitionState {
  readonly topic: TopicState
  readonly index: number
  /** -1 while no replica is up (LEADER_NOT_AVAILABLE). */
  leaderId: number
  /** Bumped on every leader change (KIP-320), so clients can tell stale metadata from fresh. */
  leaderEpoch: number
  readonly replicas: number[]
  readonly log: PartitionLog
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
  /** Partitions the whole cluster may hold; creating more is refused (see handlers/19-create-topics.ts). */
  maxPartitions: number
  /** Where recovery of damaged log files is reported. */
  log?: (line: string) => void
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
}

export class ClusterState {
  readonly clusterId: string
  readonly brokers: BrokerInfo[]
  readonly topics = new Map<string, TopicState>()
  readonly groups: GroupCoordinator
  /** Groups of the consumer protocol (KIP-848); their committed offsets are kept by `groups`. */
  readonly consumerGroups: ConsumerGroupCoordinator
  private readonly topicsById = new Map<string, TopicState>()
  private nextProducerId = 1000n
  private topicCount = 0
  private partitions = 0

  constructor (brokers: BrokerInfo[], readonly options: ClusterStateOptions) {
    this.brokers = brokers
    this.groups = new GroupCoordinator({
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: options.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
      onOffsetsChanged: () => { this.save() }
    })
    this.consumerGroups = new ConsumerGroupCoordinator({
      sessionTimeoutMs: options.groupConsumerSessionTimeoutMs,
      heartbeatIntervalMs: options.groupConsumerHeartbeatIntervalMs,
      topics: () => [...this.topics.values()].map(t => ({ name: t.name, id: t.id, partitions: t.partitions.length }))
    })
    const saved = this.load()
    this.clusterId = saved?.clusterId ?? randomUUID().replace(/-/g, '').slice(0, 22)
    if (saved !== undefined) {
      this.nextProducerId = BigInt(saved.nextProducerId)
      for (const t of saved.topics) this.addTopic(t.name, t.partitions, t.timestampType, t.id)
      for (const o of saved.offsets) {
        this.groups.restoreOffset(o.group, o.topic, o.partition, { offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch, metadata: o.metadata })
      }
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
    return TOPIC_NAME.test(name) && name !== '.' && name !== '..' ? 0 : ErrorCode.INVALID_TOPIC_EXCEPTION
  }

  /** Creates a topic; throws ConfigError when the name is invalid, it exists, or partitions < 1. */
  createTopic (name: string, partitions: number, timestampType: TimestampType = 'create'): TopicState {
    if (ClusterState.topicNameError(name) !== 0) throw new ConfigError('topic', `invalid topic name ${JSON.stringify(name)}`)
    if (this.topics.has(name)) throw new ConfigError('topic', `topic ${name} already exists`)
    if (!Number.isInteger(partitions) || partitions < 1) throw new ConfigError('partitions', `topic ${name}: partitions must be a positive integer, got ${partitions}`)
    if (partitions > this.options.maxPartitions - this.partitions) {
      throw new ConfigError('partitions', `topic ${name}: ${partitions} partitions would take the cluster past its ${this.options.maxPartitions} (maxPartitions)`)
    }
    const topic = this.addTopic(name, partitions, timestampType, randomUUID())
    this.save()
    return topic
  }

  /** Creates a topic on first use when auto-creation is on (auto.create.topics.enable); else undefined. */
  autoCreate (name: string): TopicState | undefined {
    if (!this.options.autoCreateTopics || ClusterState.topicNameError(name) !== 0) return undefined
    if (this.options.defaultPartitions > this.options.maxPartitions - this.partitions) return undefined
    return this.createTopic(name, this.options.defaultPartitions)
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
      }
    }
    this.groups.forgetTopic(name)
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
    p.leaderId = brokerId
    p.leaderEpoch++
  }

  /** Leaders on a stopped broker move to the next live replica, as the controller would elect one. */
  onBrokerDown (id: number): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (p.leaderId !== id) continue
        const next = p.replicas.find(r => r !== id && this.broker(r)?.up === true)
        p.leaderId = next ?? -1
        p.leaderEpoch++
      }
    }
  }

  /** Leaderless partitions with a replica on a restarted broker get it as leader. */
  onBrokerUp (id: number): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) {
        if (p.leaderId >= 0 || !p.replicas.includes(id)) continue
        p.leaderId = id
        p.leaderEpoch++
      }
    }
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
    this.groups.close()
    this.consumerGroups.close()
    for (const t of this.topics.values()) for (const p of t.partitions) p.log.close()
  }

  private addTopic (name: string, partitions: number, timestampType: TimestampType, id: string): TopicState {
    const n = this.brokers.length
    const first = this.topicCount++ % n
    const topic: TopicState = { name, id, timestampType, partitions: [] }
    for (let i = 0; i < partitions; i++) {
      const replicas: number[] = []
      for (let r = 0; r < Math.min(n, MAX_REPLICAS); r++) replicas.push(this.brokers[(first + i + r) % n].id)
      const leader = replicas.find(r => this.broker(r)?.up === true) ?? replicas[0]
      topic.partitions.push({
        topic,
        index: i,
        leaderId: leader,
        leaderEpoch: 0,
        replicas,
        log: new PartitionLog({ topic: name, partition: i, timestampType, file: this.options.dataDir === undefined ? undefined : this.logFile(name, i), log: this.options.log })
      })
    }
    this.topics.set(name, topic)
    this.topicsById.set(id, topic)
    this.partitions += partitions
    return topic
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

  /** Writes topics, the producer id counter and committed offsets (the logs persist themselves on append). */
  save (): void {
    const file = this.clusterFile()
    if (file === undefined || this.clusterId === undefined) return
    const saved: SavedCluster = {
      clusterId: this.clusterId,
      nextProducerId: String(this.nextProducerId),
      topics: [...this.topics.values()].map(t => ({ name: t.name, id: t.id, partitions: t.partitions.length, timestampType: t.timestampType })),
      offsets: this.groups.allOffsets().map(({ group, topic, partition, committed }: { group: string, topic: string, partition: number, committed: CommittedOffset }) => ({
        group, topic, partition, offset: String(committed.offset), leaderEpoch: committed.leaderEpoch, metadata: committed.metadata
      }))
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
