import { FindCoordinator } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { advertisedPort } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, groupAuthError } from '../access-check.js'

// FindCoordinator (key 10), v0-6: which broker coordinates a consumer group (keyType 0) or a transactional id
// (keyType 1). v4 batches several keys in one request (KIP-699). The coordinator is a stable hash of the key over
// the live brokers, as Kafka hashes the group id over __consumer_offsets partitions.

type Req = Infer<typeof FindCoordinator.request>
type Res = InferInput<typeof FindCoordinator.response>

const TRANSACTION_KEY = 1

export const findCoordinatorHandler = serve<Req>(FindCoordinator, '0-6', (ctx): Res => {
  const { body, version } = ctx
  const keys = version >= 4 ? body.coordinatorKeys : [body.key]
  const found = keys.map(key => {
    // DESCRIBE on the group or transactional id (KafkaApis.getCoordinator).
    const refused = body.keyType === TRANSACTION_KEY
      ? (authorized(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key) ? 0 : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      : groupAuthError(ctx, AclOperation.DESCRIBE, key)
    if (refused !== ErrorCode.NONE) return { key, nodeId: -1, host: '', port: -1, errorCode: refused, errorMessage: null }
    const injected = ctx.injectedError()
    const b = ctx.cluster.coordinatorFor(key)
    if (injected !== ErrorCode.NONE || b === undefined) {
      return { key, nodeId: -1, host: '', port: -1, errorCode: injected || ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null }
    }
    return { key, nodeId: b.id, host: b.host, port: advertisedPort(b, ctx.listener), errorCode: ErrorCode.NONE, errorMessage: null }
  })
  if (version >= 4) return { throttleTimeMs: 0, coordinators: found }
  const one = found[0]
  return { throttleTimeMs: 0, errorCode: one.errorCode, errorMessage: null, nodeId: one.nodeId, host: one.host, port: one.port }
})
