import t from 'tap'
import { randomUUID } from 'node:crypto'
import { ApiVersions, EndTxn, InitProducerId, OffsetFetch, Produce, TxnOffsetCommit, type ProduceResponse, type TxnOffsetCommitResponse } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch, iterateRecords } from '../../../protocol/records/index.js'
import type { FakeCluster } from '../../../tools/fake-broker/index.js'
import { clusterWithRawClient, type RawClient } from './raw-client.js'

// Produce v13 and TxnOffsetCommit v6 name topics by id (KIP-516, KIP-1319). The fake broker resolves each id to its
// topic; an id it does not know is answered UNKNOWN_TOPIC_ID for each of its partitions before any other check, and
// the response echoes the ids it was given (KafkaApis.handleProduceRequest in Kafka 4.x). Compared with Kafka 4.4 in
// test-interop/differential/ and test-interop/producer/coordinator-differential.test.ts.

const idOf = (cluster: FakeCluster, name: string): string => cluster.state.topics.get(name)?.id ?? 'missing'

function values (cluster: FakeCluster, topic: string, partition: number): string[] {
  const log = cluster.partitionState(topic, partition).log
  return [...iterateRecords(log.read(0, 1 << 20, true, Number(log.highWatermark)))].map(r => String(r.value))
}

async function produceById (client: RawClient, topicIds: string[], value: string, opts: { transactionalId?: string | null, records?: Buffer } = {}): Promise<ProduceResponse> {
  const records = opts.records ?? encodeRecordBatch([{ value }])
  return await client.request(Produce, 13, {
    transactionalId: opts.transactionalId ?? null,
    acks: -1,
    timeoutMs: 1000,
    topicData: topicIds.map(topicId => ({ topicId, partitionData: [{ index: 0, records }] }))
  })
}

t.test('ApiVersions advertises Produce up to v13 and TxnOffsetCommit up to v6', async t => {
  const { client } = await clusterWithRawClient(t)
  const res = await client.request(ApiVersions, 3, { clientSoftwareName: 'kd', clientSoftwareVersion: '1' })
  const range = (key: number): unknown => res.apiKeys.find((k: { apiKey: number }) => k.apiKey === key)
  t.match(range(0), { minVersion: 0, maxVersion: 13 })
  t.match(range(28), { minVersion: 0, maxVersion: 6 })
})

t.test('Produce v13 appends to the topic its id names and answers by that id; an unknown id is UNKNOWN_TOPIC_ID', async t => {
  const { cluster, client } = await clusterWithRawClient(t)
  const id = idOf(cluster, 't')
  const unknown = randomUUID()
  const res = await produceById(client, [id, unknown], 'by-id')
  t.equal(res.responses.length, 2)
  t.match(res.responses[0], { topicId: id, partitionResponses: [{ index: 0, errorCode: ErrorCode.NONE, baseOffset: 0n, logStartOffset: 0n }] })
  t.match(res.responses[1], {
    topicId: unknown,
    partitionResponses: [{ index: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage: null }]
  })
  t.same(values(cluster, 't', 0), ['by-id'])
  // The zero uuid is no topic's id: a v13 request must carry ids.
  const zero = await produceById(client, ['00000000-0000-0000-0000-000000000000'], 'x')
  t.equal(zero.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
  // A partition the topic does not have is still UNKNOWN_TOPIC_OR_PARTITION.
  const far = await client.request(Produce, 13, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ topicId: id, partitionData: [{ index: 9, records: encodeRecordBatch([{ value: 'x' }]) }] }] })
  t.equal(far.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
})

t.test('Produce v13: an unknown id is answered before authorization; a known one needs WRITE', async t => {
  const { cluster, client } = await clusterWithRawClient(t, { authorizer: {} })
  const res = await produceById(client, [idOf(cluster, 't'), randomUUID()], 'denied')
  t.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  t.equal(res.responses[1].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
  t.same(values(cluster, 't', 0), [])
})

t.test('a recreated topic has a new id: Produce v13 with the old one is UNKNOWN_TOPIC_ID', async t => {
  const { cluster, client } = await clusterWithRawClient(t)
  const old = idOf(cluster, 't')
  cluster.state.deleteTopic('t')
  cluster.createTopic('t', 1)
  t.not(idOf(cluster, 't'), old)
  t.equal((await produceById(client, [old], 'x')).responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
  t.equal((await produceById(client, [idOf(cluster, 't')], 'y')).responses[0].partitionResponses[0].errorCode, ErrorCode.NONE)
})

t.test('a transaction by ids: Produce v13 and TxnOffsetCommit v6 add to it; an unknown id is UNKNOWN_TOPIC_ID', async t => {
  const { cluster, client } = await clusterWithRawClient(t)
  const id = idOf(cluster, 't')
  const init = await client.request(InitProducerId, 5, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 })
  const ids = { producerId: init.producerId, producerEpoch: init.producerEpoch }
  const records = encodeRecordBatch([{ value: 'in-txn' }], { ...ids, baseSequence: 0, transactional: true })
  const produced = await produceById(client, [id], '', { transactionalId: 'tx', records })
  t.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE, 'v13 adds the partition to the transaction (protocol v2)')
  const unknown = randomUUID()
  const commit = await client.request<TxnOffsetCommitResponse>(TxnOffsetCommit, 6, {
    transactionalId: 'tx', groupId: 'g', ...ids, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [
      { topicId: id, partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null }, { partitionIndex: 5, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
      { topicId: unknown, partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }
    ]
  })
  t.same(commit.topics.map(x => [x.topicId, x.partitions]), [
    [id, [{ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 0, errorCode: ErrorCode.NONE }]],
    [unknown, [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }]]
  ], 'refused partitions first, then the coordinator\'s, one entry per topic (as Kafka 4.4 answers)')
  const end = await client.request(EndTxn, 5, { transactionalId: 'tx', ...ids, committed: true })
  t.equal(end.errorCode, ErrorCode.NONE)
  const fetched = await client.request(OffsetFetch, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], requireStable: false })
  t.equal(fetched.topics[0].partitions[0].committedOffset, 7n, 'the offsets staged by id are committed with the transaction')
  t.same(values(cluster, 't', 0), ['in-txn'])
})
