import { TxnOffsetCommit } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError, transactionalIdAuthError } from '../access-check.js'
import { answer, refuseBeforeCoordinator } from './topic-answers.js'

// TxnOffsetCommit (key 28), v0-6: a transactional producer stages a group's offsets with the group coordinator;
// they become the group's committed offsets when the transaction commits. Up to v4 the group must have been added
// with AddOffsetsToTxn; v5 (transaction protocol v2, KIP-890 part 2) adds it itself. v3+ carries the group
// generation and member (KIP-447): when given (generation >= 0), they are checked as OffsetCommit checks them, so a
// zombie that lost its partitions in a rebalance cannot commit. v6 names topics by id (KIP-1319): an id the cluster
// does not know is answered UNKNOWN_TOPIC_ID for its partitions, and the response echoes the ids.

//
// As Kafka 4.4's KafkaApis.handleTxnOffsetCommitRequest: WRITE on the transactional id, then READ on the group (each
// failing every partition); then each topic is checked before the coordinator sees it: an id the cluster does not
// know is UNKNOWN_TOPIC_ID, a topic without READ is TOPIC_AUTHORIZATION_FAILED, a topic or partition the cluster
// lacks is UNKNOWN_TOPIC_OR_PARTITION. Only the partitions that pass reach the coordinator (member, producer and
// transaction, metadata size); with none left it is not asked at all. The answer lists the refused partitions
// first and merges in the coordinator's per topic, as TxnOffsetCommitResponse.Builder does (compared with Kafka 4.4
// in test-interop/differential/txn-corpus.ts).

type Req = Infer<typeof TxnOffsetCommit.request>
type Res = InferInput<typeof TxnOffsetCommit.response>

const MAX_METADATA_CHARS = 4096
const BY_TOPIC_ID_VERSION = 6

export const txnOffsetCommitHandler = serve<Req>(TxnOffsetCommit, '0-6', (ctx): Res => {
  const { body, cluster, version } = ctx
  // The topic each entry names: by id from v6, undefined when the cluster does not know the id.
  const names = body.topics.map(t => version >= BY_TOPIC_ID_VERSION ? cluster.topicById(t.topicId)?.name : t.name)
  const refusedAll = transactionalIdAuthError(ctx, body.transactionalId) || groupAuthError(ctx, AclOperation.READ, body.groupId)
  if (refusedAll !== ErrorCode.NONE) {
    return { throttleTimeMs: 0, topics: body.topics.map((t, i) => answer(t, names[i], t.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: refusedAll })))) }
  }
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, names.filter(n => n !== undefined))
  const { refused, passed } = refuseBeforeCoordinator(body.topics, names, readable, (name, p) => cluster.partition(name, p) !== undefined, version >= BY_TOPIC_ID_VERSION)
  if (passed.length === 0) return { throttleTimeMs: 0, topics: refused.topics }
  const tooLarge = (m: string | null): boolean => (m?.length ?? 0) > MAX_METADATA_CHARS
  let errorCode = coordinatorError(ctx, body.groupId)
  if (errorCode === ErrorCode.NONE && version >= 3 && body.generationIdOrMemberEpoch >= 0) {
    errorCode = cluster.groups.commitError(body.groupId, body.generationIdOrMemberEpoch, body.memberId)
  }
  if (errorCode === ErrorCode.NONE) {
    const offsets = passed.flatMap(({ name, partitions }) => partitions.filter(p => !tooLarge(p.committedMetadata))
      .map(p => ({ topic: name, partition: p.partitionIndex, committed: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata } })))
    errorCode = cluster.transactions.stageOffsets(body.transactionalId, body.producerId, body.producerEpoch, body.groupId, offsets, version)
  }
  for (const { topic, name, partitions } of passed) {
    refused.merge(answer(topic, name, partitions.map(p => ({
      partitionIndex: p.partitionIndex,
      errorCode: errorCode !== ErrorCode.NONE ? errorCode : tooLarge(p.committedMetadata) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE
    }))))
  }
  return { throttleTimeMs: 0, topics: refused.topics }
})
