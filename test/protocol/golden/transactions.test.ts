import t from 'tap'
import { AddOffsetsToTxn, AddPartitionsToTxn, DescribeTransactions, EndTxn, ListTransactions, TxnOffsetCommit, WriteTxnMarkers } from '../../../protocol/apis/index.js'
import { hex } from './hex.js'
import { checkVectors, type Vector } from './vectors.js'

// Frames of the transaction APIs (keys 24, 25, 26, 27, 28, 65, 66), written by hand from the protocol guide
// (https://kafka.apache.org/protocol#The_Messages_AddPartitionsToTxn etc.) and Kafka 4.4's message definitions
// (AddPartitionsToTxnRequest.json ...), one line per field. The 4-byte size prefix is left out of each vector
// and checked separately: it is the frame's length. Request header v1 (classic versions) is apiKey, apiVersion,
// correlationId, clientId; v2 (flexible versions) adds an empty tagged-field section, but the client id stays a
// classic int16-length string. Response header v0 is the correlation id; v1 adds a tagged-field section.
// Compact arrays and strings carry length + 1 as an unsigned varint; 0 means null (KIP-482).

const CORRELATION = 9

const vectors: Vector[] = [
  {
    name: 'AddPartitionsToTxn v0 request (a client adds two partitions)',
    api: AddPartitionsToTxn, version: 0, kind: 'request',
    frame: hex(
      '00 18', // apiKey: 24
      '00 00', // apiVersion: 0
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00 02 74 78', // v3AndBelowTransactionalId: "tx"
      '00 00 00 00 00 00 00 05', // v3AndBelowProducerId: 5
      '00 01', // v3AndBelowProducerEpoch: 1
      '00 00 00 01', // v3AndBelowTopics: 1 element
      '00 01 74', //   name: "t"
      '00 00 00 02', //   partitions: 2 int32s
      '00 00 00 00', //     0
      '00 00 00 01' //     1
    ),
    body: {
      transactions: [],
      v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 5n, v3AndBelowProducerEpoch: 1,
      v3AndBelowTopics: [{ name: 't', partitions: [0, 1] }]
    }
  },
  {
    name: 'AddPartitionsToTxn v0 response (one partition fenced by a newer epoch)',
    api: AddPartitionsToTxn, version: 0, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00 00 00 00', // throttleTimeMs: 0
      '00 00 00 01', // resultsByTopicV3AndBelow: 1 element
      '00 01 74', //   name: "t"
      '00 00 00 02', //   resultsByPartition: 2 elements
      '00 00 00 00', //     partitionIndex: 0
      '00 00', //     partitionErrorCode: 0
      '00 00 00 01', //     partitionIndex: 1
      '00 2f' //     partitionErrorCode: 47 (INVALID_PRODUCER_EPOCH)
    ),
    body: {
      throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [],
      resultsByTopicV3AndBelow: [{ name: 't', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 1, partitionErrorCode: 47 }] }]
    }
  },
  {
    name: 'AddPartitionsToTxn v3 request (the first flexible version)',
    api: AddPartitionsToTxn, version: 3, kind: 'request',
    frame: hex(
      '00 18', // apiKey: 24
      '00 03', // apiVersion: 3
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd" (never compact)
      '00', // header tagged fields: none
      '03 74 78', // v3AndBelowTransactionalId: compact "tx"
      '00 00 00 00 00 00 00 05', // v3AndBelowProducerId: 5
      '00 01', // v3AndBelowProducerEpoch: 1
      '02', // v3AndBelowTopics: compact array, 1 element
      '02 74', //   name: compact "t"
      '03', //   partitions: compact array, 2 int32s
      '00 00 00 00', //     0
      '00 00 00 01', //     1
      '00', //   topic tagged fields: none
      '00' // body tagged fields: none
    ),
    body: {
      transactions: [],
      v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 5n, v3AndBelowProducerEpoch: 1,
      v3AndBelowTopics: [{ name: 't', partitions: [0, 1] }]
    }
  },
  {
    name: 'AddPartitionsToTxn v4 request (a broker verifies a batch of transactions)',
    api: AddPartitionsToTxn, version: 4, kind: 'request',
    frame: hex(
      '00 18', // apiKey: 24
      '00 04', // apiVersion: 4
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields: none
      '02', // transactions: compact array, 1 element
      '03 74 78', //   transactionalId: "tx"
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '00 01', //   producerEpoch: 1
      '01', //   verifyOnly: true
      '02', //   topics: 1 element
      '02 74', //     name: "t"
      '02', //     partitions: 1 int32
      '00 00 00 02', //       2
      '00', //     topic tagged fields: none
      '00', //   transaction tagged fields: none
      '00' // body tagged fields: none
    ),
    body: {
      transactions: [{ transactionalId: 'tx', producerId: 5n, producerEpoch: 1, verifyOnly: true, topics: [{ name: 't', partitions: [2] }] }],
      v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: []
    }
  },
  {
    name: 'AddPartitionsToTxn v4 response (results per transactional id)',
    api: AddPartitionsToTxn, version: 4, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields: none (response header v1)
      '00 00 00 00', // throttleTimeMs: 0
      '00 00', // errorCode: 0
      '02', // resultsByTransaction: 1 element
      '03 74 78', //   transactionalId: "tx"
      '02', //   topicResults: 1 element
      '02 74', //     name: "t"
      '02', //     resultsByPartition: 1 element
      '00 00 00 02', //       partitionIndex: 2
      '00 30', //       partitionErrorCode: 48 (INVALID_TXN_STATE: not in the transaction)
      '00', //       partition tagged fields
      '00', //     topic tagged fields
      '00', //   transaction tagged fields
      '00' // body tagged fields
    ),
    body: {
      throttleTimeMs: 0, errorCode: 0,
      resultsByTransaction: [{ transactionalId: 'tx', topicResults: [{ name: 't', resultsByPartition: [{ partitionIndex: 2, partitionErrorCode: 48 }] }] }],
      resultsByTopicV3AndBelow: []
    }
  },
  {
    name: 'AddOffsetsToTxn v0 request',
    api: AddOffsetsToTxn, version: 0, kind: 'request',
    frame: hex(
      '00 19', // apiKey: 25
      '00 00', // apiVersion: 0
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00 02 74 78', // transactionalId: "tx"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      '00 01 67' // groupId: "g"
    ),
    body: { transactionalId: 'tx', producerId: 5n, producerEpoch: 1, groupId: 'g' }
  },
  {
    name: 'AddOffsetsToTxn v3 response',
    api: AddOffsetsToTxn, version: 3, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 0a', // throttleTimeMs: 10
      '00 33', // errorCode: 51 (CONCURRENT_TRANSACTIONS)
      '00' // body tagged fields
    ),
    body: { throttleTimeMs: 10, errorCode: 51 }
  },
  {
    name: 'EndTxn v0 request (commit)',
    api: EndTxn, version: 0, kind: 'request',
    frame: hex(
      '00 1a', // apiKey: 26
      '00 00', // apiVersion: 0
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00 02 74 78', // transactionalId: "tx"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      '01' // committed: true
    ),
    body: { transactionalId: 'tx', producerId: 5n, producerEpoch: 1, committed: true }
  },
  {
    name: 'EndTxn v5 request (abort)',
    api: EndTxn, version: 5, kind: 'request',
    frame: hex(
      '00 1a', // apiKey: 26
      '00 05', // apiVersion: 5
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '03 74 78', // transactionalId: compact "tx"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      '00', // committed: false
      '00' // body tagged fields
    ),
    body: { transactionalId: 'tx', producerId: 5n, producerEpoch: 1, committed: false }
  },
  {
    name: 'EndTxn v0 response (no producer id before v5)',
    api: EndTxn, version: 0, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00 00 00 00', // throttleTimeMs: 0
      '00 00' // errorCode: 0
    ),
    body: { throttleTimeMs: 0, errorCode: 0, producerId: -1n, producerEpoch: -1 }
  },
  {
    name: 'EndTxn v5 response (the bumped epoch, KIP-890 part 2)',
    api: EndTxn, version: 5, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      '00 00', // errorCode: 0
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 02', // producerEpoch: 2
      '00' // body tagged fields
    ),
    body: { throttleTimeMs: 0, errorCode: 0, producerId: 5n, producerEpoch: 2 }
  },
  {
    name: 'TxnOffsetCommit v2 request (classic, with a leader epoch)',
    api: TxnOffsetCommit, version: 2, kind: 'request',
    frame: hex(
      '00 1c', // apiKey: 28
      '00 02', // apiVersion: 2
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00 02 74 78', // transactionalId: "tx"
      '00 01 67', // groupId: "g"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      '00 00 00 01', // topics: 1 element
      '00 01 74', //   name: "t"
      '00 00 00 01', //   partitions: 1 element
      '00 00 00 00', //     partitionIndex: 0
      '00 00 00 00 00 00 00 2a', //     committedOffset: 42
      '00 00 00 07', //     committedLeaderEpoch: 7
      '00 00' //     committedMetadata: "" (not null)
    ),
    body: {
      transactionalId: 'tx', groupId: 'g', producerId: 5n, producerEpoch: 1,
      generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 7, committedMetadata: '' }] }]
    }
  },
  {
    name: 'TxnOffsetCommit v3 request (flexible, with the group metadata of KIP-447)',
    api: TxnOffsetCommit, version: 3, kind: 'request',
    frame: hex(
      '00 1c', // apiKey: 28
      '00 03', // apiVersion: 3
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '03 74 78', // transactionalId: "tx"
      '02 67', // groupId: "g"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      '00 00 00 03', // generationIdOrMemberEpoch: 3
      '02 6d', // memberId: "m"
      '00', // groupInstanceId: null (compact nullable string, length 0 = null)
      '02', // topics: 1 element
      '02 74', //   name: "t"
      '02', //   partitions: 1 element
      '00 00 00 00', //     partitionIndex: 0
      '00 00 00 00 00 00 00 2a', //     committedOffset: 42
      'ff ff ff ff', //     committedLeaderEpoch: -1
      '00', //     committedMetadata: null
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      '00' // body tagged fields
    ),
    body: {
      transactionalId: 'tx', groupId: 'g', producerId: 5n, producerEpoch: 1,
      generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null,
      topics: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }]
    }
  },
  {
    name: 'TxnOffsetCommit v6 request (topics by id, KIP-1319)',
    api: TxnOffsetCommit, version: 6, kind: 'request',
    frame: hex(
      '00 1c', // apiKey: 28
      '00 06', // apiVersion: 6
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '03 74 78', // transactionalId: "tx"
      '02 67', // groupId: "g"
      '00 00 00 00 00 00 00 05', // producerId: 5
      '00 01', // producerEpoch: 1
      'ff ff ff ff', // generationIdOrMemberEpoch: -1 (no group metadata)
      '01', // memberId: ""
      '00', // groupInstanceId: null
      '02', // topics: 1 element
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId (v6+; no name)
      '02', //   partitions: 1 element
      '00 00 00 02', //     partitionIndex: 2
      '00 00 00 00 00 00 00 2a', //     committedOffset: 42
      '00 00 00 07', //     committedLeaderEpoch: 7
      '01', //     committedMetadata: ""
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      '00' // body tagged fields
    ),
    body: {
      transactionalId: 'tx', groupId: 'g', producerId: 5n, producerEpoch: 1,
      generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: '', topicId: '00112233-4455-6677-8899-aabbccddeeff', partitions: [{ partitionIndex: 2, committedOffset: 42n, committedLeaderEpoch: 7, committedMetadata: '' }] }]
    }
  },
  {
    name: 'TxnOffsetCommit v6 response (topics by id, KIP-1319)',
    api: TxnOffsetCommit, version: 6, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      '02', // topics: 1 element
      '00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff', //   topicId
      '02', //   partitions: 1 element
      '00 00 00 01', //     partitionIndex: 1
      '00 00', //     errorCode: 0
      '00', //     partition tagged fields
      '00', //   topic tagged fields
      '00' // body tagged fields
    ),
    body: {
      throttleTimeMs: 0,
      topics: [{ name: '', topicId: '00112233-4455-6677-8899-aabbccddeeff', partitions: [{ partitionIndex: 1, errorCode: 0 }] }]
    }
  },
  {
    name: 'DescribeTransactions v0 request',
    api: DescribeTransactions, version: 0, kind: 'request',
    frame: hex(
      '00 41', // apiKey: 65
      '00 00', // apiVersion: 0 (flexible)
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02', // transactionalIds: compact array, 1 string
      '03 74 78', //   "tx"
      '00' // body tagged fields
    ),
    body: { transactionalIds: ['tx'] }
  },
  {
    name: 'DescribeTransactions v0 response (an ongoing transaction)',
    api: DescribeTransactions, version: 0, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      '02', // transactionStates: 1 element
      '00 00', //   errorCode: 0
      '03 74 78', //   transactionalId: "tx"
      '08 4f 6e 67 6f 69 6e 67', //   transactionState: "Ongoing"
      '00 00 ea 60', //   transactionTimeoutMs: 60000
      '00 00 01 8b cf e5 68 00', //   transactionStartTimeMs: 1700000000000
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '00 01', //   producerEpoch: 1
      '02', //   topics: 1 element
      '02 74', //     topic: "t"
      '02 00 00 00 00', //     partitions: [0]
      '00', //     topic tagged fields
      '00', //   state tagged fields
      '00' // body tagged fields
    ),
    body: {
      throttleTimeMs: 0,
      transactionStates: [{
        errorCode: 0, transactionalId: 'tx', transactionState: 'Ongoing', transactionTimeoutMs: 60000,
        transactionStartTimeMs: 1700000000000n, producerId: 5n, producerEpoch: 1, topics: [{ topic: 't', partitions: [0] }]
      }]
    }
  },
  {
    name: 'ListTransactions v0 request (no filters)',
    api: ListTransactions, version: 0, kind: 'request',
    frame: hex(
      '00 42', // apiKey: 66
      '00 00', // apiVersion: 0 (flexible)
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '01', // stateFilters: empty compact array
      '01', // producerIdFilters: empty
      '00' // body tagged fields
    ),
    body: { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: null }
  },
  {
    name: 'ListTransactions v2 request (every filter)',
    api: ListTransactions, version: 2, kind: 'request',
    frame: hex(
      '00 42', // apiKey: 66
      '00 02', // apiVersion: 2
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02 08 4f 6e 67 6f 69 6e 67', // stateFilters: ["Ongoing"]
      '02 00 00 00 00 00 00 00 05', // producerIdFilters: [5]
      '00 00 00 00 00 00 03 e8', // durationFilter: 1000
      '04 74 78 2e', // transactionalIdPattern: "tx."
      '00' // body tagged fields
    ),
    body: { stateFilters: ['Ongoing'], producerIdFilters: [5n], durationFilter: 1000n, transactionalIdPattern: 'tx.' }
  },
  {
    name: 'ListTransactions v0 response',
    api: ListTransactions, version: 0, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '00 00 00 00', // throttleTimeMs: 0
      '00 00', // errorCode: 0
      '02 02 58', // unknownStateFilters: ["X"]
      '02', // transactionStates: 1 element
      '03 74 78', //   transactionalId: "tx"
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '08 4f 6e 67 6f 69 6e 67', //   transactionState: "Ongoing"
      '00', //   state tagged fields
      '00' // body tagged fields
    ),
    body: { throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['X'], transactionStates: [{ transactionalId: 'tx', producerId: 5n, transactionState: 'Ongoing' }] }
  },
  {
    name: 'WriteTxnMarkers v1 request (abort one producer\'s transaction in two partitions)',
    api: WriteTxnMarkers, version: 1, kind: 'request',
    frame: hex(
      '00 1b', // apiKey: 27
      '00 01', // apiVersion: 1
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02', // markers: compact, 1 element
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '00 01', //   producerEpoch: 1
      '00', //   transactionResult: false (ABORT)
      '02', //   topics: compact, 1 element
      '02 74', //     name: compact "t"
      '03', //     partitionIndexes: compact, 2 int32s
      '00 00 00 00', //       0
      '00 00 00 01', //       1
      '00', //     topic tagged fields
      '00 00 00 03', //   coordinatorEpoch: 3
      '00', //   marker tagged fields
      '00' // body tagged fields
    ),
    body: { markers: [{ producerId: 5n, producerEpoch: 1, transactionResult: false, topics: [{ name: 't', partitionIndexes: [0, 1] }], coordinatorEpoch: 3, transactionVersion: 0 }] }
  },
  {
    name: 'WriteTxnMarkers v2 request (a commit marker of transaction version 2)',
    api: WriteTxnMarkers, version: 2, kind: 'request',
    frame: hex(
      '00 1b', // apiKey: 27
      '00 02', // apiVersion: 2
      '00 00 00 09', // correlationId: 9
      '00 02 6b 64', // clientId: "kd"
      '00', // header tagged fields
      '02', // markers: compact, 1 element
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '00 02', //   producerEpoch: 2
      '01', //   transactionResult: true (COMMIT)
      '02', //   topics: compact, 1 element
      '02 74', //     name: compact "t"
      '02', //     partitionIndexes: compact, 1 int32
      '00 00 00 00', //       0
      '00', //     topic tagged fields
      '00 00 00 00', //   coordinatorEpoch: 0
      '02', //   transactionVersion: 2
      '00', //   marker tagged fields
      '00' // body tagged fields
    ),
    body: { markers: [{ producerId: 5n, producerEpoch: 2, transactionResult: true, topics: [{ name: 't', partitionIndexes: [0] }], coordinatorEpoch: 0, transactionVersion: 2 }] }
  },
  {
    name: 'WriteTxnMarkers v1 response (one partition written, one fenced)',
    api: WriteTxnMarkers, version: 1, kind: 'response',
    frame: hex(
      '00 00 00 09', // correlationId: 9
      '00', // header tagged fields
      '02', // markers: compact, 1 element
      '00 00 00 00 00 00 00 05', //   producerId: 5
      '02', //   topics: compact, 1 element
      '02 74', //     name: compact "t"
      '03', //     partitions: compact, 2 elements
      '00 00 00 00', //       partitionIndex: 0
      '00 00', //       errorCode: 0
      '00', //       partition tagged fields
      '00 00 00 01', //       partitionIndex: 1
      '00 2f', //       errorCode: 47 (INVALID_PRODUCER_EPOCH)
      '00', //       partition tagged fields
      '00', //     topic tagged fields
      '00', //   marker tagged fields
      '00' // body tagged fields
    ),
    body: { markers: [{ producerId: 5n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 47 }] }] }] }
  }
]

checkVectors(t, vectors, CORRELATION)
