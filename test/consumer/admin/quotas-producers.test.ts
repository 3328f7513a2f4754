import t from 'tap'
import { DescribeProducers } from '../../../protocol/apis/index.js'
import { ErrorCode, errorInfo } from '../../../protocol/error-codes.js'
import { KafkaError } from '../../../protocol/errors.js'
import { Admin } from '../../../consumer/admin/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from '../../tools/fake-broker/raw-client.js'

// Admin.describeClientQuotas, alterClientQuotas and describeProducers against the fake broker, and the broker's
// DescribeProducers answers a client meets when it asks the wrong broker or names a bad topic.

async function setup (t: Tap.Test, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, admin: Admin }> {
  const cluster = await FakeCluster.start(opts)
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  return { cluster, admin }
}

t.test('alterClientQuotas sets and removes values; describeClientQuotas reads them back by filter', async t => {
  const { admin } = await setup(t)
  const set = await admin.alterClientQuotas([
    { entity: { user: 'alice' }, ops: { producer_byte_rate: 1024, consumer_byte_rate: 2048 } },
    { entity: { user: 'alice', 'client-id': null }, ops: { request_percentage: 50 } },
    { entity: { 'client-id': null }, ops: { producer_byte_rate: 100 } }
  ])
  t.same(set.map(r => r.error), [null, null, null])
  t.same(await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'alice' }], strict: true }), [
    { entity: { user: 'alice' }, values: { producer_byte_rate: 1024, consumer_byte_rate: 2048 } }
  ])
  t.same((await admin.describeClientQuotas({ components: [{ entityType: 'client-id', name: null }] })).map(q => q.entity), [
    { 'client-id': null, user: 'alice' }, { 'client-id': null }
  ])
  t.same((await admin.describeClientQuotas({ components: [{ entityType: 'user' }] })).length, 2)
  t.same((await admin.describeClientQuotas()).length, 3)
  const removed = await admin.alterClientQuotas([{ entity: { user: 'alice' }, ops: { producer_byte_rate: null, consumer_byte_rate: null } }])
  t.equal(removed[0].error, null)
  t.same(await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'alice' }], strict: true }), [])
})

t.test('alterClientQuotas answers each entity\'s error; validateOnly changes nothing', async t => {
  const { admin } = await setup(t)
  const res = await admin.alterClientQuotas([
    { entity: { user: 'bob' }, ops: { producer_byte_rate: 1.5 } },
    { entity: { user: 'carol' }, ops: { consumer_byte_rate: 10 } }
  ], true)
  t.equal(res[0].error?.errorCode, ErrorCode.INVALID_REQUEST)
  t.match(res[0].error?.message, /producer_byte_rate cannot be a fractional value/)
  t.equal(res[1].error, null)
  t.same(await admin.describeClientQuotas(), [])
})

t.test('describeClientQuotas throws the broker\'s error for a bad filter', async t => {
  const { admin } = await setup(t)
  const err = await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'a' }, { entityType: 'user' }] }).catch((e: unknown) => e)
  t.ok(err instanceof KafkaError)
  t.equal((err as KafkaError).errorCode, ErrorCode.INVALID_REQUEST)
  t.match((err as KafkaError).message, /Entity type user cannot appear more than once/)
})

