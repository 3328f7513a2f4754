import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// OffsetDelete (key 47): removes a group's committed offsets for some partitions (KIP-496), so that an abandoned
// topic's offsets do not keep the group alive. Refused per partition (GROUP_SUBSCRIBED_TO_TOPIC) while a member
// of the group is subscribed to the topic. One version, not flexible.
export const OffsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  versions: '0',
  flexible: 'none',
  request: [
    field('groupId', 'string', { about: 'The unique group identifier.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' })
      ], 'OffsetDeleteRequestPartition'), { about: 'Each partition to delete offsets for.' })
    ], 'OffsetDeleteRequestTopic'), { about: 'The topics to delete offsets for.' })
  ],
  response: [
    field('errorCode', 'int16', { about: 'The top-level error code, or 0 if there was no error.' }),
    field('throttleTimeMs', 'int32', { about: 'The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
      ], 'OffsetDeleteResponsePartition'), { about: 'The responses for each partition in the topic.' })
    ], 'OffsetDeleteResponseTopic'), { about: 'The responses for each topic.' })
  ]
})
export type OffsetDeleteRequest = InferInput<typeof OffsetDelete.request>
export type OffsetDeleteResponse = Infer<typeof OffsetDelete.response>
