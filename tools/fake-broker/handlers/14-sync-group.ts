import { SyncGroup } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'

// SyncGroup (key 14), v0-5: the second half of a rebalance. The leader sends every member's assignment; each
// member's request is answered with its own once the leader's has arrived. v3 adds groupInstanceId (KIP-345),
// v5 the protocol type and name, checked against the group's.

type Req = Infer<typeof SyncGroup.request>
type Res = InferInput<typeof SyncGroup.response>

export const syncGroupHandler = serve<Req>(SyncGroup, '0-5', async (ctx): Promise<Res> => {
  const { body } = ctx
  const consumerGroups = ctx.cluster.consumerGroups
  const mixed = consumerGroups.has(body.groupId)
  const error = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId) ||
    (!mixed && ctx.cluster.groups.fencedInstance(body.groupId, body.memberId, body.groupInstanceId) ? ErrorCode.FENCED_INSTANCE_ID : ErrorCode.NONE)
  if (error !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: error, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
  if (mixed) {
    // A classic member of a consumer group (Kafka 4): its assignment comes from the server-side assignor.
    const r = consumerGroups.classicSync(body)
    const synced = r.errorCode === ErrorCode.NONE
    return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: synced ? body.protocolType : null, protocolName: synced ? body.protocolName : null, assignment: r.assignment }
  }
  const r = await ctx.cluster.groups.sync({
    groupId: body.groupId,
    generationId: body.generationId,
    memberId: body.memberId,
    protocolType: body.protocolType,
    protocolName: body.protocolName,
    // Copied: the request frame's buffer is not kept alive by a stored assignment.
    assignments: body.assignments.map(a => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) }))
  })
  return { throttleTimeMs: 0, ...r }
})
