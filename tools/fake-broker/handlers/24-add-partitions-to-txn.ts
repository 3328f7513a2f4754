import { AddPartitionsToTxn } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type RequestContext } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'

// AddPartitionsToTxn (key 24), v0-5: adds partitions to a producer's open transaction (starting it), so EndTxn
// knows where to write markers. v0-3 carry one transaction (the client's form); v4+ carry a batch of them, each
// either added or, with verifyOnly, only checked (the form brokers send the coordinator, KIP-890 part 1), and a
// top-level error code. Errors are per partition; all partitions of a transaction are added or none are.

type Req = Infer<typeof AddPartitionsToTxn.request>
type Res = InferInput<typeof AddPartitionsToTxn.response>
type TopicResult = NonNullable<Res['resultsByTopicV3AndBelow']>[number]

export const addPartitionsToTxnHandler = serve<Req>(AddPartitionsToTxn, '0-5', (ctx): Res => {
  const { body, version } = ctx
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
  const notHere = coordinatorError(ctx, transactionalId)
  const txns = ctx.cluster.transactions
  const results = notHere !== 0
    ? topics.map(t => ({ name: t.name, results: t.partitions.map(partition => ({ partition, errorCode: notHere })) }))
    : verifyOnly
      ? txns.verifyPartitions(transactionalId, producerId, producerEpoch, topics)
      : txns.addPartitions(transactionalId, producerId, producerEpoch, topics, ctx.version)
  return results.map(t => ({ name: t.name, resultsByPartition: t.results.map(r => ({ partitionIndex: r.partition, partitionErrorCode: r.errorCode })) }))
}
