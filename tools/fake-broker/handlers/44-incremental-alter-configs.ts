import { IncrementalAlterConfigs } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { configTarget, duplicateResources } from '../configs/config-resource.js'
import { serve } from '../handler.js'

// IncrementalAlterConfigs (key 44), v0-1: per-key SET, DELETE, APPEND and SUBTRACT (KIP-339) on topics and
// brokers ("" = the cluster default). APPEND/SUBTRACT work on list configs (cleanup.policy) only. Each resource
// is checked and applied on its own, all of its changes or none; validateOnly checks without changing anything.

type Req = Infer<typeof IncrementalAlterConfigs.request>
type Res = InferInput<typeof IncrementalAlterConfigs.response>

export const incrementalAlterConfigsHandler = serve<Req>(IncrementalAlterConfigs, '0-1', (ctx): Res => {
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
      const changes = r.configs.map(c => ({ name: c.name, op: c.configOperation, value: c.value }))
      const result = target.kind === 'topic'
        ? cluster.configs.alterTopic(target.topic, changes, false, body.validateOnly)
        : cluster.configs.alterBroker(target.brokerId, changes, false, body.validateOnly)
      return { ...base, ...result }
    })
  }
})
