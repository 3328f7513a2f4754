import { DescribeConfigs } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { configTarget } from '../configs/config-resource.js'
import { serve } from '../handler.js'

// DescribeConfigs (key 32), v1-4 (every version Kafka 4.x defines; v0 is gone, KIP-896): each topic's configs
// with their effective values and sources, or this broker's own configs (resource name = its id; "" lists the
// cluster-wide dynamic defaults). Synonyms when asked (includeSynonyms), types and documentation from v3.
// Keys that do not exist are left out of the answer, as Kafka does.

type Req = Infer<typeof DescribeConfigs.request>
type Res = InferInput<typeof DescribeConfigs.response>

export const describeConfigsHandler = serve<Req>(DescribeConfigs, '1-4', (ctx): Res => {
  const { body, cluster, broker } = ctx
  const docs = ctx.version >= 3 && body.includeDocumentation
  return {
    throttleTimeMs: 0,
    results: body.resources.map(r => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName }
      const injected = ctx.injectedError(r.resourceType === 2 ? r.resourceName : undefined)
      if (injected !== ErrorCode.NONE) return { ...base, errorCode: injected, errorMessage: 'injected fault', configs: [] }
      const target = configTarget(cluster, r.resourceType, r.resourceName, broker.id)
      if (target.kind === 'error') return { ...base, ...target.result, configs: [] }
      const configs = target.kind === 'topic'
        ? cluster.configs.describeTopic(target.topic, broker.id, r.configurationKeys, body.includeSynonyms, docs)
        : cluster.configs.describeBroker(target.brokerId, r.configurationKeys, body.includeSynonyms, docs)
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs }
    })
  }
})
