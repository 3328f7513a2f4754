import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// Metadata (key 3): brokers, topics, partitions and their leaders.
// v1: a null topic list means "all topics" (v0 used an empty one); adds rack, controllerId, isInternal.
// v2 adds clusterId. v3 adds throttleTimeMs. v4 adds allowAutoTopicCreation. v5 adds offlineReplicas.
// v7 adds the partition leader epoch (KIP-320). v8-10 carry cluster authorized operations (moved to
// DescribeCluster in v11, KIP-700). v9 is the first flexible version (KIP-482). v10 adds topic ids; names may be
// null from v10 (used from v12). v13 adds a top-level error code (KIP-1102, REBOOTSTRAP_REQUIRED).
export const Metadata = defineApi({
  key: 3,
  name: 'Metadata',
  versions: '0-13',
  flexible: '9+',
  request: [
    field('topics', array([
      field('topicId', 'uuid', { versions: '10+', about: 'The topic id.' }),
      field('name', 'string', { nullable: '10+', about: 'The topic name.' })
    ], 'MetadataRequestTopic'), { nullable: '1+', about: 'The topics to fetch metadata for; null for all topics (v1+).' }),
    field('allowAutoTopicCreation', 'bool', { versions: '4+', default: true, about: 'Whether the broker may auto-create requested topics.' }),
    field('includeClusterAuthorizedOperations', 'bool', { versions: '8-10', about: 'Whether to include cluster authorized operations.' }),
    field('includeTopicAuthorizedOperations', 'bool', { versions: '8+', about: 'Whether to include topic authorized operations.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '3+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('brokers', array([
      field('nodeId', 'int32', { about: 'The broker ID.' }),
      field('host', 'string', { about: 'The broker hostname.' }),
      field('port', 'int32', { about: 'The broker port.' }),
      field('rack', 'string', { versions: '1+', nullable: '1+', default: null, about: 'The rack of the broker, or null.' })
    ], 'MetadataResponseBroker'), { about: 'Each broker in the response.' }),
    field('clusterId', 'string', { versions: '2+', nullable: '2+', default: null, about: 'The cluster ID.' }),
    field('controllerId', 'int32', { versions: '1+', default: -1, about: 'The ID of the controller broker.' }),
    field('topics', array([
      field('errorCode', 'int16', { about: 'The topic error, or 0.' }),
      field('name', 'string', { nullable: '12+', about: 'The topic name; null when looked up by id (v12+).' }),
      field('topicId', 'uuid', { versions: '10+', about: 'The topic id.' }),
      field('isInternal', 'bool', { versions: '1+', default: false, about: 'True if the topic is internal.' }),
      field('partitions', array([
        field('errorCode', 'int16', { about: 'The partition error, or 0.' }),
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('leaderId', 'int32', { about: 'The ID of the leader broker.' }),
        field('leaderEpoch', 'int32', { versions: '7+', default: -1, about: 'The leader epoch of this partition.' }),
        field('replicaNodes', array('int32'), { about: 'All nodes that host this partition.' }),
        field('isrNodes', array('int32'), { about: 'Nodes in sync with the leader.' }),
        field('offlineReplicas', array('int32'), { versions: '5+', about: 'Offline replicas of this partition.' })
      ], 'MetadataResponsePartition'), { about: 'Each partition in the topic.' }),
      field('topicAuthorizedOperations', 'int32', { versions: '8+', default: -2147483648, about: 'Bitfield of authorized operations for this topic.' })
    ], 'MetadataResponseTopic'), { about: 'Each topic in the response.' }),
    field('clusterAuthorizedOperations', 'int32', { versions: '8-10', default: -2147483648, about: 'Bitfield of authorized operations for the cluster.' }),
    field('errorCode', 'int16', { versions: '13+', about: 'The top-level error code, or 0 (KIP-1102).' })
  ]
})
export type MetadataRequest = InferInput<typeof Metadata.request>
export type MetadataResponse = Infer<typeof Metadata.response>
