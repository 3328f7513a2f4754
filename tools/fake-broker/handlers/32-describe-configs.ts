import { DescribeConfigs } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ConfigSource } from '../configs/config-def.js'
import { configTarget } from '../configs/config-resource.js'
import { serve } from '../handler.js'
import { AclOperation } from '../../../protocol/acl-codes.js'
import { configAuthError } from '../access-check.js'

// DescribeConfigs (key 32), v0-4 (every version Kafka 4.x defines, and v0, which Kafka 4.0 removed (KIP-896) but
// Sarama 1.2x's ClusterAdmin still sends): each topic's configs
// with their effective values and sources, or this broker's own configs (resource name = its id; "" lists the
// cluster-wide dynamic defaults). Synonyms when asked (includeSynonyms), types and documentation from v3.
// Keys that do not exist are left out of the answer, as Kafka does. v0 says only whether each value is a default
// (isDefault), as Kafka 2.x answered it; Kafka 3.x left isDefault false for every config, a regression that old
// clients filtering on it (Sarama's ListTopics) read as "every config is set".

type Req = Infer<typeof DescribeConfigs.request>
type Res = InferInput<typeof DescribeConfigs.response>

export const describeConfigsHandler = serve<Req>(DescribeConfigs, '0-4', (ctx): Res => {
  const { body, cluster, broker } = ctx
  const docs = ctx.version >= 3 && body.includeDocumentation
  return {
    throttleTimeMs: 0,
    results: body.resources.map(r => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName }
      const injected = ctx.injectedError(r.resourceType === 2 ? r.resourceName : undefined)
      if (injected !== ErrorCode.NONE) return { ...base, errorCode: injected, errorMessage: 'injected fault', configs: [] }
      const refused = configAuthError(ctx, AclOperation.DESCRIBE_CONFIGS, r.resourceType, r.resourceName)
      if (refused !== ErrorCode.NONE) return { ...base, errorCode: refused, errorMessage: null, configs: [] }
      const target = configTarget(cluster, r.resourceType, r.resourceName, broker.id)
      if (target.kind === 'error') return { ...base, ...target.result, configs: [] }
      const configs = target.kind === 'topic'
        ? cluster.configs.describeTopic(target.topic, broker.id, r.configurationKeys, body.includeSynonyms, docs)
        : cluster.configs.describeBroker(target.brokerId, r.configurationKeys, body.includeSynonyms, docs)
      if (ctx.version > 0) return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs }
      // v0: Kafka 3.9 (the last to serve it) answers a success with the message "" (the field's default there).
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: '', configs: configs.map(c => ({ ...c, isDefault: c.configSource === ConfigSource.DEFAULT_CONFIG })) }
    })
  }
})
