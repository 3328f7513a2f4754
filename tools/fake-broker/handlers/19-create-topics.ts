import { CreateTopics } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { ConfigSource } from '../configs/config-def.js'
import { serve } from '../handler.js'

// CreateTopics (key 19), v0-7: creates topics. numPartitions and replicationFactor may be -1 for the broker's
// defaults (v4+, KIP-464); a replica assignment fixes the partition count. Configs are checked against Kafka's
// topic config table (unknown names and bad values are INVALID_CONFIG) and kept as the topic's overrides
// (configs/config-store.ts); message.timestamp.type (CreateTime or LogAppendTime) also sets the log's type. v1 adds validateOnly and error messages, v5 returns the
// partition count, replication factor and configs, v7 the topic id.

type Req = Infer<typeof CreateTopics.request>
type Res = InferInput<typeof CreateTopics.response>

export const createTopicsHandler = serve<Req>(CreateTopics, '0-7', (ctx): Res => {
  const { body, cluster } = ctx
  const counts = new Map<string, number>()
  for (const t of body.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
  const brokers = cluster.brokers.length
  return {
    throttleTimeMs: 0,
    topics: body.topics.map(t => {
      const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null })
      const injected = ctx.injectedError(t.name)
      if (injected !== 0) return fail(injected, 'injected fault')
      if (counts.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `topic ${t.name} appears more than once`)
      if (ClusterState.topicNameError(t.name) !== 0) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name ${t.name}`)
      if (cluster.topics.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? cluster.options.defaultPartitions : t.numPartitions
      if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
      const replication = t.assignments.length > 0 ? t.assignments[0].brokerIds.length : t.replicationFactor === -1 ? cluster.defaultReplicationFactor() : t.replicationFactor
      if (replication < 1 || replication > brokers) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replication} larger than available brokers: ${brokers}.`)
      }
      for (const a of t.assignments) {
        if (a.brokerIds.length !== replication || new Set(a.brokerIds).size !== a.brokerIds.length || a.brokerIds.some(id => cluster.broker(id) === undefined) || a.partitionIndex < 0 || a.partitionIndex >= partitions) {
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment for partition ${a.partitionIndex}: ${JSON.stringify(a.brokerIds)}`)
        }
      }
      const invalid = cluster.configs.validateTopicConfigs(t.configs)
      if (invalid.errorCode !== ErrorCode.NONE) return fail(invalid.errorCode, invalid.errorMessage ?? '')
      const tsConfig = t.configs.find(c => c.name === 'message.timestamp.type')?.value?.trim() ??
        cluster.configs.topicValue(t.name, 'message.timestamp.type', ctx.broker.id)
      const timestampType = tsConfig === 'LogAppendTime' ? 'logAppend' : 'create'
      let topicId = '00000000-0000-0000-0000-000000000000'
      if (!body.validateOnly) {
        const assignments = t.assignments.length > 0 ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex).map(a => a.brokerIds) : undefined
        topicId = cluster.createTopic(t.name, partitions, timestampType, { replicationFactor: replication, assignments }).id
        cluster.configs.setTopicConfigs(t.name, t.configs)
      }
      // KIP-525: the topic's configs as DescribeConfigs would list them; a dry run shows the given ones as overrides.
      const given = new Map(t.configs.map(c => [c.name, c.value]))
      const configs = cluster.configs.describeTopic(t.name, ctx.broker.id, null, false, false).map(c => given.has(c.name) && body.validateOnly
        ? { name: c.name, value: given.get(c.name) ?? null, readOnly: false, configSource: ConfigSource.DYNAMIC_TOPIC_CONFIG, isSensitive: false }
        : { name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive })
      return {
        name: t.name,
        topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: partitions,
        replicationFactor: replication,
        configs
      }
    })
  }
})
