import t from 'tap'
import { Fetch, Metadata, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeMessageSet, encodeRecordBatch, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders', partitions: 2 }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

function produceBody (topic: string, partition: number, records: Buffer, acks = -1): unknown {
  return { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] }
}

function fetchBody (topic: string, partition: number, fetchOffset: bigint, extra: Record<string, unknown> = {}): unknown {
  return {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: '', ...extra
  }
}

t.test('Produce assigns offsets and Fetch returns the stored batches byte for byte', async t => {
  const { client } = await setup(t)
  const a = encodeRecordBatch([{ key: 'k1', value: 'one' }, { key: 'k2', value: 'two' }], { compression: 'gzip' })
  const b = encodeRecordBatch([{ value: 'three', headers: [{ key: 'h', value: 'x' }] }])
  for (const [batch, expected] of [[a, 0n], [b, 2n]] as const) {
    const res = await client.request(Produce, 7, produceBody('orders', 1, batch))
    t.equal(res.responses[0].partitionResponses[0].errorCode, 0)
    t.equal(res.responses[0].partitionResponses[0].baseOffset, expected)
  }
  const res = await client.request(Fetch, 11, fetchBody('orders', 1, 0n))
  const p = res.responses[0].partitions[0]
  t.equal(p.errorCode, 0)
  t.equal(p.highWatermark, 3n)
  const { batches } = scanBatches(p.records)
  t.same(batches.map(x => x.baseOffset), [0n, 2n])
  // Only the base offset and leader epoch were rewritten: the bytes after them are the producer's.
  t.same(p.records.subarray(batches[1].start + 17, batches[1].end), b.subarray(17))
  const values = [...iterateRecords(p.records)].map(r => [r.offset, r.value?.toString()])
  t.same(values, [[0n, 'one'], [1n, 'two'], [2n, 'three']])
})

t.test('Produce v0-2 message sets (magic 0/1, compressed or not) are up-converted to magic-2 batches', async t => {
  const { client } = await setup(t)
  const legacy: Array<[number, Buffer]> = [
    [0, encodeMessageSet([{ key: 'a', value: 'one' }], { magic: 0 })],
    [2, encodeMessageSet([{ value: 'two', timestamp: 1_700_000_000_000 }, { value: 'three', timestamp: 1_700_000_000_001 }], { magic: 1, compression: 'gzip' })],
    [1, encodeMessageSet([{ value: 'four' }], { magic: 0, compression: 'lz4' })]
  ]
  for (const [version, set] of legacy) {
    const res = await client.request(Produce, version, produceBody('orders', 0, set))
    t.equal(res.responses[0].partitionResponses[0].errorCode, 0, `Produce v${version}`)
  }
  const res = await client.request(Fetch, 11, fetchBody('orders', 0, 0n))
  const records = res.responses[0].partitions[0].records
  const { batches } = scanBatches(records)
  t.same(batches.map(b => [b.magic, b.compression]), [[2, 'none'], [2, 'gzip'], [2, 'lz4']])
  t.same([...iterateRecords(records)].map(r => [r.offset, r.key?.toString() ?? null, r.value?.toString()]),
    [[0n, 'a', 'one'], [1n, null, 'two'], [2n, null, 'three'], [3n, null, 'four']])
  t.equal([...iterateRecords(records)][2].timestamp, 1_700_000_000_001n, 'CreateTime kept')
  const bad = await client.request(Produce, 2, produceBody('orders', 0, Buffer.from('not a message set at all')))
  t.equal(bad.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE)
})

t.test('a flexible Fetch (v12+) and one by topic id (v13+) see the same records', async t => {
  const { client, cluster } = await setup(t)
  cluster.produce('orders', 0, [{ value: 'a' }, { value: 'b' }])
  const v12 = await client.request(Fetch, 12, fetchBody('orders', 0, 1n))
  t.same([...iterateRecords(v12.responses[0].partitions[0].records, { fromOffset: 1n })].map(r => r.value?.toString()), ['b'])
  const md = await client.request(Metadata, 12, { topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }] })
  const topicId = md.topics[0].topicId
  const body: any = fetchBody('orders', 0, 0n)
  body.topics[0].topicId = topicId
  const v17 = await client.request(Fetch, 17, body)
  t.equal(v17.responses[0].topicId, topicId)
  t.equal([...iterateRecords(v17.responses[0].partitions[0].records)].length, 2)
  body.topics[0].topicId = '11111111-1111-1111-1111-111111111111'
  const unknown = await client.request(Fetch, 13, body)
  t.equal(unknown.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
})

