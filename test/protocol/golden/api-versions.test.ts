import t from 'tap'
import { hex, toHex } from './hex.js'
import { ApiVersions } from '../../../protocol/apis/api-versions.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'

// ApiVersions (key 18) frames written by hand from the protocol guide (https://kafka.apache.org/protocol) and
// ApiVersionsRequest.json / ApiVersionsResponse.json. Responses use header v0 in every version (KIP-511).

t.test('ApiVersions v2 request (classic, header v1) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 0c             // size: 12 bytes follow
    00 12                   // header.apiKey: 18 (ApiVersions)
    00 02                   // header.apiVersion: 2
    00 00 00 07             // header.correlationId: 7
    00 02 6b 64             // header.clientId: nullable string "kd"
                            // body: no fields before v3
  `)
  const decoded = decodeRequest(frame.subarray(4))
  t.equal(decoded.api.name, 'ApiVersions')
  t.same(decoded.header, { apiKey: 18, apiVersion: 2, correlationId: 7, clientId: 'kd' })
  t.same(decoded.body, { clientSoftwareName: '', clientSoftwareVersion: '', clusterId: null, nodeId: -1 }, 'fields of later versions take their defaults')
  t.equal(toHex(encodeRequest(ApiVersions, 2, { correlationId: 7, clientId: 'kd' }, {})), toHex(frame))
})

t.test('ApiVersions v2 response (classic, header v0) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 1a             // size: 26 bytes follow
    00 00 00 07             // header.correlationId: 7
    00 00                   // errorCode: 0
    00 00 00 02             // apiKeys: array of 2
    00 00                   //   [0].apiKey: 0 (Produce)
    00 00                   //   [0].minVersion: 0
    00 0b                   //   [0].maxVersion: 11
    00 12                   //   [1].apiKey: 18 (ApiVersions)
    00 00                   //   [1].minVersion: 0
    00 04                   //   [1].maxVersion: 4
    00 00 00 00             // throttleTimeMs: 0
  `)
  const body = {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 0
  }
  const decoded = decodeResponse(ApiVersions, 2, frame.subarray(4))
  t.equal(decoded.correlationId, 7)
  t.equal(decoded.version, 2)
  t.match(decoded.body, body)
  t.same(decoded.body.supportedFeatures, [], 'tagged fields of later versions take their defaults')
  t.equal(decoded.body.finalizedFeaturesEpoch, -1n)
  t.equal(toHex(encodeResponse(ApiVersions, 2, 7, body)), toHex(frame))
})

t.test('ApiVersions v3 request (flexible, header v2) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 21             // size: 33 bytes follow
    00 12                   // header.apiKey: 18
    00 03                   // header.apiVersion: 3
    00 00 00 08             // header.correlationId: 8
    00 02 6b 64             // header.clientId: "kd", a classic string even in header v2
    00                      // header tagged fields: none
    0d 6b 61 66 6b 61 2d 64 69 72 65 63 74  // clientSoftwareName: compact string, length 12+1, "kafka-direct"
    06 30 2e 31 2e 30       // clientSoftwareVersion: compact string, length 5+1, "0.1.0"
    00                      // body tagged fields: none
  `)
  const body = { clientSoftwareName: 'kafka-direct', clientSoftwareVersion: '0.1.0' }
  const decoded = decodeRequest(frame.subarray(4))
  t.same(decoded.header, { apiKey: 18, apiVersion: 3, correlationId: 8, clientId: 'kd' })
  t.same(decoded.body, { ...body, clusterId: null, nodeId: -1 })
  t.equal(toHex(encodeRequest(ApiVersions, 3, { correlationId: 8, clientId: 'kd' }, body)), toHex(frame))
})

t.test('ApiVersions v5 request (KIP-1242: the cluster id and node id the client expects) matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 2f             // size: 47 bytes follow
    00 12                   // header.apiKey: 18
    00 05                   // header.apiVersion: 5
    00 00 00 09             // header.correlationId: 9
    00 02 6b 64             // header.clientId: "kd"
    00                      // header tagged fields: none
    0d 6b 61 66 6b 61 2d 64 69 72 65 63 74  // clientSoftwareName: "kafka-direct"
    06 30 2e 31 2e 30       // clientSoftwareVersion: "0.1.0"
    0a 63 6c 75 73 74 65 72 2d 31  // clusterId: compact nullable string, length 9+1, "cluster-1" (v5+)
    00 00 00 02             // nodeId: 2 (v5+)
    00                      // body tagged fields: none
  `)
  const body = { clientSoftwareName: 'kafka-direct', clientSoftwareVersion: '0.1.0', clusterId: 'cluster-1', nodeId: 2 }
  const decoded = decodeRequest(frame.subarray(4))
  t.same(decoded.header, { apiKey: 18, apiVersion: 5, correlationId: 9, clientId: 'kd' })
  t.same(decoded.body, body)
  t.equal(toHex(encodeRequest(ApiVersions, 5, { correlationId: 9, clientId: 'kd' }, body)), toHex(frame))
  const unnamed = decodeRequest(encodeRequest(ApiVersions, 5, { correlationId: 9, clientId: 'kd' }, { clientSoftwareName: 'a', clientSoftwareVersion: '1' }).subarray(4))
  t.same([unnamed.body.clusterId, unnamed.body.nodeId], [null, -1], 'left out: null and -1, "not known"')
})

