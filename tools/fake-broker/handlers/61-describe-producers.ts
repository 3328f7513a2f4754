import { DescribeProducers } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { serve, type RequestContext } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'

// DescribeProducers (key 61), v0: each partition's active idempotent and transactional producers (KIP-664), as
// the partition log keeps them (../partition-log.ts activeProducers): id, epoch, last sequence and timestamp, the
// coordinator epoch of its last marker and the start offset of its open transaction. Errors as Kafka's
// KafkaApis.handleDescribeProducersRequest answers them: an invalid topic name INVALID_TOPIC_EXCEPTION and an
// unknown topic UNKNOWN_TOPIC_OR_PARTITION for every partition asked (with the error's message), a partition the
// topic lacks UNKNOWN_TOPIC_OR_PARTITION and one this broker holds no replica of NOT_LEADER_OR_FOLLOWER (without
// one). A follower answers as the leader does: every replica keeps the producers' state. A valid name the caller
// may not READ answers TOPIC_AUTHORIZATION_FAILED for every partition asked, before the topic is looked up.

type Req = Infer<typeof DescribeProducers.request>
type Res = InferInput<typeof DescribeProducers.response>
type PartitionRes = NonNullable<NonNullable<Res['topics']>[number]['partitions']>[number]

export const describeProducersHandler = serve<Req>(DescribeProducers, '0', (ctx): Res => ({
  throttleTimeMs: 0,
  topics: ctx.body.topics.map(t => {
    const topicError = topicNameMessage(t.name) ??
      (!authorized(ctx, AclOperation.READ, ResourceType.TOPIC, t.name)
        ? failure(ErrorCode.TOPIC_AUTHORIZATION_FAILED)
        : ctx.cluster.topics.has(t.name) ? undefined : failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
    return {
      name: t.name,
      partitions: t.partitionIndexes.map((index): PartitionRes => topicError === undefined
        ? partitionProducers(ctx, t.name, index)
        : { partitionIndex: index, ...topicError, activeProducers: [] })
    }
  })
}))

/** A topic-wide error as Kafka's `new ApiError(error)` carries it: with the error's default message. */
function failure (errorCode: number): { errorCode: number, errorMessage: string } {
  return { errorCode, errorMessage: errorInfo(errorCode).message }
}

function partitionProducers (ctx: RequestContext<Req>, topic: string, index: number): PartitionRes {
  const fail = (errorCode: number): PartitionRes => ({ partitionIndex: index, errorCode, errorMessage: null, activeProducers: [] })
  const injected = ctx.injectedError(topic, index)
  if (injected !== ErrorCode.NONE) return fail(injected)
  const p = ctx.cluster.partition(topic, index)
  if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (!p.replicas.includes(ctx.broker.id)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: p.log.activeProducers() }
}

/**
 * Topic.validate's refusal of a name, with Kafka 4.4's message ("Topic name is invalid: " and the reason, as read
 * from its kafka-clients Topic class and checked by test-interop/differential/), or undefined for a valid name.
 */
function topicNameMessage (name: string): { errorCode: number, errorMessage: string } | undefined {
  const reason = name.length === 0
    ? 'the empty string is not allowed'
    : name === '.' || name === '..'
      ? `'${name}' is not allowed`
      : name.length > 249
        ? `the length of '${name}' is longer than the max allowed length 249`
        : /^[a-zA-Z0-9._-]+$/.test(name) ? undefined : `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
  return reason === undefined ? undefined : { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic name is invalid: ${reason}` }
}
