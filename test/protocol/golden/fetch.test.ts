import t from 'tap'
import { Fetch } from '../../../protocol/apis/fetch.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// Fetch frames written by hand from the protocol guide (https://kafka.apache.org/protocol#The_Messages_Fetch) and
// Kafka's FetchRequest.json / FetchResponse.json, one line per field: v4 (classic encodings, topic names, aborted
// transactions) and v16 (flexible: compact lengths stored +1, tagged fields, topic ids, node endpoints; KIP-482,
// KIP-516, KIP-951). The records are three opaque bytes: this codec hands them out as a view without looking
// inside; record batches have their own tests.

const TOPIC_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
const NO_ID = '00000000-0000-0000-0000-000000000000'

const v4Request = hex(
  '00 00 00 3b', // size: 59 bytes follow
  '00 01', // apiKey: 1 (Fetch)
  '00 04', // apiVersion: 4
  '00 00 00 09', // correlationId: 9
  '00 02 6b 64', // clientId: "kd"
  'ff ff ff ff', // replicaId: -1 (a consumer)
  '00 00 01 f4', // maxWaitMs: 500
  '00 00 00 01', // minBytes: 1
  '00 10 00 00', // maxBytes: 1048576 (v3+, KIP-74)
  '00', // isolationLevel: 0 (READ_UNCOMMITTED, v4+)
  '00 00 00 01', // topics: 1 element
  '00 04 6c 6f 67 73', //   topic: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 00', //     partition: 0
  '00 00 00 00 00 00 00 0a', //     fetchOffset: 10
  '00 01 00 00' //     partitionMaxBytes: 65536
)

const v4Response = hex(
  '00 00 00 47', // size: 71 bytes follow
  '00 00 00 09', // correlationId: 9
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 01', // responses: 1 element
  '00 04 6c 6f 67 73', //   topic: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00 00 00 00 00 00 00 0c', //     highWatermark: 12
  '00 00 00 00 00 00 00 0c', //     lastStableOffset: 12
  '00 00 00 01', //     abortedTransactions: 1 element
  '00 00 00 00 00 00 00 07', //       producerId: 7
  '00 00 00 00 00 00 00 0b', //       firstOffset: 11
  '00 00 00 03', //     records: 3 bytes (int32 length)
  '61 62 63' //       "abc" (opaque here)
)

const v16Request = hex(
  '00 00 00 60', // size: 96 bytes follow
  '00 01', // apiKey: 1 (Fetch)
  '00 10', // apiVersion: 16 (flexible, request header v2)
  '00 00 00 0a', // correlationId: 10
  '00 02 6b 64', // clientId: "kd" (never compact)
  '00', // header tagged fields: none
  // replicaId is gone from v15: followers send the tagged replicaState instead (KIP-903)
  '00 00 01 f4', // maxWaitMs: 500
  '00 00 00 01', // minBytes: 1
  '00 10 00 00', // maxBytes: 1048576
  '01', // isolationLevel: 1 (READ_COMMITTED)
  '00 00 00 00', // sessionId: 0 (no fetch session)
  'ff ff ff ff', // sessionEpoch: -1 (a full fetch, no session wanted; KIP-227)
  '02', // topics: compact array, 1 element (count + 1)
  '0f 1e 2d 3c 4b 5a 69 78 87 96 a5 b4 c3 d2 e1 f0', //   topicId (v13+, replaces the name)
  '02', //   partitions: 1 element
  '00 00 00 01', //     partition: 1
  '00 00 00 03', //     currentLeaderEpoch: 3
  '00 00 00 00 00 00 00 64', //     fetchOffset: 100
  'ff ff ff ff', //     lastFetchedEpoch: -1
  'ff ff ff ff ff ff ff ff', //     logStartOffset: -1 (only followers set it)
  '00 01 00 00', //     partitionMaxBytes: 65536
  '00', //     partition tagged fields: none (replicaDirectoryId left at its default)
  '00', //   topic tagged fields: none
  '01', // forgottenTopicsData: compact array, 0 elements
  '03 72 31', // rackId: compact string "r1"
  '01', // body tagged fields: 1 field
  '00', //   tag 0: clusterId
  '03', //   size: 3 bytes
  '03 61 62' //     compact nullable string "ab"
)

const v16Response = hex(
  '00 00 00 66', // size: 102 bytes follow
  '00 00 00 0a', // correlationId: 10
  '00', // header tagged fields: none (response header v1)
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0
  '00 00 00 00', // sessionId: 0
  '02', // responses: compact array, 1 element
  '0f 1e 2d 3c 4b 5a 69 78 87 96 a5 b4 c3 d2 e1 f0', //   topicId
  '02', //   partitions: 1 element
  '00 00 00 01', //     partitionIndex: 1
  '00 06', //     errorCode: 6 (NOT_LEADER_OR_FOLLOWER)
  'ff ff ff ff ff ff ff ff', //     highWatermark: -1
  'ff ff ff ff ff ff ff ff', //     lastStableOffset: -1
  'ff ff ff ff ff ff ff ff', //     logStartOffset: -1
  '00', //     abortedTransactions: null (compact nullable array)
  'ff ff ff ff', //     preferredReadReplica: -1
  '00', //     records: null (compact nullable bytes)
  '01', //     partition tagged fields: 1 field
  '01', //       tag 1: currentLeader
  '09', //       size: 9 bytes
  '00 00 00 02', //         leaderId: 2
  '00 00 00 04', //         leaderEpoch: 4
  '00', //         struct tagged fields: none
  '00', //   topic tagged fields: none
  '01', // body tagged fields: 1 field
  '00', //   tag 0: nodeEndpoints (KIP-951)
  '11', //   size: 17 bytes
  '02', //     compact array, 1 element
  '00 00 00 02', //       nodeId: 2
  '06 68 6f 73 74 32', //       host: compact string "host2"
  '00 00 23 84', //       port: 9092
  '00', //       rack: null
  '00' //       struct tagged fields: none
)

