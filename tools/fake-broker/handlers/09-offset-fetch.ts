import { OffsetFetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type RequestContext } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, groupAuthError } from '../access-check.js'

// OffsetFetch (key 9), v0-10: a group's committed offsets; -1 where nothing was committed. v2+ ask for every
// committed partition with a null topic list and add a top-level error code. v5 adds the committed leader epoch
// (KIP-320), v7 requireStable (KIP-447: only matters with pending transactional commits, which the fake has
// none of), v8 several groups at once (KIP-709), v9 the member id and epoch of the new protocol (KIP-848),
// checked against the consumer group (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH). v10 names topics by id (KIP-848), as
// Kafka 4.4's KafkaApis.fetchOffsetsForGroup resolves them: an id the cluster does not know is answered
// UNKNOWN_TOPIC_ID, after the answered topics with the TOPIC_AUTHORIZATION_FAILED ones, in request order; an
// all-topics answer gives each topic's id and leaves out a topic that no longer exists (it has none).

type Req = Infer<typeof OffsetFetch.request>
type Res = InferInput<typeof OffsetFetch.response>

interface TopicOffsets {
  name: string
  topicId?: string
  partitions: Array<{ partitionIndex: number, committedOffset: bigint, committedLeaderEpoch: number, metadata: string | null, errorCode: number }>
}

export const offsetFetchHandler = serve<Req>(OffsetFetch, '0-10', (ctx): Res => {
  const { body, version } = ctx
  if (version >= 8) {
    return {
      throttleTimeMs: 0,
      groups: body.groups.map(g => {
        // v9: a consumer-protocol member reads with its id and epoch, checked against the consumer group (KIP-848);
        // without a member id and epoch (an admin tool) anyone may read. A classic group checks nothing.
        const errorCode = groupAuthError(ctx, AclOperation.DESCRIBE, g.groupId) || coordinatorError(ctx, g.groupId) ||
          ctx.cluster.consumerGroups.fetchError(g.groupId, g.memberEpoch, g.memberId)
        return { groupId: g.groupId, topics: errorCode !== ErrorCode.NONE ? [] : offsetsOf(ctx, g.groupId, g.topics, 0), errorCode }
      })
    }
  }
  const errorCode = groupAuthError(ctx, AclOperation.DESCRIBE, body.groupId) || coordinatorError(ctx, body.groupId)
  // Before v2 there is no top-level error code: the error goes into every partition.
  const topics = errorCode !== ErrorCode.NONE && version >= 2 ? [] : offsetsOf(ctx, body.groupId, body.topics, errorCode)
  return { throttleTimeMs: 0, topics, errorCode }
})

/** The first version that names topics by id (KIP-848). */
const BY_TOPIC_ID_VERSION = 10

function offsetsOf (ctx: RequestContext<Req>, groupId: string, requested: Array<{ name: string, topicId?: string, partitionIndexes: number[] }> | null, errorCode: number): TopicOffsets[] {
  const { cluster, version } = ctx
  const groups = cluster.groups
  const byId = version >= BY_TOPIC_ID_VERSION
  // DESCRIBE on each topic (KafkaApis.fetchOffsetsForGroup): all-topics answers leave the others out; named ones
  // answer them, after the rest, with TOPIC_AUTHORIZATION_FAILED.
  const describable = (name: string): boolean => authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name)
  if (requested === null) {
    const idOf = (name: string): string | undefined => cluster.topics.get(name)?.id
    return [...groups.committedTopics(groupId)].filter(([name]) => describable(name) && (!byId || idOf(name) !== undefined)).map(([name, byPartition]) => ({
      name,
      topicId: byId ? idOf(name) : undefined,
      partitions: [...byPartition].map(([partitionIndex, c]) => ({
        partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: ErrorCode.NONE
      }))
    }))
  }
  // From v10 each topic is named by its id: resolved here, an id the cluster does not know has no name.
  const topics = requested.map(t => ({ ...t, name: byId ? cluster.topicById(t.topicId ?? '')?.name : t.name }))
  const topicError = (name: string | undefined): number =>
    name === undefined ? ErrorCode.UNKNOWN_TOPIC_ID : errorCode === ErrorCode.NONE && !describable(name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.NONE
  const allowed = topics.filter(t => topicError(t.name) === ErrorCode.NONE)
  const refused = topics.filter(t => !allowed.includes(t)).map(t => ({
    name: t.name ?? '',
    topicId: t.topicId,
    partitions: t.partitionIndexes.map(partitionIndex => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: topicError(t.name) }))
  }))
  return [...allowed.map(t => ({
    name: t.name ?? '',
    topicId: t.topicId,
    partitions: t.partitionIndexes.map(partitionIndex => {
      const c = errorCode === ErrorCode.NONE ? groups.committed(groupId, t.name ?? '', partitionIndex) : undefined
      return {
        partitionIndex,
        committedOffset: c?.offset ?? -1n,
        committedLeaderEpoch: c?.leaderEpoch ?? -1,
        metadata: c === undefined ? '' : (c.metadata ?? ''),
        // A test's fault may answer one partition with an error (a coordinator whose metadata lags, say).
        errorCode: errorCode || ctx.injectedError(t.name, partitionIndex)
      }
    })
  })), ...refused]
}
