import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// AddPartitionsToTxn (key 24): tells the transaction coordinator which partitions a transaction is about to write,
// so that EndTxn knows where to write the commit or abort markers (KIP-98). v1 is the same as v0; v1 responses are
// sent before throttling (KIP-219). v2 may answer PRODUCER_FENCED (KIP-588). v3 is the first flexible version
// (KIP-482). v4 batches several transactions in one request and adds verifyOnly: brokers use it to ask the
// coordinator whether a partition is already in a transaction before appending transactional data (KIP-890 part 1);
// clients keep to v3 and below, which is why the v0-3 fields carry the "V3AndBelow" names in Kafka's definitions.
// v5 may answer TRANSACTION_ABORTABLE (KIP-890).

/** One topic's partitions, the same shape in both eras (Kafka's common struct AddPartitionsToTxnTopic). */
const topic = struct([
  field('name', 'string', { about: 'The name of the topic.', entity: 'topicName' }),
  field('partitions', array('int32'), { about: 'The partition indexes to add to the transaction.' })
], 'AddPartitionsToTxnTopic')

/** One topic's per-partition results (Kafka's common struct AddPartitionsToTxnTopicResult). */
const topicResult = struct([
  field('name', 'string', { about: 'The topic name.', entity: 'topicName' }),
  field('resultsByPartition', array([
    field('partitionIndex', 'int32', { about: 'The partition index.' }),
    field('partitionErrorCode', 'int16', { about: 'The response error code.' })
  ], 'AddPartitionsToTxnPartitionResult'), { about: 'The results for each partition.' })
], 'AddPartitionsToTxnTopicResult')

export const AddPartitionsToTxn = defineApi({
  key: 24,
  name: 'AddPartitionsToTxn',
  versions: '0-5',
  flexible: '3+',
  request: [
    field('transactions', array([
      field('transactionalId', 'string', { about: 'The transactional id corresponding to the transaction.', entity: 'transactionalId' }),
      field('producerId', 'int64', { about: 'Current producer id in use by the transactional id.', entity: 'producerId' }),
      field('producerEpoch', 'int16', { about: 'Current epoch associated with the producer id.' }),
      field('verifyOnly', 'bool', { default: false, about: 'True to check whether the partitions are in the transaction rather than add them.' }),
      field('topics', array(topic), { about: 'The partitions to add to the transaction.' })
    ], 'AddPartitionsToTxnTransaction'), { versions: '4+', about: 'The transactions to add partitions to (brokers only).' }),
    field('v3AndBelowTransactionalId', 'string', { versions: '0-3', about: 'The transactional id corresponding to the transaction.', entity: 'transactionalId' }),
    field('v3AndBelowProducerId', 'int64', { versions: '0-3', about: 'Current producer id in use by the transactional id.', entity: 'producerId' }),
    field('v3AndBelowProducerEpoch', 'int16', { versions: '0-3', about: 'Current epoch associated with the producer id.' }),
    field('v3AndBelowTopics', array(topic), { versions: '0-3', about: 'The partitions to add to the transaction.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { versions: '4+', about: 'The top-level error code.' }),
    field('resultsByTransaction', array([
      field('transactionalId', 'string', { about: 'The transactional id corresponding to the transaction.', entity: 'transactionalId' }),
      field('topicResults', array(topicResult), { about: 'The results for each topic.' })
    ], 'AddPartitionsToTxnResult'), { versions: '4+', about: 'Results per transactional id.' }),
    field('resultsByTopicV3AndBelow', array(topicResult), { versions: '0-3', about: 'The results for each topic.' })
  ]
})
export type AddPartitionsToTxnRequest = InferInput<typeof AddPartitionsToTxn.request>
export type AddPartitionsToTxnResponse = Infer<typeof AddPartitionsToTxn.response>
