import { AlterUserScramCredentials } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { clusterAuthorized } from '../access-check.js'

// AlterUserScramCredentials (key 51), v0: adds, replaces and deletes SCRAM credentials (KIP-554), one result per
// user. A credential added here authenticates the next SCRAM login of that user on a cluster started with `sasl`;
// a deleted one no longer does.

type Req = Infer<typeof AlterUserScramCredentials.request>
type Res = InferInput<typeof AlterUserScramCredentials.response>

export const alterUserScramCredentialsHandler = serve<Req>(AlterUserScramCredentials, '0', (ctx): Res => {
  // ALTER on the cluster (KafkaApis); refused, each user named once, sorted, carries the error.
  if (!clusterAuthorized(ctx, AclOperation.ALTER)) {
    const users = [...new Set([...ctx.body.deletions, ...ctx.body.upsertions].map(u => u.name))].sort()
    return { throttleTimeMs: 0, results: users.map(user => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' })) }
  }
  return { throttleTimeMs: 0, results: ctx.cluster.scram.alter(ctx.body.deletions, ctx.body.upsertions) }
})
