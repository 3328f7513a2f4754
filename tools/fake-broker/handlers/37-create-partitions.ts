import { CreatePartitions } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'
import { mutationQuota, mutationThrottle } from '../quotas/throttle.js'

// CreatePartitions (key 37), v0-3: raises a topic's partition count (KIP-195), with the checks Kafka's controller
// makes (ReplicationControlManager.createPartitions) in its order: the topic exists, the count grows, the manual
// assignment has one entry per new partition, names registered brokers, and keeps the topic's replica count. The
// new partitions are taken from the controller mutation quota (KIP-599) between the assignment's size check and
// its broker checks, as Kafka's controller does; strict from v3. The cluster's partition cap (maxPartitions)
// bounds the new partitions as it bounds CreateTopics' (POLICY_VIOLATION, as a policy would): Kafka has no such
// cap, but without it one request could make the fake allocate without end.

/** The first CreatePartitions version that may be refused THROTTLING_QUOTA_EXCEEDED (KIP-599). */
const CREATE_PARTITIONS_STRICT_QUOTA_VERSION = 3

type Req = Infer<typeof CreatePartitions.request>
type Res = InferInput<typeof CreatePartitions.response>

export const createPartitionsHandler = serve<Req>(CreatePartitions, '0-3', (ctx): Res => {
  const { body, cluster } = ctx
  const counts = new Map<string, number>()
  for (const t of body.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
  const quota = mutationQuota(ctx, CREATE_PARTITIONS_STRICT_QUOTA_VERSION)
  const results = body.topics.map(t => {
    const fail = (errorCode: number, errorMessage: string | null) => ({ name: t.name, errorCode, errorMessage })
    const injected = ctx.injectedError(t.name)
    if (injected !== ErrorCode.NONE) return fail(injected, 'injected fault')
    if (counts.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic name.')
    // ALTER on the topic, before whether it exists; Kafka 4.4's controller (ControllerApis) answers it without a
    // message (checked against a real broker).
    if (!authorized(ctx, AclOperation.ALTER, ResourceType.TOPIC, t.name)) return { name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }
    const topic = cluster.topics.get(t.name)
    if (topic === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`)
    const current = topic.partitions.length
    if (t.count < current) return fail(ErrorCode.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`)
    if (t.count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
    if (t.count - current > cluster.options.maxPartitions - cluster.partitionCount) {
      return fail(ErrorCode.POLICY_VIOLATION, `The fake broker holds at most ${cluster.options.maxPartitions} partitions (maxPartitions); ${t.count - current} more would exceed it.`)
    }
    const assignments = t.assignments?.map(a => a.brokerIds)
    const added = t.count - current
    if (assignments !== undefined && assignments.length !== added) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${added} additional partition(s), but only ${assignments.length} assignment(s) were specified.`)
    }
    if (!quota.record(added)) return fail(ErrorCode.THROTTLING_QUOTA_EXCEEDED, null)
    if (assignments !== undefined) {
      const replicationFactor = topic.partitions[0].replicas.length
      for (const ids of assignments) {
        const unknown = ids.find(id => cluster.broker(id) === undefined)
        if (unknown !== undefined) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`)
        if (new Set(ids).size !== ids.length) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${ids.find((id, i) => ids.indexOf(id) !== i)} more than once.`)
        if (ids.length !== replicationFactor) {
          return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes a partition with ${ids.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`)
        }
      }
    }
    if (!body.validateOnly) cluster.addPartitions(t.name, t.count, assignments)
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null }
  })
  return { throttleTimeMs: mutationThrottle(ctx, quota), results }
})
