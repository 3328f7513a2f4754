import t from 'tap'
import { CreateAcls } from '../../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../../protocol/apis/describe-acls.js'
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// DescribeAcls (29), CreateAcls (30) and DeleteAcls (31) frames written by hand from Kafka's
// DescribeAclsRequest/Response.json, CreateAclsRequest/Response.json and DeleteAclsRequest/Response.json
// (kafka-clients 4.4: versions 1-3, flexible from 2), one line per field. The int8 codes are Kafka's
// ResourceType (TOPIC 2, GROUP 3, ANY 1), PatternType (ANY 1, MATCH 2, LITERAL 3, PREFIXED 4), AclOperation
// (ANY 1, READ 3, WRITE 4) and AclPermissionType (ANY 1, DENY 2, ALLOW 3). Flexible frames: request header v2 (a
// tagged-field section after the classic client id), response header v1, compact strings and arrays (length + 1,
// 0 for null).

const describeV1Request = hex(
  '00 00 00 17', // size: 23 bytes follow
  '00 1d', // apiKey: 29 (DescribeAcls)
  '00 01', // apiVersion: 1
  '00 00 00 07', // correlationId: 7
  '00 02 6b 64', // clientId: "kd"
  '02', // resourceTypeFilter: TOPIC
  '00 01 74', // resourceNameFilter: "t"
  '03', // patternTypeFilter: LITERAL (v1+)
  'ff ff', // principalFilter: null (any principal)
  'ff ff', // hostFilter: null (any host)
  '01', // operation: ANY
  '01' // permissionType: ANY
)

const describeV3Response = hex(
  '00 00 00 20', // size: 32 bytes follow
  '00 00 00 07', // correlationId: 7
  '00', // response header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0
  '00', // errorMessage: null (compact nullable: 0)
  '02', // resources: 1 element (compact: 1 + 1)
  '02', //   resourceType: TOPIC
  '02 74', //   resourceName: "t"
  '03', //   patternType: LITERAL
  '02', //   acls: 1 element
  '07 55 73 65 72 3a 61', //     principal: "User:a"
  '02 2a', //     host: "*"
  '03', //     operation: READ
  '03', //     permissionType: ALLOW
  '00', //     tagged fields: none
  '00', //   tagged fields: none
  '00' // tagged fields: none
)

const createV2Request = hex(
  '00 00 00 1f', // size: 31 bytes follow
  '00 1e', // apiKey: 30 (CreateAcls)
  '00 02', // apiVersion: 2 (first flexible)
  '00 00 00 08', // correlationId: 8
  '00 02 6b 64', // clientId: "kd" (classic string even in header v2)
  '00', // request header tagged fields: none
  '02', // creations: 1 element
  '03', //   resourceType: GROUP
  '02 67', //   resourceName: "g"
  '04', //   resourcePatternType: PREFIXED
  '07 55 73 65 72 3a 2a', //   principal: "User:*"
  '02 2a', //   host: "*"
  '03', //   operation: READ
  '02', //   permissionType: DENY
  '00', //   tagged fields: none
  '00' // tagged fields: none
)

const createV1Response = hex(
  '00 00 00 15', // size: 21 bytes follow
  '00 00 00 08', // correlationId: 8
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 02', // results: 2 elements
  '00 00', //   errorCode: 0
  'ff ff', //   errorMessage: null
  '00 2a', //   errorCode: 42 (INVALID_REQUEST)
  '00 01 78' //   errorMessage: "x"
)

const deleteV3Request = hex(
  '00 00 00 1d', // size: 29 bytes follow
  '00 1f', // apiKey: 31 (DeleteAcls)
  '00 03', // apiVersion: 3
  '00 00 00 09', // correlationId: 9
  '00 02 6b 64', // clientId: "kd"
  '00', // request header tagged fields: none
  '02', // filters: 1 element
  '01', //   resourceTypeFilter: ANY
  '00', //   resourceNameFilter: null
  '02', //   patternTypeFilter: MATCH
  '07 55 73 65 72 3a 61', //   principalFilter: "User:a"
  '00', //   hostFilter: null
  '01', //   operation: ANY
  '01', //   permissionType: ANY
  '00', //   tagged fields: none
  '00' // tagged fields: none
)

