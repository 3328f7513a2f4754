import { AlterPartitionReassignments } from '../../protocol/apis/alter-partition-reassignments.js'
import { DescribeLogDirs } from '../../protocol/apis/describe-log-dirs.js'
import { DescribeQuorum } from '../../protocol/apis/describe-quorum.js'
import { ElectLeaders } from '../../protocol/apis/elect-leaders.js'
import { ListPartitionReassignments } from '../../protocol/apis/list-partition-reassignments.js'
import { UnsupportedVersionError, type KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// Where partitions live and who leads them: log directories per broker (DescribeLogDirs, KIP-113), leader
// elections (ElectLeaders, KIP-183/KIP-460), replica moves (AlterPartitionReassignments and
// ListPartitionReassignments, KIP-455) and the KRaft metadata quorum (DescribeQuorum, KIP-595/836/853).
// Each answers per partition (or per broker), as the Java AdminClient's results do; a top-level error throws.

export interface TopicPartitionRef { topic: string, partition: number }

export interface LogDirPartition extends TopicPartitionRef {
  /** Bytes the partition's log holds in this directory. */
  size: bigint
  offsetLag: bigint
  /** A log being moved here by AlterReplicaLogDirs, to replace the current one. */
  isFuture: boolean
}

export interface LogDirDescription {
  broker: number
  /** Per directory; a broker that cannot be asked has one entry with `logDir` '' and the error. */
  error: KafkaError | null
  logDir: string
  partitions: LogDirPartition[]
  /** The volume's size and free bytes (v4+), -1n when the broker does not say. */
  totalBytes: bigint
  usableBytes: bigint
  isCordoned: boolean
}

export type ElectionType = 'preferred' | 'unclean'
export interface PartitionResult extends TopicPartitionRef { error: KafkaError | null }

export interface ReassignmentChange extends TopicPartitionRef {
  /** The new replica list (the first is the preferred leader), or null to cancel a reassignment in progress. */
  replicas: number[] | null
}

export interface OngoingReassignment extends TopicPartitionRef {
  replicas: number[]
  adding: number[]
  removing: number[]
}

export interface QuorumReplica {
  replicaId: number
  /** The replica's log directory id (v2+), or undefined from older brokers. */
  directoryId?: string
  logEndOffset: bigint
  /** -1n when unknown (and for the leader itself). */
  lastFetchTimestamp: bigint
  lastCaughtUpTimestamp: bigint
}

export interface QuorumInfo {
  leaderId: number
  leaderEpoch: number
  highWatermark: bigint
  voters: QuorumReplica[]
  observers: QuorumReplica[]
  /** The voters' listeners (v2+). */
  nodes: Array<{ nodeId: number, listeners: Array<{ name: string, host: string, port: number }> }>
}

const ELECTION_TYPES: Record<ElectionType, number> = { preferred: 0, unclean: 1 }

function groupByTopic<T extends TopicPartitionRef> (items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const i of items) m.set(i.topic, [...(m.get(i.topic) ?? []), i])
  return m
}

/** Asks each broker (all known when `brokers` is omitted) for its log directories, restricted to `partitions`. */
export async function describeLogDirs (client: KafkaClient, brokers: readonly number[], partitions?: readonly TopicPartitionRef[]): Promise<LogDirDescription[]> {
  const topics = partitions === undefined ? null : [...groupByTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps.map(p => p.partition) }))
  const perBroker = await Promise.all(brokers.map(async broker => {
    const res = await client.request(broker, DescribeLogDirs, { topics })
    const top = resourceError(res.body.errorCode, `DescribeLogDirs broker ${broker}`)
    if (top !== null) return [{ broker, error: top, logDir: '', partitions: [], totalBytes: -1n, usableBytes: -1n, isCordoned: false }]
    return res.body.results.map(r => ({
      broker,
      error: resourceError(r.errorCode, `DescribeLogDirs broker ${broker} ${r.logDir}`),
      logDir: r.logDir,
      partitions: r.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey }))),
      totalBytes: r.totalBytes,
      usableBytes: r.usableBytes,
      isCordoned: r.isCordoned
    }))
  }))
  return perBroker.flat()
}

