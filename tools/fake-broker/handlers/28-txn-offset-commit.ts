import { TxnOffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError, transactionalIdAuthError } from '../access-check.js'

// TxnOffsetCommit (key 28), v0-5: a transactional producer stages a group's offsets with the group coordinator;
// they become the group's committed offsets when the transaction commits. Up to v4 the group must have been added
// with AddOffsetsToTxn; v5 (transaction protocol v2, KIP-890 part 2) adds it itself. v3+ carries the group
// generation and member (KIP-447): when given (generation >= 0), they are checked as OffsetCommit checks them, so a
// zombie that lost its partitions in a rebalance cannot commit. v6 (topic ids, KIP-1319) is not served.

type Req = Infer<typeof TxnOffsetCommit.request>
type Res = InferInput<typeof TxnOffsetCommit.response>

const MAX_METADATA_CHARS = 4096

export const txnOffsetCommitHandler = serve<Req>(TxnOffsetCommit, '0-5', (ctx): Res => {
  const { body, cluster } = ctx
  // WRITE on the transactional id, READ on the group (each failing every partition), READ on each topic
  // (KafkaApis.handleTxnOffsetCommitRequest).
  let errorCode = transactionalIdAuthError(ctx, body.transactionalId) || groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId)
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, body.topics.map(t => t.name))
  if (errorCode === ErrorCode.NONE && ctx.version >= 3 && body.generationIdOrMemberEpoch >= 0) {
    errorCode = cluster.groups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId)
  }
  const unknown = (topic: string, p: number): boolean => cluster.partition(topic, p) === undefined
  const tooLarge = (m: string | null): boolean => (m?.length ?? 0) > MAX_METADATA_CHARS
  if (errorCode === ErrorCode.NONE) {
    const offsets = body.topics.flatMap(t => t.partitions
      .filter(p => readable.has(t.name) && !unknown(t.name, p.partitionIndex) && !tooLarge(p.committedMetadata))
      .map(p => ({ topic: t.name, partition: p.partitionIndex, committed: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata } })))
    errorCode = cluster.transactions.stageOffsets(body.transactionalId, body.producerId, body.producerEpoch, body.groupId, offsets, ctx.version)
  }
  return {
    throttleTimeMs: 0,
    topics: body.topics.map(t => ({
      name: t.name,
      partitions: t.partitions.map(p => ({
        partitionIndex: p.partitionIndex,
        errorCode: errorCode !== ErrorCode.NONE
          ? errorCode
          : !readable.has(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : unknown(t.name, p.partitionIndex) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : tooLarge(p.committedMetadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE
      }))
    }))
  }
})
