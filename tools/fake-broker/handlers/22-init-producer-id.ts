import { InitProducerId } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, authorizedOnSome, clusterAuthorized } from '../access-check.js'

// InitProducerId (key 22), v0-5: a producer id and epoch for an idempotent producer (KIP-98). From v3 a producer
// may pass its current id and epoch to have the epoch bumped instead of getting a new id (KIP-360). With a
// transactional id the request goes to that id's transaction coordinator (../transaction-coordinator.ts), which
// bumps the epoch on every call, fencing older instances, and aborts a transaction they left open. v4+ answers
// PRODUCER_FENCED where older versions get INVALID_PRODUCER_EPOCH (KIP-588). v6 (two-phase commit, KIP-939) is not
// served.

type Req = Infer<typeof InitProducerId.request>
type Res = InferInput<typeof InitProducerId.response>

const MAX_EPOCH = 0x7fff

export const initProducerIdHandler = serve<Req>(InitProducerId, '0-5', (ctx): Res => {
  const { body } = ctx
  const errorCode = ctx.injectedError()
  if (errorCode !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }
  // KafkaApis.handleInitProducerIdRequest: WRITE on the transactional id; an idempotent producer needs
  // IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
  const refused = body.transactionalId !== null
    ? (authorized(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, body.transactionalId) ? 0 : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    : (clusterAuthorized(ctx, AclOperation.IDEMPOTENT_WRITE) || authorizedOnSome(ctx, AclOperation.WRITE, ResourceType.TOPIC) ? 0 : ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  if (refused !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: refused, producerId: -1n, producerEpoch: -1 }
  if (body.transactionalId !== null) {
    const notHere = coordinatorError(ctx, body.transactionalId)
    if (notHere !== 0) return { throttleTimeMs: 0, errorCode: notHere, producerId: -1n, producerEpoch: -1 }
    return { throttleTimeMs: 0, ...ctx.cluster.transactions.initProducerId(body.transactionalId, body.transactionTimeoutMs, body.producerId, body.producerEpoch, ctx.version) }
  }
  if (body.producerId >= 0n && body.producerEpoch >= 0 && body.producerEpoch < MAX_EPOCH - 1) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: body.producerId, producerEpoch: body.producerEpoch + 1 }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.cluster.allocateProducerId(), producerEpoch: 0 }
})