t.test('a hand-written Fetch v4 request decodes to the expected values', async t => {
  const { api, header, body } = decodeRequest(v4Request.subarray(4))
  t.equal(api, Fetch)
  t.strictSame(header, { apiKey: 1, apiVersion: 4, correlationId: 9, clientId: 'kd' })
  t.strictSame(body, {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1048576,
    isolationLevel: 0,
    topics: [{
      topic: 'logs',
      partitions: [{
        partition: 0,
        fetchOffset: 10n,
        partitionMaxBytes: 65536,
        currentLeaderEpoch: -1, // defaults for the fields v4 does not have
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        replicaDirectoryId: NO_ID,
        highWatermark: 0x7fffffffffffffffn // v18's follower field: "unknown"
      }],
      topicId: NO_ID
    }],
    clusterId: null,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    sessionId: 0,
    sessionEpoch: -1,
    forgottenTopicsData: [],
    rackId: ''
  })
})

t.test('a Fetch v4 request encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeRequest(Fetch, 4, { correlationId: 9, clientId: 'kd' }, {
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1048576,
    topics: [{ topic: 'logs', partitions: [{ partition: 0, fetchOffset: 10n, partitionMaxBytes: 65536 }] }]
  })
  t.equal(toHex(bytes), toHex(v4Request))
})

t.test('a hand-written Fetch v4 response decodes to the expected values', async t => {
  const { correlationId, body } = decodeResponse(Fetch, 4, v4Response.subarray(4))
  t.equal(correlationId, 9)
  t.strictSame(body, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topic: 'logs',
      topicId: NO_ID,
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 12n,
        lastStableOffset: 12n,
        logStartOffset: -1n,
        divergingEpoch: { epoch: -1, endOffset: -1n },
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
        snapshotId: { endOffset: -1n, epoch: -1 },
        abortedTransactions: [{ producerId: 7n, firstOffset: 11n }],
        preferredReadReplica: -1,
        records: Buffer.from('abc')
      }]
    }],
    nodeEndpoints: []
  })
})

t.test('a Fetch v4 response encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeResponse(Fetch, 4, 9, {
    throttleTimeMs: 0,
    responses: [{
      topic: 'logs',
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        highWatermark: 12n,
        lastStableOffset: 12n,
        abortedTransactions: [{ producerId: 7n, firstOffset: 11n }],
        records: Buffer.from('abc')
      }]
    }]
  })
  t.equal(toHex(bytes), toHex(v4Response))
})

t.test('a hand-written Fetch v16 request decodes to the expected values', async t => {
  const { api, header, body } = decodeRequest(v16Request.subarray(4))
  t.equal(api, Fetch)
  t.strictSame(header, { apiKey: 1, apiVersion: 16, correlationId: 10, clientId: 'kd' })
  t.strictSame(body, {
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1048576,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topicId: TOPIC_ID,
      partitions: [{
        partition: 1,
        currentLeaderEpoch: 3,
        fetchOffset: 100n,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: 65536,
        replicaDirectoryId: NO_ID,
        highWatermark: 0x7fffffffffffffffn
      }],
      topic: '' // names are gone from v13
    }],
    forgottenTopicsData: [],
    rackId: 'r1',
    replicaId: -1,
    clusterId: 'ab',
    replicaState: { replicaId: -1, replicaEpoch: -1n }
  })
})

t.test('a Fetch v16 request encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeRequest(Fetch, 16, { correlationId: 10, clientId: 'kd' }, {
    clusterId: 'ab',
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1048576,
    isolationLevel: 1,
    topics: [{ topicId: TOPIC_ID, partitions: [{ partition: 1, currentLeaderEpoch: 3, fetchOffset: 100n, partitionMaxBytes: 65536 }] }],
    rackId: 'r1'
  })
  t.equal(toHex(bytes), toHex(v16Request))
})

t.test('a hand-written Fetch v16 response decodes to the expected values', async t => {
  const { correlationId, body } = decodeResponse(Fetch, 16, v16Response.subarray(4))
  t.equal(correlationId, 10)
  t.strictSame(body, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [{
      topicId: TOPIC_ID,
      partitions: [{
        partitionIndex: 1,
        errorCode: 6,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: null,
        divergingEpoch: { epoch: -1, endOffset: -1n },
        currentLeader: { leaderId: 2, leaderEpoch: 4 },
        snapshotId: { endOffset: -1n, epoch: -1 }
      }],
      topic: ''
    }],
    nodeEndpoints: [{ nodeId: 2, host: 'host2', port: 9092, rack: null }]
  })
})

t.test('a Fetch v16 response encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeResponse(Fetch, 16, 10, {
    responses: [{
      topicId: TOPIC_ID,
      partitions: [{
        partitionIndex: 1,
        errorCode: 6,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        abortedTransactions: null,
        records: null,
        currentLeader: { leaderId: 2, leaderEpoch: 4 }
      }]
    }],
    nodeEndpoints: [{ nodeId: 2, host: 'host2', port: 9092, rack: null }]
  })
  t.equal(toHex(bytes), toHex(v16Response))
})
