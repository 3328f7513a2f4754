import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AddPartitionsToTxn, DescribeProducers, EndTxn, InitProducerId, ListTransactions, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { ConfigError } from '../../../protocol/errors.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { Admin } from '../../../consumer/admin/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient, clusterWithRawClient } from './raw-client.js'

// producer.id.expiration.ms and transactional.id.expiration.ms in the fake broker, on a virtual clock: partitions
// forget idle producers (so a retry after the expiry is no longer recognised as a duplicate), the coordinator
// forgets idle transactional ids (the next InitProducerId gets a new producer id), and neither forgets a producer
// or id with a transaction open.

const T0 = 1_700_000_000_000
const DAY = 86_400_000

async function produce (client: RawClient, partition: number, producerId: bigint, baseSequence: number, value: string, transactionalId: string | null = null, timestamp = BigInt(T0)): Promise<{ errorCode: number, baseOffset: bigint }> {
  const records = encodeRecordBatch([{ value, timestamp }], { producerId, producerEpoch: 0, baseSequence, transactional: transactionalId !== null })
  const res = await client.request(Produce, 9, { transactionalId, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: partition, records }] }] })
  const p = res.responses[0].partitionResponses[0]
  return { errorCode: p.errorCode, baseOffset: p.baseOffset }
}

async function producerIds (client: RawClient, partition: number): Promise<bigint[]> {
  const res = await client.request(DescribeProducers, 0, { topics: [{ name: 't', partitionIndexes: [partition] }] })
  return res.topics[0].partitions[0].activeProducers.map(p => p.producerId)
}

async function listed (client: RawClient): Promise<string[]> {
  const res = await client.request(ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n })
  return res.transactionStates.map(s => `${s.transactionalId}:${s.transactionState}`).sort()
}

t.test('an idle producer is forgotten after producer.id.expiration.ms; a retry after that is written again', async t => {
  const clock = { now: T0 }
  const { cluster, client } = await clusterWithRawClient(t, { clock: () => clock.now })
  const first = await produce(client, 0, 5n, 0, 'a')
  t.same(first, { errorCode: ErrorCode.NONE, baseOffset: 0n })
  // A retry within the expiry is the duplicate it is: the original offset, nothing written.
  clock.now = T0 + DAY - 1
  t.equal(cluster.expireProducerIds(), 0, 'one ms short of the default day: kept')
  t.same(await produce(client, 0, 5n, 0, 'a'), { errorCode: ErrorCode.NONE, baseOffset: 0n })
  t.same(await producerIds(client, 0), [5n])
  // Idle a day (by the batch's timestamp, as Kafka measures it): forgotten, and the same retry is new data.
  clock.now = T0 + DAY
  t.equal(cluster.expireProducerIds(), 1)
  t.same(await producerIds(client, 0), [])
  t.same(await produce(client, 0, 5n, 0, 'a'), { errorCode: ErrorCode.NONE, baseOffset: 1n }, 'written a second time')
  // A forgotten producer is taken at any sequence, as a new one is.
  clock.now = T0 + 2 * DAY
  cluster.expireProducerIds()
  t.same(await produce(client, 0, 5n, 7, 'b'), { errorCode: ErrorCode.NONE, baseOffset: 2n })
})

t.test('producer.id.expiration.ms is a dynamic broker config: changed with IncrementalAlterConfigs, it applies at the next check', async t => {
  const clock = { now: T0 }
  const { cluster, client } = await clusterWithRawClient(t, { clock: () => clock.now })
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  await produce(client, 1, 8n, 0, 'x')
  const [altered] = await admin.incrementalAlterConfigs([{ type: 'broker', name: '', ops: [{ name: 'producer.id.expiration.ms', op: 'set', value: '1000' }] }])
  t.equal(altered.error, null)
  clock.now = T0 + 999
  t.equal(cluster.expireProducerIds(), 0)
  clock.now = T0 + 1000
  t.equal(cluster.expireProducerIds(), 1)
  const [bad] = await admin.incrementalAlterConfigs([{ type: 'broker', name: '', ops: [{ name: 'producer.id.expiration.ms', op: 'set', value: '0' }] }])
  t.equal(bad.error?.errorCode, ErrorCode.INVALID_CONFIG, 'at least 1, as Kafka validates it')
  const [described] = await admin.describeConfigs([{ type: 'broker', name: String(cluster.state.brokers[0].id) }], { keys: ['producer.id.expiration.ms', 'transactional.id.expiration.ms'] })
  t.same(described.entries.map(e => [e.name, e.value, e.readOnly]).sort(), [
    ['producer.id.expiration.ms', '1000', false],
    ['transactional.id.expiration.ms', '604800000', true]
  ])
})

