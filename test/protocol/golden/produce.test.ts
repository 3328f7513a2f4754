import t from 'tap'
import { Produce } from '../../../protocol/apis/produce.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// Produce frames written by hand from the protocol guide (https://kafka.apache.org/protocol#The_Messages_Produce)
// and Kafka 4.4's ProduceRequest.json / ProduceResponse.json, one line per field: v12 (the last version naming topics)
// and v13 (KIP-516: a topic id in place of the name, in request and response). Both are flexible (KIP-482):
// compact lengths stored +1, tagged fields, request header v2 (whose client id stays an int16-length string) and
// response header v1. The records are three opaque bytes: the codec hands them out without looking inside.

const TOPIC_ID = '00112233-4455-6677-8899-aabbccddeeff'
const UNKNOWN_ID = 'ffeeddcc-bbaa-9988-7766-554433221100'

const v12Request = hex(
  '00 00 00 25', // size: 37 bytes follow
  '00 00', // apiKey: 0 (Produce)
  '00 0c', // apiVersion: 12
  '00 00 00 09', // correlationId: 9
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields
  '03 74 78', // transactionalId: "tx"
  'ff ff', // acks: -1 (the full ISR)
  '00 00 75 30', // timeoutMs: 30000
  '02', // topicData: 1 element
  '02 74', //   name: "t"
  '02', //   partitionData: 1 element
  '00 00 00 01', //     index: 1
  '04 61 62 63', //     records: 3 bytes "abc" (compact nullable bytes)
  '00', //     partition tagged fields
  '00', //   topic tagged fields
  '00' // body tagged fields
)

const v13Request = hex(
  '00 00 00 31', // size: 49 bytes follow
  '00 00', // apiKey: 0 (Produce)
  '00 0d', // apiVersion: 13
  '00 00 00 09', // correlationId: 9
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields
  '00', // transactionalId: null (compact nullable string, 0 = null)
  '00 01', // acks: 1 (the leader only)
  '00 00 75 30', // timeoutMs: 30000
  '02', // topicData: 1 element
  '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId (v13+; no name)
  '02', //   partitionData: 1 element
  '00 00 00 00', //     index: 0
  '04 61 62 63', //     records: 3 bytes "abc"
  '00', //     partition tagged fields
  '00', //   topic tagged fields
  '00' // body tagged fields
)

