import { ListGroups } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'

// ListGroups (key 16), v0-5: every group this broker coordinates. v4 adds each group's state and a state filter
// (KIP-518), v5 the group type ("classic" for every group here) and a type filter (KIP-848).

type Req = Infer<typeof ListGroups.request>
type Res = InferInput<typeof ListGroups.response>

export const listGroupsHandler = serve<Req>(ListGroups, '0-5', (ctx): Res => {
  const { body, cluster } = ctx
  const states = new Set(body.statesFilter.map(s => s.toLowerCase()))
  const types = new Set(body.typesFilter.map(s => s.toLowerCase()))
  const groups = cluster.groups.list()
    .filter(g => cluster.coordinatorFor(g.groupId)?.id === ctx.broker.id)
    .filter(g => states.size === 0 || states.has(g.groupState.toLowerCase()))
    .filter(() => types.size === 0 || types.has('classic'))
    .map(g => ({ ...g, groupType: 'classic' }))
  return { throttleTimeMs: 0, errorCode: ctx.injectedError(), groups }
})
