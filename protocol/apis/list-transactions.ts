import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// ListTransactions (key 66): the transactional ids a coordinator knows, filtered by state and producer id
// (KIP-664). v0 is flexible from the start. v1 adds durationFilter, to find transactions running longer than a
// given time (KIP-994). v2 adds transactionalIdPattern, a regular expression (KIP-1152).
export const ListTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  versions: '0-2',
  flexible: '0+',
  request: [
    field('stateFilters', array('string'), { about: 'Only transactions in one of these states; empty for all.' }),
    field('producerIdFilters', array('int64'), { about: 'Only transactions of one of these producer ids; empty for all.' }),
    field('durationFilter', 'int64', { versions: '1+', default: -1n, about: 'Only transactions running longer than this many ms; negative for all (KIP-994).' }),
    field('transactionalIdPattern', 'string', { versions: '2+', nullable: '2+', default: null, about: 'Only transactional ids matching this regular expression; null or empty for all (KIP-1152).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('unknownStateFilters', array('string'), { about: 'State filters from the request the coordinator does not know.' }),
    field('transactionStates', array([
      field('transactionalId', 'string', { about: 'The transactional id.', entity: 'transactionalId' }),
      field('producerId', 'int64', { about: 'The producer id.', entity: 'producerId' }),
      field('transactionState', 'string', { about: 'The current transaction state of the producer.' })
    ], 'TransactionState'), { about: 'The matching transactions.' })
  ]
})
export type ListTransactionsRequest = InferInput<typeof ListTransactions.request>
export type ListTransactionsResponse = Infer<typeof ListTransactions.response>
