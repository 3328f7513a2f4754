import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// DescribeQuorum (key 55): the KRaft metadata quorum (KIP-595): the leader of the __cluster_metadata partition,
// its epoch and high watermark, and each voter's and observer's log end offset. Flexible from v0. v1 adds the
// last fetch and last caught-up timestamps of each replica (KIP-836); v2 adds error messages, each replica's
// directory id and the voters' listeners (nodes, KIP-853). The request is the same in every version. From
// DescribeQuorumRequest/Response.json (kafka-clients 4.4.0).

const replicaState = struct([
  field('replicaId', 'int32', { about: 'The replica id.' }),
  field('replicaDirectoryId', 'uuid', { versions: '2+', about: 'The replica\'s log directory id (KIP-853).' }),
  field('logEndOffset', 'int64', { about: 'The last known log end offset of the follower or -1 if it is unknown.' }),
  field('lastFetchTimestamp', 'int64', { versions: '1+', default: -1n, about: 'The last known leader wall clock time when a follower fetched from the leader; -1 for the leader or if unknown.' }),
  field('lastCaughtUpTimestamp', 'int64', { versions: '1+', default: -1n, about: 'The leader wall clock append time of the offset of the follower\'s most recent fetch; the current time for the leader, -1 if unknown.' })
], 'ReplicaState')

export const DescribeQuorum = defineApi({
  key: 55,
  name: 'DescribeQuorum',
  versions: '0-2',
  flexible: '0+',
  request: [
    field('topics', array([
      field('topicName', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' })
      ], 'PartitionData'), { about: 'The partitions.' })
    ], 'TopicData'), { about: 'The topics.' })
  ],
  response: [
    field('errorCode', 'int16', { about: 'The top level error code.' }),
    field('errorMessage', 'string', { versions: '2+', nullable: '2+', about: 'The error message, or null if there was no error.' }),
    field('topics', array([
      field('topicName', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The partition error code.' }),
        field('errorMessage', 'string', { versions: '2+', nullable: '2+', about: 'The error message, or null if there was no error.' }),
        field('leaderId', 'int32', { about: 'The id of the current leader or -1 if the leader is unknown.' }),
        field('leaderEpoch', 'int32', { about: 'The latest known leader epoch.' }),
        field('highWatermark', 'int64', { about: 'The high watermark.' }),
        field('currentVoters', array(replicaState), { about: 'The current voters.' }),
        field('observers', array(replicaState), { about: 'The observers.' })
      ], 'PartitionData'), { about: 'The partitions.' })
    ], 'TopicData'), { about: 'The topics.' }),
    field('nodes', array([
      field('nodeId', 'int32', { about: 'The id of the associated node.' }),
      field('listeners', array([
        field('name', 'string', { about: 'The name of the endpoint.' }),
        field('host', 'string', { about: 'The hostname.' }),
        field('port', 'uint16', { about: 'The port.' })
      ], 'Listener'), { about: 'The listeners of this controller.' })
    ], 'Node'), { versions: '2+', about: 'The voters\' nodes.' })
  ]
})
export type DescribeQuorumRequest = InferInput<typeof DescribeQuorum.request>
export type DescribeQuorumResponse = Infer<typeof DescribeQuorum.response>
