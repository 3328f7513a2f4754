import { ErrorCode } from '../../../protocol/error-codes.js'
import { LeaveGroup } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'

// LeaveGroup (key 13), v0-5: a member leaves at once instead of letting its session time out, which starts a
// rebalance for the others. v3 takes a list of members, by id or by static instance id (KIP-345), with a
// result per member; v5 adds a reason.

type Req = Infer<typeof LeaveGroup.request>
type Res = InferInput<typeof LeaveGroup.response>

export const leaveGroupHandler = serve<Req>(LeaveGroup, '0-5', (ctx): Res => {
  const { body, version } = ctx
  const identities = version >= 3
    ? body.members.map(m => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
    : [{ memberId: body.memberId, groupInstanceId: null }]
  const error = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId)
  if (error !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: error, members: [] }
  // A consumer group's classic members leave through the consumer coordinator (Kafka 4's mixed groups).
  const members = ctx.cluster.consumerGroups.has(body.groupId)
    ? ctx.cluster.consumerGroups.classicLeave(body.groupId, identities)
    : ctx.cluster.groups.leave(body.groupId, identities)
  // Before v3 the one member's result is the request's.
  return { throttleTimeMs: 0, errorCode: version >= 3 ? 0 : members[0].errorCode, members }
})
