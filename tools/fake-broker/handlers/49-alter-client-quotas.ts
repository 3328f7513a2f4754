import { AlterClientQuotas } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'

// AlterClientQuotas (key 49), v0-1: sets and removes quota values per entity (KIP-546), one result per distinct
// entity, with Kafka's validation (../quotas/quota-store.ts); `validateOnly` checks and changes nothing. A
// producer_byte_rate or consumer_byte_rate set here throttles the next Produce or Fetch of the clients it covers.

type Req = Infer<typeof AlterClientQuotas.request>
type Res = InferInput<typeof AlterClientQuotas.response>

export const alterClientQuotasHandler = serve<Req>(AlterClientQuotas, '0-1', (ctx): Res => ({
  throttleTimeMs: 0,
  entries: ctx.cluster.quotas.store.alter(ctx.body.entries, ctx.body.validateOnly)
}))
