import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeProducers (key 61): the active idempotent and transactional producers of partitions, as the partition
// leader keeps them (KIP-664, for finding hanging transactions): producer id and epoch, the last sequence and
// timestamp written, the coordinator epoch and the start offset of the producer's open transaction (-1 when none).
// Only v0 exists, flexible. From DescribeProducersRequest/Response.json (kafka-clients 4.4.0).
export const DescribeProducers = defineApi({
  key: 61,
  name: 'DescribeProducers',
  versions: '0',
  flexible: '0+',
  request: [
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitionIndexes', array('int32'), { about: 'The indexes of the partitions to list producers for.' })
    ], 'TopicRequest'), { about: 'The topics to list producers for.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The partition error code, or 0 if there was no error.' }),
        field('errorMessage', 'string', { nullable: '0+', default: null, about: 'The partition error message, which may be null if no additional details are available.' }),
        field('activeProducers', array([
          field('producerId', 'int64', { about: 'The producer id.' }),
          field('producerEpoch', 'int32', { about: 'The producer epoch.' }),
          field('lastSequence', 'int32', { default: -1, about: 'The last sequence number sent by the producer.' }),
          field('lastTimestamp', 'int64', { default: -1n, about: 'The last timestamp sent by the producer.' }),
          field('coordinatorEpoch', 'int32', { about: 'The current epoch of the producer group.' }),
          field('currentTxnStartOffset', 'int64', { default: -1n, about: 'The current transaction start offset of the producer.' })
        ], 'ProducerState'), { about: 'The active producers for the partition.' })
      ], 'PartitionResponse'), { about: 'Each partition in the response.' })
    ], 'TopicResponse'), { about: 'Each topic in the response.' })
  ]
})
export type DescribeProducersRequest = InferInput<typeof DescribeProducers.request>
export type DescribeProducersResponse = Infer<typeof DescribeProducers.response>
