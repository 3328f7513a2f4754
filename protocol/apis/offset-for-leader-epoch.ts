import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// OffsetForLeaderEpoch (key 23): the end offset of a leader epoch, so that a follower or a consumer can detect
// that its log diverged from the leader's after an unclean leader change and truncate (KIP-101, KIP-320).
// v1 adds the leader epoch to the response (KIP-279). v2 adds currentLeaderEpoch for fencing and throttleTimeMs
// (KIP-320). v3 adds replicaId; its default -2 marks a "debug" consumer allowed to see offsets beyond the high
// watermark, while followers send their broker id. v4 is the first flexible version (KIP-482).
export const OffsetForLeaderEpoch = defineApi({
  key: 23,
  name: 'OffsetForLeaderEpoch',
  versions: '0-4',
  flexible: '4+',
  about: 'Kafka marks v0-1 deprecated; Kafka 4.0 brokers reject them (KIP-896).',
  request: [
    field('replicaId', 'int32', { versions: '3+', default: -2, about: 'The follower broker id, -1 for a consumer, -2 for a debug consumer.' }),
    field('topics', array([
      field('topic', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partition', 'int32', { about: 'The partition index.' }),
        field('currentLeaderEpoch', 'int32', { versions: '2+', default: -1, about: 'The epoch the requester knows, to fence stale metadata (KIP-320).' }),
        field('leaderEpoch', 'int32', { about: 'The epoch to look up an offset for.' })
      ], 'OffsetForLeaderPartition'), { about: 'Each partition to get offsets for.' })
    ], 'OffsetForLeaderTopic'), { about: 'Each topic to get offsets for.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '2+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('topic', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
        field('partition', 'int32', { about: 'The partition index.' }),
        field('leaderEpoch', 'int32', { versions: '1+', default: -1, about: 'The leader epoch of the partition.' }),
        field('endOffset', 'int64', { default: -1n, about: 'The end offset of the epoch.' })
      ], 'EpochEndOffset'), { about: 'Each partition in the topic.' })
    ], 'OffsetForLeaderTopicResult'), { about: 'Each topic offsets were fetched for.' })
  ]
})
export type OffsetForLeaderEpochRequest = InferInput<typeof OffsetForLeaderEpoch.request>
export type OffsetForLeaderEpochResponse = Infer<typeof OffsetForLeaderEpoch.response>
