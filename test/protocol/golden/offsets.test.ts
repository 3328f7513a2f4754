import t from 'tap'
import { OffsetCommit, OffsetFetch } from '../../../protocol/apis/index.js'
import { decodeRequest, encodeRequest } from '../../../protocol/messages.js'
import { hex } from './hex.js'
import { checkVectors, type Vector } from './vectors.js'

// Frames of OffsetCommit v10 and OffsetFetch v10 (keys 8 and 9), the versions that name topics by id (KIP-848),
// written by hand from Kafka 4.4's message definitions (OffsetCommitRequest.json, OffsetCommitResponse.json,
// OffsetFetchRequest.json, OffsetFetchResponse.json), one line per field. Both APIs are flexible at v10 (from v8
// and v6): request header v2 (apiKey, apiVersion, correlationId, a classic int16-length client id, an empty tagged-
// field section), response header v1 (correlation id, tagged fields). Compact arrays and strings carry length + 1
// as an unsigned varint, 0 meaning null (KIP-482); a uuid is 16 raw bytes. The 4-byte size prefix is left out of
// each vector and checked separately.

const CORRELATION = 9
const ID_A = '00112233-4455-6677-8899-aabbccddeeff'
const ID_B = 'fedcba98-7654-3210-0123-456789abcdef'

