import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ElectLeaders (key 43): asks the controller to elect leaders for partitions (KIP-183, replacing the ZooKeeper
// preferred-replica tool). v1 adds the election type, 0 = PREFERRED, 1 = UNCLEAN (KIP-460), and a top-level
// errorCode in the response; v2 is the first flexible version (KIP-482). A null partition list means every
// partition. From ElectLeadersRequest/Response.json (kafka-clients 4.4.0).
export const ElectLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  versions: '0-2',
  flexible: '2+',
  request: [
    field('electionType', 'int8', { versions: '1+', about: 'Type of elections to conduct: 0 elects the preferred replica, 1 the first live replica if there is no in-sync replica.' }),
    field('topicPartitions', array([
      field('topic', 'string', { about: 'The name of a topic.' }),
      field('partitions', array('int32'), { about: 'The partitions of this topic whose leader should be elected.' })
    ], 'TopicPartitions'), { nullable: '0+', about: 'The topic partitions to elect leaders, or null for all.' }),
    field('timeoutMs', 'int32', { default: 60000, about: 'The time in ms to wait for the election to complete.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { versions: '1+', about: 'The top level response error code.' }),
    field('replicaElectionResults', array([
      field('topic', 'string', { about: 'The topic name.' }),
      field('partitionResult', array([
        field('partitionId', 'int32', { about: 'The partition id.' }),
        field('errorCode', 'int16', { about: 'The result error, or zero if there was no error.' }),
        field('errorMessage', 'string', { nullable: '0+', about: 'The result message, or null if there was no error.' })
      ], 'PartitionResult'), { about: 'The results for each partition.' })
    ], 'ReplicaElectionResult'), { about: 'The election results, or an empty array if the requester did not have permission and the request asks for all partitions.' })
  ]
})
export type ElectLeadersRequest = InferInput<typeof ElectLeaders.request>
export type ElectLeadersResponse = Infer<typeof ElectLeaders.response>