const deleteV1Response = hex(
  '00 00 00 2a', // size: 42 bytes follow
  '00 00 00 09', // correlationId: 9
  '00 00 00 00', // throttleTimeMs: 0
  '00 00 00 01', // filterResults: 1 element
  '00 00', //   errorCode: 0
  'ff ff', //   errorMessage: null
  '00 00 00 01', //   matchingAcls: 1 element
  '00 00', //     errorCode: 0
  'ff ff', //     errorMessage: null
  '02', //     resourceType: TOPIC
  '00 01 74', //     resourceName: "t"
  '03', //     patternType: LITERAL
  '00 06 55 73 65 72 3a 61', //     principal: "User:a"
  '00 01 2a', //     host: "*"
  '04', //     operation: WRITE
  '03' //     permissionType: ALLOW
)

t.test('DescribeAcls v1 request: hand-written bytes decode and encode', async t => {
  const { api, header, body } = decodeRequest(describeV1Request.subarray(4))
  t.equal(api.name, 'DescribeAcls')
  t.equal(header.apiVersion, 1)
  const expected = {
    resourceTypeFilter: ResourceType.TOPIC,
    resourceNameFilter: 't',
    patternTypeFilter: PatternType.LITERAL,
    principalFilter: null,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY
  }
  t.same(body, expected)
  t.equal(toHex(encodeRequest(DescribeAcls, 1, { correlationId: 7, clientId: 'kd' }, expected)), toHex(describeV1Request))
})

t.test('DescribeAcls v3 response (flexible): hand-written bytes decode and encode', async t => {
  const expected = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    resources: [{
      resourceType: ResourceType.TOPIC,
      resourceName: 't',
      patternType: PatternType.LITERAL,
      acls: [{ principal: 'User:a', host: '*', operation: AclOperation.READ, permissionType: AclPermissionType.ALLOW }]
    }]
  }
  t.same(decodeResponse(DescribeAcls, 3, describeV3Response.subarray(4)).body, expected)
  t.equal(toHex(encodeResponse(DescribeAcls, 3, 7, expected)), toHex(describeV3Response))
})

t.test('CreateAcls v2 request (flexible) and v1 response: hand-written bytes decode and encode', async t => {
  const req = decodeRequest(createV2Request.subarray(4))
  t.equal(req.api.name, 'CreateAcls')
  const creation = {
    resourceType: ResourceType.GROUP,
    resourceName: 'g',
    resourcePatternType: PatternType.PREFIXED,
    principal: 'User:*',
    host: '*',
    operation: AclOperation.READ,
    permissionType: AclPermissionType.DENY
  }
  t.same(req.body, { creations: [creation] })
  t.equal(toHex(encodeRequest(CreateAcls, 2, { correlationId: 8, clientId: 'kd' }, { creations: [creation] })), toHex(createV2Request))
  const results = [{ errorCode: 0, errorMessage: null }, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'x' }]
  t.same(decodeResponse(CreateAcls, 1, createV1Response.subarray(4)).body, { throttleTimeMs: 0, results })
  t.equal(toHex(encodeResponse(CreateAcls, 1, 8, { throttleTimeMs: 0, results })), toHex(createV1Response))
})

t.test('DeleteAcls v3 request and v1 response: hand-written bytes decode and encode', async t => {
  const filter = {
    resourceTypeFilter: ResourceType.ANY,
    resourceNameFilter: null,
    patternTypeFilter: PatternType.MATCH,
    principalFilter: 'User:a',
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY
  }
  const req = decodeRequest(deleteV3Request.subarray(4))
  t.equal(req.api.name, 'DeleteAcls')
  t.same(req.body, { filters: [filter] })
  t.equal(toHex(encodeRequest(DeleteAcls, 3, { correlationId: 9, clientId: 'kd' }, { filters: [filter] })), toHex(deleteV3Request))
  const body = {
    throttleTimeMs: 0,
    filterResults: [{
      errorCode: 0,
      errorMessage: null,
      matchingAcls: [{
        errorCode: 0,
        errorMessage: null,
        resourceType: ResourceType.TOPIC,
        resourceName: 't',
        patternType: PatternType.LITERAL,
        principal: 'User:a',
        host: '*',
        operation: AclOperation.WRITE,
        permissionType: AclPermissionType.ALLOW
      }]
    }]
  }
  t.same(decodeResponse(DeleteAcls, 1, deleteV1Response.subarray(4)).body, body)
  t.equal(toHex(encodeResponse(DeleteAcls, 1, 9, body)), toHex(deleteV1Response))
})

t.test('DescribeAcls v0 is not spoken: Kafka 4.0 removed it (KIP-896)', async t => {
  t.throws(() => encodeRequest(DescribeAcls, 0, { correlationId: 1, clientId: 'kd' }, {
    resourceTypeFilter: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1
  }))
})
