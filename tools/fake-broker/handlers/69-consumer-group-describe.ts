import { ConsumerGroupDescribe } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import type { TopicPartitionsById } from '../consumer-group-coordinator.js'
import { coordinatorError } from './coordinator-check.js'

// ConsumerGroupDescribe (key 69), v0-1: what kafka-consumer-groups --describe shows for a consumer-protocol group
// (KIP-848): epochs, assignor, and per member its subscription, assignment and target assignment with topic names.
// A group that does not exist, or is a classic group, is GROUP_ID_NOT_FOUND (Kafka: "Group X is not a consumer
// group"). v1 adds memberType (KIP-1099); every member here is a consumer member (1).

type Req = Infer<typeof ConsumerGroupDescribe.request>
type Res = InferInput<typeof ConsumerGroupDescribe.response>

const CONSUMER_MEMBER = 1

export const consumerGroupDescribeHandler = serve<Req>(ConsumerGroupDescribe, '0-1', (ctx): Res => {
  const { body, cluster } = ctx
  const named = (list: TopicPartitionsById[]): { topicPartitions: Array<{ topicId: string, topicName: string, partitions: number[] }> } => ({
    topicPartitions: list.map(t => ({ topicId: t.topicId, topicName: cluster.topicById(t.topicId)?.name ?? '', partitions: t.partitions }))
  })
  const groups = body.groupIds.map(groupId => {
    const none = { groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: -2147483648 }
    const error = groupId === '' ? ErrorCode.INVALID_GROUP_ID : coordinatorError(ctx, groupId)
    if (error !== ErrorCode.NONE) return { ...none, errorCode: error, errorMessage: null }
    const g = cluster.consumerGroups.describe(groupId)
    if (g === undefined) return { ...none, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: g.groupState,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: g.assignorName,
      members: g.members.map(m => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: named(m.assignment),
        targetAssignment: named(m.targetAssignment),
        memberType: CONSUMER_MEMBER
      })),
      authorizedOperations: -2147483648
    }
  })
  return { throttleTimeMs: 0, groups }
})
