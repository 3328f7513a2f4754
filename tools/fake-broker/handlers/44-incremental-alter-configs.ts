import { IncrementalAlterConfigs } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { alterResources } from '../configs/config-resource.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { configAuthError } from '../access-check.js'

// IncrementalAlterConfigs (key 44), v0-1: per-key SET, DELETE, APPEND and SUBTRACT (KIP-339) on topics and
// brokers ("" = the cluster default). APPEND/SUBTRACT work on list configs (cleanup.policy) only. Each resource
// is checked and applied on its own, all of its changes or none; validateOnly checks without changing anything.

type Req = Infer<typeof IncrementalAlterConfigs.request>
type Res = InferInput<typeof IncrementalAlterConfigs.response>

export const incrementalAlterConfigsHandler = serve<Req>(IncrementalAlterConfigs, '0-1', (ctx): Res => ({
  throttleTimeMs: 0,
  responses: alterResources(ctx.cluster, topic => ctx.injectedError(topic), ctx.body.resources,
    r => r.configs.map(c => ({ name: c.name, op: c.configOperation, value: c.value })), false, ctx.body.validateOnly,
    (type, name) => configAuthError(ctx, AclOperation.ALTER_CONFIGS, type, name))
}))
