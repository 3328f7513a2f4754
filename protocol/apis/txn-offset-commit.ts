import { array, defineApi, field, type Infer, type InferInput } from '../schema/define.js'

// TxnOffsetCommit (key 28): a transactional producer commits a consumer group's offsets to the group coordinator
// as part of its transaction; they become the group's committed offsets only if the transaction commits (KIP-98).
// v1 answers quota violations before throttling (KIP-219). v2 adds committedLeaderEpoch (KIP-320). v3 is the first
// flexible version and adds the group metadata (generationIdOrMemberEpoch, memberId, groupInstanceId) so the
// coordinator can fence a zombie that lost its partitions (KIP-447). v4 may answer TRANSACTION_ABORTABLE (KIP-890).
// v5 is the same wire format: with transaction protocol v2 it also adds the group to the transaction, replacing
// AddOffsetsToTxn (KIP-890 part 2). v6 names topics by id instead of name (KIP-1319).
export const TxnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  versions: '0-6',
  flexible: '3+',
  request: [
    field('transactionalId', 'string', { about: 'The id of the transaction.', entity: 'transactionalId' }),
    field('groupId', 'string', { about: 'The id of the group.', entity: 'groupId' }),
    field('producerId', 'int64', { about: 'The current producer id in use by the transactional id.', entity: 'producerId' }),
    field('producerEpoch', 'int16', { about: 'The current epoch associated with the producer id.' }),
    field('generationIdOrMemberEpoch', 'int32', { versions: '3+', default: -1, about: 'The group generation (classic protocol) or member epoch (KIP-848).' }),
    field('memberId', 'string', { versions: '3+', default: '', about: 'The member id assigned by the group coordinator.' }),
    field('groupInstanceId', 'string', { versions: '3+', nullable: '3+', default: null, about: 'The static member id given by the user, or null (KIP-345).' }),
    field('topics', array([
      field('name', 'string', { versions: '0-5', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '6+', about: 'The topic id (KIP-1319).' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The index of the partition within the topic.' }),
        field('committedOffset', 'int64', { about: 'The offset to commit: the next offset to consume.' }),
        field('committedLeaderEpoch', 'int32', { versions: '2+', default: -1, about: 'The leader epoch of the last consumed record (KIP-320).' }),
        field('committedMetadata', 'string', { nullable: '0+', about: 'Any associated metadata the client wants to keep.' })
      ], 'TxnOffsetCommitRequestPartition'), { about: 'The partitions to commit offsets for.' })
    ], 'TxnOffsetCommitRequestTopic'), { about: 'Each topic to commit offsets for.' })
  ],
  response: [
    field('throttleTimeMs', 'int32', { about: 'Throttle time in ms due to a quota violation, or zero.' }),
    field('topics', array([
      field('name', 'string', { versions: '0-5', about: 'The topic name.', entity: 'topicName' }),
      field('topicId', 'uuid', { versions: '6+', about: 'The topic id (KIP-1319).' }),
      field('partitions', array([
        field('partitionIndex', 'int32', { about: 'The partition index.' }),
        field('errorCode', 'int16', { about: 'The error code, or 0 if there was no error.' })
      ], 'TxnOffsetCommitResponsePartition'), { about: 'The responses for each partition in the topic.' })
    ], 'TxnOffsetCommitResponseTopic'), { about: 'The responses for each topic.' })
  ]
})
export type TxnOffsetCommitRequest = InferInput<typeof TxnOffsetCommit.request>
export type TxnOffsetCommitResponse = Infer<typeof TxnOffsetCommit.response>
