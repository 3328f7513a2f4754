import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// WriteTxnMarkers (key 27): the transaction coordinator asks a partition's leader to write a commit or abort marker
// (a control batch) for a producer, ending its transaction there (KIP-98); the admin client sends it too, to abort a
// hanging transaction (KIP-664, `kafka-transactions.sh abort`), which needs CLUSTER_ACTION on the cluster. Kafka 4
// removed v0 (KIP-896); v1 is flexible (KIP-482). v2 adds transactionVersion, the marker's transaction protocol
// (0/1 classic, 2 for KIP-890 part 2), ignorable.
export const WriteTxnMarkers = defineApi({
  key: 27,
  name: 'WriteTxnMarkers',
  versions: '1-2',
  flexible: '1+',
  request: [
    field('markers', array([
      field('producerId', 'int64', { about: 'The current producer id.', entity: 'producerId' }),
      field('producerEpoch', 'int16', { about: 'The current epoch associated with the producer id.' }),
      field('transactionResult', 'bool', { about: 'The result of the transaction to write to the partitions (false = ABORT, true = COMMIT).' }),
      field('topics', array([
        field('name', 'string', { about: 'The topic name.', entity: 'topicName' }),
        field('partitionIndexes', array('int32'), { about: 'The indexes of the partitions to write transaction markers for.' })
      ], 'WritableTxnMarkerTopic'), { about: 'Each topic that we want to write transaction marker(s) for.' }),
      field('coordinatorEpoch', 'int32', { about: 'Epoch associated with the transaction state partition hosted by this transaction coordinator.' }),
      field('transactionVersion', 'int8', { versions: '2+', default: 0, about: 'Transaction version of the marker: 0/1 legacy (TV0/TV1), 2 for TV2 (KIP-890).' })
    ], 'WritableTxnMarker'), { about: 'The transaction markers to be written.' })
  ],
  response: [
    field('markers', array([
      field('producerId', 'int64', { about: 'The current producer id in use by the transactional id.', entity: 'producerId' }),
      field('topics', array([
        field('name', 'string', { about: 'The topic name.', entity: 'topicName' }),
        field('partitions', array([
          field('partitionIndex', 'int32', { about: 'The partition index.' }),
          field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
        ], 'WritableTxnMarkerPartitionResult'), { about: 'The results by partition.' })
      ], 'WritableTxnMarkerTopicResult'), { about: 'The results by topic.' })
    ], 'WritableTxnMarkerResult'), { about: 'The results for writing makers.' })
  ]
})
export type WriteTxnMarkersRequest = InferInput<typeof WriteTxnMarkers.request>
export type WriteTxnMarkersResponse = Infer<typeof WriteTxnMarkers.response>
