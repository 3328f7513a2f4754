import { KafkaError, ProtocolError, UnsupportedVersionError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConsumerGroupDescribe } from '../../protocol/apis/consumer-group-describe.js'
import { DeleteGroups } from '../../protocol/apis/delete-groups.js'
import { DescribeGroups } from '../../protocol/apis/describe-groups.js'
import { ListGroups } from '../../protocol/apis/list-groups.js'
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription } from '../../protocol/group/consumer-protocol.js'
import type { KafkaClient } from '../cluster.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { isRetriable } from '../retry.js'
import { resourceError } from './resource-error.js'
import { decodeAuthorizedOperations } from '../../protocol/authorized-operations.js'
import type { AclOperationName } from '../../protocol/acl-codes.js'

// Groups as kafka-consumer-groups.sh --list / --describe / --delete see them. ListGroups is asked of every broker
// (each lists the groups it coordinates). A group is described at its coordinator: a consumer-protocol group
// (KIP-848) by ConsumerGroupDescribe, which answers GROUP_ID_NOT_FOUND for a classic group, and a classic group by
// DescribeGroups, whose members' subscriptions and assignments are decoded when the group uses the consumer
// protocol ("consumer"), as the Java AdminClient's describeConsumerGroups does.

export interface ListedGroup {
  groupId: string
  protocolType: string
  /** Empty, Stable, PreparingRebalance, ...; '' when the broker does not say (ListGroups before v4). */
  state: string
  /** 'classic' or 'consumer' (KIP-848); '' before ListGroups v5. */
  type: string
}

export interface ListGroupsOptions {
  /** Only groups in these states (ListGroups v4+, KIP-518), e.g. ['Empty']. */
  states?: string[]
  /** Only groups of these types (ListGroups v5+): 'classic', 'consumer'. */
  types?: string[]
}

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** The subscribed topics: decoded from a classic member's metadata once the group is Stable. */
  topics: string[]
  assignment: Array<{ topic: string, partition: number }>
  /** The member epoch in a consumer-protocol group; -1 in a classic group. */
  memberEpoch: number
}

export interface DescribedGroup {
  groupId: string
  /** GROUP_ID_NOT_FOUND for a group that does not exist; then the other fields are empty. */
  error: KafkaError | null
  type: 'classic' | 'consumer'
  state: string
  protocolType: string
  /** The assignor in use: a classic group's protocolData (once Stable), a consumer group's server assignor. */
  protocol: string
  /** A consumer-protocol group's epoch; -1 for a classic group. */
  groupEpoch: number
  members: DescribedMember[]
  /**
   * What the caller may do to the group (KIP-430), when asked (includeAuthorizedOperations) and the coordinator
   * told: READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS. Absent otherwise (DescribeGroups before v3).
   */
  authorizedOperations?: Set<AclOperationName>
}

export interface DescribeGroupsOptions {
  /** Ask the coordinator for the caller's authorized operations on each group (Java's includeAuthorizedOperations). */
  includeAuthorizedOperations?: boolean
}

/** The decoded bit set as an optional field: left out when the broker did not say (INT32_MIN). */
function withOperations (bits: number): { authorizedOperations?: Set<AclOperationName> } {
  const ops = decodeAuthorizedOperations(bits)
  return ops === null ? {} : { authorizedOperations: ops }
}

/** The state shown when the coordinator cannot describe groups (no DescribeGroups API). */
export const UNKNOWN_STATE = 'Unknown'

/** Every group of the cluster, from every broker's ListGroups; sorted by id. */
export async function listGroups (client: KafkaClient, opts: ListGroupsOptions = {}): Promise<ListedGroup[]> {
  const md = await client.metadata([])
  const found = new Map<string, ListedGroup>()
  const states = opts.states ?? []
  const types = opts.types ?? []
  await Promise.all(md.brokers.map(async b => {
    const res = await client.request(b.nodeId, ListGroups, { statesFilter: states, typesFilter: types })
    // A broker too old for a filter would list every group: refuse rather than answer something else.
    if ((states.length > 0 && res.version < 4) || (types.length > 0 && res.version < 5)) {
      throw new UnsupportedVersionError('ListGroups', `broker ${b.nodeId} speaks v${res.version}, which cannot filter by ${states.length > 0 && res.version < 4 ? 'state (v4+)' : 'type (v5+)'}`)
    }
    if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `ListGroups at broker ${b.nodeId}`)
    for (const g of res.body.groups) {
      found.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: res.version >= 4 ? g.groupState : '', type: res.version >= 5 ? g.groupType : '' })
    }
  }))
  return [...found.values()].sort((a, b) => a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0)
}

/** Groups by id, each from its coordinator; in the order asked. */
export async function describeGroups (client: KafkaClient, groupIds: readonly string[], coordinators = new CoordinatorCache(client), opts: DescribeGroupsOptions = {}): Promise<DescribedGroup[]> {
  const asked = opts.includeAuthorizedOperations === true
  return await Promise.all(groupIds.map(async groupId => {
    return await coordinators.withCoordinator(groupId, 'DescribeGroups', async nodeId =>
      await describeConsumerProtocolGroup(client, nodeId, groupId, asked) ?? await describeClassicGroup(client, nodeId, groupId, asked))
  }))
}

