import { OffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError } from '../access-check.js'

// OffsetCommit (key 8), v0-9: stores a group's consumed positions. v0 commits without a generation (a "simple"
// commit); v1+ carry the generation and member id, checked against the group so that a member evicted by a
// rebalance cannot overwrite its successor's progress. v2-4 carry a retention time (ignored: kept forever here),
// v6 the leader epoch of the committed offset (KIP-320), v7 the static instance id, v8 is flexible. v9 carries a member epoch in place of the generation when the group
// uses the consumer protocol (KIP-848): an older epoch is STALE_MEMBER_EPOCH, a newer one FENCED_MEMBER_EPOCH.

type Req = Infer<typeof OffsetCommit.request>
type Res = InferInput<typeof OffsetCommit.response>

/** offset.metadata.max.bytes: Kafka's default limit on the metadata string stored with an offset. */
const MAX_METADATA_CHARS = 4096
const OFFSET_METADATA_TOO_LARGE = 12

export const offsetCommitHandler = serve<Req>(OffsetCommit, '0-9', (ctx): Res => {
  const { body, cluster } = ctx
  const groups = cluster.groups
  // READ on the group, else every partition is GROUP_AUTHORIZATION_FAILED; READ on each topic (KafkaApis).
  const groupError = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId) ||
    (groups.fencedInstance(body.groupId, body.memberId, body.groupInstanceId) ? ErrorCode.FENCED_INSTANCE_ID : 0) ||
    (cluster.consumerGroups.has(body.groupId)
      ? consumerCommitError(ctx.version, cluster.consumerGroups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId))
      : groups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId))
  let committed = false
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, body.topics.map(t => t.name))
  const topics = body.topics.map(t => ({
    name: t.name,
    partitions: t.partitions.map(p => {
      // Before v9 Kafka answers a generation for an unknown group with ILLEGAL_GENERATION, GROUP_ID_NOT_FOUND after.
      let errorCode: number = ctx.version < 9 && groupError === ErrorCode.GROUP_ID_NOT_FOUND ? ErrorCode.ILLEGAL_GENERATION : groupError
      if (errorCode === ErrorCode.NONE && !readable.has(t.name)) errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED
      if (errorCode === ErrorCode.NONE && cluster.partition(t.name, p.partitionIndex) === undefined) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      if (errorCode === ErrorCode.NONE && (p.committedMetadata?.length ?? 0) > MAX_METADATA_CHARS) errorCode = OFFSET_METADATA_TOO_LARGE
      if (errorCode === ErrorCode.NONE) {
        groups.commit(body.groupId, t.name, p.partitionIndex, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })
        committed = true
      }
      return { partitionIndex: p.partitionIndex, errorCode }
    })
  }))
  if (committed) groups.committedBatch()
  return { throttleTimeMs: 0, topics }
})

/**
 * Before v9 a client cannot understand the KIP-848 errors: Kafka answers them as the classic protocol's
 * ILLEGAL_GENERATION (OffsetCommitRequest.getErrorResponse for old versions).
 */
function consumerCommitError (version: number, code: number): number {
  if (version >= 9) return code
  return code === ErrorCode.STALE_MEMBER_EPOCH || code === ErrorCode.FENCED_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : code
}
