import t from 'tap'
import { AlterClientQuotas, DescribeClientQuotas, DescribeProducers } from '../../../protocol/apis/index.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// DescribeClientQuotas, AlterClientQuotas and DescribeProducers frames written by hand from the protocol guide
// (https://kafka.apache.org/protocol#The_Messages_DescribeClientQuotas) and Kafka 4.4's
// DescribeClientQuotasRequest/Response.json, AlterClientQuotasRequest.json and DescribeProducersRequest/Response.json,
// one line per field. float64 is an IEEE 754 double, big-endian: 1024.0 is 40 90 00 00 00 00 00 00, 2048.0 is
// 40 a0 00 00 00 00 00 00. Non-flexible versions use request header v1; flexible ones add a header tag section and
// store compact lengths +1 so 0 can mean null (KIP-482).

const alterV0Request = hex(
  '00 00 00 50', // size: 80 bytes follow
  '00 31', // apiKey: 49 (AlterClientQuotas)
  '00 00', // apiVersion: 0 (not flexible: request header v1)
  '00 00 00 05', // correlationId: 5
  '00 02 6b 64', // clientId: "kd"
  '00 00 00 01', // entries: 1 element
  '00 00 00 02', //   entity: 2 elements
  '00 04 75 73 65 72', //     entityType: "user"
  '00 05 61 6c 69 63 65', //     entityName: "alice"
  '00 09 63 6c 69 65 6e 74 2d 69 64', //     entityType: "client-id"
  'ff ff', //     entityName: null (the default client id)
  '00 00 00 01', //   ops: 1 element
  '00 12 70 72 6f 64 75 63 65 72 5f 62 79 74 65 5f 72 61 74 65', //     key: "producer_byte_rate"
  '40 90 00 00 00 00 00 00', //     value: 1024.0
  '00', //     remove: false
  '01' // validateOnly: true
)

const describeV1Request = hex(
  '00 00 00 2a', // size: 42 bytes follow
  '00 30', // apiKey: 48 (DescribeClientQuotas)
  '00 01', // apiVersion: 1 (flexible: request header v2)
  '00 00 00 06', // correlationId: 6
  '00 02 6b 64', // clientId: "kd" (never compact)
  '00', // header tagged fields: none
  '03', // components: compact array, 2 elements
  '05 75 73 65 72', //   entityType: "user"
  '00', //   matchType: 0 (EXACT)
  '06 61 6c 69 63 65', //   match: "alice"
  '00', //   component tagged fields: none
  '0a 63 6c 69 65 6e 74 2d 69 64', //   entityType: "client-id"
  '01', //   matchType: 1 (DEFAULT)
  '00', //   match: null
  '00', //   component tagged fields: none
  '01', // strict: true
  '00' // body tagged fields: none
)

const describeV1Response = hex(
  '00 00 00 61', // size: 97 bytes follow
  '00 00 00 06', // correlationId: 6
  '00', // header tagged fields: none (response header v1)
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0
  '00', // errorMessage: null
  '02', // entries: 1 element
  '03', //   entity: 2 elements
  '05 75 73 65 72', //     entityType: "user"
  '06 61 6c 69 63 65', //     entityName: "alice"
  '00', //     entity tagged fields: none
  '0a 63 6c 69 65 6e 74 2d 69 64', //     entityType: "client-id"
  '00', //     entityName: null (default)
  '00', //     entity tagged fields: none
  '03', //   values: 2 elements
  '13 70 72 6f 64 75 63 65 72 5f 62 79 74 65 5f 72 61 74 65', //     key: "producer_byte_rate"
  '40 90 00 00 00 00 00 00', //     value: 1024.0
  '00', //     value tagged fields: none
  '13 63 6f 6e 73 75 6d 65 72 5f 62 79 74 65 5f 72 61 74 65', //     key: "consumer_byte_rate"
  '40 a0 00 00 00 00 00 00', //     value: 2048.0
  '00', //     value tagged fields: none
  '00', //   entry tagged fields: none
  '00' // body tagged fields: none
)

