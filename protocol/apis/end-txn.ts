import { defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// EndTxn (key 26): commits or aborts a transaction; the coordinator then writes a commit or abort marker (a control
// batch) into every partition the transaction touched (KIP-98). v1 answers quota violations before throttling
// (KIP-219). v2 may answer PRODUCER_FENCED (KIP-588). v3 is the first flexible version (KIP-482). v4 may answer
// TRANSACTION_ABORTABLE (KIP-890). v5 is transaction protocol v2 (KIP-890 part 2): the coordinator bumps the
// producer epoch at the end of every transaction and returns the new producerId and producerEpoch, so a late
// write from the finished transaction is fenced.
export const EndTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  versions: '0-5',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', { about: 'The id of the transaction to end.', entity: 'transactionalId' }),
    field('producerId', 'int64', { about: 'The producer id.', entity: 'producerId' }),
    field('producerEpoch', 'int16', { about: 'The current epoch associated with the producer.' }),
    field('committed', 'bool', { about: 'True if the transaction was committed, false if it was aborted.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('producerId', 'int64', { versions: '5+', default: -1n, about: 'The producer id (KIP-890 part 2).', entity: 'producerId' }),
    field('producerEpoch', 'int16', { versions: '5+', default: -1, about: 'The producer epoch after the bump (KIP-890 part 2).' })
  ]
})
export type EndTxnRequest = InferInput<typeof EndTxn.request>
export type EndTxnResponse = Infer<typeof EndTxn.response>