t.test('describeProducers reports idempotent and transactional producers with their state', async t => {
  const now = Date.now()
  const { cluster, admin } = await setup(t, { topics: [{ name: 'orders', partitions: 2 }], clock: () => now })
  cluster.produce('orders', 0, [{ value: 'a', timestamp: BigInt(now - 5) }, { value: 'b', timestamp: BigInt(now - 3) }], { producerId: 7n, producerEpoch: 2, baseSequence: 0 })
  cluster.produce('orders', 0, [{ value: 'c' }], { producerId: 9n, producerEpoch: 0, baseSequence: 0, transactional: true })
  const [p0, p1, ghost] = await admin.describeProducers([
    { topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }, { topic: 'ghost', partition: 0 }
  ])
  t.equal(p0.error, null)
  t.same(p0.producers, [
    { producerId: 7n, producerEpoch: 2, lastSequence: 1, lastTimestamp: BigInt(now - 3), coordinatorEpoch: -1, currentTxnStartOffset: -1n },
    { producerId: 9n, producerEpoch: 0, lastSequence: 0, lastTimestamp: p0.producers[1].lastTimestamp, coordinatorEpoch: -1, currentTxnStartOffset: 2n }
  ])
  t.same([p1.error, p1.producers], [null, []])
  t.equal(ghost.error?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  // The commit marker ends the transaction and carries the coordinator epoch and the marker's time.
  cluster.state.partition('orders', 0)!.log.writeMarker(9n, 0, true, 4, 0, now + 1)
  const [after] = await admin.describeProducers([{ topic: 'orders', partition: 0 }])
  t.same(after.producers[1], { producerId: 9n, producerEpoch: 0, lastSequence: 0, lastTimestamp: BigInt(now + 1), coordinatorEpoch: 4, currentTxnStartOffset: -1n })
})

t.test('DescribeProducers: errors per topic and partition as Kafka answers them, and followers answer too', async t => {
  // Four brokers: a partition has three replicas (the fake's default), so one broker holds none.
  const cluster = await FakeCluster.start({ brokers: 4, topics: [{ name: 'orders', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const p = cluster.state.partition('orders', 0)!
  cluster.produce('orders', 0, [{ value: 'x' }], { producerId: 5n, producerEpoch: 0, baseSequence: 0 })
  const ask = async (brokerId: number, topics: Array<{ name: string, partitionIndexes: number[] }>): Promise<any> => {
    const b = cluster.state.brokers.find(x => x.id === brokerId)!
    const client = await RawClient.connect(`${b.host}:${b.port}`)
    t.teardown(() => { client.close() })
    return await client.request(DescribeProducers, 0, { topics })
  }
  const follower = p.replicas.find(id => id !== p.leaderId)!
  const outsider = cluster.state.brokers.map(b => b.id).find(id => !p.replicas.includes(id))!
  const fromFollower = await ask(follower, [{ name: 'orders', partitionIndexes: [0, 3] }])
  t.same(fromFollower.topics[0].partitions.map((x: any) => [x.errorCode, x.errorMessage, x.activeProducers.length]), [
    [ErrorCode.NONE, null, 1], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, 0]
  ])
  const fromOutsider = await ask(outsider, [{ name: 'orders', partitionIndexes: [0] }])
  t.equal(fromOutsider.topics[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  const bad = await ask(p.leaderId, [{ name: 'ghost', partitionIndexes: [0, 1] }, { name: 'bad name', partitionIndexes: [0] }, { name: '', partitionIndexes: [0] }])
  t.same(bad.topics.map((x: any) => x.partitions.map((q: any) => [q.errorCode, q.errorMessage])), [
    [[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorInfo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).message], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorInfo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).message]],
    [[ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is invalid: \'bad name\' contains one or more characters other than ASCII alphanumerics, \'.\', \'_\' and \'-\'']],
    [[ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name is invalid: the empty string is not allowed']]
  ])
  const long = 'x'.repeat(250)
  const odd = await ask(p.leaderId, [{ name: '..', partitionIndexes: [0] }, { name: long, partitionIndexes: [0] }])
  t.same(odd.topics.map((x: any) => x.partitions[0].errorMessage), ['Topic name is invalid: \'..\' is not allowed', `Topic name is invalid: the length of '${long}' is longer than the max allowed length 249`])
  // A fault injected for the partition answers its error in place of the producers.
  cluster.faults.failNext('DescribeProducers', 1, ErrorCode.KAFKA_STORAGE_ERROR, { topic: 'orders', partition: 0 })
  const faulted = await ask(p.leaderId, [{ name: 'orders', partitionIndexes: [0] }])
  t.equal(faulted.topics[0].partitions[0].errorCode, ErrorCode.KAFKA_STORAGE_ERROR)
})
