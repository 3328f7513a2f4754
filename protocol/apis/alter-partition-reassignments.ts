import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// AlterPartitionReassignments (key 45): moves partitions' replicas to other brokers, or cancels a move in
// progress with null replicas (KIP-455). Flexible from v0. v1 can forbid changing a partition's replica count
// (allowReplicationFactorChange, KIP-860), echoed in the response. From
// AlterPartitionReassignmentsRequest/Response.json (kafka-clients 4.4.0).
export const AlterPartitionReassignments = defineApi({
  key: 45,
  name: 'AlterPartitionReassignments',
  versions: '0-1',
  flexible: '0+',
  request: [
    field('timeoutMs', 'int32', { default: 60000, about: 'The time in ms to wait for the request to complete.' }),
    field('allowReplicationFactorChange', 'bool', { versions: '1+', default: true, about: 'Whether changing the replication factor of any given partition as part of this request is a valid move.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('replicas', array('int32'), { nullable: '0+', default: null, about: 'The replicas to place the partitions on, or null to cancel a pending reassignment for this partition.' })
      ], 'ReassignablePartition'), { about: 'The partitions to reassign.' })
    ], 'ReassignableTopic'), { about: 'The topics to reassign.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('allowReplicationFactorChange', 'bool', { versions: '1+', default: true, about: 'Whether changing the replication factor of any given partition as part of the request was allowed.' }),
    field('errorCode', 'int16', { about: 'The top-level error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { nullable: '0+', about: 'The top-level error message, or null if there was no error.' }),
    field('responses', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code for this partition, or 0 if there was no error.' }),
        field('errorMessage', 'string', { nullable: '0+', about: 'The error message for this partition, or null if there was no error.' })
      ], 'ReassignablePartitionResponse'), { about: 'The responses to partitions to reassign.' })
    ], 'ReassignableTopicResponse'), { about: 'The responses to topics to reassign.' })
  ]
})
export type AlterPartitionReassignmentsRequest = InferInput<typeof AlterPartitionReassignments.request>
export type AlterPartitionReassignmentsResponse = Infer<typeof AlterPartitionReassignments.response>
