import { defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// InitProducerId (key 22): allocates a producer id and epoch, for idempotent and transactional producers
// (KIP-98). v1 answers quota violations before throttling (KIP-219). v2 is the first flexible version (KIP-482).
// v3 adds producerId and producerEpoch so a producer can bump its epoch and carry on after
// INVALID_PRODUCER_EPOCH (KIP-360). v4 may answer PRODUCER_FENCED (KIP-588). v5 may answer
// TRANSACTION_ABORTABLE (KIP-890). v6 adds two-phase commit with an external transaction manager: enable2Pc, and
// keepPreparedTxn to resume a prepared transaction after a restart instead of aborting it (KIP-939).
export const InitProducerId = defineApi({
  key: 22,
  name: 'InitProducerId',
  versions: '0-6',
  flexible: '2+',
  request: [
    field('transactionalId', 'string', { nullable: '0+', default: null, about: 'The transactional id, or null if the producer is not transactional.' }),
    field('transactionTimeoutMs', 'int32', { about: 'How long in ms an idle transaction may last before it is aborted; only with a transactional id.' }),
    field('producerId', 'int64', { versions: '3+', default: -1n, about: 'The current producer id, or -1 (KIP-360).' }),
    field('producerEpoch', 'int16', { versions: '3+', default: -1, about: 'The current producer epoch, or -1 (KIP-360).' }),
    field('enable2Pc', 'bool', { versions: '6+', default: false, about: 'True to use two-phase commit for transactions (KIP-939).' }),
    field('keepPreparedTxn', 'bool', { versions: '6+', default: false, about: 'True to keep the ongoing (prepared) transaction instead of aborting it (KIP-939).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
    field('producerId', 'int64', { default: -1n, about: 'The current producer id.' }),
    field('producerEpoch', 'int16', { about: 'The current epoch associated with the producer id.' }),
    field('ongoingTxnProducerId', 'int64', { versions: '6+', default: -1n, about: 'The producer id of the ongoing transaction kept by keepPreparedTxn, or -1 (KIP-939).' }),
    field('ongoingTxnProducerEpoch', 'int16', { versions: '6+', default: -1, about: 'The epoch of the ongoing transaction kept by keepPreparedTxn, or -1 (KIP-939).' })
  ]
})
export type InitProducerIdRequest = InferInput<typeof InitProducerId.request>
export type InitProducerIdResponse = Infer<typeof InitProducerId.response>