const vectors: Vector[] = [
  {
    name: 'OffsetCommit v10 request (a consumer-protocol member commits two topics by id)',
    api: OffsetCommit, version: 10, kind: 'request',
    frame: hex(
      '00 08', // apiKey: 8
      '00 0a', // apiVersion: 10
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02 67', // groupId: "g"
      '00 00 00 05', // generationIdOrMemberEpoch: 5 (the member epoch)
      '02 6d', // memberId: "m"
      '00', // groupInstanceId: null
      // retentionTimeMs is v2-4 only
      '03', // topics: 2 elements
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId (v10+; the name is v0-9)
      '02', //   partitions: 1 element
      '00 00 00 00', //     partitionIndex: 0
      '00 00 00 00 00 00 00 2a', //     committedOffset: 42
      '00 00 00 03', //     committedLeaderEpoch: 3
      '01', //     committedMetadata: ""
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      'fe dc ba 98 76 54 32 10 01 23 45 67 89 ab cd ef', //   topicId
      '02', //   partitions: 1 element
      '00 00 00 02', //     partitionIndex: 2
      '00 00 00 00 00 00 00 07', //     committedOffset: 7
      'ff ff ff ff', //     committedLeaderEpoch: -1
      '00', //     committedMetadata: null
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      '00' // body tagged fields
    ),
    body: {
      groupId: 'g', generationIdOrMemberEpoch: 5, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1n,
      topics: [
        { name: '', topicId: ID_A, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: '' }] },
        { name: '', topicId: ID_B, partitions: [{ partitionIndex: 2, committedOffset: 7n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }
      ]
    }
  },
  {
    name: 'OffsetCommit v10 response (one topic committed, one id unknown to the broker)',
    api: OffsetCommit, version: 10, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      '03', // topics: 2 elements
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId
      '02', //   partitions: 1 element
      '00 00 00 00', //     partitionIndex: 0
      '00 00', //     errorCode: 0
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      'fe dc ba 98 76 54 32 10 01 23 45 67 89 ab cd ef', //   topicId
      '02', //   partitions: 1 element
      '00 00 00 02', //     partitionIndex: 2
      '00 64', //     errorCode: 100 (UNKNOWN_TOPIC_ID)
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      '00' // body tagged fields
    ),
    body: {
      throttleTimeMs: 0,
      topics: [
        { name: '', topicId: ID_A, partitions: [{ partitionIndex: 0, errorCode: 0 }] },
        { name: '', topicId: ID_B, partitions: [{ partitionIndex: 2, errorCode: 100 }] }
      ]
    }
  },
  {
    name: 'OffsetFetch v10 request (one group, one topic by id, requireStable)',
    api: OffsetFetch, version: 10, kind: 'request',
    frame: hex(
      '00 09', // apiKey: 9
      '00 0a', // apiVersion: 10
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      // groupId and topics are v0-7 only
      '02', // groups: 1 element
      '02 67', //   groupId: "g"
      '02 6d', //   memberId: "m"
      '00 00 00 05', //   memberEpoch: 5
      '02', //   topics: 1 element
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //     topicId (v10+; the name is v8-9)
      '03 00 00 00 00 00 00 00 01', //     partitionIndexes: [0, 1]
      '00', //     topic tagged fields
      '00', //   group tagged fields
      '01', // requireStable: true
      '00' // body tagged fields
    ),
    body: {
      groupId: '', topics: [],
      groups: [{ groupId: 'g', memberId: 'm', memberEpoch: 5, topics: [{ name: '', topicId: ID_A, partitionIndexes: [0, 1] }] }],
      requireStable: true
    }
  },
  {
    name: 'OffsetFetch v10 request (every topic of the group: a null topic list)',
    api: OffsetFetch, version: 10, kind: 'request',
    frame: hex(
      '00 09', // apiKey: 9
      '00 0a', // apiVersion: 10
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02', // groups: 1 element
      '02 67', //   groupId: "g"
      '00', //   memberId: null
      'ff ff ff ff', //   memberEpoch: -1
      '00', //   topics: null (all topics)
      '00', //   group tagged fields
      '00', // requireStable: false
      '00' // body tagged fields
    ),
    body: {
      groupId: '', topics: [],
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: false
    }
  },
  {
    name: 'OffsetFetch v10 response (a committed offset, none, and an unknown id)',
    api: OffsetFetch, version: 10, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      // topics and errorCode are v0-7 only
      '02', // groups: 1 element
      '02 67', //   groupId: "g"
      '03', //   topics: 2 elements
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //     topicId
      '03', //     partitions: 2 elements
      '00 00 00 00', //       partitionIndex: 0
      '00 00 00 00 00 00 00 2a', //       committedOffset: 42
      '00 00 00 03', //       committedLeaderEpoch: 3
      '03 6d 64', //       metadata: "md"
      '00 00', //       errorCode: 0
      '00', //       partition tagged fields
      '00 00 00 01', //       partitionIndex: 1
      'ff ff ff ff ff ff ff ff', //       committedOffset: -1 (none committed)
      'ff ff ff ff', //       committedLeaderEpoch: -1
      '01', //       metadata: ""
      '00 00', //       errorCode: 0
      '00', //       partition tagged fields
      '00', //     topic tagged fields
      'fe dc ba 98 76 54 32 10 01 23 45 67 89 ab cd ef', //     topicId
      '02', //     partitions: 1 element
      '00 00 00 00', //       partitionIndex: 0
      'ff ff ff ff ff ff ff ff', //       committedOffset: -1
      'ff ff ff ff', //       committedLeaderEpoch: -1
      '01', //       metadata: ""
      '00 64', //       errorCode: 100 (UNKNOWN_TOPIC_ID)
      '00', //       partition tagged fields
      '00', //     topic tagged fields
      '00 00', //   errorCode: 0 (group level)
      '00', //   group tagged fields
      '00' // body tagged fields
    ),
    body: {
      throttleTimeMs: 0, topics: [], errorCode: 0,
      groups: [{
        groupId: 'g',
        topics: [
          {
            name: '', topicId: ID_A, partitions: [
              { partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'md', errorCode: 0 },
              { partitionIndex: 1, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
            ]
          },
          { name: '', topicId: ID_B, partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 100 }] }
        ],
        errorCode: 0
      }]
    }
  }
]

checkVectors(t, vectors, CORRELATION)

t.test('the same commit at v9 writes the topic name where v10 writes the 16-byte id', async t => {
  const body = { groupId: 'g', generationIdOrMemberEpoch: 5, memberId: 'm', groupInstanceId: null, topics: [{ name: 't', topicId: ID_A, partitions: [] }] }
  const v9 = encodeRequest(OffsetCommit, 9, { correlationId: CORRELATION, clientId: 'kd' }, body)
  const v10 = encodeRequest(OffsetCommit, 10, { correlationId: CORRELATION, clientId: 'kd' }, body)
  // v9 writes the name "t" (2 bytes compact), v10 the 16-byte id instead.
  t.equal(v10.length - v9.length, 16 - 2)
  t.equal(decodeRequest(v9.subarray(4)).body.topics[0].name, 't')
})
