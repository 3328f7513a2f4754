import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// CreateTopics (key 19): creates topics, with partition counts and replication factors or explicit replica
// assignments, and per-topic configs.
// v1 adds validateOnly and a per-topic errorMessage (KIP-108). v2 adds throttleTimeMs; v3 answers quota
// violations before throttling (KIP-219). v4 lets numPartitions and replicationFactor be -1 for the broker's
// defaults (KIP-464). v5 is the first flexible version (KIP-482) and returns the created topic's configs,
// partition count and replication factor (KIP-525). v6 may answer THROTTLING_QUOTA_EXCEEDED (KIP-599). v7 returns
// the new topic's id (KIP-516).
export const CreateTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  versions: '0-7',
  flexible: '5+',
  about: 'Kafka marks v0-1 deprecated; Kafka 4.0 brokers reject them (KIP-896).',
  request: [
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('numPartitions', 'int32', { about: 'The number of partitions, or -1 with a manual assignment or for the broker default.' }),
      field('replicationFactor', 'int16', { about: 'The number of replicas per partition, or -1 with a manual assignment or for the broker default.' }),
      field('assignments', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('brokerIds', array('int32'), { about: 'The brokers to place the partition on.' })
      ], 'CreatableReplicaAssignment'), { about: 'The manual partition assignment, or empty for automatic assignment.' }),
      field('configs', array([
        field('name', 'string', { about: 'The configuration name.' }),
        field('value', 'string', { nullable: '0+', about: 'The configuration value.' })
      ], 'CreatableTopicConfig'), { about: 'The custom topic configurations to set.' })
    ], 'CreatableTopic'), { about: 'The topics to create.' }),
    field('timeoutMs', 'int32', { default: 60000, about: 'How long to wait in milliseconds before timing out the request.' }),
    field('validateOnly', 'bool', { versions: '1+', default: false, about: 'If true, only check that the topics could be created.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '2+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('topicId', 'uuid', { versions: '7+', about: 'The topic id (KIP-516).' }),
      field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' }),
      // Kafka's definition says nullableVersions "0+" with versions "1+"; only "1+" can be on the wire.
      field('errorMessage', 'string', { versions: '1+', nullable: '1+', default: null, about: 'The error message, or null if there was no error.' }),
      field('topicConfigErrorCode', 'int16', { tag: 0, tagged: '5+', about: 'The topic config error, when configs are not returned (KIP-525).' }),
      field('numPartitions', 'int32', { versions: '5+', default: -1, about: 'Number of partitions of the topic.' }),
      field('replicationFactor', 'int16', { versions: '5+', default: -1, about: 'Replication factor of the topic.' }),
      field('configs', array([
        field('name', 'string', { about: 'The configuration name.' }),
        field('value', 'string', { nullable: '5+', about: 'The configuration value.' }),
        field('readOnly', 'bool', { about: 'True if the configuration is read-only.' }),
        field('configSource', 'int8', { default: -1, about: 'The configuration source.' }),
        field('isSensitive', 'bool', { about: 'True if this configuration is sensitive.' })
      ], 'CreatableTopicConfigs'), { versions: '5+', nullable: '5+', about: 'Configuration of the topic (KIP-525).' })
    ], 'CreatableTopicResult'), { about: 'Results for each topic.' })
  ]
})
export type CreateTopicsRequest = InferInput<typeof CreateTopics.request>
export type CreateTopicsResponse = Infer<typeof CreateTopics.response>
