import { Metadata } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { advertisedPort, ClusterState, type TopicState } from '../cluster-state.js'
import { serve, type RequestContext } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized, clusterAuthorized } from '../access-check.js'
import { authorizedOperationsIf, clusterAuthorizedOperations } from '../authorized-operations.js'
import type { MutationQuota } from '../quotas/controller-mutation-quota.js'
import { mutationQuota } from '../quotas/throttle.js'

// Metadata (key 3), v0-13: live brokers, topics, partitions with leaders, replicas and leader epochs.
// v0 asks for all topics with an empty list, v1+ with null. v4+ says whether the broker may auto-create the
// requested topics (always allowed before v4). v10+ may name topics by id (name null). Kafka 4.0 dropped v0-3
// (KIP-896), but kafka-python 2.0 still sends v0 while it probes the broker, so they are served.
// From v12 a non-zero topic id decides, whatever the name says, as in Kafka's KafkaApis: the Java AdminClient's
// describeTopics(TopicCollection.ofTopicIds(...)) sends the id with the name at its default, "" (the schema's Name
// has no null default), so looking the name up would answer INVALID_TOPIC_EXCEPTION for a topic that exists. When
// any id is given, Kafka serves the request by ids alone: entries without one are ignored, unknown ids answer
// UNKNOWN_TOPIC_ID with a null name.
// Authorized operations (v8+, KIP-430), when asked, as KafkaApis sets them: on every topic the caller may DESCRIBE,
// found or not (UNKNOWN_TOPIC_OR_PARTITION included), and on none of the refused ones nor unknown ids, which keep
// INT32_MIN; the cluster's (v8-10) is 0 without DESCRIBE on the cluster.
// Auto-creation counts against controller_mutation_rate (KIP-599): Kafka's broker forwards it to the controller as
// a CreateTopics of its own version (strict, v6+) in the asker's name (principal and client id), so the new
// partitions are charged to the asker's bucket, and while that bucket is empty the topic is refused and not
// created; the Metadata answer is then UNKNOWN_TOPIC_OR_PARTITION, unthrottled (the controller's throttle time
// goes back to the broker, not the client), and the next Metadata tries again. Checked against Kafka 4.4
// (test-interop/differential/auto-create-mutation-quota.test.ts).

type Req = Infer<typeof Metadata.request>
type Res = InferInput<typeof Metadata.response>
type TopicRes = NonNullable<Res['topics']>[number]

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** The broker's CreateTopics to the controller is strict whatever the Metadata version. */
const ALWAYS_STRICT = 0

export const metadataHandler = serve<Req>(Metadata, '0-13', (ctx): Res => {
  const { body, version, cluster } = ctx
  const all = body.topics === null || (version === 0 && body.topics.length === 0)
  const requested = body.topics ?? []
  // KafkaApis.handleTopicMetadataRequest: before v12 a topic needs its name and cannot be named by id; Kafka
  // throws InvalidRequestException, answered by MetadataRequest.getErrorResponse: every requested topic with
  // INVALID_REQUEST, a null name sent as "" (the response field is not nullable before v12).
  if (!all && version < 12 && body.topics!.some(req => req.name === null || (req.topicId !== undefined && req.topicId !== ZERO_UUID))) {
    return {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: cluster.clusterId,
      controllerId: -1,
      topics: body.topics!.map(req => ({ errorCode: ErrorCode.INVALID_REQUEST, name: req.name ?? '', topicId: req.topicId ?? ZERO_UUID, isInternal: false, partitions: [] }))
    }
  }
  // All topics: only those the caller may DESCRIBE are listed (KafkaApis.getTopicMetadata keeps the others secret).
  const topics: TopicRes[] = all
    ? [...cluster.topics.values()].filter(t => authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name)).map(t => describeTopic(ctx, t))
    : version >= 12 && requested.some(req => req.topicId !== ZERO_UUID)
      ? topicsById(ctx, requested.filter(req => req.topicId !== ZERO_UUID))
      : topicsByName(ctx, requested)
  const live = cluster.liveBrokers()
  return {
    throttleTimeMs: 0,
    brokers: live.map(b => ({ nodeId: b.id, host: b.host, port: advertisedPort(b, ctx.listener), rack: b.rack ?? null })),
    clusterId: cluster.clusterId,
    controllerId: live[0]?.id ?? -1,
    topics,
    clusterAuthorizedOperations: clusterAuthorizedOperations(version >= 8 && version <= 10 && body.includeClusterAuthorizedOperations, ctx)
  }
})

