import { ConsumerGroupHeartbeat } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames, groupAuthError } from '../access-check.js'
import { coordinatorError } from './coordinator-check.js'
import { MAX_GROUP_SIZE } from '../consumer-group-coordinator.js'
import { upgradeClassicGroup } from '../group-migration.js'

// ConsumerGroupHeartbeat (key 68), v0-1: joins, heartbeats and leaves a group of the consumer protocol (KIP-848);
// the coordinator model is in ../consumer-group-coordinator.ts. v1 adds subscribedTopicRegex, and the member id
// is then made by the client (KIP-1082). A member joining a classic group that has members converts it to a
// consumer group (../group-migration.ts) when group.consumer.migration.policy allows; otherwise it is refused
// with GROUP_ID_NOT_FOUND, as Kafka does. Authorization as KafkaApis.handleConsumerGroupHeartbeat, before the
// coordinator is asked: READ on the group (GROUP_AUTHORIZATION_FAILED), then DESCRIBE on every subscribed topic
// name: a subscription naming one the member may not describe is refused whole with TOPIC_AUTHORIZATION_FAILED,
// so that a client learns nothing of topics it cannot see.

type Req = Infer<typeof ConsumerGroupHeartbeat.request>
type Res = InferInput<typeof ConsumerGroupHeartbeat.response>

export const consumerGroupHeartbeatHandler = serve<Req>(ConsumerGroupHeartbeat, '0-1', (ctx): Res => {
  const { body, cluster } = ctx
  const fail = (errorCode: number, errorMessage: string | null = null): Res =>
    ({ throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null })
  const refused = groupAuthError(ctx, AclOperation.READ, body.groupId)
  if (refused !== ErrorCode.NONE) return fail(refused)
  const names = body.subscribedTopicNames ?? []
  if (authorizedNames(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, names).size < new Set(names).size) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  const error = coordinatorError(ctx, body.groupId)
  if (error !== ErrorCode.NONE) return fail(error)
  if (!cluster.consumerGroups.has(body.groupId) && cluster.groups.hasMembers(body.groupId) &&
    (body.memberEpoch !== 0 || !upgradeClassicGroup(cluster, body.groupId, cluster.options.groupConsumerMigrationPolicy, MAX_GROUP_SIZE))) {
    return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${body.groupId} is not a consumer group.`)
  }
  const r = cluster.consumerGroups.heartbeat({
    groupId: body.groupId,
    memberId: body.memberId,
    memberEpoch: body.memberEpoch,
    instanceId: body.instanceId,
    rackId: body.rackId,
    rebalanceTimeoutMs: body.rebalanceTimeoutMs,
    subscribedTopicNames: body.subscribedTopicNames,
    subscribedTopicRegex: body.subscribedTopicRegex,
    serverAssignor: body.serverAssignor,
    topicPartitions: body.topicPartitions,
    clientId: ctx.header.clientId ?? '',
    clientHost: ctx.clientHost,
    version: ctx.version
  })
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    memberId: r.memberId,
    memberEpoch: r.memberEpoch,
    heartbeatIntervalMs: r.heartbeatIntervalMs,
    assignment: r.assignment === null ? null : { topicPartitions: r.assignment }
  }
})
