import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// DescribeTopicPartitions (key 75): topic and partition metadata served by a broker in pages, with the ELR
// (eligible leader replicas) of KIP-966; the admin client's describeTopics uses it instead of Metadata from
// Kafka 3.9. Only v0 exists, flexible. A response stops at responsePartitionLimit partitions and names where to
// go on in nextCursor. From DescribeTopicPartitionsRequest/Response.json (kafka-clients 4.4.0).
const cursor = struct([
  field('topicName', 'string', { about: 'The name for the first topic to process.' }),
  field('partitionIndex', 'int32', { about: 'The partition index to start with.' })
], 'Cursor')

export const DescribeTopicPartitions = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions',
  versions: '0',
  flexible: '0+',
  request: [
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' })
    ], 'TopicRequest'), { about: 'The topics to fetch details for.' }),
    field('responsePartitionLimit', 'int32', { default: 2000, about: 'The maximum number of partitions included in the response.' }),
    field('cursor', cursor, { nullable: '0+', default: null, about: 'The first topic and partition index to fetch details for.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('errorCode', 'int16', { about: 'The topic error, or 0 if there was no error.' }),
      field('name', 'string', { nullable: '0+', about: 'The topic name.' }),
      field('topicId', 'uuid', { about: 'The topic id.' }),
      field('isInternal', 'bool', { default: false, about: 'True if the topic is internal.' }),
      field('partitions', array([
        field('errorCode', 'int16', { about: 'The partition error, or 0 if there was no error.' }),
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('leaderId', 'int32', { about: 'The ID of the leader broker.' }),
        field('leaderEpoch', 'int32', { default: -1, about: 'The leader epoch of this partition.' }),
        field('replicaNodes', array('int32'), { about: 'The set of all nodes that host this partition.' }),
        field('isrNodes', array('int32'), { about: 'The set of nodes that are in sync with the leader for this partition.' }),
        field('eligibleLeaderReplicas', array('int32'), { nullable: '0+', default: null, about: 'The new eligible leader replicas otherwise.' }),
        field('lastKnownElr', array('int32'), { nullable: '0+', default: null, about: 'The last known ELR.' }),
        field('offlineReplicas', array('int32'), { about: 'The set of offline replicas of this partition.' })
      ], 'DescribeTopicPartitionsResponsePartition'), { about: 'Each partition in the topic.' }),
      field('topicAuthorizedOperations', 'int32', { default: -2147483648, about: '32-bit bitfield to represent authorized operations for this topic.' })
    ], 'DescribeTopicPartitionsResponseTopic'), { about: 'Each topic in the response.' }),
    field('nextCursor', cursor, { nullable: '0+', default: null, about: 'The next topic and partition index to fetch details for.' })
  ]
})
export type DescribeTopicPartitionsRequest = InferInput<typeof DescribeTopicPartitions.request>
export type DescribeTopicPartitionsResponse = Infer<typeof DescribeTopicPartitions.response>
