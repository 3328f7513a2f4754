import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { produceDataset, Waiter } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kafkajs 2.2 (devDependency): ApiVersions v2 and only non-flexible versions of everything. A producer, and a
// consumer group of two members that rebalances when the second joins and when one leaves, with committed
// offsets respected when the group restarts. A short maxWaitTimeInMs keeps the tests quick: kafkajs heartbeats
// and disconnects only between fetches, and a broker answers one request per connection at a time.

let kafkajs: any
try { kafkajs = await import('kafkajs') } catch {}
const skip = kafkajs === undefined ? peerMissing('kafkajs is not installed') : false

function client (cluster: FakeCluster, clientId: string): any {
  const { Kafka, logLevel } = kafkajs
  return new Kafka({ clientId, brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } })
}

t.test('a kafkajs producer writes what the log then holds', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'kjs', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  const producer = client(cluster, 'kjs-producer').producer({ idempotent: true })
  await producer.connect()
  t.teardown(() => producer.disconnect())
  for (let i = 0; i < 5; i++) {
    await producer.send({ topic: 'kjs', messages: [0, 1].map(p => ({ partition: p, key: `k${i}`, value: `v${i}` })) })
  }
  t.equal(cluster.highWatermark('kjs', 0), 5n)
  t.equal(cluster.highWatermark('kjs', 1), 5n)
})

t.test('a kafkajs consumer group rebalances on join and leave, and resumes from committed offsets', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'grp', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  const kafka = client(cluster, 'kjs-group')
  const producer = kafka.producer()
  await producer.connect()
  t.teardown(() => producer.disconnect())
  const send = async (from: number, n: number): Promise<void> => {
    await producer.send({ topic: 'grp', messages: Array.from({ length: n }, (_, i) => ({ partition: (from + i) % 4, value: `m${from + i}` })) })
  }
  await send(0, 40)

  const waiter = new Waiter()
  const seen = new Set<string>()
  const assignments = new Map<string, number[]>()
  const start = async (name: string): Promise<any> => {
    const consumer = kafka.consumer({ groupId: 'g', sessionTimeout: 6000, heartbeatInterval: 100, rebalanceTimeout: 10000, maxWaitTimeInMs: 100 })
    consumer.on(consumer.events.GROUP_JOIN, (e: any) => {
      assignments.set(name, e.payload.memberAssignment.grp ?? [])
      waiter.notify()
    })
    await consumer.connect()
    await consumer.subscribe({ topic: 'grp', fromBeginning: true })
    await consumer.run({ autoCommitInterval: 100, eachMessage: async ({ message }: any) => { seen.add(message.value.toString()); waiter.notify() } })
    return consumer
  }
  const a = await start('a')
  await waiter.until(() => seen.size === 40)
  t.same(assignments.get('a')?.slice().sort(), [0, 1, 2, 3], 'alone, member a has every partition')

  const b = await start('b')
  // Wait until both members have joined the new generation (b has partitions, a gave some up), then check the
  // split itself: a partition read by both, or by neither, would be a broken assignment even if the sizes add up.
  await waiter.until(() => (assignments.get('b')?.length ?? 0) > 0 && (assignments.get('a')?.length ?? 4) < 4)
  const splitA = assignments.get('a') ?? []
  const splitB = assignments.get('b') ?? []
  t.same(splitA.filter(p => splitB.includes(p)), [], `the assignments are disjoint: a ${splitA}, b ${splitB}`)
  t.same([...splitA, ...splitB].sort(), [0, 1, 2, 3], 'together they cover every partition')
  await send(40, 20)
  await waiter.until(() => seen.size === 60)

  await b.disconnect()
  await waiter.until(() => assignments.get('a')?.length === 4)
  t.pass('after b left, a has every partition again')
  await send(60, 8)
  await waiter.until(() => seen.size === 68)
  await a.disconnect()

  // A new member of the same group starts from the committed offsets, not from the beginning.
  await send(68, 4)
  seen.clear()
  const c = await start('c')
  t.teardown(() => c.disconnect())
  await waiter.until(() => seen.size === 4)
  t.same([...seen].sort(), ['m68', 'm69', 'm70', 'm71'])
})

t.test('kafkajs reads the shared dataset in order per partition', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const got: string[][] = [[], [], []]
  const waiter = new Waiter()
  const consumer = client(cluster, 'kjs-shared').consumer({ groupId: 'shared-reader', heartbeatInterval: 100, maxWaitTimeInMs: 100 })
  await consumer.connect()
  t.teardown(() => consumer.disconnect())
  await consumer.subscribe({ topic: 'shared', fromBeginning: true })
  await consumer.run({ eachMessage: async ({ partition, message }: any) => { got[partition].push(message.value.toString()); waiter.notify() } })
  await waiter.until(() => got.every((g, p) => g.length === expected[p].length))
  t.same(got, expected)
})
