import {
  CreateTopics, Fetch, FindCoordinator, JoinGroup, ListOffsets, Metadata, OffsetCommit, Produce, SyncGroup
} from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'
import { crc32c } from '../../protocol/records/crc32c.js'
import type { RecordInput } from '../../protocol/records/types.js'
import type { Session } from './session.js'

// The requests the corpora are written with: small helpers over our codec, each one request (or a short setup
// sequence whose answers are not compared), with the highest versions both sides serve unless told otherwise.

export const T0 = 1_700_000_000_000n
/** Three records whose largest timestamp is the second one's (offset 1), then one more batch (offset 3). */
export const FIRST_BATCH: RecordInput[] = [
  { key: 'k0', value: 'v0', timestamp: T0, headers: [{ key: 'h', value: 'x' }] },
  { key: 'k1', value: 'v1', timestamp: T0 + 2000n },
  { key: 'k2', value: 'v2', timestamp: T0 + 1000n }
]
export const SECOND_BATCH: RecordInput[] = [{ key: 'k3', value: 'v3', timestamp: T0 + 500n }]

export async function createTopic (s: Session, name: string, partitions = 1): Promise<void> {
  const res = await s.request(CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000 })
  const code = res.topics[0].errorCode
  if (code !== ErrorCode.NONE) throw new Error(`${s.side}: creating ${name} failed with ${code}`)
  await waitForLeaders(s, name, partitions)
}

/**
 * Kafka answers CreateTopics before the broker serves the topic: wait until Metadata shows each leader, and then
 * until the leader itself answers for each partition (its metadata cache learns of the topic before its replica
 * manager has made itself leader, and in between Produce answers NOT_LEADER_OR_FOLLOWER).
 */
export async function waitForLeaders (s: Session, name: string, partitions: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const md = await s.request(Metadata, 12, { topics: [{ name }], allowAutoTopicCreation: false })
    const t = md.topics[0]
    if (t.errorCode === ErrorCode.NONE && t.partitions.length === partitions && t.partitions.every((p: any) => p.errorCode === ErrorCode.NONE && p.leaderId >= 0)) {
      const lo = await s.request(ListOffsets, 7, { replicaId: -1, topics: [{ name, partitions: t.partitions.map((p: any) => ({ partitionIndex: p.partitionIndex, timestamp: -1n })) }] })
      if (lo.topics[0].partitions.every((p: any) => p.errorCode === ErrorCode.NONE)) return
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${s.side}: topic ${name} has no leaders after 20 s`)
}

export function batch (records: RecordInput[]): Buffer {
  return encodeRecordBatch(records, {})
}

export async function produce (s: Session, topic: string, partition: number, records: Buffer, acks = -1, version = 12): Promise<any> {
  return await s.request(Produce, version, {
    transactionalId: null, acks, timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }]
  })
}

export function partitionOf (res: any): any {
  return res.responses?.[0]?.partitionResponses?.[0] ?? res
}

export async function fetch (s: Session, topic: string, fetchOffset: bigint, opts: { maxBytes?: number, partitionMaxBytes?: number, partitions?: number[], version?: number } = {}): Promise<any> {
  return await s.request(Fetch, opts.version ?? 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: opts.maxBytes ?? 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: (opts.partitions ?? [0]).map(partition => ({ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20 })) }],
    forgottenTopicsData: [], rackId: ''
  })
}

export async function listOffsets (s: Session, topic: string, timestamp: bigint, version = 10): Promise<any> {
  const res = await s.request(ListOffsets, version, {
    replicaId: -1, isolationLevel: 0, timeoutMs: 30_000,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 10 }] }]
  })
  return res.closed === true ? res : res.topics[0].partitions[0]
}

export async function metadata (s: Session, topic: string, allowAutoTopicCreation: boolean, version = 12): Promise<any> {
  return await s.request(Metadata, version, { topics: [{ name: topic }], allowAutoTopicCreation, includeTopicAuthorizedOperations: false })
}

/** A topic with FIRST_BATCH (offsets 0-2) and SECOND_BATCH (offset 3). */
export async function filledTopic (s: Session, name: string, produceVersion = 12): Promise<void> {
  await createTopic(s, name)
  await produce(s, name, 0, batch(FIRST_BATCH), -1, produceVersion)
  await produce(s, name, 0, batch(SECOND_BATCH), -1, produceVersion)
}

/** The coordinator of a group is found once __consumer_offsets exists; Kafka creates it on the first lookup. */
export async function findCoordinator (s: Session, group: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await s.request(FindCoordinator, 4, { keyType: 0, coordinatorKeys: [group] })
    if (res.coordinators[0].errorCode === ErrorCode.NONE) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${s.side}: no coordinator for ${group} after 30 s`)
}

export const RANGE_METADATA = Buffer.from('00010000000100017400000000', 'hex') // consumer protocol v1: topics ["t"], no user data

export const COORDINATOR_NOT_READY = new Set<number>([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR])

/** JoinGroup (v9 unless told); while Kafka's new coordinator is still loading its partition of __consumer_offsets, again. */
export async function joinGroup (s: Session, group: string, memberId: string, version = 9): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await s.request(JoinGroup, version, {
      groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: RANGE_METADATA }], reason: null
    })
    if (!COORDINATOR_NOT_READY.has(res.errorCode) || i === 300) return res
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** A one-member classic group, joined and synced: returns its member id and generation. */
export async function stableGroup (s: Session, group: string): Promise<{ memberId: string, generationId: number }> {
  await findCoordinator(s, group)
  const first = await joinGroup(s, group, '')
  const joined = await joinGroup(s, group, first.memberId)
  if (joined.errorCode !== ErrorCode.NONE) throw new Error(`${s.side}: JoinGroup failed with ${joined.errorCode}`)
  const synced = await s.request(SyncGroup, 5, {
    groupId: group, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null,
    protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }]
  })
  if (synced.errorCode !== ErrorCode.NONE) throw new Error(`${s.side}: SyncGroup failed with ${synced.errorCode}`)
  return { memberId: joined.memberId, generationId: joined.generationId }
}

export async function commit (s: Session, group: string, topic: string, generation: number, memberId: string, version = 9): Promise<any> {
  return await s.request(OffsetCommit, version, {
    groupId: group, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })
}

/** Sets a v2 batch's MaxTimestamp (bytes 35-42) and fixes its CRC-32C (over bytes 21 to the end), as Sarama does. */
export function withMaxTimestamp (b: Buffer, maxTimestamp: bigint): Buffer {
  b.writeBigInt64BE(maxTimestamp, 35)
  b.writeUInt32BE(crc32c(b, 21, b.length), 17)
  return b
}

