import t from 'tap'
import { ListOffsets } from '../../../protocol/apis/list-offsets.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// ListOffsets frames written by hand from the protocol guide (https://kafka.apache.org/protocol#The_Messages_ListOffsets)
// and Kafka's ListOffsetsRequest.json / ListOffsetsResponse.json, one line per field. Request header v1 is
// apiKey, apiVersion, correlationId, clientId (a classic nullable string even in header v2, which only adds a
// tagged-field section); response header v0 is the correlation id, v1 adds a tagged-field section (KIP-482).

const v1Request = hex(
  '00 00 00 2a', // size: 42 bytes follow
  '00 02', // apiKey: 2 (ListOffsets)
  '00 01', // apiVersion: 1
  '00 00 00 07', // correlationId: 7
  '00 02 6b 64', // clientId: "kd" (int16 length 2)
  'ff ff ff ff', // replicaId: -1 (a consumer)
  '00 00 00 01', // topics: 1 element
  '00 04 6c 6f 67 73', //   name: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 02', //     partitionIndex: 2
  'ff ff ff ff ff ff ff fe' //     timestamp: -2 (earliest)
)

const v1Response = hex(
  '00 00 00 28', // size: 40 bytes follow
  '00 00 00 07', // correlationId: 7
  '00 00 00 01', // topics: 1 element
  '00 04 6c 6f 67 73', //   name: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 02', //     partitionIndex: 2
  '00 00', //     errorCode: 0
  'ff ff ff ff ff ff ff ff', //     timestamp: -1 (none for earliest/latest lookups)
  '00 00 00 00 00 00 00 2a' //     offset: 42
)

const v7Request = hex(
  '00 00 00 2c', // size: 44 bytes follow
  '00 02', // apiKey: 2 (ListOffsets)
  '00 07', // apiVersion: 7 (flexible, so request header v2)
  '00 00 00 08', // correlationId: 8
  '00 02 6b 64', // clientId: "kd" (never compact)
  '00', // header tagged fields: none
  'ff ff ff ff', // replicaId: -1
  '01', // isolationLevel: 1 (READ_COMMITTED)
  '02', // topics: compact array, 1 element (count + 1)
  '05 6c 6f 67 73', //   name: compact string "logs" (length + 1)
  '02', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00 00 00 05', //     currentLeaderEpoch: 5
  'ff ff ff ff ff ff ff fd', //     timestamp: -3 (the offset with the largest timestamp, KIP-734)
  '00', //     partition tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const v7Response = hex(
  '00 00 00 2d', // size: 45 bytes follow
  '00 00 00 08', // correlationId: 8
  '00', // header tagged fields: none (response header v1)
  '00 00 00 00', // throttleTimeMs: 0
  '02', // topics: compact array, 1 element
  '05 6c 6f 67 73', //   name: "logs"
  '02', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00 00 01 8b cf e5 68 00', //     timestamp: 1700000000000
  '00 00 00 00 00 00 00 63', //     offset: 99
  '00 00 00 05', //     leaderEpoch: 5
  '00', //     partition tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

t.test('a hand-written ListOffsets v1 request decodes to the expected values', async t => {
  const { api, header, body } = decodeRequest(v1Request.subarray(4))
  t.equal(api, ListOffsets)
  t.strictSame(header, { apiKey: 2, apiVersion: 1, correlationId: 7, clientId: 'kd' })
  t.strictSame(body, {
    replicaId: -1,
    isolationLevel: 0, // v2+: the default
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 2, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1 }] }],
    timeoutMs: 0
  })
})

t.test('a ListOffsets v1 request encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeRequest(ListOffsets, 1, { correlationId: 7, clientId: 'kd' }, {
    replicaId: -1,
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 2, timestamp: -2n }] }]
  })
  t.equal(toHex(bytes), toHex(v1Request))
})

t.test('a hand-written ListOffsets v1 response decodes to the expected values', async t => {
  const { correlationId, version, body } = decodeResponse(ListOffsets, 1, v1Response.subarray(4))
  t.equal(correlationId, 7)
  t.equal(version, 1)
  t.strictSame(body, {
    throttleTimeMs: 0,
    topics: [{
      name: 'logs',
      partitions: [{ partitionIndex: 2, errorCode: 0, oldStyleOffsets: [], timestamp: -1n, offset: 42n, leaderEpoch: -1 }]
    }]
  })
})