t.test('Fetch below the log start or above the high watermark is OFFSET_OUT_OF_RANGE', async t => {
  const { client, cluster } = await setup(t)
  cluster.produce('orders', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  cluster.faults.deleteRecordsBefore('orders', 0, 2n)
  for (const offset of [1n, 4n]) {
    const res = await client.request(Fetch, 11, fetchBody('orders', 0, offset))
    const p = res.responses[0].partitions[0]
    t.equal(p.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${offset}`)
    // As Kafka 4.4 answers (test-interop/differential/): the marks are unknown in an out-of-range answer.
    t.equal(p.logStartOffset, -1n)
    t.equal(p.highWatermark, -1n)
  }
  const at = await client.request(Fetch, 11, fetchBody('orders', 0, 3n))
  t.equal(at.responses[0].partitions[0].errorCode, 0, 'the high watermark itself is a valid (empty) position')
  t.equal(at.responses[0].partitions[0].records.length, 0)
})

t.test('a Fetch waiting for minBytes is answered when records arrive', async t => {
  const { client, cluster } = await setup(t)
  const pending = client.request(Fetch, 11, fetchBody('orders', 0, 0n, { maxWaitMs: 60000, minBytes: 1 }))
  // Produced from a second connection, as another client would.
  const producer = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { producer.close() })
  await producer.request(Produce, 9, produceBody('orders', 0, encodeRecordBatch([{ value: 'late' }])))
  const res = await pending
  t.same([...iterateRecords(res.responses[0].partitions[0].records)].map(r => r.value?.toString()), ['late'])
})

t.test('Produce with acks 0 gets no response and the next request is answered normally', async t => {
  const { client, cluster } = await setup(t)
  client.sendRequest(Produce, 3, produceBody('orders', 0, encodeRecordBatch([{ value: 'fire-and-forget' }]), 0))
  const md = await client.request(Metadata, 1, { topics: null })
  t.equal(md.topics.length, 1)
  t.equal(cluster.highWatermark('orders', 0), 1n)
})

t.test('only the leader accepts Produce and Fetch; others answer NOT_LEADER_OR_FOLLOWER with the leader (KIP-951)', async t => {
  // One replica: a follower would serve consumer fetches v11+ (KIP-392, replica-selector.test.ts); a broker that
  // holds no replica never does.
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'orders', partitions: 1 }], brokerConfigs: { 'default.replication.factor': '1' } })
  t.teardown(() => cluster.stop())
  const leader = cluster.state.partition('orders', 0)!.leaderId
  const other = cluster.state.brokers.find(b => b.id !== leader)!
  const client = await RawClient.connect(`127.0.0.1:${other.port}`)
  t.teardown(() => { client.close() })
  const res = await client.request(Produce, 10, produceBody('orders', 0, encodeRecordBatch([{ value: 'x' }])))
  const pr = res.responses[0].partitionResponses[0]
  t.equal(pr.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  t.equal(pr.currentLeader.leaderId, leader)
  t.same(res.nodeEndpoints.map((n: any) => n.nodeId), [leader])
  const f = await client.request(Fetch, 11, fetchBody('orders', 0, 0n))
  t.equal(f.responses[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)

  // Fetch names the leader from v16 only, though v12-15 have the tagged field (KafkaApis.handleFetchRequest).
  const md = await client.request(Metadata, 12, { topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }] })
  const body: any = fetchBody('orders', 0, 0n)
  body.topics[0].topicId = md.topics[0].topicId
  const epoch = cluster.state.partition('orders', 0)!.leaderEpoch
  const v15 = await client.request(Fetch, 15, body)
  t.equal(v15.responses[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  t.same(v15.responses[0].partitions[0].currentLeader, { leaderId: -1, leaderEpoch: -1 }, 'v15: no leader hint')
  const v16 = await client.request(Fetch, 16, body)
  t.same(v16.responses[0].partitions[0].currentLeader, { leaderId: leader, leaderEpoch: epoch }, 'v16: the leader and its epoch')
  t.same(v16.nodeEndpoints.map((n: any) => n.nodeId), [leader])

  // On the leader: FENCED_LEADER_EPOCH names it too; UNKNOWN_LEADER_EPOCH (the client is ahead) does not.
  const onLeader = await RawClient.connect(`127.0.0.1:${cluster.state.broker(leader)!.port}`)
  t.teardown(() => { onLeader.close() })
  const withEpoch = (e: number): unknown => ({ ...body, topics: [{ ...body.topics[0], partitions: [{ ...body.topics[0].partitions[0], currentLeaderEpoch: e }] }] })
  cluster.state.moveLeader('orders', 0, leader) // same leader, a new epoch: the client's is now one behind
  const fenced = await onLeader.request(Fetch, 16, withEpoch(epoch))
  t.equal(fenced.responses[0].partitions[0].errorCode, ErrorCode.FENCED_LEADER_EPOCH)
  t.same(fenced.responses[0].partitions[0].currentLeader, { leaderId: leader, leaderEpoch: epoch + 1 })
  t.same(fenced.nodeEndpoints.map((n: any) => n.nodeId), [leader])
  const ahead = await onLeader.request(Fetch, 16, withEpoch(epoch + 5))
  t.equal(ahead.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH)
  t.same(ahead.responses[0].partitions[0].currentLeader, { leaderId: -1, leaderEpoch: -1 })
  t.same(ahead.nodeEndpoints, [])
})

t.test('Produce and Fetch answer LEADER_NOT_AVAILABLE without a leader hint, as Kafka fills it only for NOT_LEADER_OR_FOLLOWER (and FENCED_LEADER_EPOCH in Fetch)', async t => {
  const cluster = await FakeCluster.start({ brokers: 2 })
  t.teardown(() => cluster.stop())
  cluster.state.createTopic('orders', 1, 'create', { replicationFactor: 1 })
  const leader = cluster.state.partition('orders', 0)!.leaderId
  const other = cluster.state.brokers.find(b => b.id !== leader)!
  const client = await RawClient.connect(`127.0.0.1:${other.port}`)
  t.teardown(() => { client.close() })
  const md = await client.request(Metadata, 12, { topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }] })
  await cluster.stopBroker(leader)
  t.equal(cluster.state.partition('orders', 0)!.leaderId, -1, 'the only replica is down: no leader')
  const res = await client.request(Produce, 10, produceBody('orders', 0, encodeRecordBatch([{ value: 'x' }])))
  t.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.LEADER_NOT_AVAILABLE)
  t.same(res.responses[0].partitionResponses[0].currentLeader, { leaderId: -1, leaderEpoch: -1 })
  const body: any = fetchBody('orders', 0, 0n)
  body.topics[0].topicId = md.topics[0].topicId
  const f = await client.request(Fetch, 17, body)
  t.equal(f.responses[0].partitions[0].errorCode, ErrorCode.LEADER_NOT_AVAILABLE)
  t.same(f.responses[0].partitions[0].currentLeader, { leaderId: -1, leaderEpoch: -1 })
})

t.test('Fetch v0-3 get records down-converted to message sets of magic 0 and 1', async t => {
  const { client, cluster } = await setup(t)
  cluster.produce('orders', 0, [{ key: 'k', value: 'v1', timestamp: 1000 }, { value: 'v2', timestamp: 2000 }], { compression: 'snappy' })
  for (const [version, magic] of [[0, 0], [1, 0], [2, 1], [3, 1]]) {
    const res = await client.request(Fetch, version, fetchBody('orders', 0, 0n))
    const records = [...iterateRecords(res.responses[0].partitions[0].records)]
    t.same(records.map(r => [r.offset, r.key?.toString() ?? null, r.value?.toString(), r.magic]), [[0n, 'k', 'v1', magic], [1n, null, 'v2', magic]], `Fetch v${version}`)
    if (magic === 1) t.same(records.map(r => r.timestamp), [1000n, 2000n])
  }
})

t.test('LogAppendTime topics stamp batches with the broker time and report it in Produce', async t => {
  const { client } = await setup(t, { topics: [{ name: 'stamped', partitions: 1, timestampType: 'logAppend' }] })
  // The broker's clock at append time lies between our clock before the request and after the answer (same
  // machine, same clock); the batch's own timestamp (5) is far outside that window.
  const before = BigInt(Date.now())
  const res = await client.request(Produce, 8, produceBody('stamped', 0, encodeRecordBatch([{ value: 'a', timestamp: 5 }])))
  const after = BigInt(Date.now())
  const appendTime = res.responses[0].partitionResponses[0].logAppendTimeMs
  t.ok(appendTime >= before && appendTime <= after, `append time ${appendTime} within [${before}, ${after}]`)
  const f = await client.request(Fetch, 11, fetchBody('stamped', 0, 0n))
  const [r] = [...iterateRecords(f.responses[0].partitions[0].records)]
  t.equal(r.timestampType, 'logAppend')
  t.equal(r.timestamp, appendTime)
})

t.test('partitionMaxBytes and maxBytes limit the answer, but the first batch always comes whole (KIP-74)', async t => {
  const { client, cluster } = await setup(t)
  for (let i = 0; i < 3; i++) cluster.produce('orders', 0, [{ value: Buffer.alloc(1000, i) }])
  const body: any = fetchBody('orders', 0, 0n)
  body.topics[0].partitions[0].partitionMaxBytes = 10
  const one = await client.request(Fetch, 11, body)
  t.equal(scanBatches(one.responses[0].partitions[0].records).batches.length, 1)
  body.topics[0].partitions[0].partitionMaxBytes = 1 << 20
  body.maxBytes = 2200
  const two = await client.request(Fetch, 11, body)
  t.equal(scanBatches(two.responses[0].partitions[0].records).batches.length, 2)
})

t.test('Produce of corrupt batches fails with CORRUPT_MESSAGE and appends nothing', async t => {
  const { client, cluster } = await setup(t)
  const batch = encodeRecordBatch([{ value: 'x' }])
  batch[batch.length - 1] ^= 0xff
  const res = await client.request(Produce, 7, produceBody('orders', 0, batch))
  t.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE)
  const truncated = await client.request(Produce, 7, produceBody('orders', 0, encodeRecordBatch([{ value: 'x' }]).subarray(0, 30)))
  t.equal(truncated.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE)
  t.equal(cluster.highWatermark('orders', 0), 0n)
})

t.test('Produce to an unknown topic fails even when auto-creation is on; Metadata creates it', async t => {
  const off = await setup(t)
  const res = await off.client.request(Produce, 7, produceBody('nope', 0, encodeRecordBatch([{ value: 'x' }])))
  t.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  // Kafka creates topics only for Metadata (checked against Kafka 4.4 in test-interop/differential/).
  const on = await setup(t, { autoCreateTopics: true, defaultPartitions: 3 })
  const refused = await on.client.request(Produce, 7, produceBody('fresh', 0, encodeRecordBatch([{ value: 'x' }])))
  t.equal(refused.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  t.equal(refused.responses[0].partitionResponses[0].logStartOffset, -1n)
  t.notOk(on.cluster.state.topics.has('fresh'), 'not created by Produce')
  await on.client.request(Metadata, 12, { topics: [{ name: 'fresh' }], allowAutoTopicCreation: true })
  const ok = await on.client.request(Produce, 7, produceBody('fresh', 0, encodeRecordBatch([{ value: 'x' }])))
  t.equal(ok.responses[0].partitionResponses[0].errorCode, 0)
  t.equal(on.cluster.state.topics.get('fresh')?.partitions.length, 3)
})
