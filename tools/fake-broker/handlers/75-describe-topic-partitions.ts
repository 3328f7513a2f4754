import { DescribeTopicPartitions } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import { serve } from '../handler.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'
import { authorizedOperations } from '../authorized-operations.js'

// DescribeTopicPartitions (key 75), v0: topics and their partitions in pages (KIP-966). Topics come sorted by
// name (an empty list means all); an answer holds at most responsePartitionLimit partitions (and never more than
// Kafka's max.request.partition.size.limit, 2000) and says in nextCursor where the next page starts. The ISR is
// the replicas on live brokers, as in Metadata; the fake broker keeps no eligible-leader-replica (ELR) state, so
// those lists are empty. Authorization as Kafka's DescribeTopicPartitionsRequestHandler (as Metadata): a topic
// the caller may not DESCRIBE is left out of an all-topics answer; a named one answers TOPIC_AUTHORIZATION_FAILED
// (zero topic id, no partitions) after the others, whether it exists or not, outside the page's budget.
// The request has no flag for authorized operations: every topic answered, found or not, carries the caller's
// (KIP-430 bit set), the refused ones INT32_MIN.

type Req = Infer<typeof DescribeTopicPartitions.request>
type Res = InferInput<typeof DescribeTopicPartitions.response>
type TopicRes = NonNullable<Res['topics']>[number]

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const MAX_PARTITIONS = 2000

export const describeTopicPartitionsHandler = serve<Req>(DescribeTopicPartitions, '0', (ctx): Res => {
  const { body, cluster } = ctx
  const cursor = body.cursor
  const asked = (body.topics.length === 0 ? [...cluster.topics.keys()] : [...new Set(body.topics.map(t => t.name))]).sort()
  const describable = (name: string): boolean => authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name)
  const names = asked.filter(describable)
  const refused: TopicRes[] = body.topics.length === 0
    ? []
    : asked.filter(name => !describable(name) && (cursor === null || name >= cursor.topicName))
      .map(name => ({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, topicId: ZERO_UUID, isInternal: false, partitions: [] }))
  let budget = Math.max(1, Math.min(body.responsePartitionLimit, MAX_PARTITIONS))
  const up = (id: number): boolean => cluster.broker(id)?.up === true
  const topics: TopicRes[] = []
  let nextCursor: Res['nextCursor'] = null
  for (const name of names) {
    if (cursor !== null && name < cursor.topicName) continue
    const topic = cluster.topics.get(name)
    const injected = ctx.injectedError(name)
    if (topic === undefined || injected !== ErrorCode.NONE) {
      const errorCode = injected !== ErrorCode.NONE ? injected : ClusterState.topicNameError(name) !== ErrorCode.NONE ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      topics.push({ errorCode, name, topicId: ZERO_UUID, partitions: [], topicAuthorizedOperations: authorizedOperations(ctx, ResourceType.TOPIC, name) })
      continue
    }
    if (budget === 0) { nextCursor = { topicName: name, partitionIndex: 0 }; break }
    const from = cursor !== null && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0
    const until = Math.min(topic.partitions.length, from + budget)
    budget -= until - from
    topics.push({
      errorCode: ErrorCode.NONE,
      name,
      topicId: topic.id,
      isInternal: false,
      topicAuthorizedOperations: authorizedOperations(ctx, ResourceType.TOPIC, name),
      partitions: topic.partitions.slice(from, until).map(p => ({
        errorCode: p.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        partitionIndex: p.index,
        leaderId: p.leaderId,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.replicas.filter(up),
        eligibleLeaderReplicas: [],
        lastKnownElr: [],
        offlineReplicas: p.replicas.filter(r => !up(r))
      }))
    })
    if (until < topic.partitions.length) { nextCursor = { topicName: name, partitionIndex: until }; break }
  }
  return { throttleTimeMs: 0, topics: [...topics, ...refused], nextCursor }
})
