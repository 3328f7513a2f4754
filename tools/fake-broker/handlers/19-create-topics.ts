import { randomUUID } from 'node:crypto'
import { CreateTopics } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { ConfigSource } from '../configs/config-def.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, clusterAuthorized } from '../access-check.js'
import { mutationQuota, mutationThrottle } from '../quotas/throttle.js'

// CreateTopics (key 19), v0-7: creates topics. numPartitions and replicationFactor may be -1 for the broker's
// defaults (v4+, KIP-464); a replica assignment fixes the partition count. Configs are checked against Kafka's
// topic config table (unknown names and bad values are INVALID_CONFIG) and kept as the topic's overrides
// (configs/config-store.ts); message.timestamp.type (CreateTime or LogAppendTime) also sets the log's type. v1 adds validateOnly and error messages, v5 returns the
// partition count, replication factor and configs, v7 the topic id.
//
// Limits are checked before anything is allocated, in the order and with the errors of Kafka 4.x's controller
// (ReplicationControlManager.createTopics): more than 10,000 partitions in one request fails every topic of it
// with POLICY_VIOLATION; then per topic, a replication factor of 0 or below -1 is INVALID_REPLICATION_FACTOR, a
// partition count of 0 or below -1 INVALID_PARTITIONS, and a replication factor above the broker count
// INVALID_REPLICATION_FACTOR. Kafka has no cluster-wide cap; the fake has one (maxPartitions, answered with
// POLICY_VIOLATION as a CreateTopicPolicy would), so that no sequence of requests can make it allocate without end.
// The controller mutation quota (controller_mutation_rate, quotas/controller-mutation-quota.ts) is taken per topic
// once it has passed every other check, validateOnly or not, as Kafka's controller takes it; strict from v6. A
// refused topic has no message: Kafka's ApiError drops one that only repeats the error's own text.

type Req = Infer<typeof CreateTopics.request>
type Res = InferInput<typeof CreateTopics.response>

/** Kafka's ReplicationControlManager.MAX_PARTITIONS_PER_BATCH. */
export const MAX_PARTITIONS_PER_REQUEST = 10_000
/** The first CreateTopics version that may be refused THROTTLING_QUOTA_EXCEEDED (KIP-599). */
const CREATE_TOPICS_STRICT_QUOTA_VERSION = 6

export const createTopicsHandler = serve<Req>(CreateTopics, '0-7', (ctx): Res => {
  const { body, cluster } = ctx
  const counts = new Map<string, number>()
  for (const t of body.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
  const brokers = cluster.brokers.length
  // validateTotalNumberOfPartitions: counted as Kafka counts them (defaults for -1, assignments when given,
  // nothing for invalid counts), before any topic is looked at.
  let requested = 0
  for (const t of body.topics) {
    requested += t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? cluster.options.defaultPartitions : Math.max(0, t.numPartitions)
  }
  if (requested > MAX_PARTITIONS_PER_REQUEST) {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map(t => ({ name: t.name, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: 'Excessively large number of partitions per request.', numPartitions: -1, replicationFactor: -1, configs: null }))
    }
  }
  let created = 0
  const quota = mutationQuota(ctx, CREATE_TOPICS_STRICT_QUOTA_VERSION)
  // CREATE on the cluster, or else on each topic (KafkaApis.handleCreateTopicsRequest).
  const creatable = clusterAuthorized(ctx, AclOperation.CREATE)
    ? new Set(counts.keys())
    : authorizedNames(ctx, AclOperation.CREATE, ResourceType.TOPIC, counts.keys())
  const topics = inKafkaOrder(counts, body.topics).map(t => {
    const fail = (errorCode: number, errorMessage: string | null) => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: [] })
    const injected = ctx.injectedError(t.name)
    if (injected !== ErrorCode.NONE) return fail(injected, 'injected fault')
    if (counts.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, `topic ${t.name} appears more than once`)
    if (!creatable.has(t.name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.')
    if (ClusterState.topicNameError(t.name) !== ErrorCode.NONE) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic name ${t.name}`)
    if (cluster.topics.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`)
    if (t.assignments.length === 0 && (t.replicationFactor < -1 || t.replicationFactor === 0)) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
    }
    if (t.assignments.length === 0 && (t.numPartitions < -1 || t.numPartitions === 0)) {
      return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
    }
    const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? cluster.options.defaultPartitions : t.numPartitions
    const replication = t.assignments.length > 0 ? t.assignments[0].brokerIds.length : t.replicationFactor === -1 ? cluster.defaultReplicationFactor() : t.replicationFactor
    if (replication < 1) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'A replica assignment must name at least one broker.')
    if (replication > brokers) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replication} time(s): The target replication factor of ${replication} cannot be reached because only ${brokers} broker(s) are registered or some brokers have all their log directories cordoned.`)
    }
    const room = cluster.options.maxPartitions - cluster.partitionCount - created
    if (partitions > room) {
      return fail(ErrorCode.POLICY_VIOLATION, `The fake broker holds at most ${cluster.options.maxPartitions} partitions (maxPartitions); ${partitions} more would exceed it.`)
    }
    for (const a of t.assignments) {
      if (a.brokerIds.length !== replication || new Set(a.brokerIds).size !== a.brokerIds.length || a.brokerIds.some(id => cluster.broker(id) === undefined) || a.partitionIndex < 0 || a.partitionIndex >= partitions) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment for partition ${a.partitionIndex}: ${JSON.stringify(a.brokerIds)}`)
      }
    }
    const invalid = cluster.configs.validateTopicConfigs(t.configs)
    if (invalid.errorCode !== ErrorCode.NONE) return fail(invalid.errorCode, invalid.errorMessage ?? '')
    if (!quota.record(partitions)) return fail(ErrorCode.THROTTLING_QUOTA_EXCEEDED, null)
    created += partitions
    const tsConfig = t.configs.find(c => c.name === 'message.timestamp.type')?.value?.trim() ??
      cluster.configs.topicValue(t.name, 'message.timestamp.type', ctx.broker.id)
    const timestampType = tsConfig === 'LogAppendTime' ? 'logAppend' : 'create'
    // Kafka's controller picks the topic id before it knows whether it only validates, and answers with it.
    let topicId: string = randomUUID()
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
  return { throttleTimeMs: mutationThrottle(ctx, quota), topics }
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
