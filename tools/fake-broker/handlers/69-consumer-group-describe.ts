import { ConsumerGroupDescribe } from '../../../protocol/apis/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { serve } from '../handler.js'
import type { TopicPartitionsById } from '../consumer-group-coordinator.js'
import { coordinatorError } from './coordinator-check.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorized } from '../access-check.js'
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../protocol/authorized-operations.js'
import { authorizedOperationsIf } from '../authorized-operations.js'

// ConsumerGroupDescribe (key 69), v0-1: what kafka-consumer-groups --describe shows for a consumer-protocol group
// (KIP-848): epochs, assignor, and per member its subscription, assignment and target assignment with topic names.
// A group that does not exist is GROUP_ID_NOT_FOUND, "Group X not found."; so is a classic group, even one that only
// has committed offsets, "Group X is not a consumer group." (GroupMetadataManager.consumerGroup, checked against
// Kafka 4.4). v1 adds memberType (KIP-1099): 1 for a consumer member, 0 for a classic member of the group (a mixed
// group; -1, unknown, is what v0 decodes to). A member subscribed by names has the regex "". A group the caller may not
// DESCRIBE answers GROUP_AUTHORIZATION_FAILED, and those answers come first, before the groups described, as
// KafkaApis.handleConsumerGroupDescribe puts them. Asked (includeAuthorizedOperations), the groups described
// carry the caller's authorized operations on them (KIP-430); the others keep INT32_MIN.

type Req = Infer<typeof ConsumerGroupDescribe.request>
type Res = InferInput<typeof ConsumerGroupDescribe.response>

const CLASSIC_MEMBER = 0
const CONSUMER_MEMBER = 1

export const consumerGroupDescribeHandler = serve<Req>(ConsumerGroupDescribe, '0-1', (ctx): Res => {
  const { body, cluster } = ctx
  const named = (list: TopicPartitionsById[]): { topicPartitions: Array<{ topicId: string, topicName: string, partitions: number[] }> } => ({
    topicPartitions: list.map(t => ({ topicId: t.topicId, topicName: cluster.topicById(t.topicId)?.name ?? '', partitions: t.partitions }))
  })
  const none = (groupId: string): { groupId: string, groupState: string, groupEpoch: number, assignmentEpoch: number, assignorName: string, members: [], authorizedOperations: number } =>
    ({ groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED })
  const describable = (groupId: string): boolean => authorized(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)
  const refused = body.groupIds.filter(g => !describable(g)).map(groupId => ({ ...none(groupId), errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null }))
  const groups = body.groupIds.filter(describable).map(groupId => {
    const error = groupId === '' ? ErrorCode.INVALID_GROUP_ID : coordinatorError(ctx, groupId)
    if (error !== ErrorCode.NONE) return { ...none(groupId), errorCode: error, errorMessage: null }
    const g = cluster.consumerGroups.describe(groupId)
    if (g === undefined) {
      const errorMessage = cluster.groups.has(groupId) ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`
      return { ...none(groupId), errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage }
    }
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
        memberType: m.classic ? CLASSIC_MEMBER : CONSUMER_MEMBER
      })),
      authorizedOperations: authorizedOperationsIf(body.includeAuthorizedOperations, ctx, ResourceType.GROUP, groupId)
    }
  })
  return { throttleTimeMs: 0, groups: [...refused, ...groups] }
})
