import t from 'tap'
import { AlterConfigs, DescribeConfigs, IncrementalAlterConfigs } from '../../../protocol/apis/index.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs frames written by hand from the protocol guide
// (https://kafka.apache.org/protocol#The_Messages_DescribeConfigs) and Kafka 4.4's DescribeConfigsRequest.json /
// DescribeConfigsResponse.json, AlterConfigsResponse.json and IncrementalAlterConfigsRequest.json, one line per
// field. Non-flexible versions use request header v1 and response header v0; flexible ones add a tag section
// to each header (KIP-482), compact lengths are stored +1 so 0 can mean null.

const describeV1Request = hex(
  '00 00 00 27', // size: 39 bytes follow
  '00 20', // apiKey: 32 (DescribeConfigs)
  '00 01', // apiVersion: 1 (the lowest Kafka 4.x accepts)
  '00 00 00 01', // correlationId: 1
  '00 02 6b 64', // clientId: "kd"
  '00 00 00 01', // resources: 1 element
  '02', //   resourceType: 2 (TOPIC)
  '00 01 61', //   resourceName: "a"
  '00 00 00 01', //   configurationKeys: 1 element
  '00 0c 72 65 74 65 6e 74 69 6f 6e 2e 6d 73', //     "retention.ms"
  '01' // includeSynonyms: true
)

const describeV4Request = hex(
  '00 00 00 16', // size: 22 bytes follow
  '00 20', // apiKey: 32
  '00 04', // apiVersion: 4 (flexible, so request header v2)
  '00 00 00 02', // correlationId: 2
  '00 02 6b 64', // clientId: "kd" (never compact)
  '00', // header tagged fields: none
  '02', // resources: compact array, 1 element
  '04', //   resourceType: 4 (BROKER)
  '02 31', //   resourceName: compact "1"
  '00', //   configurationKeys: null (all keys)
  '00', //   resource tagged fields: none
  '00', // includeSynonyms: false
  '01', // includeDocumentation: true (v3+)
  '00' // body tagged fields: none
)

const describeV4Response = hex(
  '00 00 00 49', // size: 73 bytes follow
  '00 00 00 02', // correlationId: 2
  '00', // header tagged fields: none (response header v1)
  '00 00 00 00', // throttleTimeMs: 0
  '02', // results: 1 element
  '00 00', //   errorCode: 0
  '00', //   errorMessage: null
  '02', //   resourceType: 2 (TOPIC)
  '02 61', //   resourceName: "a"
  '02', //   configs: 1 element
  '0d 72 65 74 65 6e 74 69 6f 6e 2e 6d 73', //     name: "retention.ms"
  '09 38 36 34 30 30 30 30 30', //     value: "86400000"
  '00', //     readOnly: false
  '04', //     configSource: 4 (STATIC_BROKER_CONFIG)
  '00', //     isSensitive: false
  '02', //     synonyms: 1 element
  '14 6c 6f 67 2e 72 65 74 65 6e 74 69 6f 6e 2e 68 6f 75 72 73', //       name: "log.retention.hours"
  '03 32 34', //       value: "24"
  '04', //       source: 4 (STATIC_BROKER_CONFIG)
  '00', //       synonym tagged fields: none
  '05', //     configType: 5 (LONG, v3+)
  '00', //     documentation: null
  '00', //     config tagged fields: none
  '00', //   result tagged fields: none
  '00' // body tagged fields: none
)

const incrementalV1Request = hex(
  '00 00 00 2e', // size: 46 bytes follow
  '00 2c', // apiKey: 44 (IncrementalAlterConfigs)
  '00 01', // apiVersion: 1 (flexible)
  '00 00 00 03', // correlationId: 3
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields: none
  '02', // resources: 1 element
  '02', //   resourceType: 2 (TOPIC)
  '02 61', //   resourceName: "a"
  '02', //   configs: 1 element
  '0f 63 6c 65 61 6e 75 70 2e 70 6f 6c 69 63 79', //     name: "cleanup.policy"
  '02', //     configOperation: 2 (APPEND)
  '08 63 6f 6d 70 61 63 74', //     value: "compact"
  '00', //     config tagged fields: none
  '00', //   resource tagged fields: none
  '01', // validateOnly: true
  '00' // body tagged fields: none
)

const alterV0Response = hex(
  '00 00 00 17', // size: 23 bytes follow
  '00 00 00 04', // correlationId: 4
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 01', // responses: 1 element
  '00 28', //   errorCode: 40 (INVALID_CONFIG)
  '00 03 62 61 64', //   errorMessage: "bad"
  '02', //   resourceType: 2 (TOPIC)
  '00 01 61' //   resourceName: "a"
)

