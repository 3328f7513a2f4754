import { DescribeGroups } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'
import { authorizedOperationsIf } from '../authorized-operations.js'

// DescribeGroups (key 15), v0-6: state, protocol and members of groups. Member metadata and assignments are
// only filled in once the group is Stable. A group that does not exist is reported as "Dead"; v6 reports it
// with GROUP_ID_NOT_FOUND instead (KIP-1043). v3+ may ask for the caller's authorized operations on each group
// (KIP-430): KafkaApis sets them on the groups answered without an error (a Dead group before v6 included) and
// leaves INT32_MIN on the others.

type Req = Infer<typeof DescribeGroups.request>
type Res = InferInput<typeof DescribeGroups.response>

export const describeGroupsHandler = serve<Req>(DescribeGroups, '0-6', (ctx): Res => {
  // DESCRIBE on each group (KafkaApis.handleDescribeGroupsRequest). Kafka answers the refused groups first and the
  // others after the coordinator has (checked against Kafka 4.4).
  const refused = ctx.body.groups.filter(groupId => groupAuthError(ctx, AclOperation.DESCRIBE, groupId) !== ErrorCode.NONE)
  return {
    throttleTimeMs: 0,
    groups: [
      ...refused.map(groupId => failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED)),
      ...ctx.body.groups.filter(groupId => !refused.includes(groupId)).map(groupId => {
        const errorCode = coordinatorError(ctx, groupId)
        if (errorCode !== ErrorCode.NONE) return failed(groupId, errorCode)
        const g = ctx.cluster.groups.describe(groupId)
        if (ctx.version >= 6 && g.groupState === 'Dead') {
          return { ...g, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` }
        }
        return { ...g, authorizedOperations: authorizedOperationsIf(ctx.version >= 3 && ctx.body.includeAuthorizedOperations, ctx, ResourceType.GROUP, groupId) }
      })
    ]
  }
})

function failed (groupId: string, errorCode: number): NonNullable<Res['groups']>[number] {
  return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }
}
