import { DeleteTopics } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'
import { mutationQuota, mutationThrottle } from '../quotas/throttle.js'

// DeleteTopics (key 20), v0-6: deletes topics with their logs and committed offsets. v6 names topics by name or
// by id (KIP-516); before it, by name only. v5 adds error messages. Each topic deleted takes its partition count
// from the controller mutation quota (KIP-599), strict from v5 (quotas/controller-mutation-quota.ts).

/** The first DeleteTopics version that may be refused THROTTLING_QUOTA_EXCEEDED (KIP-599). */
const DELETE_TOPICS_STRICT_QUOTA_VERSION = 5

type Req = Infer<typeof DeleteTopics.request>
type Res = InferInput<typeof DeleteTopics.response>

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

export const deleteTopicsHandler = serve<Req>(DeleteTopics, '0-6', (ctx): Res => {
  const { body, version, cluster } = ctx
  const wanted = version >= 6 ? body.topics : body.topicNames.map(name => ({ name, topicId: ZERO_UUID }))
  const quota = mutationQuota(ctx, DELETE_TOPICS_STRICT_QUOTA_VERSION)
  const responses = wanted.map(w => {
    const topic = w.name !== null ? cluster.topics.get(w.name) : cluster.topicById(w.topicId)
    // KafkaApis.handleDeleteTopicsRequest: a topic named by id without DESCRIBE keeps its name secret; DELETE is
    // checked before whether a named topic exists.
    const name = w.name ?? topic?.name
    if (name !== undefined && w.name === null && !authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name)) {
      return { name: null, topicId: w.topicId, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }
    }
    if (name !== undefined && !authorized(ctx, AclOperation.DELETE, ResourceType.TOPIC, name)) {
      return { name, topicId: w.topicId, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }
    }
    const injected = ctx.injectedError(topic?.name ?? w.name ?? undefined)
    if (injected !== ErrorCode.NONE) return { name: w.name, topicId: w.topicId, errorCode: injected, errorMessage: 'injected fault' }
    if (topic === undefined) {
      const errorCode = w.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      return { name: w.name, topicId: w.topicId, errorCode, errorMessage: 'This server does not host this topic.' }
    }
    if (!quota.record(topic.partitions.length)) return { name: w.name, topicId: w.topicId, errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: null }
    cluster.deleteTopic(topic.name)
    return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null }
  })
  return { throttleTimeMs: mutationThrottle(ctx, quota), responses }
})
