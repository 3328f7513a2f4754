import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DescribeTransactions (key 65): the coordinator's view of some transactional ids: state, timeout, start time,
// producer id and epoch, and the partitions in the ongoing transaction (KIP-664, for kafka-transactions.sh and
// hanging-transaction tooling). v0 is flexible from the start.
export const DescribeTransactions = defineApi({
  key: 65,
  name: 'DescribeTransactions',
  versions: '0',
  flexible: '0+',
  request: [
    field('transactionalIds', array('string'), { about: 'The transactional ids to describe; an empty list describes none.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('transactionStates', array([
      field('errorCode', 'int16', { about: 'The error code.' }),
      field('transactionalId', 'string', { about: 'The transactional id.', entity: 'transactionalId' }),
      field('transactionState', 'string', { about: 'The transaction state, e.g. Empty, Ongoing, PrepareCommit, CompleteAbort.' }),
      field('transactionTimeoutMs', 'int32', { about: 'The timeout in ms for the transaction.' }),
      field('transactionStartTimeMs', 'int64', { about: 'The start time of the transaction in ms since the epoch, or -1.' }),
      field('producerId', 'int64', { about: 'The current producer id of the transactional id.', entity: 'producerId' }),
      field('producerEpoch', 'int16', { about: 'The current epoch of the producer id.' }),
      field('topics', array([
        field('topic', 'string', { about: 'The topic name.', entity: 'topicName' }),
        field('partitions', array('int32'), { about: 'The partitions in the current transaction.' })
      ], 'TopicData'), { about: 'The partitions in the current transaction (while it is ongoing).' })
    ], 'TransactionState'), { about: 'One entry per transactional id asked about.' })
  ]
})
export type DescribeTransactionsRequest = InferInput<typeof DescribeTransactions.request>
export type DescribeTransactionsResponse = Infer<typeof DescribeTransactions.response>