function emptyGroup (groupId: string, error: KafkaError | null): DescribedGroup {
  return { groupId, error, type: 'classic', state: '', protocolType: '', protocol: '', groupEpoch: -1, members: [] }
}

/**
 * The group as ConsumerGroupDescribe (69) shows it, or undefined when it is not a consumer-protocol group (the
 * coordinator answers GROUP_ID_NOT_FOUND) or the broker predates KIP-848.
 */
async function describeConsumerProtocolGroup (client: KafkaClient, nodeId: number, groupId: string, includeAuthorizedOperations: boolean): Promise<DescribedGroup | undefined> {
  let res
  try {
    res = await client.request(nodeId, ConsumerGroupDescribe, { groupIds: [groupId], includeAuthorizedOperations })
  } catch (err) {
    if (err instanceof UnsupportedVersionError) return undefined
    throw err
  }
  const g = res.body.groups[0]
  if (g === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `ConsumerGroupDescribe ${groupId}: empty answer`)
  if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return undefined
  const error = resourceError(g.errorCode, `ConsumerGroupDescribe ${groupId}`, g.errorMessage)
  // NOT_COORDINATOR and the like: thrown, so that the coordinator is looked up again and the call retried.
  if (error !== null && isRetriable(error)) throw error
  if (error !== null) return emptyGroup(groupId, error)
  return {
    groupId,
    error: null,
    type: 'consumer',
    state: g.groupState,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocol: g.assignorName,
    groupEpoch: g.groupEpoch,
    members: g.members.map(m => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      topics: m.subscribedTopicNames,
      assignment: m.assignment.topicPartitions.flatMap(tp => tp.partitions.map(partition => ({ topic: tp.topicName, partition }))),
      memberEpoch: m.memberEpoch
    })),
    ...withOperations(g.authorizedOperations)
  }
}

async function describeClassicGroup (client: KafkaClient, nodeId: number, groupId: string, includeAuthorizedOperations: boolean): Promise<DescribedGroup> {
  let res
  try {
    res = await client.request(nodeId, DescribeGroups, { groups: [groupId], includeAuthorizedOperations })
  } catch (err) {
    // A coordinator without DescribeGroups (librdkafka 2.0's mock cluster): the offsets can still be shown.
    if (err instanceof UnsupportedVersionError) return { ...emptyGroup(groupId, null), state: UNKNOWN_STATE }
    throw err
  }
  const g = res.body.groups[0]
  if (g === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `DescribeGroups ${groupId}: empty answer`)
  const error = resourceError(g.errorCode, `DescribeGroups ${groupId}`, g.errorMessage)
  if (error !== null && isRetriable(error)) throw error
  if (error !== null) return emptyGroup(groupId, error)
  // Before v6 an unknown group is answered as Dead with no members (KIP-1043 made it GROUP_ID_NOT_FOUND).
  if (g.groupState === 'Dead') return { ...emptyGroup(groupId, new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `DescribeGroups ${groupId}: the group does not exist`)), state: 'Dead' }
  const consumerProtocol = g.protocolType === CONSUMER_PROTOCOL_TYPE
  const members: DescribedMember[] = g.members.map(m => {
    let topics: string[] = []
    let assignment: Array<{ topic: string, partition: number }> = []
    if (consumerProtocol) {
      // Metadata and assignment are empty outside Stable; a peer's undecodable bytes leave them unknown.
      try { if (m.memberMetadata.length > 0) topics = decodeSubscription(m.memberMetadata).topics } catch (err) { if (!(err instanceof ProtocolError)) throw err }
      try { assignment = decodeAssignment(m.memberAssignment).assignedPartitions.flatMap(tp => tp.partitions.map(partition => ({ topic: tp.topic, partition }))) } catch (err) { if (!(err instanceof ProtocolError)) throw err }
    }
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, topics, assignment, memberEpoch: -1 }
  })
  return { groupId, error: null, type: 'classic', state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData, groupEpoch: -1, members, ...withOperations(g.authorizedOperations) }
}

/** Deletes empty groups with their offsets (DeleteGroups, KIP-229); NON_EMPTY_GROUP while a group has members. */
export async function deleteGroups (client: KafkaClient, groupIds: readonly string[], coordinators = new CoordinatorCache(client)): Promise<Array<{ groupId: string, error: KafkaError | null }>> {
  return await Promise.all(groupIds.map(async groupId => await coordinators.withCoordinator(groupId, 'DeleteGroups', async nodeId => {
    const res = await client.request(nodeId, DeleteGroups, { groupsNames: [groupId] })
    const r = res.body.results.find(x => x.groupId === groupId)
    if (r === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `DeleteGroups ${groupId}: no answer for the group`)
    const error = resourceError(r.errorCode, `DeleteGroups ${groupId}`, r.errorMessage)
    if (error !== null && isRetriable(error)) throw error
    return { groupId, error }
  })))
}
