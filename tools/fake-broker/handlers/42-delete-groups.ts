import { DeleteGroups } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import type { ClusterState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'

// DeleteGroups (key 42), v0-3: each group must be asked of its coordinator (NOT_COORDINATOR otherwise); a group
// with members is not deleted (NON_EMPTY_GROUP), an unknown one is GROUP_ID_NOT_FOUND (KIP-229). v2 is flexible,
// v3 adds an error message per group.

type Req = Infer<typeof DeleteGroups.request>
type Res = InferInput<typeof DeleteGroups.response>

export const deleteGroupsHandler = serve<Req>(DeleteGroups, '0-3', (ctx): Res => ({
  throttleTimeMs: 0,
  results: ctx.body.groupsNames.map(groupId => {
    // DELETE on each group (KafkaApis.handleDeleteGroupsRequest).
    const errorCode = groupAuthError(ctx, AclOperation.DELETE, groupId) || coordinatorError(ctx, groupId) || deleteGroup(ctx.cluster, groupId)
    return { groupId, errorCode, errorMessage: null }
  })
}))

/** A consumer-protocol group (KIP-848) goes when empty, with its committed offsets, which the classic store keeps. */
function deleteGroup (cluster: ClusterState, groupId: string): number {
  if (!cluster.consumerGroups.has(groupId)) return cluster.groups.deleteGroup(groupId)
  const errorCode = cluster.consumerGroups.deleteGroup(groupId)
  if (errorCode === ErrorCode.NONE) cluster.groups.deleteGroup(groupId)
  return errorCode
}
