import { AlterClientQuotas } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import { clusterAuthError } from '../access-check.js'

// AlterClientQuotas (key 49), v0-1: sets and removes quota values per entity (KIP-546), one result per distinct
// entity, with Kafka's validation (../quotas/quota-store.ts); `validateOnly` checks and changes nothing. A
// producer_byte_rate or consumer_byte_rate set here throttles the next Produce or Fetch of the clients it covers.
// Needs ALTER_CONFIGS on the cluster (ControllerApis.handleAlterClientQuotas): otherwise every entry asked, its
// entity echoed, answers CLUSTER_AUTHORIZATION_FAILED with the error's default message
// (AlterClientQuotasRequest.getErrorResponse), and nothing changes.

type Req = Infer<typeof AlterClientQuotas.request>
type Res = InferInput<typeof AlterClientQuotas.response>

export const alterClientQuotasHandler = serve<Req>(AlterClientQuotas, '0-1', (ctx): Res => {
  const refused = clusterAuthError(ctx, AclOperation.ALTER_CONFIGS)
  if (refused !== ErrorCode.NONE) {
    const errorMessage = errorInfo(refused).message
    return { throttleTimeMs: 0, entries: ctx.body.entries.map(e => ({ errorCode: refused, errorMessage, entity: e.entity.map(({ entityType, entityName }) => ({ entityType, entityName })) })) }
  }
  return { throttleTimeMs: 0, entries: ctx.cluster.quotas.store.alter(ctx.body.entries, ctx.body.validateOnly) }
})
