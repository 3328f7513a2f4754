import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ListOffsets (key 2): finds an offset by timestamp. Special timestamps: -1 latest (the high watermark, or the
// last stable offset under read_committed), -2 earliest, -3 the offset with the largest timestamp (v7+, KIP-734),
// -4 the earliest offset in local storage (v8+, KIP-405), -5 the last tiered offset (v9+, KIP-1005).
// v0 asks for up to maxNumOffsets offsets and answers oldStyleOffsets, an array; v1 returns a single offset and
// its timestamp instead (KIP-79). v2 adds isolationLevel (KIP-98) and throttleTimeMs. v3 answers quota
// violations before throttling (KIP-219). v4 adds currentLeaderEpoch and the returned leaderEpoch, for fencing
// (KIP-320). v5 may answer OFFSET_NOT_AVAILABLE. v6 is the first flexible version (KIP-482). v7-9 only add the
// special timestamps above. v10 adds timeoutMs for lookups that read remote storage (KIP-1075). v11 only adds the
// special timestamp -6, the earliest offset not yet uploaded to remote storage (KIP-1023).
export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  versions: '0-11',
  flexible: '6+',
  about: 'Kafka marks v0 deprecated; Kafka 4.0 brokers reject it (KIP-896).',
  request: [
    field('replicaId', 'int32', { default: -1, about: 'The broker ID of the requester, or -1 for a normal consumer (our default; Kafka\'s definition has none).' }),
    field('isolationLevel', 'int8', { versions: '2+', about: '0 READ_UNCOMMITTED, 1 READ_COMMITTED (offsets below the last stable offset).' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('currentLeaderEpoch', 'int32', { versions: '4+', default: -1, about: 'The current leader epoch (KIP-320).' }),
        field('timestamp', 'int64', { about: 'The timestamp to look up, or a special value (-1 latest, -2 earliest, ...).' }),
        field('maxNumOffsets', 'int32', { versions: '0', default: 1, about: 'The maximum number of offsets to report (v0 only).' })
      ], 'ListOffsetsPartition'), { about: 'Each partition in the request.' })
    ], 'ListOffsetsTopic'), { about: 'Each topic in the request.' }),
    field('timeoutMs', 'int32', { versions: '10+', about: 'The timeout in ms for lookups that read remote (tiered) storage (KIP-1075).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '2+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The partition error code, or 0 if there was no error.' }),
        field('oldStyleOffsets', array('int64'), { versions: '0', about: 'The result offsets (v0 only).' }),
        field('timestamp', 'int64', { versions: '1+', default: -1n, about: 'The timestamp associated with the returned offset.' }),
        field('offset', 'int64', { versions: '1+', default: -1n, about: 'The returned offset.' }),
        field('leaderEpoch', 'int32', { versions: '4+', default: -1, about: 'The leader epoch of the returned offset (KIP-320).' })
      ], 'ListOffsetsPartitionResponse'), { about: 'Each partition in the response.' })
    ], 'ListOffsetsTopicResponse'), { about: 'Each topic in the response.' })
  ]
})
export type ListOffsetsRequest = InferInput<typeof ListOffsets.request>
export type ListOffsetsResponse = Infer<typeof ListOffsets.response>
