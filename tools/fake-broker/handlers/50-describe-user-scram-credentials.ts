import { DescribeUserScramCredentials } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { clusterAuthorized } from '../access-check.js'

// DescribeUserScramCredentials (key 50), v0: each user's SCRAM mechanisms and iteration counts (KIP-554), for the
// users the cluster started with and those added at run time; null or an empty list describes every user.

type Req = Infer<typeof DescribeUserScramCredentials.request>
type Res = InferInput<typeof DescribeUserScramCredentials.response>

export const describeUserScramCredentialsHandler = serve<Req>(DescribeUserScramCredentials, '0', (ctx): Res => {
  // DESCRIBE on the cluster (KafkaApis); the refusal is repeated for each user asked about, with no name.
  if (!clusterAuthorized(ctx, AclOperation.DESCRIBE)) {
    const refused = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' }
    return { throttleTimeMs: 0, ...refused, results: (ctx.body.users ?? []).map(() => ({ user: '', ...refused, credentialInfos: [] })) }
  }
  const users = ctx.body.users === null || ctx.body.users.length === 0 ? null : ctx.body.users.map(u => u.name)
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results: ctx.cluster.scram.describe(users) }
})
