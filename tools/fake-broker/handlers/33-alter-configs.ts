import { AlterConfigs } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { alterResources } from '../configs/config-resource.js'
import { ConfigOperation } from '../configs/config-store.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { configAuthError } from '../access-check.js'

// AlterConfigs (key 33), v0-2: the given configs become the resource's whole set of dynamic configs (keys left
// out return to their defaults), for topics and brokers ("" = the cluster default). Each resource is checked and
// applied on its own; validateOnly checks without changing anything.

type Req = Infer<typeof AlterConfigs.request>
type Res = InferInput<typeof AlterConfigs.response>

export const alterConfigsHandler = serve<Req>(AlterConfigs, '0-2', (ctx): Res => ({
  throttleTimeMs: 0,
  responses: alterResources(ctx.cluster, topic => ctx.injectedError(topic), ctx.body.resources,
    r => r.configs.map(c => ({ name: c.name, op: ConfigOperation.SET, value: c.value })), true, ctx.body.validateOnly,
    (type, name) => configAuthError(ctx, AclOperation.ALTER_CONFIGS, type, name))
}))
