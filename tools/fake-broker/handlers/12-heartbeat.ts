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
  const { body, cluster } = ctx
  const error = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId)
  if (error !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: error }
  // A consumer group's classic members heartbeat to the consumer coordinator (Kafka 4's mixed groups).
  if (cluster.consumerGroups.has(body.groupId)) {
    return { throttleTimeMs: 0, errorCode: cluster.consumerGroups.classicHeartbeat(body.groupId, body.generationId, body.memberId, body.groupInstanceId) }
  }
  if (cluster.groups.fencedInstance(body.groupId, body.memberId, body.groupInstanceId)) return { throttleTimeMs: 0, errorCode: ErrorCode.FENCED_INSTANCE_ID }
  return { throttleTimeMs: 0, errorCode: cluster.groups.heartbeat(body.groupId, body.generationId, body.memberId) }
})
