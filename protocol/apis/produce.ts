import { array, defineApi, field, struct, type Infer, type InferInput } from '../schema/define.js'

// Produce (key 0): appends record batches to partition logs; the response carries each partition's base offset.
// v1 adds throttleTimeMs to the response. v2 adds logAppendTimeMs (the broker's time when the topic uses
// LogAppendTime). v3 adds transactionalId and requires record batch v2 (KIP-98). v4 may answer
// KAFKA_STORAGE_ERROR (KIP-112). v5 adds logStartOffset to the response. v6 is the same as v5. v7 allows zstd
// (KIP-110). v8 adds recordErrors and errorMessage, saying which records made a batch fail (KIP-467). v9 is the
// first flexible version (KIP-482). v10 adds currentLeader and nodeEndpoints as tagged fields, so a producer that
// hits NOT_LEADER_OR_FOLLOWER learns the new leader without a metadata round trip (KIP-951). v11 may answer
// TRANSACTION_ABORTABLE (KIP-890). v12 (Kafka 4.0) is the same wire format as v11: it tells the broker the client
// runs the KIP-890 part 2 transaction protocol (partitions are added to the transaction implicitly). v13 (Kafka 4.1,
// KIP-516) names each topic by its id instead of its name, in the request and the response; a broker that does not
// know the id answers its partitions UNKNOWN_TOPIC_ID.
// acks 0 means the broker sends no response at all (protocol guide, "Produce API").
export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  versions: '0-13',
  flexible: '9+',
  about: 'Kafka marks v0-6 deprecated; Kafka 4.0 brokers reject v0-2 (KIP-896).',
  request: [
    field('transactionalId', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The transactional ID, or null if the producer is not transactional.' }),
    field('acks', 'int16', { about: 'Acknowledgments required: 0 none, 1 the leader only, -1 the full ISR.' }),
    field('timeoutMs', 'int32', { about: 'The timeout to await a response in milliseconds.' }),
    field('topicData', array([
      field('name', 'string', { versions: '0-12', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '13+', about: 'The topic id (KIP-516).' }),
      field('partitionData', array([
        field('index', 'int32', { about: 'The partition index.' }),
        field('records', 'records', { nullable: '0+', about: 'The record data to be produced.' })
      ], 'PartitionProduceData'), { about: 'Each partition to produce to.' })
    ], 'TopicProduceData'), { about: 'Each topic to produce to.' })
  ],
  response: [
    field('responses', array([
      field('name', 'string', { versions: '0-12', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '13+', about: 'The topic id (KIP-516).' }),
      field('partitionResponses', array([
        field('index', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
        field('baseOffset', 'int64', { about: 'The base offset.' }),
        field('logAppendTimeMs', 'int64', { versions: '2+', default: -1n, about: 'The broker time of the append for LogAppendTime topics, else -1.' }),
        field('logStartOffset', 'int64', { versions: '5+', default: -1n, about: 'The log start offset.' }),
        field('recordErrors', array([
          field('batchIndex', 'int32', { about: 'The batch index of the record that caused the batch to be dropped.' }),
          field('batchIndexErrorMessage', 'string', { nullable: '8+', default: null, about: 'The error message of that record, or null.' })
        ], 'BatchIndexAndErrorMessage'), { versions: '8+', about: 'The records that caused the batch to be dropped (KIP-467).' }),
        field('errorMessage', 'string', { versions: '8+', nullable: '8+', default: null, about: 'The common root cause of the dropped records, or null.' }),
        field('currentLeader', struct([
          field('leaderId', 'int32', { default: -1, about: 'The ID of the current leader, or -1 if unknown.' }),
          field('leaderEpoch', 'int32', { default: -1, about: 'The latest known leader epoch.' })
        ], 'LeaderIdAndEpoch'), { tag: 0, tagged: '10+', about: 'The new leader, sent with NOT_LEADER_OR_FOLLOWER (KIP-951).' })
      ], 'PartitionProduceResponse'), { about: 'Each partition that was produced to.' })
    ], 'TopicProduceResponse'), { about: 'Each produce response.' }),
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('nodeEndpoints', array([
      field('nodeId', 'int32', { about: 'The ID of the associated node.' }),
      field('host', 'string', { about: "The node's hostname." }),
      field('port', 'int32', { about: "The node's port." }),
      field('rack', 'string', { nullable: '10+', default: null, about: 'The rack of the node, or null.' })
    ], 'NodeEndpoint'), { tag: 0, tagged: '10+', about: 'Endpoints of the leaders named in currentLeader fields (KIP-951).' })
  ]
})
export type ProduceRequest = InferInput<typeof Produce.request>
export type ProduceResponse = Infer<typeof Produce.response>
