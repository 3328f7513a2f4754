import { KafkaError, ProtocolError, UnsupportedVersionError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription } from '../../protocol/group/consumer-protocol.js'
import type { KafkaClient } from '../cluster.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { GroupOffsets } from '../coordinator/offsets.js'
import { SimpleConsumer, tpKey } from '../simple-consumer.js'

// What `kafka-consumer-groups.sh --list / --describe` shows, from the protocol: ListGroups asked of every broker
// (each lists the groups it coordinates), DescribeGroups at the group's coordinator with each member's
// subscription and assignment decoded (for protocol type "consumer"), the committed offsets (OffsetFetch) and the
// log-end offsets (ListOffsets), and the lag between them.

export interface ListedGroup { groupId: string, protocolType: string, state: string }

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** Decoded from the member's metadata when the group uses the consumer protocol and is Stable. */
  topics: string[]
  assignment: Array<{ topic: string, partition: number }>
}

export interface PartitionLag {
  topic: string
  partition: number
  /** null when the group has committed nothing for the partition. */
  committed: bigint | null
  logEndOffset: bigint
  /** null without a committed offset. */
  lag: bigint | null
  /** The member assigned the partition, if any. */
  memberId: string | null
  clientId: string | null
  clientHost: string | null
}

export interface GroupDescription {
  groupId: string
  state: string
  protocolType: string
  /** The assignor in use (protocolData), known once the group is Stable. */
  protocol: string
  members: DescribedMember[]
  partitions: PartitionLag[]
}

/** The state shown when the coordinator cannot describe groups (no DescribeGroups API). */
export const UNKNOWN_STATE = 'Unknown'

/** Every group of the cluster, from every broker's ListGroups; sorted by id. */
export async function listGroups (client: KafkaClient): Promise<ListedGroup[]> {
  const md = await client.metadata([])
  const found = new Map<string, ListedGroup>()
  await Promise.all(md.brokers.map(async b => {
    const res = await client.request(b.nodeId, ListGroups, { statesFilter: [], typesFilter: [] })
    if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `ListGroups at broker ${b.nodeId}`)
    for (const g of res.body.groups) found.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: res.version >= 4 ? g.groupState : '' })
  }))
  return [...found.values()].sort((a, b) => a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)
}

/** One group: state, members with decoded assignments, and per partition committed offset, log end and lag. */
export async function describeGroup (client: KafkaClient, groupId: string): Promise<GroupDescription> {
  const coordinators = new CoordinatorCache(client)
  const described = await coordinators.withCoordinator(groupId, 'DescribeGroups', async nodeId => {
    let res
    try {
      res = await client.request(nodeId, DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false })
    } catch (err) {
      // A coordinator without DescribeGroups (librdkafka 2.0's mock cluster): the offsets can still be shown.
      if (err instanceof UnsupportedVersionError) return { groupState: UNKNOWN_STATE, protocolType: '', protocolData: '', members: [] }
      throw err
    }
    const g = res.body.groups[0]
    if (g === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `DescribeGroups ${groupId}: empty answer`)
    if (g.errorCode !== ErrorCode.NONE) throw new KafkaError(g.errorCode, `DescribeGroups ${groupId}`)
    return g
  })
  const consumerProtocol = described.protocolType === CONSUMER_PROTOCOL_TYPE
  const members: DescribedMember[] = described.members.map(m => {
    let topics: string[] = []
    let assignment: Array<{ topic: string, partition: number }> = []
    if (consumerProtocol) {
      // Metadata and assignment are empty outside Stable; a peer's undecodable bytes leave them unknown.
      try { if (m.memberMetadata.length > 0) topics = decodeSubscription(m.memberMetadata).topics } catch (err) { if (!(err instanceof ProtocolError)) throw err }
      try { assignment = decodeAssignment(m.memberAssignment).assignedPartitions.flatMap(tp => tp.partitions.map(partition => ({ topic: tp.topic, partition }))) } catch (err) { if (!(err instanceof ProtocolError)) throw err }
    }
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, topics, assignment }
  })
  const committed = await committedOffsets(client, new GroupOffsets(client, coordinators), groupId)
  const owner = new Map<string, DescribedMember>()
  for (const m of members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m)
  // Every partition committed to or assigned.
  const tps = new Map<string, { topic: string, partition: number }>()
  for (const key of committed.keys()) { const i = key.lastIndexOf(':'); tps.set(key, { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) }) }
  for (const m of members) for (const tp of m.assignment) tps.set(tpKey(tp.topic, tp.partition), tp)
  const ends = tps.size === 0 ? new Map<string, bigint>() : await new SimpleConsumer(client).latestOffsets([...tps.values()])
  const partitions: PartitionLag[] = [...tps].map(([key, tp]) => {
    const c = committed.get(key)?.offset
    const end = ends.get(key) ?? -1n
    const m = owner.get(key)
    const has = c !== undefined && c >= 0n
    return {
      topic: tp.topic,
      partition: tp.partition,
      committed: has ? c : null,
      logEndOffset: end,
      lag: has ? (end > c ? end - c : 0n) : null,
      memberId: m?.memberId ?? null,
      clientId: m?.clientId ?? null,
      clientHost: m?.clientHost ?? null
    }
  }).sort((a, b) => a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)
  return { groupId, state: described.groupState, protocolType: described.protocolType, protocol: described.protocolData, members, partitions }
}

/**
 * Every committed offset of the group: OffsetFetch with a null topic list ("all topics", v2+). librdkafka 2.0's
 * mock cluster answers that with a null topic array, which OffsetFetchResponse does not allow (a ProtocolError, or
 * an empty answer once the client has fallen back a version); then every partition of every topic is asked for by name, and those without a commit are left out.
 */
async function committedOffsets (client: KafkaClient, offsets: GroupOffsets, groupId: string): Promise<Map<string, { offset: bigint }>> {
  try {
    const committed = await offsets.fetch(groupId, null)
    // An empty answer may also be that null array read at a lower version (the client falls back a version when an
    // answer does not decode): ask by name then too; for a group with no commits it costs one Metadata request.
    if (committed.size > 0) return committed
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
  }
  const md = await client.metadata()
  const all = md.topics.filter(t => t.errorCode === ErrorCode.NONE).flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partition })))
  const got = all.length === 0 ? new Map<string, { offset: bigint }>() : await offsets.fetch(groupId, all)
  return new Map([...got].filter(([, c]) => c.offset >= 0n))
}