// A v13 response for two topics: partition 0 of the first written at offset 42, partition 1 moved to broker 2
// (with the KIP-951 leader hint, tag 0 of the partition and tag 0 of the body), and a topic id the broker does not
// know, answered UNKNOWN_TOPIC_ID (error 100) with every offset unknown, as Kafka's KafkaApis answers it.
const v13Response = hex(
  '00 00 00 ac', // size: 172 bytes follow
  '00 00 00 09', // correlationId: 9
  '00', // header tagged fields
  '03', // responses: 2 elements
  '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId
  '03', //   partitionResponses: 2 elements
  '00 00 00 00', //     index: 0
  '00 00', //     errorCode: 0
  '00 00 00 00 00 00 00 2a', //     baseOffset: 42
  'ff ff ff ff ff ff ff ff', //     logAppendTimeMs: -1 (CreateTime topic)
  '00 00 00 00 00 00 00 00', //     logStartOffset: 0
  '01', //     recordErrors: 0 elements
  '00', //     errorMessage: null
  '00', //     partition tagged fields: none
  '00 00 00 01', //     index: 1
  '00 06', //     errorCode: 6 (NOT_LEADER_OR_FOLLOWER)
  'ff ff ff ff ff ff ff ff', //     baseOffset: -1
  'ff ff ff ff ff ff ff ff', //     logAppendTimeMs: -1
  'ff ff ff ff ff ff ff ff', //     logStartOffset: -1
  '01', //     recordErrors: 0 elements
  '00', //     errorMessage: null
  '01', //     partition tagged fields: 1
  '00 09', //       tag 0 (currentLeader), 9 bytes
  '00 00 00 02', //         leaderId: 2
  '00 00 00 05', //         leaderEpoch: 5
  '00', //         currentLeader tagged fields (a struct of a flexible version has its own)
  '00', //   topic tagged fields
  'ff ee dd cc bb aa 99 88 77 66 55 44 33 22 11 00', //   topicId (unknown to the broker)
  '02', //   partitionResponses: 1 element
  '00 00 00 00', //     index: 0
  '00 64', //     errorCode: 100 (UNKNOWN_TOPIC_ID)
  'ff ff ff ff ff ff ff ff', //     baseOffset: -1
  'ff ff ff ff ff ff ff ff', //     logAppendTimeMs: -1
  'ff ff ff ff ff ff ff ff', //     logStartOffset: -1
  '01', //     recordErrors: 0 elements
  '00', //     errorMessage: null
  '00', //     partition tagged fields
  '00', //   topic tagged fields
  '00 00 00 00', // throttleTimeMs: 0
  '01', // body tagged fields: 1
  '00 0d', //   tag 0 (nodeEndpoints), 13 bytes
  '02', //     nodeEndpoints: 1 element
  '00 00 00 02', //       nodeId: 2
  '02 68', //       host: "h"
  '00 00 23 84', //       port: 9092
  '00', //       rack: null
  '00' //       endpoint tagged fields
)

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 }
const v12Body = {
  transactionalId: 'tx',
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000', partitionData: [{ index: 1, records: Buffer.from('abc') }] }]
}
const v13Body = {
  transactionalId: null,
  acks: 1,
  timeoutMs: 30000,
  topicData: [{ name: '', topicId: TOPIC_ID, partitionData: [{ index: 0, records: Buffer.from('abc') }] }]
}
const unknownOffsets = { baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null }
const v13ResponseBody = {
  responses: [
    {
      name: '',
      topicId: TOPIC_ID,
      partitionResponses: [
        { index: 0, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: NO_LEADER },
        { index: 1, errorCode: 6, ...unknownOffsets, currentLeader: { leaderId: 2, leaderEpoch: 5 } }
      ]
    },
    { name: '', topicId: UNKNOWN_ID, partitionResponses: [{ index: 0, errorCode: 100, ...unknownOffsets, currentLeader: NO_LEADER }] }
  ],
  throttleTimeMs: 0,
  nodeEndpoints: [{ nodeId: 2, host: 'h', port: 9092, rack: null }]
}

for (const [version, frame, body] of [[12, v12Request, v12Body], [13, v13Request, v13Body]] as const) {
  t.test(`a hand-written Produce v${version} request decodes to the expected values and encodes to the same bytes`, async t => {
    t.equal(frame.readInt32BE(0), frame.length - 4, 'the size prefix counts the bytes after it')
    const decoded = decodeRequest(frame.subarray(4))
    t.equal(decoded.api, Produce)
    t.strictSame(decoded.header, { apiKey: 0, apiVersion: version, correlationId: 9, clientId: 'kd' })
    t.strictSame(decoded.body, body)
    t.equal(toHex(encodeRequest(Produce, version, { correlationId: 9, clientId: 'kd' }, body)), toHex(frame))
  })
}

t.test('a hand-written Produce v13 response decodes to the expected values and encodes to the same bytes', async t => {
  t.equal(v13Response.readInt32BE(0), v13Response.length - 4, 'the size prefix counts the bytes after it')
  const { correlationId, body } = decodeResponse(Produce, 13, v13Response.subarray(4))
  t.equal(correlationId, 9)
  t.strictSame(body, v13ResponseBody)
  t.equal(toHex(encodeResponse(Produce, 13, 9, v13ResponseBody)), toHex(v13Response))
})

t.test('a v13 request names no topic: a name given to the encoder is not sent', async t => {
  const named = { ...v13Body, topicData: [{ ...v13Body.topicData[0], name: 'ignored' }] }
  t.equal(toHex(encodeRequest(Produce, 13, { correlationId: 9, clientId: 'kd' }, named)), toHex(v13Request))
})
