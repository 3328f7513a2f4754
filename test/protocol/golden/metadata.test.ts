import t from 'tap'
import { hex, toHex } from './hex.js'
import { Metadata } from '../../../protocol/apis/metadata.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'

// Metadata (key 3) frames written by hand from the protocol guide (https://kafka.apache.org/protocol) and
// MetadataRequest.json / MetadataResponse.json: v1 classic (header v1 / v0), v12 flexible (header v2 / v1).

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

t.test('Metadata v1 request for one topic matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 18             // size: 24 bytes follow
    00 03                   // header.apiKey: 3 (Metadata)
    00 01                   // header.apiVersion: 1
    00 00 00 01             // header.correlationId: 1
    00 02 6b 64             // header.clientId: nullable string "kd"
    00 00 00 01             // topics: nullable array of 1
    00 06 65 76 65 6e 74 73 //   [0].name: string "events"
  `)
  const decoded = decodeRequest(frame.subarray(4))
  t.equal(decoded.api.name, 'Metadata')
  t.same(decoded.header, { apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'kd' })
  t.same(decoded.body.topics, [{ topicId: ZERO_UUID, name: 'events' }])
  t.equal(decoded.body.allowAutoTopicCreation, true, 'absent before v4: the default, true')
  t.equal(toHex(encodeRequest(Metadata, 1, { correlationId: 1, clientId: 'kd' }, { topics: [{ name: 'events' }] })), toHex(frame))
})

t.test('Metadata v1 request with a null topic list (all topics) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 10             // size: 16 bytes follow
    00 03                   // header.apiKey: 3
    00 01                   // header.apiVersion: 1
    00 00 00 02             // header.correlationId: 2
    00 02 6b 64             // header.clientId: "kd"
    ff ff ff ff             // topics: null, meaning all topics (v1+)
  `)
  t.equal(decodeRequest(frame.subarray(4)).body.topics, null)
  t.equal(toHex(encodeRequest(Metadata, 1, { correlationId: 2, clientId: 'kd' }, { topics: null })), toHex(frame))
})

t.test('Metadata v1 response matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 47             // size: 71 bytes follow
    00 00 00 01             // header.correlationId: 1
    00 00 00 01             // brokers: array of 1
    00 00 00 01             //   [0].nodeId: 1
    00 02 62 31             //   [0].host: "b1"
    00 00 23 84             //   [0].port: 9092
    ff ff                   //   [0].rack: null
    00 00 00 01             // controllerId: 1
    00 00 00 01             // topics: array of 1
    00 00                   //   [0].errorCode: 0
    00 06 65 76 65 6e 74 73 //   [0].name: "events"
    00                      //   [0].isInternal: false
    00 00 00 01             //   [0].partitions: array of 1
    00 00                   //     [0].errorCode: 0
    00 00 00 00             //     [0].partitionIndex: 0
    00 00 00 01             //     [0].leaderId: 1
    00 00 00 01 00 00 00 01 //     [0].replicaNodes: [1]
    00 00 00 01 00 00 00 01 //     [0].isrNodes: [1]
  `)
  const body = {
    brokers: [{ nodeId: 1, host: 'b1', port: 9092, rack: null }],
    controllerId: 1,
    topics: [{
      errorCode: 0,
      name: 'events',
      isInternal: false,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }]
    }]
  }
  const decoded = decodeResponse(Metadata, 1, frame.subarray(4))
  t.equal(decoded.correlationId, 1)
  t.match(decoded.body, body)
  t.equal(decoded.body.clusterId, null, 'absent before v2: null')
  t.equal(decoded.body.topics[0].partitions[0].leaderEpoch, -1, 'absent before v7: -1')
  t.equal(toHex(encodeResponse(Metadata, 1, 1, body)), toHex(frame))
  t.equal(toHex(encodeResponse(Metadata, 1, 1, decoded.body)), toHex(frame))
})

t.test('Metadata v12 request (flexible, header v2) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 29             // size: 41 bytes follow
    00 03                   // header.apiKey: 3
    00 0c                   // header.apiVersion: 12
    00 00 00 03             // header.correlationId: 3
    00 02 6b 64             // header.clientId: "kd", a classic string even in header v2
    00                      // header tagged fields: none
    02                      // topics: compact nullable array, 1+1
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // [0].topicId: zero uuid (look up by name)
    07 65 76 65 6e 74 73    //   [0].name: compact nullable string, 6+1, "events"
    00                      //   [0] tagged fields: none
    00                      // allowAutoTopicCreation: false
    00                      // includeTopicAuthorizedOperations: false
    00                      // body tagged fields: none
  `)
  const body = { topics: [{ topicId: ZERO_UUID, name: 'events' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }
  const decoded = decodeRequest(frame.subarray(4))
  t.same(decoded.header, { apiKey: 3, apiVersion: 12, correlationId: 3, clientId: 'kd' })
  t.match(decoded.body, body)
  t.equal(decoded.body.includeClusterAuthorizedOperations, false, 'absent after v10: false')
  t.equal(toHex(encodeRequest(Metadata, 12, { correlationId: 3, clientId: 'kd' }, body)), toHex(frame))
})

t.test('Metadata v12 response (flexible, header v1) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 5c             // size: 92 bytes follow
    00 00 00 03             // header.correlationId: 3
    00                      // header tagged fields: none
    00 00 00 00             // throttleTimeMs: 0
    02                      // brokers: compact array, 1+1
    00 00 00 01             //   [0].nodeId: 1
    03 62 31                //   [0].host: compact string "b1"
    00 00 23 84             //   [0].port: 9092
    03 72 31                //   [0].rack: compact nullable string "r1"
    00                      //   [0] tagged fields: none
    03 63 31                // clusterId: compact nullable string "c1"
    00 00 00 01             // controllerId: 1
    02                      // topics: compact array, 1+1
    00 00                   //   [0].errorCode: 0
    07 65 76 65 6e 74 73    //   [0].name: compact nullable string "events"
    01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10  // [0].topicId
    00                      //   [0].isInternal: false
    02                      //   [0].partitions: compact array, 1+1
    00 00                   //     [0].errorCode: 0
    00 00 00 00             //     [0].partitionIndex: 0
    00 00 00 01             //     [0].leaderId: 1
    00 00 00 05             //     [0].leaderEpoch: 5
    02 00 00 00 01          //     [0].replicaNodes: compact array [1]
    02 00 00 00 01          //     [0].isrNodes: compact array [1]
    01                      //     [0].offlineReplicas: compact array, empty
    00                      //     [0] tagged fields: none
    80 00 00 00             //   [0].topicAuthorizedOperations: -2^31 (not requested)
    00                      //   [0] tagged fields: none
    00                      // body tagged fields: none
  `)
  const body = {
    throttleTimeMs: 0,
    brokers: [{ nodeId: 1, host: 'b1', port: 9092, rack: 'r1' }],
    clusterId: 'c1',
    controllerId: 1,
    topics: [{
      errorCode: 0,
      name: 'events',
      topicId: '01020304-0506-0708-090a-0b0c0d0e0f10',
      isInternal: false,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 5, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
      topicAuthorizedOperations: -2147483648
    }]
  }
  const decoded = decodeResponse(Metadata, 12, frame.subarray(4))
  t.equal(decoded.correlationId, 3)
  t.match(decoded.body, body)
  t.equal(toHex(encodeResponse(Metadata, 12, 3, body)), toHex(frame))
  t.equal(toHex(encodeResponse(Metadata, 12, 3, decoded.body)), toHex(frame))
})