t.test('ApiVersions v3 response (flexible body, header v0) with tagged fields matches the spec bytes', async t => {
  const frame = hex(`
    00 00 00 3a             // size: 58 bytes follow
    00 00 00 08             // header.correlationId: 8 (header v0: no tagged fields, KIP-511)
    00 00                   // errorCode: 0
    03                      // apiKeys: compact array, 2+1
    00 00                   //   [0].apiKey: 0 (Produce)
    00 00                   //   [0].minVersion: 0
    00 0b                   //   [0].maxVersion: 11
    00                      //   [0] tagged fields: none
    00 12                   //   [1].apiKey: 18
    00 00                   //   [1].minVersion: 0
    00 04                   //   [1].maxVersion: 4
    00                      //   [1] tagged fields: none
    00 00 00 00             // throttleTimeMs: 0
    02                      // tagged fields: 2
    00                      //   tag 0: supportedFeatures
    14                      //   size: 20 bytes
    02                      //     compact array, 1+1
    0e 6b 72 61 66 74 2e 76 65 72 73 69 6f 6e  // [0].name: compact string, 13+1, "kraft.version"
    00 00                   //     [0].minVersion: 0
    00 01                   //     [0].maxVersion: 1
    00                      //     [0] tagged fields: none
    01                      //   tag 1: finalizedFeaturesEpoch
    08                      //   size: 8 bytes
    00 00 00 00 00 00 00 05 //     int64 5
  `)
  const body = {
    errorCode: 0,
    apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    throttleTimeMs: 0,
    supportedFeatures: [{ name: 'kraft.version', minVersion: 0, maxVersion: 1 }],
    finalizedFeaturesEpoch: 5n
  }
  const decoded = decodeResponse(ApiVersions, 3, frame.subarray(4))
  t.equal(decoded.correlationId, 8)
  t.equal(decoded.version, 3)
  t.match(decoded.body, body)
  t.same(decoded.body.finalizedFeatures, [], 'an absent tagged field takes its default')
  t.equal(decoded.body.zkMigrationReady, false)
  t.equal(toHex(encodeResponse(ApiVersions, 3, 8, body)), toHex(frame))
  t.equal(toHex(encodeResponse(ApiVersions, 3, 8, decoded.body)), toHex(frame), 'the decoded value re-encodes to the same bytes')
})

t.test('a v3 request answered with a v0 UNSUPPORTED_VERSION body decodes as v0', async t => {
  // A broker that does not know ApiVersions v3 answers with a v0 body (KIP-511): the error code and the
  // versions it does support, so the client can retry with one of them.
  const frame = hex(`
    00 00 00 10             // size: 16 bytes follow
    00 00 00 08             // header.correlationId: 8
    00 23                   // errorCode: 35 (UNSUPPORTED_VERSION)
    00 00 00 01             // apiKeys: classic array of 1
    00 12                   //   [0].apiKey: 18
    00 00                   //   [0].minVersion: 0
    00 02                   //   [0].maxVersion: 2
  `)
  const decoded = decodeResponse(ApiVersions, 3, frame.subarray(4))
  t.equal(decoded.correlationId, 8)
  t.equal(decoded.version, 0, 'the body was read as v0')
  t.equal(decoded.body.errorCode, 35)
  t.same(decoded.body.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 2 }])
  t.equal(toHex(encodeResponse(ApiVersions, 0, 8, decoded.body)), toHex(frame))
})