t.test('a ListOffsets v1 response encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeResponse(ListOffsets, 1, 7, {
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 2, errorCode: 0, timestamp: -1n, offset: 42n }] }]
  })
  t.equal(toHex(bytes), toHex(v1Response))
})

t.test('a hand-written ListOffsets v7 request decodes to the expected values', async t => {
  const { api, header, body } = decodeRequest(v7Request.subarray(4))
  t.equal(api, ListOffsets)
  t.strictSame(header, { apiKey: 2, apiVersion: 7, correlationId: 8, clientId: 'kd' })
  t.strictSame(body, {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -3n, maxNumOffsets: 1 }] }],
    timeoutMs: 0
  })
})

t.test('a ListOffsets v7 request encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeRequest(ListOffsets, 7, { correlationId: 8, clientId: 'kd' }, {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -3n }] }]
  })
  t.equal(toHex(bytes), toHex(v7Request))
})

t.test('a hand-written ListOffsets v7 response decodes to the expected values', async t => {
  const { correlationId, body } = decodeResponse(ListOffsets, 7, v7Response.subarray(4))
  t.equal(correlationId, 8)
  t.strictSame(body, {
    throttleTimeMs: 0,
    topics: [{
      name: 'logs',
      partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: 1700000000000n, offset: 99n, leaderEpoch: 5 }]
    }]
  })
})

t.test('a ListOffsets v7 response encodes to exactly the hand-written bytes', async t => {
  const bytes = encodeResponse(ListOffsets, 7, 8, {
    throttleTimeMs: 0,
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: 1700000000000n, offset: 99n, leaderEpoch: 5 }] }]
  })
  t.equal(toHex(bytes), toHex(v7Response))
})

// v0 asked for up to maxNumOffsets offsets before a timestamp and got an array back (oldStyleOffsets, newest
// first); v1 replaced both with a single offset (KIP-79). Kafka 4.0 brokers reject v0 (KIP-896), but old clients
// still send it, so the fake broker must read it.
const v0Request = hex(
  '00 00 00 2e', // size: 46 bytes follow
  '00 02', // apiKey: 2 (ListOffsets)
  '00 00', // apiVersion: 0
  '00 00 00 01', // correlationId: 1
  '00 02 6b 64', // clientId: "kd"
  'ff ff ff ff', // replicaId: -1
  '00 00 00 01', // topics: 1 element
  '00 04 6c 6f 67 73', //   name: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  'ff ff ff ff ff ff ff ff', //     timestamp: -1 (latest)
  '00 00 00 02' //     maxNumOffsets: 2
)

const v0Response = hex(
  '00 00 00 2c', // size: 44 bytes follow
  '00 00 00 01', // correlationId: 1
  '00 00 00 01', // topics: 1 element
  '00 04 6c 6f 67 73', //   name: "logs"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00 00 00 02', //     oldStyleOffsets: 2 elements
  '00 00 00 00 00 00 00 2a', //       42 (the log end offset)
  '00 00 00 00 00 00 00 00' //       0 (the start of the only segment)
)

t.test('a hand-written ListOffsets v0 request and response decode with maxNumOffsets and oldStyleOffsets', async t => {
  const req = decodeRequest(v0Request.subarray(4))
  t.strictSame(req.body.topics, [{ name: 'logs', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 2 }] }])
  const res = decodeResponse(ListOffsets, 0, v0Response.subarray(4))
  t.strictSame(res.body.topics, [{
    name: 'logs',
    partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [42n, 0n], timestamp: -1n, offset: -1n, leaderEpoch: -1 }]
  }])
})

t.test('ListOffsets v0 frames encode to exactly the hand-written bytes', async t => {
  const req = encodeRequest(ListOffsets, 0, { correlationId: 1, clientId: 'kd' }, {
    replicaId: -1,
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 0, timestamp: -1n, maxNumOffsets: 2 }] }]
  })
  t.equal(toHex(req), toHex(v0Request))
  const res = encodeResponse(ListOffsets, 0, 1, {
    topics: [{ name: 'logs', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [42n, 0n] }] }]
  })
  t.equal(toHex(res), toHex(v0Response))
})
