import { CreateAcls } from '../../../protocol/apis/index.js'
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { clusterAuthorized } from '../access-check.js'
import { serve } from '../handler.js'
import { rejectUnknownCodes } from './acl-codes-check.js'

// CreateAcls (key 30), v1-3 (Kafka 4.x): one result per creation, in order (AclApis.handleCreateAcls; the
// validation is in acl-store.ts). Needs ALTER on the cluster: otherwise, and without an authorizer
// (SECURITY_DISABLED), every creation gets the same error.

type Req = Infer<typeof CreateAcls.request>
type Res = InferInput<typeof CreateAcls.response>

export const createAclsHandler = serve<Req>(CreateAcls, '1-3', (ctx): Res => {
  const { body, cluster } = ctx
  rejectUnknownCodes('CreatableAcls', body.creations.flatMap(c => [c.resourceType, c.resourcePatternType, c.operation, c.permissionType]))
  const all = (errorCode: number, errorMessage: string | null): Res => ({ throttleTimeMs: 0, results: body.creations.map(() => ({ errorCode, errorMessage })) })
  if (!clusterAuthorized(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.')
  if (cluster.authorizer === undefined) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.')
  // The controller turns every creation into an AclBinding before looking at any: ResourcePattern refuses the ANY
  // resource type and the ANY and MATCH pattern types, AccessControlEntry the ANY operation and permission type
  // (IllegalArgumentException), which fails the whole request as an unexpected error (checked against Kafka 4.4).
  if (body.creations.some(notABinding)) return all(ErrorCode.UNKNOWN_SERVER_ERROR, null)
  return {
    throttleTimeMs: 0,
    results: body.creations.map(c => cluster.acls.create({
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: c.resourcePatternType,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType
    }))
  }
})

function notABinding (c: Req['creations'][number]): boolean {
  return c.resourceType === ResourceType.ANY || c.resourcePatternType === PatternType.ANY || c.resourcePatternType === PatternType.MATCH ||
    c.operation === AclOperation.ANY || c.permissionType === AclPermissionType.ANY
}
