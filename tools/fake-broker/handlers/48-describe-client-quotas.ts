import { DescribeClientQuotas } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { clusterAuthError } from '../access-check.js'

// DescribeClientQuotas (key 48), v0-1: the quota entities matching the filter and their values (KIP-546), from
// the cluster's quota store (../quotas/quota-store.ts). A bad filter (an empty or repeated entity type, a match
// string where the match type takes none, ip combined with user or client-id) answers INVALID_REQUEST at the top
// level with no entries, an unknown entity type UNSUPPORTED_VERSION, both with Kafka's messages. Needs
// DESCRIBE_CONFIGS on the cluster (KafkaApis.handleDescribeClientQuotasRequest): otherwise CLUSTER_AUTHORIZATION_FAILED
// at the top level with null entries and no message: Kafka 4.4 sends none there (seen by
// test-interop/real-kafka/acls.test.ts), though AlterClientQuotas' refusal carries the error's default message.

type Req = Infer<typeof DescribeClientQuotas.request>
type Res = InferInput<typeof DescribeClientQuotas.response>

export const describeClientQuotasHandler = serve<Req>(DescribeClientQuotas, '0-1', (ctx): Res => {
  const refused = clusterAuthError(ctx, AclOperation.DESCRIBE_CONFIGS)
  if (refused !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: refused, errorMessage: null, entries: null }
  return { throttleTimeMs: 0, ...ctx.cluster.quotas.store.describe(ctx.body.components, ctx.body.strict) }
})
