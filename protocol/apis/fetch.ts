import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// Fetch (key 1): reads record batches from partition logs, for consumers and for follower replicas.
// v1 adds throttleTimeMs. v2 lets the broker answer with message format v1 and v3 adds maxBytes, a response-wide
// limit; partitions are then filled in request order (KIP-74). v4 adds isolationLevel, lastStableOffset and
// abortedTransactions for read_committed consumers, and message format v2 (KIP-98). v5 adds logStartOffset
// (KIP-107). v6 may answer KAFKA_STORAGE_ERROR (KIP-112). v7 adds incremental fetch sessions: sessionId,
// sessionEpoch and forgottenTopicsData (KIP-227). v8 answers quota violations before throttling (KIP-219).
// v9 adds currentLeaderEpoch for fencing (KIP-320). v10 allows zstd (KIP-110). v11 adds rackId and
// preferredReadReplica, for fetching from the closest replica (KIP-392). v12 is the first flexible version
// (KIP-482) and adds lastFetchedEpoch with the tagged divergingEpoch, currentLeader and snapshotId of the Raft
// replication protocol (KIP-595). v13 replaces topic names with topic ids (KIP-516). v14 may answer
// OFFSET_MOVED_TO_TIERED_STORAGE (KIP-405). v15 moves the follower's replicaId into the tagged replicaState
// (KIP-903). v16 adds the tagged nodeEndpoints so a consumer learns a moved leader directly (KIP-951). v17 adds
// the follower's tagged replicaDirectoryId (KIP-853); the response is unchanged. v18 adds the follower's tagged
// highWatermark, so the leader can answer a follower early when its high watermark is behind (KIP-1166); a consumer
// leaves it at its default, which is never sent, so v18 is v17 for consumers.
export const Fetch = defineApi({
  key: 1,
  name: 'Fetch',
  versions: '0-18',
  flexible: '12+',
  about: 'Kafka marks v0-3 deprecated; Kafka 4.0 brokers reject them (KIP-896).',
  request: [
    field('clusterId', 'string', { nullable: '12+', default: null, tag: 0, tagged: '12+', about: 'The cluster id if known, to validate metadata fetches before broker registration.' }),
    field('replicaId', 'int32', { versions: '0-14', default: -1, about: 'The follower broker id, or -1 for a consumer (moved to replicaState in v15).' }),
    field('replicaState', struct([
      field('replicaId', 'int32', { default: -1, about: 'The follower replica id, or -1 for a consumer.' }),
      field('replicaEpoch', 'int64', { default: -1n, about: 'The epoch of this follower, or -1 if not available.' })
    ], 'ReplicaState'), { tag: 1, tagged: '15+', about: 'The follower replica, for fetches from followers (KIP-903).' }),
    field('maxWaitMs', 'int32', { about: 'The maximum time in milliseconds to wait for the response.' }),
    field('minBytes', 'int32', { about: 'The minimum bytes to accumulate in the response.' }),
    field('maxBytes', 'int32', { versions: '3+', default: 0x7fffffff, about: 'The maximum bytes to fetch; see KIP-74 for when the limit is exceeded.' }),
    field('isolationLevel', 'int8', { versions: '4+', default: 0, about: '0 READ_UNCOMMITTED: all records; 1 READ_COMMITTED: only up to the last stable offset.' }),
    field('sessionId', 'int32', { versions: '7+', default: 0, about: 'The fetch session id (KIP-227).' }),
    field('sessionEpoch', 'int32', { versions: '7+', default: -1, about: 'The fetch session epoch, ordering requests in a session.' }),
    field('topics', array([
      field('topic', 'string', { versions: '0-12', about: 'The name of the topic to fetch.' }),
      field('topicId', 'uuid', { versions: '13+', about: 'The topic id.' }),
      field('partitions', array([
        field('partition', 'int32', { about: 'The partition index.' }),
        field('currentLeaderEpoch', 'int32', { versions: '9+', default: -1, about: 'The current leader epoch of the partition (KIP-320).' }),
        field('fetchOffset', 'int64', { about: 'The offset to fetch from.' }),
        field('lastFetchedEpoch', 'int32', { versions: '12+', default: -1, about: 'The epoch of the last fetched record, or -1.' }),
        field('logStartOffset', 'int64', { versions: '5+', default: -1n, about: 'The earliest offset of a follower replica; only followers set it.' }),
        field('partitionMaxBytes', 'int32', { about: 'The maximum bytes to fetch from this partition.' }),
        field('replicaDirectoryId', 'uuid', { tag: 0, tagged: '17+', about: 'The directory id of the fetching follower (KIP-853).' }),
        field('highWatermark', 'int64', { tag: 1, tagged: '18+', default: 0x7fffffffffffffffn, about: 'The follower\'s high watermark, or the largest int64 when unknown (KIP-1166).' })
      ], 'FetchPartition'), { about: 'The partitions to fetch.' })
    ], 'FetchTopic'), { about: 'The topics to fetch.' }),
    field('forgottenTopicsData', array([
      field('topic', 'string', { versions: '7-12', about: 'The topic name.' }),
      field('topicId', 'uuid', { versions: '13+', about: 'The topic id.' }),
      field('partitions', array('int32'), { about: 'The partition indexes to forget.' })
    ], 'ForgottenTopic'), { versions: '7+', about: 'In an incremental fetch, the partitions to remove from the session.' }),
    field('rackId', 'string', { versions: '11+', default: '', about: 'The rack of the consumer (KIP-392).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { versions: '7+', about: 'The top-level error code.' }),
    field('sessionId', 'int32', { versions: '7+', default: 0, about: 'The fetch session id, or 0 outside a fetch session.' }),
    field('responses', array([
      field('topic', 'string', { versions: '0-12', about: 'The topic name.' }),
      field('topicId', 'uuid', { versions: '13+', about: 'The topic id.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no fetch error.' }),
        field('highWatermark', 'int64', { about: 'The current high watermark.' }),
        field('lastStableOffset', 'int64', { versions: '4+', default: -1n, about: 'The last stable offset: all transactions below it are decided.' }),
        field('logStartOffset', 'int64', { versions: '5+', default: -1n, about: 'The current log start offset.' }),
        field('divergingEpoch', struct([
          field('epoch', 'int32', { default: -1, about: 'The largest epoch the logs agree on.' }),
          field('endOffset', 'int64', { default: -1n, about: 'The end offset of that epoch.' })
        ], 'EpochEndOffset'), { tag: 0, tagged: '12+', about: 'Where the follower\'s log diverges from the leader\'s, if it does.' }),
        field('currentLeader', struct([
          field('leaderId', 'int32', { default: -1, about: 'The ID of the current leader, or -1 if unknown.' }),
          field('leaderEpoch', 'int32', { default: -1, about: 'The latest known leader epoch.' })
        ], 'LeaderIdAndEpoch'), { tag: 1, tagged: '12+', about: 'The current leader, sent with leadership errors.' }),
        field('snapshotId', struct([
          field('endOffset', 'int64', { default: -1n, about: 'The end offset of the snapshot.' }),
          field('epoch', 'int32', { default: -1, about: 'The epoch of the snapshot.' })
        ], 'SnapshotId'), { tag: 2, tagged: '12+', about: 'When fetching below the log start offset: the snapshot to fetch instead.' }),
        field('abortedTransactions', array([
          field('producerId', 'int64', { about: 'The producer id of the aborted transaction.' }),
          field('firstOffset', 'int64', { about: 'The first offset in the aborted transaction.' })
        ], 'AbortedTransaction'), { versions: '4+', nullable: '4+', about: 'The aborted transactions, for read_committed consumers; may be null.' }),
        field('preferredReadReplica', 'int32', { versions: '11+', default: -1, about: 'The replica to fetch from next, or -1 (KIP-392).' }),
        field('records', 'records', { nullable: '0+', about: 'The record data.' })
      ], 'PartitionData'), { about: 'The topic partitions.' })
    ], 'FetchableTopicResponse'), { about: 'The response topics.' }),
    field('nodeEndpoints', array([
      field('nodeId', 'int32', { about: 'The ID of the associated node.' }),
      field('host', 'string', { about: "The node's hostname." }),
      field('port', 'int32', { about: "The node's port." }),
      field('rack', 'string', { nullable: '16+', default: null, about: 'The rack of the node, or null.' })
    ], 'NodeEndpoint'), { tag: 0, tagged: '16+', about: 'Endpoints of the leaders named in currentLeader fields (KIP-951).' })
  ]
})
export type FetchRequest = InferInput<typeof Fetch.request>
export type FetchResponse = Infer<typeof Fetch.response>
