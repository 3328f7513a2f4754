import { DescribeAcls } from '../../../protocol/apis/index.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { clusterAuthorized } from '../access-check.js'
import type { AclBinding } from '../acl-store.js'
import { serve } from '../handler.js'
import { rejectUnknownCodes } from './acl-codes-check.js'

// DescribeAcls (key 29), v1-3 (Kafka 4.x; v0 is gone, KIP-896): the ACLs one filter selects, grouped by resource
// pattern (AclApis.handleDescribeAcls). Needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED); without
// an authorizer the answer is SECURITY_DISABLED, as from a broker without authorizer.class.name.

type Req = Infer<typeof DescribeAcls.request>
type Res = InferInput<typeof DescribeAcls.response>

export const describeAclsHandler = serve<Req>(DescribeAcls, '1-3', (ctx): Res => {
  const { body, cluster } = ctx
  rejectUnknownCodes('DescribeAclsRequest', [body.resourceTypeFilter, body.patternTypeFilter, body.operation, body.permissionType])
  const refused = (errorCode: number, errorMessage: string): Res => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] })
  if (!clusterAuthorized(ctx, AclOperation.DESCRIBE)) return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
  if (cluster.authorizer === undefined) return refused(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker')
  const acls = cluster.acls.describe({
    resourceType: body.resourceTypeFilter,
    resourceName: body.resourceNameFilter,
    patternType: body.patternTypeFilter,
    principal: body.principalFilter,
    host: body.hostFilter,
    operation: body.operation,
    permissionType: body.permissionType
  })
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: byResource(acls) }
})

/** Kafka's DescribeAclsResponse.aclsResources: one entry per resource pattern with its ACLs. */
function byResource (acls: readonly AclBinding[]): Res['resources'] {
  const out = new Map<string, NonNullable<Res['resources']>[number] & { acls: unknown[] }>()
  for (const a of acls) {
    const key = `${a.resourceType}\u0000${a.patternType}\u0000${a.resourceName}`
    let r = out.get(key)
    if (r === undefined) out.set(key, r = { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType, acls: [] })
    r.acls.push({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType })
  }
  return [...out.values()]
}
