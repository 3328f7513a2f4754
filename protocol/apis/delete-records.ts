import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// DeleteRecords (key 21): moves a partition's log start offset forward, deleting the records before it (KIP-107).
// v1 answers quota violations before throttling (KIP-219). v2 is the first flexible version (KIP-482).
export const DeleteRecords = defineApi({
  key: 21,
  name: 'DeleteRecords',
  versions: '0-2',
  flexible: '2+',
  request: [
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('offset', 'int64', { about: 'The deletion offset: records before it are deleted; -1 means the high watermark.' })
      ], 'DeleteRecordsPartition'), { about: 'Each partition to delete records from.' })
    ], 'DeleteRecordsTopic'), { about: 'Each topic to delete records from.' }),
    field('timeoutMs', 'int32', { about: 'How long to wait for the deletion to complete, in milliseconds.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { about: 'The topic name.' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('lowWatermark', 'int64', { about: 'The partition low watermark (the new log start offset).' }),
        field('errorCode', 'int16', { about: 'The deletion error code, or 0 if the deletion succeeded.' })
      ], 'DeleteRecordsPartitionResult'), { about: 'Each partition records were deleted from.' })
    ], 'DeleteRecordsTopicResult'), { about: 'Each topic records were deleted from.' })
  ]
})
export type DeleteRecordsRequest = InferInput<typeof DeleteRecords.request>
export type DeleteRecordsResponse = Infer<typeof DeleteRecords.response>
