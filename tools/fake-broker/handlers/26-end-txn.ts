import { EndTxn } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { transactionalIdAuthError } from '../access-check.js'

// EndTxn (key 26), v0-4: commits or aborts a transaction. The coordinator writes a commit or abort marker into
// every partition of the transaction before answering, and on commit the offsets staged by TxnOffsetCommit become
// the group's committed offsets. v5 (transaction protocol v2, KIP-890 part 2: an epoch bump per transaction) is not
// served, and the fake does not advertise the transaction.version feature, so clients use protocol v1.

type Req = Infer<typeof EndTxn.request>
type Res = InferInput<typeof EndTxn.response>

export const endTxnHandler = serve<Req>(EndTxn, '0-4', (ctx): Res => {
  const { body } = ctx
  // WRITE on the transactional id (KafkaApis.handleEndTxnRequest).
  const errorCode = transactionalIdAuthError(ctx, body.transactionalId) || coordinatorError(ctx, body.transactionalId) ||
    ctx.cluster.transactions.endTxn(body.transactionalId, body.producerId, body.producerEpoch, body.committed, ctx.version)
  return { throttleTimeMs: 0, errorCode }
})
