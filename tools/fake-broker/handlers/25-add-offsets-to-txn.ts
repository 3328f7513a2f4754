import { AddOffsetsToTxn } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError, transactionalIdAuthError } from '../access-check.js'

// AddOffsetsToTxn (key 25), v0-4: adds a consumer group to a producer's transaction, so that offsets it then sends
// with TxnOffsetCommit are committed (or dropped) with the transaction. v2+ answers PRODUCER_FENCED to an older
// epoch (KIP-588), earlier versions INVALID_PRODUCER_EPOCH.

type Req = Infer<typeof AddOffsetsToTxn.request>
type Res = InferInput<typeof AddOffsetsToTxn.response>

export const addOffsetsToTxnHandler = serve<Req>(AddOffsetsToTxn, '0-4', (ctx): Res => {
  const { body } = ctx
  // WRITE on the transactional id, then READ on the group (KafkaApis.handleAddOffsetsToTxnRequest).
  const errorCode = transactionalIdAuthError(ctx, body.transactionalId) || groupAuthError(ctx, AclOperation.READ, body.groupId) ||
    coordinatorError(ctx, body.transactionalId) ||
    ctx.cluster.transactions.addOffsets(body.transactionalId, body.producerId, body.producerEpoch, body.groupId, ctx.version)
  return { throttleTimeMs: 0, errorCode }
})
