import { TxnOffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError, transactionalIdAuthError } from '../access-check.js'

// TxnOffsetCommit (key 28), v0-6: a transactional producer stages a group's offsets with the group coordinator;
// they become the group's committed offsets when the transaction commits. Up to v4 the group must have been added
// with AddOffsetsToTxn; v5 (transaction protocol v2, KIP-890 part 2) adds it itself. v3+ carries the group
// generation and member (KIP-447): when given (generation >= 0), they are checked as OffsetCommit checks them, so a
// zombie that lost its partitions in a rebalance cannot commit. v6 names topics by id (KIP-1319): an id the cluster
// does not know is answered UNKNOWN_TOPIC_ID for its partitions, and the response echoes the ids.

type Req = Infer<typeof TxnOffsetCommit.request>
type Res = InferInput<typeof TxnOffsetCommit.response>

const MAX_METADATA_CHARS = 4096

export const txnOffsetCommitHandler = serve<Req>(TxnOffsetCommit, '0-6', (ctx): Res => {
  const { body, cluster } = ctx
  // The topic each entry names: by id from v6, undefined when the cluster does not know the id.
  const names = body.topics.map(t => ctx.version >= 6 ? cluster.topicById(t.topicId)?.name : t.name)
  // WRITE on the transactional id, READ on the group (each failing every partition), READ on each topic
  // (KafkaApis.handleTxnOffsetCommitRequest).
  let errorCode = transactionalIdAuthError(ctx, body.transactionalId) || groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId)
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, names.filter(n => n !== undefined))
  if (errorCode === ErrorCode.NONE && ctx.version >= 3 && body.generationIdOrMemberEpoch >= 0) {
    errorCode = cluster.groups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId)
  }
  const tooLarge = (m: string | null): boolean => (m?.length ?? 0) > MAX_METADATA_CHARS
  const partitionError = (name: string | undefined, p: Req['topics'][number]['partitions'][number]): number =>
    name === undefined
      ? ErrorCode.UNKNOWN_TOPIC_ID
      : !readable.has(name)
          ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
          : cluster.partition(name, p.partitionIndex) === undefined
            ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
            : tooLarge(p.committedMetadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE
  if (errorCode === ErrorCode.NONE) {
    const offsets = body.topics.flatMap((t, i) => {
      const topic = names[i]
      return topic === undefined
        ? []
        : t.partitions.filter(p => partitionError(topic, p) === ErrorCode.NONE)
          .map(p => ({ topic, partition: p.partitionIndex, committed: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata } }))
    })
    errorCode = cluster.transactions.stageOffsets(body.transactionalId, body.producerId, body.producerEpoch, body.groupId, offsets, ctx.version)
  }
  return {
    throttleTimeMs: 0,
    topics: body.topics.map((t, i) => ({
      name: names[i] ?? '',
      topicId: t.topicId,
      partitions: t.partitions.map(p => ({
        partitionIndex: p.partitionIndex,
        errorCode: errorCode !== ErrorCode.NONE ? errorCode : partitionError(names[i], p)
      }))
    }))
  }
})
