import t from 'tap'
import { AlterPartitionReassignments, DescribeLogDirs, DescribeQuorum, ElectLeaders, ListPartitionReassignments } from '../../../protocol/apis/index.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../protocol/messages.js'
import { hex, toHex } from './hex.js'

// DescribeLogDirs, ElectLeaders, AlterPartitionReassignments, ListPartitionReassignments and DescribeQuorum frames
// written by hand from the protocol guide (https://kafka.apache.org/protocol#The_Messages_DescribeLogDirs ...) and
// Kafka 4.4's message definitions (DescribeLogDirsResponse.json v4 adds TotalBytes/UsableBytes,
// ElectLeadersRequest.json v1 adds ElectionType, AlterPartitionReassignmentsRequest.json v1 adds
// AllowReplicationFactorChange, DescribeQuorumResponse.json v2 adds ReplicaDirectoryId and Nodes), one line per
// field. Non-flexible versions use request header v1 and response header v0; flexible ones add a tag section to
// each header (KIP-482), and compact lengths are stored +1 so 0 can mean null.

const logDirsV1Request = hex(
  '00 00 00 1f', // size: 31 bytes follow
  '00 23', // apiKey: 35 (DescribeLogDirs)
  '00 01', // apiVersion: 1 (the lowest Kafka 4.x accepts; not flexible)
  '00 00 00 01', // correlationId: 1
  '00 02 6b 64', // clientId: "kd"
  '00 00 00 01', // topics: 1 element (null would ask for all)
  '00 01 74', //   topic: "t"
  '00 00 00 02', //   partitions: 2 elements
  '00 00 00 00', //     0
  '00 00 00 01' //     1
)

const logDirsV4Response = hex(
  '00 00 00 3e', // size: 62 bytes follow
  '00 00 00 02', // correlationId: 2
  '00', // header tagged fields: none (response header v1)
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0 (v3+)
  '02', // results: 1 element
  '00 00', //   errorCode: 0
  '03 2f 64', //   logDir: "/d"
  '02', //   topics: 1 element
  '02 74', //     name: "t"
  '02', //     partitions: 1 element
  '00 00 00 00', //       partitionIndex: 0
  '00 00 00 00 00 00 00 4b', //       partitionSize: 75
  '00 00 00 00 00 00 00 00', //       offsetLag: 0
  '00', //       isFutureKey: false
  '00', //       partition tagged fields: none
  '00', //     topic tagged fields: none
  '00 00 00 00 00 10 00 00', //   totalBytes: 1048576 (v4+)
  '00 00 00 00 00 08 00 00', //   usableBytes: 524288 (v4+)
  '00', //   result tagged fields: none
  '00' // body tagged fields: none
)

const electV1Request = hex(
  '00 00 00 20', // size: 32 bytes follow
  '00 2b', // apiKey: 43 (ElectLeaders)
  '00 01', // apiVersion: 1 (not flexible)
  '00 00 00 03', // correlationId: 3
  '00 02 6b 64', // clientId: "kd"
  '01', // electionType: 1 (UNCLEAN, v1+)
  '00 00 00 01', // topicPartitions: 1 element
  '00 01 74', //   topic: "t"
  '00 00 00 01', //   partitions: 1 element
  '00 00 00 02', //     2
  '00 00 ea 60' // timeoutMs: 60000
)

const electV2Response = hex(
  '00 00 00 39', // size: 57 bytes follow
  '00 00 00 04', // correlationId: 4
  '00', // header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0 (v1+)
  '02', // replicaElectionResults: 1 element
  '02 74', //   topic: "t"
  '03', //   partitionResult: 2 elements
  '00 00 00 00', //     partitionId: 0
  '00 54', //     errorCode: 84 (ELECTION_NOT_NEEDED)
  '00', //     errorMessage: null
  '00', //     tagged fields: none
  '00 00 00 09', //     partitionId: 9
  '00 03', //     errorCode: 3 (UNKNOWN_TOPIC_OR_PARTITION)
  '19 4e 6f 20 73 75 63 68 20 70 61 72 74 69 74 69 6f 6e 20 61 73 20 74 2d 39', //     errorMessage: "No such partition as t-9"
  '00', //     tagged fields: none
  '00', //   result tagged fields: none
  '00' // body tagged fields: none
)

