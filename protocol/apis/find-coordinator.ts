import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// FindCoordinator (key 10): which broker coordinates a consumer group, a transactional id or a share group.
// v1 adds keyType (0 group, 1 transaction; KIP-98), and throttleTimeMs and errorMessage to the response. v2
// answers quota violations before throttling (KIP-219). v3 is the first flexible version (KIP-482). v4 batches
// several keys of one type in coordinatorKeys, answered per key in coordinators (KIP-699). v5 may answer
// TRANSACTION_ABORTABLE (KIP-890). v6 adds keyType 2, share groups (KIP-932).
export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  versions: '0-6',
  flexible: '3+',
  about: 'Kafka marks v0 deprecated; Kafka 4.0 brokers reject it (KIP-896).',
  request: [
    field('key', 'string', { versions: '0-3', about: 'The coordinator key.' }),
    field('keyType', 'int8', { versions: '1+', default: 0, about: 'The coordinator key type: 0 group, 1 transaction, 2 share group.' }),
    field('coordinatorKeys', array('string'), { versions: '4+', about: 'The coordinator keys (KIP-699).' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('errorCode', 'int16', { versions: '0-3', about: 'The error code, or 0 if there was no error.' }),
    field('errorMessage', 'string', { versions: '1-3', nullable: '1-3', default: null, about: 'The error message, or null if there was no error.' }),
    field('nodeId', 'int32', { versions: '0-3', about: 'The node id.' }),
    field('host', 'string', { versions: '0-3', about: 'The host name.' }),
    field('port', 'int32', { versions: '0-3', about: 'The port.' }),
    field('coordinators', array([
      field('key', 'string', { about: 'The coordinator key.' }),
      field('nodeId', 'int32', { about: 'The node id.' }),
      field('host', 'string', { about: 'The host name.' }),
      field('port', 'int32', { about: 'The port.' }),
      field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
      field('errorMessage', 'string', { nullable: '4+', default: null, about: 'The error message, or null if there was no error.' })
    ], 'Coordinator'), { versions: '4+', about: 'Each coordinator result (KIP-699).' })
  ]
})
export type FindCoordinatorRequest = InferInput<typeof FindCoordinator.request>
export type FindCoordinatorResponse = Infer<typeof FindCoordinator.response>
