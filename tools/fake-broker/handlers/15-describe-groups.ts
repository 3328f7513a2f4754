import { DescribeGroups } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'
import { authorizedOperationsIf } from '../authorized-operations.js'

// DescribeGroups (key 15), v0-6: state, protocol and members of classic groups. Member metadata and assignments
// are only filled in once the group is Stable. Kafka 4 looks the group up as a classic group
// (GroupMetadataManager.describeGroups): one that does not exist, and a consumer-protocol group (KIP-848, with
// classic members or not, empty or not), fail that lookup and are reported as "Dead", with no error before v6;
// v6 answers GROUP_ID_NOT_FOUND with the lookup's message instead (KIP-1043): "Group X not found." or "Group X is
// not a classic group." (checked against Kafka 4.4). v3+ may ask for the caller's authorized operations on each
// group (KIP-430): KafkaApis sets them on the groups answered without an error (a Dead group before v6 included)
// and leaves INT32_MIN on the others.

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
        const consumerGroup = ctx.cluster.consumerGroups.has(groupId)
        const g = consumerGroup ? dead(groupId) : ctx.cluster.groups.describe(groupId)
        if (ctx.version >= 6 && g.groupState === DEAD) {
          const errorMessage = consumerGroup ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`
          return { ...g, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage }
        }
        return { ...g, authorizedOperations: authorizedOperationsIf(ctx.version >= 3 && ctx.body.includeAuthorizedOperations, ctx, ResourceType.GROUP, groupId) }
      })
    ]
  }
})

const DEAD = 'Dead'

/** What the classic lookup answers for a group it does not have. */
function dead (groupId: string): NonNullable<Res['groups']>[number] {
  return { errorCode: ErrorCode.NONE, groupId, groupState: DEAD, protocolType: '', protocolData: '', members: [] }
}

function failed (groupId: string, errorCode: number): NonNullable<Res['groups']>[number] {
  return { errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }
}
