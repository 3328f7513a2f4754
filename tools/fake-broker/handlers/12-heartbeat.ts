import { Heartbeat } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'

// Heartbeat (key 12), v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin (KIP-62).
// v3 adds groupInstanceId (KIP-345), v4 is the first flexible version.

type Req = Infer<typeof Heartbeat.request>
type Res = InferInput<typeof Heartbeat.response>

export const heartbeatHandler = serve<Req>(Heartbeat, '0-4', (ctx): Res => {
  const { body } = ctx
  const error = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId) ||
    (ctx.cluster.groups.fencedInstance(body.groupId, body.memberId, body.groupInstanceId) ? ErrorCode.FENCED_INSTANCE_ID : 0)
  return { throttleTimeMs: 0, errorCode: error !== 0 ? error : ctx.cluster.groups.heartbeat(body.groupId, body.generationId, body.memberId) }
})
