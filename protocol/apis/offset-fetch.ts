import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// OffsetFetch (key 9): reads a consumer group's committed offsets from the group coordinator.
// v0 read offsets from ZooKeeper; v1 reads them from the __consumer_offsets topic. v2 lets topics be null,
// meaning all topics, and adds a top-level errorCode (KIP-88). v3 adds throttleTimeMs; v4 answers quota
// violations before throttling (KIP-219). v5 adds committedLeaderEpoch (KIP-320). v6 is the first flexible
// version (KIP-482). v7 adds requireStable: the broker answers UNSTABLE_OFFSET_COMMIT while a transaction's
// offsets are pending (KIP-447). v8 batches several groups in `groups`, answered per group (KIP-709); the
// single-group fields end at v7. v9 adds memberId and memberEpoch for the consumer group protocol (KIP-848). v10
// names each topic of `groups` by its id instead of its name, in the request and the response (KIP-848); an id the
// broker does not know is answered UNKNOWN_TOPIC_ID, and an all-topics answer leaves out topics deleted since.
export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  versions: '0-10',
  flexible: '6+',
  about: 'Kafka marks v0 deprecated; Kafka 4.0 brokers reject it (KIP-896).',
  request: [
    field('groupId', 'string', { versions: '0-7', about: 'The group to fetch offsets for.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitionIndexes', array('int32'), { about: 'The partition indexes to fetch offsets for.' })
    ], 'OffsetFetchRequestTopic'), { versions: '0-7', nullable: '2-7', about: 'The topics to fetch offsets for, or null for all topics (v2+).' }),
    field('groups', array([
      field('groupId', 'string', { about: 'The group ID.' }),
      field('memberId', 'string', { versions: '9+', nullable: '9+', default: null, about: 'The member ID, with the consumer group protocol (KIP-848).' }),
      field('memberEpoch', 'int32', { versions: '9+', default: -1, about: 'The member epoch, with the consumer group protocol (KIP-848).' }),
      field('topics', array([
        field('name', 'string', { versions: '8-9', about: 'The topic name.', entity: 'topicName' }),
        field('topicId', 'uuid', { versions: '10+', about: 'The topic id (KIP-848).' }),
        field('partitionIndexes', array('int32'), { about: 'The partition indexes to fetch offsets for.' })
      ], 'OffsetFetchRequestTopics'), { nullable: '8+', about: 'The topics to fetch offsets for, or null for all topics.' })
    ], 'OffsetFetchRequestGroup'), { versions: '8+', about: 'Each group to fetch offsets for (KIP-709).' }),
    field('requireStable', 'bool', { versions: '7+', default: false, about: 'Whether to answer UNSTABLE_OFFSET_COMMIT rather than pending offsets (KIP-447).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '3+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('committedOffset', 'int64', { about: 'The committed offset, or -1 if none.' }),
        field('committedLeaderEpoch', 'int32', { versions: '5-7', default: -1, about: 'The leader epoch (KIP-320).' }),
        field('metadata', 'string', { nullable: '0-7', about: 'The partition metadata.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
      ], 'OffsetFetchResponsePartition'), { about: 'The responses per partition.' })
    ], 'OffsetFetchResponseTopic'), { versions: '0-7', about: 'The responses per topic.' }),
    field('errorCode', 'int16', { versions: '2-7', default: 0, about: 'The top-level error code, or 0 if there was no error.' }),
    field('groups', array([
      field('groupId', 'string', { about: 'The group ID.' }),
      field('topics', array([
        field('name', 'string', { versions: '8-9', about: 'The topic name.', entity: 'topicName' }),
        field('topicId', 'uuid', { versions: '10+', about: 'The topic id (KIP-848).' }),
        field('partitions', array([
          field('partitionIndex', 'int32', { about: 'The partition index.' }),
          field('committedOffset', 'int64', { about: 'The committed offset, or -1 if none.' }),
          field('committedLeaderEpoch', 'int32', { default: -1, about: 'The leader epoch.' }),
          field('metadata', 'string', { nullable: '8+', about: 'The partition metadata.' }),
          field('errorCode', 'int16', { about: 'The partition-level error code, or 0 if there was no error.' })
        ], 'OffsetFetchResponsePartitions'), { about: 'The responses per partition.' })
      ], 'OffsetFetchResponseTopics'), { about: 'The responses per topic.' }),
      field('errorCode', 'int16', { default: 0, about: 'The group-level error code, or 0 if there was no error.' })
    ], 'OffsetFetchResponseGroup'), { versions: '8+', about: 'The responses per group (KIP-709).' })
  ]
})
export type OffsetFetchRequest = InferInput<typeof OffsetFetch.request>
export type OffsetFetchResponse = Infer<typeof OffsetFetch.response>
