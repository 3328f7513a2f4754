import { EndTxn } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { transactionalIdAuthError } from '../access-check.js'

// EndTxn (key 26), v0-5: commits or aborts a transaction. The coordinator writes a commit or abort marker into
// every partition of the transaction before answering, and on commit the offsets staged by TxnOffsetCommit become
// the group's committed offsets. v5 is transaction protocol v2 (KIP-890 part 2): the coordinator bumps the epoch as
// it ends the transaction and answers the producer id and epoch for the next one.

type Req = Infer<typeof EndTxn.request>
type Res = InferInput<typeof EndTxn.response>

export const endTxnHandler = serve<Req>(EndTxn, '0-5', (ctx): Res => {
  const { body } = ctx
  // WRITE on the transactional id (KafkaApis.handleEndTxnRequest).
  const notHere = transactionalIdAuthError(ctx, body.transactionalId) || coordinatorError(ctx, body.transactionalId)
  if (notHere !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notHere, producerId: -1n, producerEpoch: -1 }
  return { throttleTimeMs: 0, ...ctx.cluster.transactions.endTxn(body.transactionalId, body.producerId, body.producerEpoch, body.committed, ctx.version) }
})
