import { ListGroups } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, clusterAuthorized } from '../access-check.js'

// ListGroups (key 16), v0-5: every group this broker coordinates. v4 adds each group's state and a state filter
// (KIP-518), v5 the group type ("classic", or "consumer" for KIP-848 groups) and a type filter (KIP-848).

type Req = Infer<typeof ListGroups.request>
type Res = InferInput<typeof ListGroups.response>

export const listGroupsHandler = serve<Req>(ListGroups, '0-5', (ctx): Res => {
  const { body, cluster } = ctx
  const states = new Set(body.statesFilter.map(s => s.toLowerCase()))
  const types = new Set(body.typesFilter.map(s => s.toLowerCase()))
  // Consumer-protocol groups (KIP-848) are listed with type "consumer"; the classic store may hold an entry of
  // the same id only for their committed offsets, which is not listed twice.
  const consumer = cluster.consumerGroups.list().map(g => ({ groupId: g.groupId, protocolType: 'consumer', groupState: g.groupState as string, groupType: 'consumer' }))
  const ids = new Set(consumer.map(g => g.groupId))
  const classic = cluster.groups.list().filter(g => !ids.has(g.groupId)).map(g => ({ ...g, groupState: g.groupState as string, groupType: 'classic' }))
  const describeAll = clusterAuthorized(ctx, AclOperation.DESCRIBE)
  const groups = [...classic, ...consumer]
    .filter(g => cluster.coordinatorFor(g.groupId)?.id === ctx.broker.id)
    .filter(g => states.size === 0 || states.has(g.groupState.toLowerCase()))
    .filter(g => types.size === 0 || types.has(g.groupType))
    // DESCRIBE on the cluster lists every group; without it, those the caller may DESCRIBE (KafkaApis).
    .filter(g => describeAll || authorized(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId))
  return { throttleTimeMs: 0, errorCode: ctx.injectedError(), groups }
})
