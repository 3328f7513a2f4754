import { defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// AddOffsetsToTxn (key 25): adds a consumer group's offsets partition to a transaction, so that offsets committed
// with TxnOffsetCommit become visible only when the transaction commits (KIP-98). The reply says the producer may
// now send TxnOffsetCommit to the group coordinator. v1 answers quota violations before throttling (KIP-219). v2
// may answer PRODUCER_FENCED (KIP-588). v3 is the first flexible version (KIP-482). v4 may answer
// TRANSACTION_ABORTABLE (KIP-890). With transaction protocol v2 (KIP-890 part 2) clients skip this call: a
// TxnOffsetCommit v5+ adds the group implicitly.
export const AddOffsetsToTxn = defineApi({
  key: 25,
  name: 'AddOffsetsToTxn',
  versions: '0-4',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', { about: 'The transactional id corresponding to the transaction.', entity: 'transactionalId' }),
    field('producerId', 'int64', { about: 'Current producer id in use by the transactional id.', entity: 'producerId' }),
    field('producerEpoch', 'int16', { about: 'Current epoch associated with the producer id.' }),
    field('groupId', 'string', { about: 'The unique group identifier.', entity: 'groupId' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { about: 'The response error code, or 0 if there was no error.' })
  ]
})
export type AddOffsetsToTxnRequest = InferInput<typeof AddOffsetsToTxn.request>
export type AddOffsetsToTxnResponse = Infer<typeof AddOffsetsToTxn.response>
