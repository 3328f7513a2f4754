import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ListPartitionReassignments (key 46): the reassignments in progress (KIP-455): each partition's current replica
// set (old and new replicas together while moving), the replicas being added and those being removed. Flexible
// from v0; a null topic list means every partition. From ListPartitionReassignmentsRequest/Response.json
// (kafka-clients 4.4.0).
export const ListPartitionReassignments = defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  versions: '0',
  flexible: '0+',
  request: [
    field('timeoutMs', 'int32', { default: 60000, about: 'The time in ms to wait for the request to complete.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitionIndexes', array('int32'), { about: 'The partitions to list partition reassignments for.' })
    ], 'ListPartitionReassignmentsTopics'), { nullable: '0+', default: null, about: 'The topics to list partition reassignments for, or null to list everything.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The top-level error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { nullable: '0+', about: 'The top-level error message, or null if there was no error.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The index of the partition.' }),
        field('replicas', array('int32'), { about: 'The current replica set.' }),
        field('addingReplicas', array('int32'), { about: 'The set of replicas we are currently adding.' }),
        field('removingReplicas', array('int32'), { about: 'The set of replicas we are currently removing.' })
      ], 'OngoingPartitionReassignment'), { about: 'The ongoing reassignments for each partition.' })
    ], 'OngoingTopicReassignment'), { about: 'The ongoing reassignments for each topic.' })
  ]
})
export type ListPartitionReassignmentsRequest = InferInput<typeof ListPartitionReassignments.request>
export type ListPartitionReassignmentsResponse = Infer<typeof ListPartitionReassignments.response>