const producersV0Request = hex(
  '00 00 00 1b', // size: 27 bytes follow
  '00 3d', // apiKey: 61 (DescribeProducers)
  '00 00', // apiVersion: 0 (flexible)
  '00 00 00 07', // correlationId: 7
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields: none
  '02', // topics: 1 element
  '02 61', //   name: "a"
  '03', //   partitionIndexes: 2 elements
  '00 00 00 00', //     0
  '00 00 00 01', //     1
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const producersV0Response = hex(
  '00 00 00 46', // size: 70 bytes follow
  '00 00 00 07', // correlationId: 7
  '00', // header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '02', // topics: 1 element
  '02 61', //   name: "a"
  '03', //   partitions: 2 elements
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00', //     errorMessage: null
  '02', //     activeProducers: 1 element
  '00 00 00 00 00 00 03 e8', //       producerId: 1000
  '00 00 00 00', //       producerEpoch: 0
  '00 00 00 04', //       lastSequence: 4
  '00 00 01 8b cf e5 68 00', //       lastTimestamp: 1700000000000
  'ff ff ff ff', //       coordinatorEpoch: -1 (not transactional)
  'ff ff ff ff ff ff ff ff', //       currentTxnStartOffset: -1 (no open transaction)
  '00', //       producer tagged fields: none
  '00', //     partition tagged fields: none
  '00 00 00 01', //     partitionIndex: 1
  '00 03', //     errorCode: 3 (UNKNOWN_TOPIC_OR_PARTITION)
  '00', //     errorMessage: null
  '01', //     activeProducers: 0 elements
  '00', //     partition tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

t.test('an AlterClientQuotas v0 request decodes from and encodes to the hand-written bytes', async t => {
  const req = decodeRequest(alterV0Request.subarray(4))
  t.equal(req.api, AlterClientQuotas)
  const body = {
    entries: [{
      entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }],
      ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }]
    }],
    validateOnly: true
  }
  t.strictSame(req.body, body)
  t.equal(toHex(encodeRequest(AlterClientQuotas, 0, { correlationId: 5, clientId: 'kd' }, body)), toHex(alterV0Request))
})

t.test('a DescribeClientQuotas v1 request and response match the hand-written bytes', async t => {
  const req = decodeRequest(describeV1Request.subarray(4))
  t.equal(req.api, DescribeClientQuotas)
  const body = { components: [{ entityType: 'user', matchType: 0, match: 'alice' }, { entityType: 'client-id', matchType: 1, match: null }], strict: true }
  t.strictSame(req.body, body)
  t.equal(toHex(encodeRequest(DescribeClientQuotas, 1, { correlationId: 6, clientId: 'kd' }, body)), toHex(describeV1Request))
  const res = decodeResponse(DescribeClientQuotas, 1, describeV1Response.subarray(4))
  const value = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    entries: [{
      entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }],
      values: [{ key: 'producer_byte_rate', value: 1024 }, { key: 'consumer_byte_rate', value: 2048 }]
    }]
  }
  t.equal(res.correlationId, 6)
  t.strictSame(res.body, value)
  t.equal(toHex(encodeResponse(DescribeClientQuotas, 1, 6, value)), toHex(describeV1Response))
})

t.test('a DescribeProducers v0 request and response match the hand-written bytes', async t => {
  const req = decodeRequest(producersV0Request.subarray(4))
  t.equal(req.api, DescribeProducers)
  const body = { topics: [{ name: 'a', partitionIndexes: [0, 1] }] }
  t.strictSame(req.body, body)
  t.equal(toHex(encodeRequest(DescribeProducers, 0, { correlationId: 7, clientId: 'kd' }, body)), toHex(producersV0Request))
  const res = decodeResponse(DescribeProducers, 0, producersV0Response.subarray(4))
  const value = {
    throttleTimeMs: 0,
    topics: [{
      name: 'a',
      partitions: [
        { partitionIndex: 0, errorCode: 0, errorMessage: null, activeProducers: [{ producerId: 1000n, producerEpoch: 0, lastSequence: 4, lastTimestamp: 1700000000000n, coordinatorEpoch: -1, currentTxnStartOffset: -1n }] },
        { partitionIndex: 1, errorCode: 3, errorMessage: null, activeProducers: [] }
      ]
    }]
  }
  t.strictSame(res.body, value)
  t.equal(toHex(encodeResponse(DescribeProducers, 0, 7, value)), toHex(producersV0Response))
})
