import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// OffsetCommit (key 8): stores a consumer group's committed offsets with the group coordinator.
// v1 adds generationIdOrMemberEpoch, memberId and a per-partition commitTimestamp. v2 replaces the timestamp with
// a request-wide retentionTimeMs. v3 adds throttleTimeMs to the response; v4 answers quota violations before
// throttling (KIP-219). v5 drops retentionTimeMs: the broker's offsets.retention.minutes decides (KIP-211). v6
// adds committedLeaderEpoch (KIP-320). v7 adds groupInstanceId for static membership (KIP-345). v8 is the first
// flexible version (KIP-482). v9 is the same wire format, usable with the consumer group protocol of KIP-848
// (the generation field then carries the member epoch). v10 names each topic by its id instead of its name, in the
// request and the response (KIP-848); a broker that does not know an id answers its partitions UNKNOWN_TOPIC_ID.
export const OffsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  versions: '0-10',
  flexible: '8+',
  about: 'Kafka marks v0-1 deprecated; Kafka 4.0 brokers reject them (KIP-896).',
  request: [
    field('groupId', 'string', { about: 'The unique group identifier.' }),
    field('generationIdOrMemberEpoch', 'int32', { versions: '1+', default: -1, about: 'The group generation (classic protocol) or member epoch (KIP-848).' }),
    field('memberId', 'string', { versions: '1+', about: 'The member ID assigned by the group coordinator.' }),
    field('groupInstanceId', 'string', { versions: '7+', nullable: '7+', default: null, about: 'The static member id given by the user, or null (KIP-345).' }),
    field('retentionTimeMs', 'int64', { versions: '2-4', default: -1n, about: 'How long to retain the offset in ms, or -1 for the broker default.' }),
    field('topics', array([
      field('name', 'string', { versions: '0-9', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '10+', about: 'The topic id (KIP-848).' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('committedOffset', 'int64', { about: 'The offset to commit: the next offset to consume.' }),
        field('committedLeaderEpoch', 'int32', { versions: '6+', default: -1, about: 'The leader epoch of this partition (KIP-320).' }),
        field('commitTimestamp', 'int64', { versions: '1', default: -1n, about: 'The timestamp of the commit (v1 only).' }),
        field('committedMetadata', 'string', { nullable: '0+', about: 'Any associated metadata the client wants to keep.' })
      ], 'OffsetCommitRequestPartition'), { about: 'Each partition to commit offsets for.' })
    ], 'OffsetCommitRequestTopic'), { about: 'The topics to commit offsets for.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '3+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { versions: '0-9', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '10+', about: 'The topic id (KIP-848).' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
      ], 'OffsetCommitResponsePartition'), { about: 'The responses for each partition in the topic.' })
    ], 'OffsetCommitResponseTopic'), { about: 'The responses for each topic.' })
  ]
})
export type OffsetCommitRequest = InferInput<typeof OffsetCommit.request>
export type OffsetCommitResponse = Infer<typeof OffsetCommit.response>
