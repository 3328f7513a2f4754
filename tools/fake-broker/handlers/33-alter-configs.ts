import { AlterConfigs } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { configTarget, duplicateResources } from '../configs/config-resource.js'
import { ConfigOperation } from '../configs/config-store.js'
import { serve } from '../handler.js'

// AlterConfigs (key 33), v0-2: the given configs become the resource's whole set of dynamic configs (keys left
// out return to their defaults), for topics and brokers ("" = the cluster default). Each resource is checked and
// applied on its own; validateOnly checks without changing anything.

type Req = Infer<typeof AlterConfigs.request>
type Res = InferInput<typeof AlterConfigs.response>

export const alterConfigsHandler = serve<Req>(AlterConfigs, '0-2', (ctx): Res => {
  const { body, cluster } = ctx
  const duplicates = duplicateResources(body.resources)
  return {
    throttleTimeMs: 0,
    responses: body.resources.map((r, i) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName }
      const injected = ctx.injectedError(r.resourceType === 2 ? r.resourceName : undefined)
      if (injected !== 0) return { ...base, errorCode: injected, errorMessage: 'injected fault' }
      if (duplicates.has(i)) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate resource in request' }
      const target = configTarget(cluster, r.resourceType, r.resourceName)
      if (target.kind === 'error') return { ...base, ...target.result }
      const changes = r.configs.map(c => ({ name: c.name, op: ConfigOperation.SET, value: c.value }))
      const result = target.kind === 'topic'
        ? cluster.configs.alterTopic(target.topic, changes, true, body.validateOnly)
        : cluster.configs.alterBroker(target.brokerId, changes, true, body.validateOnly)
      return { ...base, ...result }
    })
  }
})
