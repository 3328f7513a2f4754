import t from 'tap'
import { DeleteGroups } from '../../../protocol/apis/delete-groups.js'
import { OffsetDelete } from '../../../protocol/apis/offset-delete.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// DeleteGroups (42) and OffsetDelete (47) frames written by hand from Kafka's DeleteGroupsRequest.json /
// DeleteGroupsResponse.json and OffsetDeleteRequest.json / OffsetDeleteResponse.json (kafka-clients 4.4), one line
// per field. DeleteGroups v2+ is flexible: request header v2 (a tagged-field section after the classic client id),
// compact arrays and strings (length + 1), response header v1.

const deleteGroupsV0Request = hex(
  '00 00 00 17', // size: 23 bytes follow
  '00 2a', // apiKey: 42 (DeleteGroups)
  '00 00', // apiVersion: 0
  '00 00 00 05', // correlationId: 5
  '00 02 6b 64', // clientId: "kd"
  '00 00 00 02', // groupsNames: 2 elements
  '00 01 61', //   "a"
  '00 02 62 63' //   "bc"
)

const deleteGroupsV3Response = hex(
  '00 00 00 19', // size: 25 bytes follow
  '00 00 00 05', // correlationId: 5
  '00', // response header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '03', // results: 2 elements (compact: 2 + 1)
  '02 61', //   groupId: "a" (compact: 1 + 1)
  '00 00', //   errorCode: 0
  '00', //   errorMessage: null (v3+, compact nullable: 0)
  '00', //   tagged fields: none
  '03 62 63', //   groupId: "bc"
  '00 44', //   errorCode: 68 (NON_EMPTY_GROUP)
  '02 78', //   errorMessage: "x"
  '00', //   tagged fields: none
  '00' // tagged fields: none
)

const offsetDeleteV0Request = hex(
  '00 00 00 1e', // size: 30 bytes follow
  '00 2f', // apiKey: 47 (OffsetDelete)
  '00 00', // apiVersion: 0
  '00 00 00 06', // correlationId: 6
  '00 02 6b 64', // clientId: "kd"
  '00 01 67', // groupId: "g"
  '00 00 00 01', // topics: 1 element
  '00 01 74', //   name: "t"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 03' //     partitionIndex: 3
)

const offsetDeleteV0Response = hex(
  '00 00 00 1b', // size: 27 bytes follow
  '00 00 00 06', // correlationId: 6
  '00 00', // errorCode: 0 (before throttleTimeMs in this API)
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 01', // topics: 1 element
  '00 01 74', //   name: "t"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 03', //     partitionIndex: 3
  '00 56' //     errorCode: 86 (GROUP_SUBSCRIBED_TO_TOPIC)
)

t.test('DeleteGroups v0 request: hand-written bytes decode and encode', async t => {
  const { api, header, body } = decodeRequest(deleteGroupsV0Request.subarray(4))
  t.equal(api.name, 'DeleteGroups')
  t.equal(header.apiVersion, 0)
  t.same(body.groupsNames, ['a', 'bc'])
  t.equal(toHex(encodeRequest(DeleteGroups, 0, { correlationId: 5, clientId: 'kd' }, { groupsNames: ['a', 'bc'] })), toHex(deleteGroupsV0Request))
})

t.test('DeleteGroups v3 response (flexible, with error messages): hand-written bytes decode and encode', async t => {
  const { body } = decodeResponse(DeleteGroups, 3, deleteGroupsV3Response.subarray(4))
  t.same(body.results.map((r: { groupId: string, errorCode: number, errorMessage: string | null }) => [r.groupId, r.errorCode, r.errorMessage]), [['a', 0, null], ['bc', 68, 'x']])
  t.equal(toHex(encodeResponse(DeleteGroups, 3, 5, { throttleTimeMs: 0, results: [{ groupId: 'a', errorCode: 0, errorMessage: null }, { groupId: 'bc', errorCode: 68, errorMessage: 'x' }] })), toHex(deleteGroupsV3Response))
})

t.test('OffsetDelete v0 request and response: hand-written bytes decode and encode', async t => {
  const req = decodeRequest(offsetDeleteV0Request.subarray(4))
  t.equal(req.api.name, 'OffsetDelete')
  t.same(req.body, { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 3 }] }] })
  t.equal(toHex(encodeRequest(OffsetDelete, 0, { correlationId: 6, clientId: 'kd' }, req.body)), toHex(offsetDeleteV0Request))
  const res = decodeResponse(OffsetDelete, 0, offsetDeleteV0Response.subarray(4))
  t.same(res.body, { errorCode: 0, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 3, errorCode: 86 }] }] })
  t.equal(toHex(encodeResponse(OffsetDelete, 0, 6, res.body)), toHex(offsetDeleteV0Response))
})
