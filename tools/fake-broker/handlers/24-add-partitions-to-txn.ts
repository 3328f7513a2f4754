import { AddPartitionsToTxn } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type RequestContext } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, clusterAuthorized, transactionalIdAuthError } from '../access-check.js'

// AddPartitionsToTxn (key 24), v0-5: adds partitions to a producer's open transaction (starting it), so EndTxn
// knows where to write markers. v0-3 carry one transaction (the client's form); v4+ carry a batch of them, each
// either added or, with verifyOnly, only checked (the form brokers send the coordinator, KIP-890 part 1), and a
// top-level error code. Errors are per partition; all partitions of a transaction are added or none are.

type Req = Infer<typeof AddPartitionsToTxn.request>
type Res = InferInput<typeof AddPartitionsToTxn.response>
type TopicResult = NonNullable<Res['resultsByTopicV3AndBelow']>[number]

export const addPartitionsToTxnHandler = serve<Req>(AddPartitionsToTxn, '0-5', (ctx): Res => {
  const { body, version } = ctx
  // v4+ is the brokers' own verification call (KIP-890): it needs CLUSTER_ACTION (KafkaApis).
  if (version >= 4 && !clusterAuthorized(ctx, AclOperation.CLUSTER_ACTION)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] }
  if (version <= 3) {
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: one(ctx, body.v3AndBelowTransactionalId, body.v3AndBelowProducerId, body.v3AndBelowProducerEpoch, false, body.v3AndBelowTopics) }
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    resultsByTransaction: body.transactions.map(t => ({
      transactionalId: t.transactionalId,
      topicResults: one(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.verifyOnly, t.topics)
    }))
  }
})

function one (ctx: RequestContext<Req>, transactionalId: string, producerId: bigint, producerEpoch: number, verifyOnly: boolean, topics: Array<{ name: string, partitions: number[] }>): TopicResult[] {
  // Clients (v0-3): WRITE on the transactional id fails every partition; without WRITE on a topic its partitions are
  // TOPIC_AUTHORIZATION_FAILED and the others OPERATION_NOT_ATTEMPTED (KafkaApis.handleAddPartitionsToTxnRequest).
  const refused = ctx.version <= 3 ? transactionalIdAuthError(ctx, transactionalId) : 0
  const writable = ctx.version <= 3 ? authorizedNames(ctx, AclOperation.WRITE, ResourceType.TOPIC, topics.map(t => t.name)) : new Set(topics.map(t => t.name))
  if (refused !== ErrorCode.NONE || topics.some(t => !writable.has(t.name))) {
    return topics.map(t => ({
      name: t.name,
      resultsByPartition: t.partitions.map(partitionIndex => ({
        partitionIndex,
        partitionErrorCode: refused !== ErrorCode.NONE ? refused : writable.has(t.name) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.TOPIC_AUTHORIZATION_FAILED
      }))
    }))
  }
  const notHere = coordinatorError(ctx, transactionalId)
  const txns = ctx.cluster.transactions
  const results = notHere !== 0
    ? topics.map(t => ({ name: t.name, results: t.partitions.map(partition => ({ partition, errorCode: notHere })) }))
    : verifyOnly
      ? txns.verifyPartitions(transactionalId, producerId, producerEpoch, topics)
      : txns.addPartitions(transactionalId, producerId, producerEpoch, topics, ctx.version)
  return results.map(t => ({ name: t.name, resultsByPartition: t.results.map(r => ({ partitionIndex: r.partition, partitionErrorCode: r.errorCode })) }))
}
