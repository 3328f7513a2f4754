import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { produceDataset, Waiter } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// @platformatic/kafka 1.35 (devDependency, the newest that runs on Node 20): ApiVersions v3 only, then only
// flexible versions (Metadata 9-12, Fetch 12-17, ListOffsets 5-9, FindCoordinator 4-6, JoinGroup 6-9,
// SyncGroup 4-5, Heartbeat 4, OffsetCommit/OffsetFetch 8-9, Produce 7-11).

let plat: any
try { plat = await import('@platformatic/kafka') } catch {}
const skip = plat === undefined ? peerMissing('@platformatic/kafka is not installed') : false

t.test('@platformatic/kafka produces and its group consumer reads everything back', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'plat', partitions: 3 }] })
  t.teardown(() => cluster.stop())
  const bootstrapBrokers = cluster.bootstrap.split(',')
  const producer = new plat.Producer({ clientId: 'plat-producer', bootstrapBrokers, serializers: plat.stringSerializers })
  t.teardown(() => producer.close())
  const sent: string[] = []
  for (let i = 0; i < 30; i++) sent.push(`v${i}`)
  await producer.send({ messages: sent.map((value, i) => ({ topic: 'plat', key: `k${i}`, value, partition: i % 3 })) })
  t.equal([0, 1, 2].reduce((n, p) => n + Number(cluster.highWatermark('plat', p)), 0), 30)

  const consumer = new plat.Consumer({ groupId: 'plat-group', clientId: 'plat-consumer', bootstrapBrokers, deserializers: plat.stringDeserializers, maxWaitTime: 100 })
  t.teardown(() => consumer.close(true))
  const stream = await consumer.consume({ topics: ['plat'], mode: 'earliest', autocommit: true, sessionTimeout: 10000, heartbeatInterval: 200 })
  const got: string[] = []
  const waiter = new Waiter()
  stream.on('data', (m: any) => { got.push(m.value); waiter.notify() })
  await waiter.until(() => got.length === 30)
  t.same(got.slice().sort(), sent.slice().sort())
})

t.test('@platformatic/kafka reads the shared dataset in order per partition', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const consumer = new plat.Consumer({ groupId: 'plat-shared', clientId: 'plat-shared', bootstrapBrokers: cluster.bootstrap.split(','), deserializers: plat.stringDeserializers, maxWaitTime: 100 })
  t.teardown(() => consumer.close(true))
  const stream = await consumer.consume({ topics: ['shared'], mode: 'earliest', autocommit: false })
  const got: string[][] = [[], [], []]
  const waiter = new Waiter()
  stream.on('data', (m: any) => { got[m.partition].push(m.value); waiter.notify() })
  await waiter.until(() => got.every((g, p) => g.length >= expected[p].length))
  t.same(got, expected)
})