const alterV1Request = hex(
  '00 00 00 30', // size: 48 bytes follow
  '00 2d', // apiKey: 45 (AlterPartitionReassignments)
  '00 01', // apiVersion: 1 (flexible from v0, so request header v2)
  '00 00 00 05', // correlationId: 5
  '00 02 6b 64', // clientId: "kd" (never compact)
  '00', // header tagged fields: none
  '00 00 75 30', // timeoutMs: 30000
  '00', // allowReplicationFactorChange: false (v1+)
  '02', // topics: 1 element
  '02 74', //   name: "t"
  '03', //   partitions: 2 elements
  '00 00 00 00', //     partitionIndex: 0
  '04 00 00 00 01 00 00 00 02 00 00 00 03', //     replicas: [1, 2, 3]
  '00', //     tagged fields: none
  '00 00 00 01', //     partitionIndex: 1
  '00', //     replicas: null (cancel)
  '00', //     tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const alterV1Response = hex(
  '00 00 00 4c', // size: 76 bytes follow
  '00 00 00 05', // correlationId: 5
  '00', // header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '00', // allowReplicationFactorChange: false (v1+)
  '00 00', // errorCode: 0
  '00', // errorMessage: null
  '02', // responses: 1 element
  '02 74', //   name: "t"
  '03', //   partitions: 2 elements
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00', //     errorMessage: null
  '00', //     tagged fields: none
  '00 00 00 01', //     partitionIndex: 1
  '00 55', //     errorCode: 85 (NO_REASSIGNMENT_IN_PROGRESS)
  '2a 4e 6f 20 70 61 72 74 69 74 69 6f 6e 20 72 65 61 73 73 69 67 6e 6d 65 6e 74 20 69 73 20 69 6e 20 70 72 6f 67 72 65 73 73 2e', //     errorMessage: "No partition reassignment is in progress."
  '00', //     tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const listV0Request = hex(
  '00 00 00 13', // size: 19 bytes follow
  '00 2e', // apiKey: 46 (ListPartitionReassignments)
  '00 00', // apiVersion: 0 (flexible)
  '00 00 00 06', // correlationId: 6
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields: none
  '00 00 ea 60', // timeoutMs: 60000
  '00', // topics: null (every reassignment)
  '00' // body tagged fields: none
)

const listV0Response = hex(
  '00 00 00 32', // size: 50 bytes follow
  '00 00 00 06', // correlationId: 6
  '00', // header tagged fields: none
  '00 00 00 00', // throttleTimeMs: 0
  '00 00', // errorCode: 0
  '00', // errorMessage: null
  '02', // topics: 1 element
  '02 74', //   name: "t"
  '02', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '05 00 00 00 04 00 00 00 03 00 00 00 02 00 00 00 01', //     replicas: [4, 3, 2, 1]
  '02 00 00 00 04', //     addingReplicas: [4]
  '02 00 00 00 01', //     removingReplicas: [1]
  '00', //     tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const quorumV2Request = hex(
  '00 00 00 29', // size: 41 bytes follow
  '00 37', // apiKey: 55 (DescribeQuorum)
  '00 02', // apiVersion: 2 (flexible)
  '00 00 00 07', // correlationId: 7
  '00 02 6b 64', // clientId: "kd"
  '00', // header tagged fields: none
  '02', // topics: 1 element
  '13 5f 5f 63 6c 75 73 74 65 72 5f 6d 65 74 61 64 61 74 61', //   topicName: "__cluster_metadata"
  '02', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00', //     tagged fields: none
  '00', //   topic tagged fields: none
  '00' // body tagged fields: none
)

const quorumV2Response = hex(
  '00 00 00 7c', // size: 124 bytes follow
  '00 00 00 07', // correlationId: 7
  '00', // header tagged fields: none
  '00 00', // errorCode: 0
  '00', // errorMessage: null (v2+)
  '02', // topics: 1 element
  '13 5f 5f 63 6c 75 73 74 65 72 5f 6d 65 74 61 64 61 74 61', //   topicName: "__cluster_metadata"
  '02', //   partitions: 1 element
  '00 00 00 00', //     partitionIndex: 0
  '00 00', //     errorCode: 0
  '00', //     errorMessage: null (v2+)
  '00 00 00 01', //     leaderId: 1
  '00 00 00 03', //     leaderEpoch: 3
  '00 00 00 00 00 00 00 0a', //     highWatermark: 10
  '02', //     currentVoters: 1 element
  '00 00 00 01', //       replicaId: 1
  '00 11 22 33 44 55 46 77 88 99 aa bb cc dd ee ff', //       replicaDirectoryId (v2+)
  '00 00 00 00 00 00 00 0a', //       logEndOffset: 10
  'ff ff ff ff ff ff ff ff', //       lastFetchTimestamp: -1 (the leader, v1+)
  '00 00 01 90 00 00 00 00', //       lastCaughtUpTimestamp: 1717986918400 (v1+)
  '00', //       tagged fields: none
  '01', //     observers: 0 elements
  '00', //     partition tagged fields: none
  '00', //   topic tagged fields: none
  '02', // nodes: 1 element (v2+)
  '00 00 00 01', //   nodeId: 1
  '02', //   listeners: 1 element
  '0a 50 4c 41 49 4e 54 45 58 54', //     name: "PLAINTEXT"
  '02 68', //     host: "h"
  '23 84', //     port: 9092 (uint16)
  '00', //     tagged fields: none
  '00', //   node tagged fields: none
  '00' // body tagged fields: none
)