type TopicReq = NonNullable<Req['topics']>[number]

/** The topic's authorized operations when the request asks (v8+), else INT32_MIN. */
function topicOperations (ctx: RequestContext<Req>, name: string): number {
  return authorizedOperationsIf(ctx.version >= 8 && ctx.body.includeTopicAuthorizedOperations, ctx, ResourceType.TOPIC, name)
}

function topicsById (ctx: RequestContext<Req>, requested: TopicReq[]): TopicRes[] {
  return requested.map(req => {
    const topic = ctx.cluster.topicById(req.topicId)
    if (topic === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: req.topicId, partitions: [] }
    // Topic ids are not secret (KafkaApis): without DESCRIBE the id is answered, the name is not.
    if (!authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name)) return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: null, topicId: req.topicId, isInternal: false, partitions: [] }
    return describeTopic(ctx, topic)
  })
}

function topicsByName (ctx: RequestContext<Req>, requested: TopicReq[]): TopicRes[] {
  const { cluster, version, body } = ctx
  const allowAuto = version < 4 || body.allowAutoTopicCreation
  // Authorization as KafkaApis.handleTopicMetadataRequest: a topic the caller may not DESCRIBE is answered
  // TOPIC_AUTHORIZATION_FAILED whether it exists or not; one that would be auto-created needs CREATE on the
  // cluster or on the topic. Kafka lists these refusals after the topics it describes, those for CREATE first.
  const refusedCreate: TopicRes[] = []
  const refusedDescribe: TopicRes[] = []
  const refuse = (list: TopicRes[], name: string): void => { list.push({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [] }) }
  const mayCreate = (name: string): boolean => clusterAuthorized(ctx, AclOperation.CREATE) || authorized(ctx, AclOperation.CREATE, ResourceType.TOPIC, name)
  let quota: MutationQuota | undefined
  const charge = (partitions: number): boolean => (quota ??= mutationQuota(ctx, ALWAYS_STRICT)).record(partitions)
  const described = requested.flatMap((req): TopicRes[] => {
    if (req.name !== null && !authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, req.name)) { refuse(refusedDescribe, req.name); return [] }
    let topic = req.name !== null ? cluster.topics.get(req.name) : cluster.topicById(req.topicId)
    if (topic === undefined && req.name !== null && allowAuto && cluster.options.autoCreateTopics && !mayCreate(req.name)) { refuse(refusedCreate, req.name); return [] }
    if (topic === undefined && req.name !== null && allowAuto) topic = cluster.autoCreate(req.name, charge)
    if (topic !== undefined) return [describeTopic(ctx, topic)]
    const invalid = req.name !== null && ClusterState.topicNameError(req.name) !== ErrorCode.NONE
    return [{
      errorCode: req.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : invalid ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      name: req.name,
      topicId: req.topicId ?? ZERO_UUID,
      partitions: [],
      ...(req.name !== null ? { topicAuthorizedOperations: topicOperations(ctx, req.name) } : {})
    }]
  })
  return [...described, ...refusedCreate, ...refusedDescribe]
}

function describeTopic (ctx: RequestContext<Req>, t: TopicState): TopicRes {
  const injected = ctx.injectedError(t.name)
  const topicAuthorizedOperations = topicOperations(ctx, t.name)
  if (injected !== ErrorCode.NONE) return { errorCode: injected, name: t.name, topicId: t.id, partitions: [], topicAuthorizedOperations }
  const up = (id: number): boolean => ctx.cluster.broker(id)?.up === true
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: false,
    topicAuthorizedOperations,
    partitions: t.partitions.map(p => ({
      errorCode: ctx.injectedError(t.name, p.index) || (p.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE),
      partitionIndex: p.index,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter(r => !up(r))
    }))
  }
}