t.test('a producer with a transaction open in the partition never expires; once it ends, it can', async t => {
  const clock = { now: T0 }
  const { cluster, client } = await clusterWithRawClient(t, { clock: () => clock.now, brokerConfigs: { 'producer.id.expiration.ms': '1000' } })
  const init = await client.request(InitProducerId, 4, { transactionalId: 'tx', transactionTimeoutMs: 900_000 })
  const pid = init.producerId
  await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 't', partitions: [0] }] })
  t.equal((await produce(client, 0, pid, 0, 'open', 'tx')).errorCode, ErrorCode.NONE)
  clock.now = T0 + 10_000
  t.equal(cluster.expireProducerIds(), 0, 'kept while its transaction is open')
  t.equal((await client.request(EndTxn, 3, { transactionalId: 'tx', producerId: pid, producerEpoch: 0, committed: true })).errorCode, ErrorCode.NONE)
  // The marker's time is now its last timestamp.
  clock.now = T0 + 10_999
  t.equal(cluster.expireProducerIds(), 0)
  clock.now = T0 + 11_000
  t.equal(cluster.expireProducerIds(), 1)
})

t.test('an idle transactional id is forgotten after transactional.id.expiration.ms, an open one is not', async t => {
  const clock = { now: T0 }
  const { cluster, client } = await clusterWithRawClient(t, { clock: () => clock.now, brokerConfigs: { 'transactional.id.expiration.ms': '60000' } })
  const idle = await client.request(InitProducerId, 4, { transactionalId: 'idle', transactionTimeoutMs: 900_000 })
  const open = await client.request(InitProducerId, 4, { transactionalId: 'open', transactionTimeoutMs: 900_000 })
  await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'open', v3AndBelowProducerId: open.producerId, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 't', partitions: [1] }] })
  const done = await client.request(InitProducerId, 4, { transactionalId: 'done', transactionTimeoutMs: 900_000 })
  clock.now = T0 + 30_000
  await client.request(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: 'done', v3AndBelowProducerId: done.producerId, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 't', partitions: [0] }] })
  await client.request(EndTxn, 3, { transactionalId: 'done', producerId: done.producerId, producerEpoch: 0, committed: false })
  clock.now = T0 + 60_000
  t.equal(cluster.expireTransactionalIds(), 1, 'only the id idle since its InitProducerId')
  t.same(await listed(client), ['done:CompleteAbort', 'open:Ongoing'])
  clock.now = T0 + 90_000
  t.equal(cluster.expireTransactionalIds(), 1, 'the ended transaction counts from its end')
  t.same(await listed(client), ['open:Ongoing'])
  // The forgotten id starts afresh: a new producer id, epoch 0; its old producer id is unknown to it.
  const again = await client.request(InitProducerId, 4, { transactionalId: 'idle', transactionTimeoutMs: 900_000 })
  t.equal(again.errorCode, ErrorCode.NONE)
  t.not(again.producerId, idle.producerId)
  t.equal(again.producerEpoch, 0)
  const stale = await client.request(InitProducerId, 4, { transactionalId: 'done', transactionTimeoutMs: 900_000, producerId: done.producerId, producerEpoch: 1 })
  t.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING, 'a producer naming its forgotten id is refused, as for an unknown id')
})

t.test('the checks run on their timers at the configured intervals, and expiry counts survive a restart with --data', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-broker-expiry-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const opts = {
    dataDir: dir,
    topics: [{ name: 't', partitions: 1 }],
    brokerConfigs: {
      'producer.id.expiration.ms': '1',
      'producer.id.expiration.check.interval.ms': '5',
      'transactional.id.expiration.ms': '1',
      'transaction.remove.expired.transaction.cleanup.interval.ms': '5'
    }
  }
  const cluster = await FakeCluster.start(opts)
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  await client.request(InitProducerId, 4, { transactionalId: 'gone', transactionTimeoutMs: 900_000 })
  await produce(client, 0, 3n, 0, 'v')
  // Wall-clock timers: wait (bounded) for both to have run.
  for (let i = 0; i < 200 && ((await producerIds(client, 0)).length > 0 || (await listed(client)).length > 0); i++) await new Promise(resolve => setTimeout(resolve, 10))
  t.same(await producerIds(client, 0), [])
  t.same(await listed(client), [])
  client.close()
  await cluster.stop()
  // Restarted: the producer state replayed from the log is dropped at once, as Kafka drops expired producers
  // when it loads its snapshots.
  const again = await FakeCluster.start({ ...opts, brokerConfigs: { ...opts.brokerConfigs, 'producer.id.expiration.check.interval.ms': '600000' } })
  t.teardown(() => again.stop())
  const c2 = await RawClient.connect(again.bootstrap)
  t.teardown(() => { c2.close() })
  t.same(await producerIds(c2, 0), [])
})

t.test('the expiry configs are validated at start-up, as Kafka validates server.properties', async t => {
  await t.rejects(FakeCluster.start({ brokerConfigs: { 'producer.id.expiration.check.interval.ms': '0' } }), ConfigError)
  await t.rejects(FakeCluster.start({ brokerConfigs: { 'transactional.id.expiration.ms': 'soon' } }), ConfigError)
  const cluster = await FakeCluster.start({ brokerConfigs: { 'transactional.id.expiration.ms': '1000' } })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  const [described] = await admin.describeConfigs([{ type: 'broker', name: String(cluster.state.brokers[0].id) }], { keys: ['transactional.id.expiration.ms'] })
  t.same(described.entries.map(e => [e.value, e.source]), [['1000', 'STATIC_BROKER_CONFIG']])
})