/** Elects leaders for `partitions` (every partition that needs one when omitted: those needing none are left out). */
export async function electLeaders (client: KafkaClient, nodeId: number, type: ElectionType, partitions?: readonly TopicPartitionRef[], timeoutMs = 60000): Promise<PartitionResult[]> {
  const topicPartitions = partitions === undefined ? null : [...groupByTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps.map(p => p.partition) }))
  const res = await client.request(nodeId, ElectLeaders, version => {
    // v0 knows only preferred elections (KIP-460 added the type in v1).
    if (version === 0 && type !== 'preferred') throw new UnsupportedVersionError('ElectLeaders', `the broker speaks only v0, which cannot ask for ${type} elections`)
    return { electionType: ELECTION_TYPES[type], topicPartitions, timeoutMs }
  })
  const top = resourceError(res.body.errorCode, 'ElectLeaders')
  if (top !== null) throw top
  for (const t of res.body.replicaElectionResults) client.invalidate(t.topic)
  return res.body.replicaElectionResults.flatMap(t => t.partitionResult.map(p => ({
    topic: t.topic, partition: p.partitionId, error: resourceError(p.errorCode, `ElectLeaders ${t.topic}[${p.partitionId}]`, p.errorMessage)
  })))
}

export async function alterPartitionReassignments (client: KafkaClient, nodeId: number, changes: readonly ReassignmentChange[], opts: { allowReplicationFactorChange?: boolean, timeoutMs?: number } = {}): Promise<PartitionResult[]> {
  const allow = opts.allowReplicationFactorChange ?? true
  const topics = [...groupByTopic(changes)].map(([name, ps]) => ({ name, partitions: ps.map(p => ({ partitionIndex: p.partition, replicas: p.replicas })) }))
  const res = await client.request(nodeId, AlterPartitionReassignments, version => {
    // As the Java client: v0 cannot carry the option, and silently allowing the change would do what was forbidden.
    if (version === 0 && !allow) throw new UnsupportedVersionError('AlterPartitionReassignments', 'the broker speaks only v0, which cannot forbid replication factor changes (KIP-860)')
    return { timeoutMs: opts.timeoutMs ?? 60000, allowReplicationFactorChange: allow, topics }
  })
  const top = resourceError(res.body.errorCode, 'AlterPartitionReassignments', res.body.errorMessage)
  if (top !== null) throw top
  for (const t of res.body.responses) client.invalidate(t.name)
  return res.body.responses.flatMap(t => t.partitions.map(p => ({
    topic: t.name, partition: p.partitionIndex, error: resourceError(p.errorCode, `AlterPartitionReassignments ${t.name}[${p.partitionIndex}]`, p.errorMessage)
  })))
}

/** The reassignments in progress, among `partitions` or all. */
export async function listPartitionReassignments (client: KafkaClient, nodeId: number, partitions?: readonly TopicPartitionRef[], timeoutMs = 60000): Promise<OngoingReassignment[]> {
  const topics = partitions === undefined ? null : [...groupByTopic(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map(p => p.partition) }))
  const res = await client.request(nodeId, ListPartitionReassignments, { timeoutMs, topics })
  const top = resourceError(res.body.errorCode, 'ListPartitionReassignments', res.body.errorMessage)
  if (top !== null) throw top
  return res.body.topics.flatMap(t => t.partitions.map(p => ({
    topic: t.name, partition: p.partitionIndex, replicas: p.replicas, adding: p.addingReplicas, removing: p.removingReplicas
  })))
}

export async function describeQuorum (client: KafkaClient, nodeId: number): Promise<QuorumInfo> {
  const res = await client.request(nodeId, DescribeQuorum, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
  const top = resourceError(res.body.errorCode, 'DescribeQuorum', res.body.errorMessage)
  if (top !== null) throw top
  const p = res.body.topics[0]?.partitions[0]
  if (p === undefined) throw new UnsupportedVersionError('DescribeQuorum', 'the answer holds no __cluster_metadata partition')
  const partitionError = resourceError(p.errorCode, 'DescribeQuorum __cluster_metadata[0]', p.errorMessage)
  if (partitionError !== null) throw partitionError
  const replica = (r: typeof p.currentVoters[number]): QuorumReplica => ({
    replicaId: r.replicaId,
    ...(res.version >= 2 ? { directoryId: r.replicaDirectoryId } : {}),
    logEndOffset: r.logEndOffset,
    lastFetchTimestamp: r.lastFetchTimestamp,
    lastCaughtUpTimestamp: r.lastCaughtUpTimestamp
  })
  return {
    leaderId: p.leaderId,
    leaderEpoch: p.leaderEpoch,
    highWatermark: p.highWatermark,
    voters: p.currentVoters.map(replica),
    observers: p.observers.map(replica),
    nodes: res.body.nodes.map(n => ({ nodeId: n.nodeId, listeners: n.listeners.map(l => ({ name: l.name, host: l.host, port: l.port })) }))
  }
}
