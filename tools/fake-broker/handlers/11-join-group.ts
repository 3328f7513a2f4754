import { JoinGroup } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import { CONSUMER_PROTOCOL_TYPE } from '../../../protocol/group/consumer-protocol.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { groupAuthError } from '../access-check.js'

// JoinGroup (key 11), v0-9: the first half of a rebalance (see ../group-coordinator.ts). v1 adds
// rebalanceTimeoutMs (v0 uses the session timeout for both, KIP-62). v4 makes new members join twice: first
// with an empty id to get MEMBER_ID_REQUIRED and their id, then with it (KIP-394). v5 adds static membership
// (groupInstanceId, KIP-345). v7 returns the protocol type, and the protocol name may be null. v8 adds a reason.
// v9 adds skipAssignment: a static leader rejoining a stable group must not assign again (KIP-814).

type Req = Infer<typeof JoinGroup.request>
type Res = InferInput<typeof JoinGroup.response>

export const joinGroupHandler = serve<Req>(JoinGroup, '0-9', async (ctx): Promise<Res> => {
  const { body, version } = ctx
  const nameOrEmpty = (s: string | null): string | null => version >= 7 ? s : (s ?? '')
  // READ on the group first (KafkaApis.handleJoinGroupRequest).
  const error = groupAuthError(ctx, AclOperation.READ, body.groupId) || coordinatorError(ctx, body.groupId) ||
    (ctx.cluster.groups.sessionTimeoutValid(body.sessionTimeoutMs) ? ErrorCode.NONE : ErrorCode.INVALID_SESSION_TIMEOUT)
  if (error !== ErrorCode.NONE) {
    return { throttleTimeMs: 0, errorCode: error, generationId: -1, protocolType: null, protocolName: nameOrEmpty(null), leader: '', memberId: body.memberId, members: [] }
  }
  // A consumer-protocol group (KIP-848) with members takes classic members too (Kafka 4): the coordinator assigns,
  // so the member is a follower with nobody to assign for. An empty consumer group gives way to a classic one.
  const consumerGroups = ctx.cluster.consumerGroups
  if (consumerGroups.hasMembers(body.groupId)) {
    const c = consumerGroups.classicJoin({
      groupId: body.groupId,
      memberId: body.memberId,
      groupInstanceId: body.groupInstanceId,
      sessionTimeoutMs: body.sessionTimeoutMs,
      rebalanceTimeoutMs: version >= 1 ? body.rebalanceTimeoutMs : body.sessionTimeoutMs,
      protocolType: body.protocolType,
      protocols: body.protocols.map(p => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      clientId: ctx.header.clientId ?? '',
      clientHost: ctx.clientHost,
      requireKnownMemberId: version >= 4 && body.groupInstanceId === null
    })
    const joined = c.errorCode === ErrorCode.NONE
    return {
      throttleTimeMs: 0, errorCode: c.errorCode, generationId: c.generationId, protocolType: joined ? CONSUMER_PROTOCOL_TYPE : null,
      protocolName: nameOrEmpty(c.protocolName), leader: '', skipAssignment: false, memberId: c.memberId, members: []
    }
  }
  if (consumerGroups.has(body.groupId)) consumerGroups.deleteGroup(body.groupId)
  const r = await ctx.cluster.groups.join({
    groupId: body.groupId,
    memberId: body.memberId,
    groupInstanceId: body.groupInstanceId,
    sessionTimeoutMs: body.sessionTimeoutMs,
    rebalanceTimeoutMs: version >= 1 ? body.rebalanceTimeoutMs : body.sessionTimeoutMs,
    protocolType: body.protocolType,
    protocols: body.protocols.map(p => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    clientId: ctx.header.clientId ?? '',
    clientHost: ctx.clientHost,
    requireKnownMemberId: version >= 4
  })
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: nameOrEmpty(r.protocolName),
    leader: r.leader,
    skipAssignment: r.skipAssignment ?? false,
    memberId: r.memberId,
    members: r.members
  }
})
