import t from 'tap'
import { CreateTopics, Fetch, Metadata, OffsetCommit, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeMessageSet, encodeRecordBatch, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Answers the differential test (test-interop/differential/) found to differ from real Kafka 4.4, fixed in the fake
// broker and pinned here, so that they stay fixed where no Kafka runs. Each test says what Kafka answers.

async function setup (t: any, opts: FakeClusterOptions = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders', partitions: 2 }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

function produceBody (topic: string, records: Buffer): unknown {
  return { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] }
}

function fetchBody (topic: string, partitions: number[], opts: { maxBytes?: number, partitionMaxBytes?: number } = {}): unknown {
  return {
    maxWaitMs: 0, minBytes: 0, maxBytes: opts.maxBytes ?? 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: partitions.map(partition => ({ partition, fetchOffset: 0n, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20, currentLeaderEpoch: -1 })) }],
    forgottenTopicsData: [], rackId: ''
  }
}

t.test('Fetch of an unknown partition answers an empty list of aborted transactions, as Kafka does', async t => {
  const { client } = await setup(t)
  const res = await client.request(Fetch, 12, fetchBody('orders', [7]))
  t.equal(res.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  t.same(res.responses[0].partitions[0].abortedTransactions, [])
  const known = await client.request(Fetch, 12, fetchBody('orders', [0]))
  t.equal(known.responses[0].partitions[0].abortedTransactions, null, 'read_uncommitted reads answer null')
})

t.test('Fetch cuts a partition\'s records at its byte limit, leaving a partial last batch, as Kafka does (KIP-74)', async t => {
  const { cluster, client } = await setup(t)
  cluster.produce('orders', 0, [{ value: 'first batch' }])
  cluster.produce('orders', 0, [{ value: 'second batch' }])
  const first = cluster.state.partition('orders', 0)!.log.read(0, 1 << 20, true)
  const firstSize = scanBatches(first).batches[0].end
  const cut = await client.request(Fetch, 12, fetchBody('orders', [0], { partitionMaxBytes: firstSize + 10 }))
  const records = cut.responses[0].partitions[0].records
  t.equal(records.length, firstSize + 10, 'exactly the limit')
  const scanned = scanBatches(records)
  t.equal(scanned.batches.length, 1)
  t.ok(scanned.truncatedTail, 'the second batch is cut')
  const small = await client.request(Fetch, 12, fetchBody('orders', [0], { partitionMaxBytes: 5 }))
  t.equal(small.responses[0].partitions[0].records.length, firstSize, 'a limit below the first batch still gets that whole batch')
})

t.test('Produce of a batch over maxMessageBytes is MESSAGE_TOO_LARGE and appends nothing', async t => {
  const { cluster, client } = await setup(t, { maxMessageBytes: 1000 })
  const res = await client.request(Produce, 9, produceBody('orders', encodeRecordBatch([{ value: Buffer.alloc(2000) }])))
  const p = res.responses[0].partitionResponses[0]
  t.equal(p.errorCode, ErrorCode.MESSAGE_TOO_LARGE)
  t.equal(p.logStartOffset, -1n)
  t.equal(cluster.highWatermark('orders', 0), 0n)
  const ok = await client.request(Produce, 9, produceBody('orders', encodeRecordBatch([{ value: Buffer.alloc(500) }])))
  t.equal(ok.responses[0].partitionResponses[0].errorCode, 0)
})

t.test('Produce of a batch with a bad CRC reports the log start offset as unknown (-1)', async t => {
  const { client } = await setup(t)
  const bad = encodeRecordBatch([{ value: 'v' }])
  bad[bad.length - 1] ^= 0xff
  const p = (await client.request(Produce, 9, produceBody('orders', bad))).responses[0].partitionResponses[0]
  t.equal(p.errorCode, ErrorCode.CORRUPT_MESSAGE)
  t.equal(p.logStartOffset, -1n)
})

t.test('CreateTopics answers a repeated name once, after the others; errors carry an empty config list', async t => {
  const { client } = await setup(t)
  const topic = (name: string): unknown => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })
  const res = await client.request(CreateTopics, 7, { topics: [topic('dup'), topic('a'), topic('dup'), topic('bad name')], timeoutMs: 1000, validateOnly: false })
  t.same(res.topics.map((x: any) => [x.name, x.errorCode]), [['a', 0], ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION], ['dup', ErrorCode.INVALID_REQUEST]])
  t.same(res.topics[1].configs, [])
})

t.test('CreateTopics with validateOnly answers a topic id, as Kafka\'s controller does, and creates nothing', async t => {
  const { cluster, client } = await setup(t)
  const res = await client.request(CreateTopics, 7, { topics: [{ name: 'later', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: true })
  t.equal(res.topics[0].errorCode, 0)
  t.not(res.topics[0].topicId, '00000000-0000-0000-0000-000000000000')
  t.notOk(cluster.state.topics.has('later'))
  const md = await client.request(Metadata, 12, { topics: [{ name: 'later' }], allowAutoTopicCreation: false })
  t.equal(md.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
})

t.test('OffsetCommit with a generation to an unknown group: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before', async t => {
  const { client } = await setup(t)
  const body = (groupId: string): unknown => ({
    groupId, generationIdOrMemberEpoch: 3, memberId: 'somebody', groupInstanceId: null,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }]
  })
  const v9 = await client.request(OffsetCommit, 9, body('nobody-9'))
  t.equal(v9.topics[0].partitions[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  const v8 = await client.request(OffsetCommit, 8, body('nobody-8'))
  t.equal(v8.topics[0].partitions[0].errorCode, ErrorCode.ILLEGAL_GENERATION)
  const simple = await client.request(OffsetCommit, 9, { ...(body('simple') as object), generationIdOrMemberEpoch: -1, memberId: '' })
  t.equal(simple.topics[0].partitions[0].errorCode, 0, 'a simple commit (generation -1) is still accepted')
})

t.test('Produce v0 of a magic-0 message stores it without a timestamp (-1), as Kafka 3.9 does', async t => {
  const { client } = await setup(t)
  const set = encodeMessageSet([{ key: 'k', value: 'old' }], { magic: 0 })
  const res = await client.request(Produce, 0, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records: set }] }] })
  t.equal(res.responses[0].partitionResponses[0].errorCode, 0)
  const fetched = await client.request(Fetch, 12, fetchBody('orders', [0]))
  t.same([...iterateRecords(fetched.responses[0].partitions[0].records)].map(r => r.timestamp), [-1n])
})

t.test('Fetch v0-3 down-converts a compressed batch to a wrapper message with the same codec, as Kafka 3.9 does', async t => {
  const { client } = await setup(t)
  const res = await client.request(Produce, 9, produceBody('orders', encodeRecordBatch([{ value: 'a' }, { value: 'b' }], { compression: 'gzip' })))
  t.equal(res.responses[0].partitionResponses[0].errorCode, 0)
  for (const version of [1, 3]) {
    const fetched = await client.request(Fetch, version, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] })
    const records = fetched.responses[0].partitions[0].records
    t.same(scanBatches(records).batches.map(b => [b.magic, b.compression]), [[version === 1 ? 0 : 1, 'gzip']], `Fetch v${version}`)
    t.same([...iterateRecords(records)].map(r => r.value?.toString()), ['a', 'b'])
  }
})
