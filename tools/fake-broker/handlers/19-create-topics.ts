import { randomUUID } from 'node:crypto'
import { CreateTopics } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { serve } from '../handler.js'

// CreateTopics (key 19), v0-7: creates topics. numPartitions and replicationFactor may be -1 for the broker's
// defaults (v4+, KIP-464); a replica assignment fixes the partition count. The one topic config honoured is
// message.timestamp.type (CreateTime or LogAppendTime). v1 adds validateOnly and error messages, v5 returns the
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
    topics: inKafkaOrder(counts, body.topics).map(t => {
      const fail = (errorCode: number, errorMessage: string) => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] })
      const injected = ctx.injectedError(t.name)
      if (injected !== 0) return fail(injected, 'injected fault')
      if (counts.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `topic ${t.name} appears more than once`)
      if (ClusterState.topicNameError(t.name) !== 0) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name ${t.name}`)
      if (cluster.topics.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? cluster.options.defaultPartitions : t.numPartitions
      if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.')
      const replication = t.replicationFactor === -1 ? 1 : t.replicationFactor
      if (replication < 1 || replication > brokers) {
        return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replication} larger than available brokers: ${brokers}.`)
      }
      const tsConfig = t.configs.find(c => c.name === 'message.timestamp.type')?.value
      if (tsConfig != null && tsConfig !== 'CreateTime' && tsConfig !== 'LogAppendTime') {
        return fail(ErrorCode.INVALID_CONFIG, `Invalid value ${tsConfig} for configuration message.timestamp.type`)
      }
      const timestampType = tsConfig === 'LogAppendTime' ? 'logAppend' : 'create'
      // Kafka's controller picks the topic id before it knows whether it only validates, and answers with it.
      const topicId = body.validateOnly ? randomUUID() : cluster.createTopic(t.name, partitions, timestampType).id
      return {
        name: t.name,
        topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: partitions,
        replicationFactor: replication,
        configs: [{ name: 'message.timestamp.type', value: timestampType === 'logAppend' ? 'LogAppendTime' : 'CreateTime', readOnly: false, configSource: 5, isSensitive: false }]
      }
    })
  }
})

/**
 * The topics in the order Kafka answers them (ControllerApis.createTopics): each name given once, in request order,
 * then each name given more than once, once, to be answered INVALID_REQUEST.
 */
function inKafkaOrder<T extends { name: string }> (counts: ReadonlyMap<string, number>, topics: readonly T[]): T[] {
  const once = topics.filter(t => counts.get(t.name) === 1)
  const repeated = [...new Map(topics.filter(t => counts.get(t.name)! > 1).map(t => [t.name, t])).values()]
  return [...once, ...repeated]
}