t.test('DescribeLogDirs: a v1 request and a v4 response match the hand-written bytes', async t => {
  const req = decodeRequest(logDirsV1Request.subarray(4))
  t.equal(req.api, DescribeLogDirs)
  t.strictSame(req.body, { topics: [{ topic: 't', partitions: [0, 1] }] })
  t.equal(toHex(encodeRequest(DescribeLogDirs, 1, { correlationId: 1, clientId: 'kd' }, req.body)), toHex(logDirsV1Request))
  const value = {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [{
      errorCode: 0,
      logDir: '/d',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, partitionSize: 75n, offsetLag: 0n, isFutureKey: false }] }],
      totalBytes: 1048576n,
      usableBytes: 524288n
    }]
  }
  const res = decodeResponse(DescribeLogDirs, 4, logDirsV4Response.subarray(4))
  t.match(res.body, value)
  t.equal(res.body.results[0].isCordoned, false, 'v5\'s field takes its default')
  t.equal(toHex(encodeResponse(DescribeLogDirs, 4, 2, value)), toHex(logDirsV4Response))
})

t.test('ElectLeaders: a v1 request and a v2 response match the hand-written bytes', async t => {
  const req = decodeRequest(electV1Request.subarray(4))
  t.equal(req.api, ElectLeaders)
  t.strictSame(req.body, { electionType: 1, topicPartitions: [{ topic: 't', partitions: [2] }], timeoutMs: 60000 })
  t.equal(toHex(encodeRequest(ElectLeaders, 1, { correlationId: 3, clientId: 'kd' }, req.body)), toHex(electV1Request))
  const value = {
    throttleTimeMs: 0,
    errorCode: 0,
    replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 84, errorMessage: null }, { partitionId: 9, errorCode: 3, errorMessage: 'No such partition as t-9' }] }]
  }
  t.strictSame(decodeResponse(ElectLeaders, 2, electV2Response.subarray(4)).body, value)
  t.equal(toHex(encodeResponse(ElectLeaders, 2, 4, value)), toHex(electV2Response))
})

t.test('AlterPartitionReassignments v1: request and response match the hand-written bytes', async t => {
  const req = decodeRequest(alterV1Request.subarray(4))
  t.equal(req.api, AlterPartitionReassignments)
  t.strictSame(req.body, { timeoutMs: 30000, allowReplicationFactorChange: false, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3] }, { partitionIndex: 1, replicas: null }] }] })
  t.equal(toHex(encodeRequest(AlterPartitionReassignments, 1, { correlationId: 5, clientId: 'kd' }, req.body)), toHex(alterV1Request))
  const value = {
    throttleTimeMs: 0,
    allowReplicationFactorChange: false,
    errorCode: 0,
    errorMessage: null,
    responses: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 85, errorMessage: 'No partition reassignment is in progress.' }] }]
  }
  t.strictSame(decodeResponse(AlterPartitionReassignments, 1, alterV1Response.subarray(4)).body, value)
  t.equal(toHex(encodeResponse(AlterPartitionReassignments, 1, 5, value)), toHex(alterV1Response))
})

t.test('ListPartitionReassignments v0: request and response match the hand-written bytes', async t => {
  const req = decodeRequest(listV0Request.subarray(4))
  t.equal(req.api, ListPartitionReassignments)
  t.strictSame(req.body, { timeoutMs: 60000, topics: null })
  t.equal(toHex(encodeRequest(ListPartitionReassignments, 0, { correlationId: 6, clientId: 'kd' }, req.body)), toHex(listV0Request))
  const value = {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [4, 3, 2, 1], addingReplicas: [4], removingReplicas: [1] }] }]
  }
  t.strictSame(decodeResponse(ListPartitionReassignments, 0, listV0Response.subarray(4)).body, value)
  t.equal(toHex(encodeResponse(ListPartitionReassignments, 0, 6, value)), toHex(listV0Response))
})

t.test('DescribeQuorum v2: request and response match the hand-written bytes', async t => {
  const req = decodeRequest(quorumV2Request.subarray(4))
  t.equal(req.api, DescribeQuorum)
  t.strictSame(req.body, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] })
  t.equal(toHex(encodeRequest(DescribeQuorum, 2, { correlationId: 7, clientId: 'kd' }, req.body)), toHex(quorumV2Request))
  const value = {
    errorCode: 0,
    errorMessage: null,
    topics: [{
      topicName: '__cluster_metadata',
      partitions: [{
        partitionIndex: 0,
        errorCode: 0,
        errorMessage: null,
        leaderId: 1,
        leaderEpoch: 3,
        highWatermark: 10n,
        currentVoters: [{ replicaId: 1, replicaDirectoryId: '00112233-4455-4677-8899-aabbccddeeff', logEndOffset: 10n, lastFetchTimestamp: -1n, lastCaughtUpTimestamp: 1717986918400n }],
        observers: []
      }]
    }],
    nodes: [{ nodeId: 1, listeners: [{ name: 'PLAINTEXT', host: 'h', port: 9092 }] }]
  }
  t.strictSame(decodeResponse(DescribeQuorum, 2, quorumV2Response.subarray(4)).body, value)
  t.equal(toHex(encodeResponse(DescribeQuorum, 2, 7, value)), toHex(quorumV2Response))
})
