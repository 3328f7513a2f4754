import { DeleteAcls } from '../../../protocol/apis/index.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { clusterAuthorized } from '../access-check.js'
import { serve } from '../handler.js'
import { rejectUnknownCodes } from './acl-codes-check.js'

// DeleteAcls (key 31), v1-3 (Kafka 4.x): per filter, the ACLs it removed (AclApis.handleDeleteAcls,
// AclControlManager.deleteAcls). Filters are applied in order, so an ACL matched by two filters is reported by the
// first. Needs ALTER on the cluster: otherwise, and without an authorizer (SECURITY_DISABLED), every filter gets
// the same error.

type Req = Infer<typeof DeleteAcls.request>
type Res = InferInput<typeof DeleteAcls.response>

export const deleteAclsHandler = serve<Req>(DeleteAcls, '1-3', (ctx): Res => {
  const { body, cluster } = ctx
  rejectUnknownCodes('Filters', body.filters.flatMap(f => [f.resourceTypeFilter, f.patternTypeFilter, f.operation, f.permissionType]))
  const all = (errorCode: number, errorMessage: string): Res => ({ throttleTimeMs: 0, filterResults: body.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) })
  if (!clusterAuthorized(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
  if (cluster.authorizer === undefined) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.')
  return {
    throttleTimeMs: 0,
    filterResults: body.filters.map(f => {
      const r = cluster.acls.delete({
        resourceType: f.resourceTypeFilter,
        resourceName: f.resourceNameFilter,
        patternType: f.patternTypeFilter,
        principal: f.principalFilter,
        host: f.hostFilter,
        operation: f.operation,
        permissionType: f.permissionType
      })
      return {
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        matchingAcls: r.deleted.map(a => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...a }))
      }
    })
  }
})
