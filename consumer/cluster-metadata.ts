import type { MetadataResponse } from '../protocol/apis/metadata.js'

// What a Metadata response tells a client, reshaped for lookups: brokers by id, topics by name, partitions by
// index, each partition with its leader and leader epoch (KIP-320: the epoch lets a broker reject a request made
// with stale metadata, FENCED_LEADER_EPOCH, instead of serving it).

export interface BrokerInfo {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionInfo {
  partition: number
  /** The broker error for this partition, 0 when none (LEADER_NOT_AVAILABLE during an election). */
  errorCode: number
  /** The leader's node id, -1 when there is none. */
  leader: number
  /** -1 when the broker does not report epochs (Metadata < v7). */
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicInfo {
  name: string
  /** The topic id (KIP-516), all zeros when the broker did not send one (Metadata < v10). */
  topicId: string
  errorCode: number
  isInternal: boolean
  /** Sorted by partition index. */
  partitions: PartitionInfo[]
}

export interface ClusterMetadata {
  clusterId: string | null
  controllerId: number
  /** In the order the broker listed them. */
  brokers: BrokerInfo[]
  /** In the order the broker listed them. */
  topics: TopicInfo[]
  /** The broker that answered: its node id (-1 when it is not in the broker list) and the address we used. */
  answeredBy: { nodeId: number, address: string }
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

export function clusterMetadataFrom (body: MetadataResponse, address: string): ClusterMetadata {
  const brokers = body.brokers.map(b => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
  const answering = brokers.find(b => `${b.host}:${b.port}` === address)
  return {
    clusterId: body.clusterId ?? null,
    controllerId: body.controllerId,
    brokers,
    topics: body.topics.map(t => ({
      name: t.name ?? '',
      topicId: t.topicId ?? ZERO_UUID,
      errorCode: t.errorCode,
      isInternal: t.isInternal,
      partitions: t.partitions.map(p => ({
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offlineReplicas: p.offlineReplicas
      })).sort((a, b) => a.partition - b.partition)
    })),
    answeredBy: { nodeId: answering?.nodeId ?? -1, address }
  }
}

/**
 * A partition of a topic by index. Partitions are sorted by index and nearly always numbered 0..n-1, so the index is
 * tried first; a binary search covers a topic whose list has gaps. Never a scan: a reply about 10,000 partitions
 * looks each one up.
 */
export function findPartition (t: TopicInfo, partition: number): PartitionInfo | undefined {
  const list = t.partitions
  const direct = list[partition]
  if (direct !== undefined && direct.partition === partition) return direct
  let lo = 0
  let hi = list.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const p = list[mid] as PartitionInfo
    if (p.partition === partition) return p
    if (p.partition < partition) lo = mid + 1
    else hi = mid - 1
  }
  return undefined
}
