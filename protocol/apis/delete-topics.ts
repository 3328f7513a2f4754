import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DeleteTopics (key 20): deletes topics by name or, from v6, by topic id.
// v0-3 have the same request. v1 adds throttleTimeMs; v2 answers quota violations before throttling (KIP-219);
// v3 may answer TOPIC_DELETION_DISABLED. v4 is the first flexible version (KIP-482). v5 adds errorMessage and may
// answer THROTTLING_QUOTA_EXCEEDED (KIP-599). v6 replaces topicNames with topics, each a name or a topic id, and
// lets response names be null (KIP-516).
export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  versions: '0-6',
  flexible: '4+',
  about: 'Kafka marks v0 deprecated; Kafka 4.0 brokers reject it (KIP-896).',
  request: [
    field('topics', array([
      field('name', 'string', { nullable: '6+', default: null, about: 'The topic name, or null to delete by id.' }),
      field('topicId', 'uuid', { about: 'The topic id, or all zeros to delete by name.' })
    ], 'DeleteTopicState'), { versions: '6+', about: 'The topics to delete, by name or id (KIP-516).' }),
    field('topicNames', array('string'), { versions: '0-5', about: 'The names of the topics to delete.' }),
    field('timeoutMs', 'int32', { about: 'How long to wait for the deletions to complete, in milliseconds.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { versions: '1+', about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('responses', array([
      field('name', 'string', { nullable: '6+', about: 'The topic name; null when deleted by id (v6+).' }),
      field('topicId', 'uuid', { versions: '6+', about: 'The topic id.' }),
      field('errorCode', 'int16', { about: 'The deletion error, or 0 if the deletion succeeded.' }),
      field('errorMessage', 'string', { versions: '5+', nullable: '5+', default: null, about: 'The error message, or null if there was no error.' })
    ], 'DeletableTopicResult'), { about: 'The results for each topic.' })
  ]
})
export type DeleteTopicsRequest = InferInput<typeof DeleteTopics.request>
export type DeleteTopicsResponse = Infer<typeof DeleteTopics.response>
