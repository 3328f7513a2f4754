import { OffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError } from '../access-check.js'
import { answer, refuseBeforeCoordinator } from './topic-answers.js'

// OffsetCommit (key 8), v0-10: stores a group's consumed positions. v0 commits without a generation (a "simple"
// commit); v1+ carry the generation and member id, checked against the group so that a member evicted by a
// rebalance cannot overwrite its successor's progress. v2-4 carry a retention time (ignored: kept forever here),
// v6 the leader epoch of the committed offset (KIP-320), v7 the static instance id, v8 is flexible. v9 carries a
// member epoch in place of the generation when the group uses the consumer protocol (KIP-848): an older epoch is
// STALE_MEMBER_EPOCH, a newer one FENCED_MEMBER_EPOCH. v10 names topics by id (KIP-848).
//
// As Kafka 4.4's KafkaApis.handleOffsetCommitRequest: READ on the group first (else every partition is
// GROUP_AUTHORIZATION_FAILED); then each topic is checked before the coordinator sees it: an id the cluster does not
// know is UNKNOWN_TOPIC_ID, a topic without READ is TOPIC_AUTHORIZATION_FAILED, a partition the topic lacks is
// UNKNOWN_TOPIC_OR_PARTITION. Only the partitions that pass reach the coordinator (generation, member, metadata
// size). The answer lists the refused partitions first and then merges in the coordinator's, per topic, as
// OffsetCommitResponse.Builder does; the ids given are echoed.

type Req = Infer<typeof OffsetCommit.request>
type Res = InferInput<typeof OffsetCommit.response>

/** offset.metadata.max.bytes: Kafka's default limit on the metadata string stored with an offset. */
const MAX_METADATA_CHARS = 4096
const BY_TOPIC_ID_VERSION = 10

export const offsetCommitHandler = serve<Req>(OffsetCommit, '0-10', (ctx): Res => {
  const { body, cluster, version } = ctx
  const groups = cluster.groups
  // The topic each entry names: by id from v10, undefined when the cluster does not know the id.
  const names = body.topics.map(t => version >= BY_TOPIC_ID_VERSION ? cluster.topicById(t.topicId)?.name : t.name)
  const groupRefused = groupAuthError(ctx, AclOperation.READ, body.groupId)
  if (groupRefused !== ErrorCode.NONE) {
    return { throttleTimeMs: 0, topics: body.topics.map((t, i) => answer(t, names[i], t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: groupRefused })))) }
  }
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, names.filter(n => n !== undefined))
  // Checked before the coordinator: refused partitions go into the answer first, the rest to the coordinator.
  const { refused, passed } = refuseBeforeCoordinator(body.topics, names, readable, (name, p) => cluster.partition(name, p) !== undefined, version >= BY_TOPIC_ID_VERSION)
  if (passed.length === 0) return { throttleTimeMs: 0, topics: refused.topics }
  // The coordinator: the member's generation or epoch, then each offset's metadata size.
  const groupError = coordinatorError(ctx, body.groupId) ||
    (groups.fencedInstance(body.groupId, body.memberId, body.groupInstanceId) ? ErrorCode.FENCED_INSTANCE_ID : 0) ||
    (cluster.consumerGroups.has(body.groupId)
      ? consumerCommitError(version, cluster.consumerGroups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId))
      : groups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId))
  // Before v9 Kafka answers a generation for an unknown group with ILLEGAL_GENERATION, GROUP_ID_NOT_FOUND after.
  const memberError = version < 9 && groupError === ErrorCode.GROUP_ID_NOT_FOUND ? ErrorCode.ILLEGAL_GENERATION : groupError
  let committed = false
  for (const { topic, name, partitions } of passed) {
    refused.merge(answer(topic, name, partitions.map(p => {
      let errorCode: number = memberError
      if (errorCode === ErrorCode.NONE && (p.committedMetadata?.length ?? 0) > MAX_METADATA_CHARS) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
      if (errorCode === ErrorCode.NONE) {
        groups.commit(body.groupId, name, p.partitionIndex, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })
        committed = true
      }
      return { partitionIndex: p.partitionIndex, errorCode }
    })))
  }
  if (committed) groups.committedBatch()
  return { throttleTimeMs: 0, topics: refused.topics }
})

/**
 * Before v9 a client cannot understand the KIP-848 errors: Kafka answers them as the classic protocol's
 * ILLEGAL_GENERATION (OffsetCommitRequest.getErrorResponse for old versions).
 */
function consumerCommitError (version: number, code: number): number {
  if (version >= 9) return code
  return code === ErrorCode.STALE_MEMBER_EPOCH || code === ErrorCode.FENCED_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : code
}