// v0 (Kafka 3.9.1's DescribeConfigsRequest/Response.json; removed in Kafka 4.0, KIP-896, still sent by Sarama
// 1.2x): no includeSynonyms; each config answers isDefault instead of configSource and synonyms.
const describeV0Request = hex(
  '00 00 00 18', // size: 24 bytes follow
  '00 20', // apiKey: 32 (DescribeConfigs)
  '00 00', // apiVersion: 0
  '00 00 00 03', // correlationId: 3
  '00 02 6b 64', // clientId: "kd"
  '00 00 00 01', // resources: 1 element
  '02', //   resourceType: 2 (TOPIC)
  '00 01 61', //   resourceName: "a"
  'ff ff ff ff' //   configurationKeys: null (all keys; nullable in v0 too)
)

const describeV0Response = hex(
  '00 00 00 2f', // size: 47 bytes follow
  '00 00 00 03', // correlationId: 3
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 01', // results: 1 element
  '00 00', //   errorCode: 0
  'ff ff', //   errorMessage: null
  '02', //   resourceType: 2 (TOPIC)
  '00 01 61', //   resourceName: "a"
  '00 00 00 01', //   configs: 1 element
  '00 0c 72 65 74 65 6e 74 69 6f 6e 2e 6d 73', //     name: "retention.ms"
  '00 04 31 30 30 30', //     value: "1000"
  '00', //     readOnly: false
  '00', //     isDefault: false (v0 only)
  '00' //     isSensitive: false
)

t.test('DescribeConfigs v0 request and response decode from and encode to the hand-written bytes', async t => {
  const req = decodeRequest(describeV0Request.subarray(4))
  t.equal(req.api, DescribeConfigs)
  t.equal(req.header.apiVersion, 0)
  t.strictSame(req.body, { resources: [{ resourceType: 2, resourceName: 'a', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })
  t.equal(toHex(encodeRequest(DescribeConfigs, 0, { correlationId: 3, clientId: 'kd' }, req.body)), toHex(describeV0Request))
  const { correlationId, body } = decodeResponse(DescribeConfigs, 0, describeV0Response.subarray(4))
  t.equal(correlationId, 3)
  const config = body.results[0].configs[0]
  t.same([config.name, config.value, config.readOnly, config.isDefault, config.isSensitive, config.configSource, config.synonyms], ['retention.ms', '1000', false, false, false, -1, []])
  t.equal(toHex(encodeResponse(DescribeConfigs, 0, 3, body)), toHex(describeV0Response))
})

t.test('DescribeConfigs v1 and v4 requests decode from and encode to the hand-written bytes', async t => {
  const v1 = decodeRequest(describeV1Request.subarray(4))
  t.equal(v1.api, DescribeConfigs)
  t.strictSame(v1.body, { resources: [{ resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms'] }], includeSynonyms: true, includeDocumentation: false })
  t.equal(toHex(encodeRequest(DescribeConfigs, 1, { correlationId: 1, clientId: 'kd' }, v1.body)), toHex(describeV1Request))
  const v4 = decodeRequest(describeV4Request.subarray(4))
  t.strictSame(v4.body, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: false, includeDocumentation: true })
  t.equal(toHex(encodeRequest(DescribeConfigs, 4, { correlationId: 2, clientId: 'kd' }, v4.body)), toHex(describeV4Request))
})

t.test('a DescribeConfigs v4 response decodes from and encodes to the hand-written bytes', async t => {
  const { correlationId, body } = decodeResponse(DescribeConfigs, 4, describeV4Response.subarray(4))
  t.equal(correlationId, 2)
  const value = {
    throttleTimeMs: 0,
    results: [{
      errorCode: 0,
      errorMessage: null,
      resourceType: 2,
      resourceName: 'a',
      configs: [{ name: 'retention.ms', value: '86400000', readOnly: false, configSource: 4, isSensitive: false, synonyms: [{ name: 'log.retention.hours', value: '24', source: 4 }], configType: 5, documentation: null }]
    }]
  }
  t.match(body, value)
  t.equal(toHex(encodeResponse(DescribeConfigs, 4, 2, value)), toHex(describeV4Response))
})

t.test('an IncrementalAlterConfigs v1 request and an AlterConfigs v0 response match the hand-written bytes', async t => {
  const inc = decodeRequest(incrementalV1Request.subarray(4))
  t.equal(inc.api, IncrementalAlterConfigs)
  t.match(inc.body, { resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }] }], validateOnly: true })
  t.equal(toHex(encodeRequest(IncrementalAlterConfigs, 1, { correlationId: 3, clientId: 'kd' }, inc.body)), toHex(incrementalV1Request))
  const alter = decodeResponse(AlterConfigs, 0, alterV0Response.subarray(4))
  const value = { throttleTimeMs: 0, responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 'a' }] }
  t.strictSame(alter.body, value)
  t.equal(toHex(encodeResponse(AlterConfigs, 0, 4, value)), toHex(alterV0Response))
})
