import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// ConsumerGroupDescribe (key 69): describes groups of the consumer protocol (KIP-848), which DescribeGroups
// cannot show: group and assignment epochs, the server-side assignor, and per member its epoch, subscription
// (names and regex), current assignment and target assignment, by topic id and name. Flexible from v0.
// v1 adds memberType (KIP-1099: -1 unknown, 0 a classic member in a consumer group, 1 a consumer member).

const assignment = struct([
  field('topicPartitions', array([
    field('topicId', 'uuid', { about: 'The topic ID.' }),
    field('topicName', 'string', { entity: 'topicName', about: 'The topic name.' }),
    field('partitions', array('int32'), { about: 'The partitions.' })
  ], 'TopicPartitions'), { about: 'The assigned topic-partitions to the member.' })
], 'Assignment')

export const ConsumerGroupDescribe = defineApi({
  key: 69,
  name: 'ConsumerGroupDescribe',
  versions: '0-1',
  flexible: '0+',
  request: [
    field('groupIds', array('string'), { entity: 'groupId', about: 'The ids of the groups to describe.' }),
    field('includeAuthorizedOperations', 'bool', { about: 'Whether to include authorized operations.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('groups', array([
      field('errorCode', 'int16', { about: 'The describe error, or 0 if there was no error.' }),
      field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The top-level error message, or null if there was no error.' }),
      field('groupId', 'string', { entity: 'groupId', about: 'The group ID string.' }),
      field('groupState', 'string', { about: 'The group state string, or the empty string.' }),
      field('groupEpoch', 'int32', { about: 'The group epoch.' }),
      field('assignmentEpoch', 'int32', { about: 'The assignment epoch.' }),
      field('assignorName', 'string', { about: 'The selected assignor.' }),
      field('members', array([
        field('memberId', 'string', { about: 'The member ID.' }),
        field('instanceId', 'string', { nullable: '0+', default: null, about: 'The member instance ID.' }),
        field('rackId', 'string', { nullable: '0+', default: null, about: 'The member rack ID.' }),
        field('memberEpoch', 'int32', { about: 'The current member epoch.' }),
        field('clientId', 'string', { about: 'The client ID.' }),
        field('clientHost', 'string', { about: 'The client host.' }),
        field('subscribedTopicNames', array('string'), { entity: 'topicName', about: 'The subscribed topic names.' }),
        field('subscribedTopicRegex', 'string', { nullable: '0+', default: null, about: 'the subscribed topic regex otherwise or null of not provided.' }),
        field('assignment', assignment, { about: 'The current assignment.' }),
        field('targetAssignment', assignment, { about: 'The target assignment.' }),
        // Ignorable in Kafka's definition: a v0 writer drops it.
        field('memberType', 'int8', { versions: '1+', default: -1, about: '-1 for unknown. 0 for classic member. +1 for consumer member.' })
      ], 'Member'), { about: 'The members.' }),
      field('authorizedOperations', 'int32', { default: -2147483648, about: '32-bit bitfield to represent authorized operations for this group.' })
    ], 'DescribedGroup'), { about: 'Each described group.' })
  ]
})
export type ConsumerGroupDescribeRequest = InferInput<typeof ConsumerGroupDescribe.request>
export type ConsumerGroupDescribeResponse = Infer<typeof ConsumerGroupDescribe.response>
