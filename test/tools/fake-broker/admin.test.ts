import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateTopics, DeleteRecords, DeleteTopics, InitProducerId, Metadata, OffsetCommit, OffsetFetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start(opts)
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

t.test('CreateTopics creates, refuses duplicates and bad counts, and honours LogAppendTime', async t => {
  const { cluster, client } = await setup(t)
  const create = (topics: unknown[], validateOnly = false): Promise<any> => client.request(CreateTopics, 7, { topics, timeoutMs: 1000, validateOnly })
  const topic = (name: string, numPartitions: number, configs: unknown[] = []) => ({ name, numPartitions, replicationFactor: -1, assignments: [], configs })
  const res = await create([topic('a', 3), topic('b', 0), topic('c', 1, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]), topic('bad name!', 1)])
  t.same(res.topics.map((x: any) => x.errorCode), [0, ErrorCode.INVALID_PARTITIONS, 0, ErrorCode.INVALID_TOPIC_EXCEPTION])
  t.equal(res.topics[0].numPartitions, 3)
  t.equal(cluster.state.topics.get('c')?.timestampType, 'logAppend')
  t.equal((await create([topic('a', 1)])).topics[0].errorCode, ErrorCode.TOPIC_ALREADY_EXISTS)
  t.equal((await create([topic('dry', 1)], true)).topics[0].errorCode, 0)
  t.notOk(cluster.state.topics.has('dry'), 'validateOnly creates nothing')
})

t.test('DeleteTopics by name and by id', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'x' }, { name: 'y' }] })
  const byName = await client.request(DeleteTopics, 5, { topicNames: ['x', 'nope'], timeoutMs: 1000 })
  t.same(byName.responses.map((r: any) => r.errorCode), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  const id = cluster.state.topics.get('y')!.id
  const byId = await client.request(DeleteTopics, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 1000 })
  t.same([byId.responses[0].errorCode, byId.responses[0].name], [0, 'y'])
  t.equal((await client.request(Metadata, 1, { topics: null })).topics.length, 0)
})

t.test('DeleteRecords moves the low watermark; beyond the high watermark is OFFSET_OUT_OF_RANGE', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'r' }] })
  cluster.produce('r', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  const del = (offset: bigint): Promise<any> => client.request(DeleteRecords, 2, { topics: [{ name: 'r', partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 1000 })
  t.same(((p) => [p.errorCode, p.lowWatermark])((await del(2n)).topics[0].partitions[0]), [0, 2n])
  t.equal((await del(9n)).topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
  t.equal(cluster.logStartOffset('r', 0), 2n)
})

t.test('InitProducerId hands out producer ids and bumps epochs (KIP-360)', async t => {
  const { client } = await setup(t)
  const a = await client.request(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1 })
  const b = await client.request(InitProducerId, 0, { transactionalId: null, transactionTimeoutMs: 1000 })
  t.not(a.producerId, b.producerId)
  const bumped = await client.request(InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: a.producerId, producerEpoch: 0 })
  t.same([bumped.producerId, bumped.producerEpoch], [a.producerId, 1])
})

t.test('with a data directory, topics, logs and committed offsets survive a restart', async t => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fake-broker-data-'))
  t.teardown(() => { rmSync(dataDir, { recursive: true, force: true }) })
  const first = await FakeCluster.start({ dataDir, topics: [{ name: 'kept', partitions: 2 }] })
  first.produce('kept', 1, [{ value: 'a' }, { value: 'b' }])
  const c1 = await RawClient.connect(first.bootstrap)
  await c1.request(OffsetCommit, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'kept', partitions: [{ partitionIndex: 1, committedOffset: 1n, committedMetadata: null }] }] })
  c1.close()
  await first.stop()
  const second = await FakeCluster.start({ dataDir })
  t.teardown(() => second.stop())
  t.equal(second.state.topics.get('kept')?.partitions.length, 2)
  t.equal(second.highWatermark('kept', 1), 2n)
  t.equal(second.produce('kept', 1, [{ value: 'c' }]), 2n)
  const c2 = await RawClient.connect(second.bootstrap)
  t.teardown(() => { c2.close() })
  const fetched = await c2.request(OffsetFetch, 3, { groupId: 'g', topics: [{ name: 'kept', partitionIndexes: [1] }] })
  t.equal(fetched.topics[0].partitions[0].committedOffset, 1n)
})

t.test('CreateTopics checks configs against Kafka\'s topic config table and keeps them as overrides', async t => {
  const { cluster, client } = await setup(t)
  const create = (name: string, configs: unknown[], validateOnly = false): Promise<any> =>
    client.request(CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 1000, validateOnly })
  const unknown = (await create('u', [{ name: 'retention.mss', value: '1' }])).topics[0]
  t.same([unknown.errorCode, unknown.errorMessage], [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: retention.mss'])
  const bad = (await create('b', [{ name: 'retention.ms', value: 'soon' }])).topics[0]
  t.same([bad.errorCode, bad.errorMessage], [ErrorCode.INVALID_CONFIG, 'Invalid value soon for configuration retention.ms: Not a number of type LONG'])
  t.notOk(cluster.state.topics.has('u') || cluster.state.topics.has('b'))
  const ok = (await create('c', [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact' }])).topics[0]
  t.equal(ok.errorCode, 0)
  const row = (name: string) => ok.configs.find((c: any) => c.name === name)
  t.same([row('retention.ms').value, row('retention.ms').configSource], ['1000', 1], 'DYNAMIC_TOPIC_CONFIG')
  t.same([row('segment.bytes').value, row('segment.bytes').configSource], ['1073741824', 5], 'DEFAULT_CONFIG')
  t.same(Object.fromEntries(cluster.state.configs.topicOverridesOf('c')), { 'retention.ms': '1000', 'cleanup.policy': 'compact' })
  cluster.state.deleteTopic('c')
  t.equal(cluster.state.configs.topicOverridesOf('c').size, 0, 'deleting a topic forgets its overrides')
})
