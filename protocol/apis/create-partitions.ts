import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// CreatePartitions (key 37): raises a topic's partition count, optionally placing the new partitions' replicas
// (KIP-195). Partitions are never removed. v1 answers quota violations before throttling (KIP-219); v2 is the
// first flexible version (KIP-482); v3 may answer THROTTLING_QUOTA_EXCEEDED (KIP-599). From
// CreatePartitionsRequest/Response.json (kafka-clients 4.4.0).
export const CreatePartitions = defineApi({
  key: 37,
  name: 'CreatePartitions',
  versions: '0-3',
  flexible: '2+',
  request: [
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('count', 'int32', { about: 'The new partition count.' }),
      field('assignments', array([
        field('brokerIds', array('int32'), { about: 'The assigned broker IDs.' })
      ], 'CreatePartitionsAssignment'), { nullable: '0+', about: 'The new partition assignments, or null for automatic placement.' })
    ], 'CreatePartitionsTopic'), { about: 'Each topic that we want to create new partitions inside.' }),
    field('timeoutMs', 'int32', { about: 'The time in ms to wait for the partitions to be created.' }),
    field('validateOnly', 'bool', { about: 'If true, then validate the request, but don\'t actually increase the number of partitions.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('results', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('errorCode', 'int16', { about: 'The result error, or zero if there was no error.' }),
      field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The result message, or null if there was no error.' })
    ], 'CreatePartitionsTopicResult'), { about: 'The partition creation results for each topic.' })
  ]
})
export type CreatePartitionsRequest = InferInput<typeof CreatePartitions.request>
export type CreatePartitionsResponse = Infer<typeof CreatePartitions.response>
