import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { runProcess, which } from '../fake-broker/helpers.js'

// Transactions on the fake broker with peers we did not write: a kafkajs transactional producer commits and aborts
// (with sendOffsets), our producer does the same, and kcat (librdkafka) reading read_committed sees only the
// committed records while read_uncommitted sees all of them.

let kafkajs: any
try { kafkajs = await import('kafkajs') } catch {}

t.test('kafkajs transactions and ours, read back by kcat read_committed', async t => {
  const kcat = which('kcat')
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'pt', partitions: 3 }, { name: 'pin', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const expected: string[] = []
  const all: string[] = []

  if (kafkajs === undefined) t.comment('kafkajs is not installed: its part is skipped')
  else {
    const { Kafka, logLevel } = kafkajs
    const kafka = new Kafka({ clientId: 'kjs-txn', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } })
    const producer = kafka.producer({ transactionalId: 'kjs-tx', idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    t.teardown(() => producer.disconnect())
    const committed = await producer.transaction()
    const values = Array.from({ length: 9 }, (_, i) => `kjs-c${i}`)
    await committed.send({ topic: 'pt', messages: values.map((value, i) => ({ partition: i % 3, value })) })
    await committed.sendOffsets({ consumerGroupId: 'kjs-group', topics: [{ topic: 'pin', partitions: [{ partition: 0, offset: '5' }] }] })
    await committed.commit()
    expected.push(...values)
    all.push(...values)
    const aborted = await producer.transaction()
    await aborted.send({ topic: 'pt', messages: [0, 1, 2].map(p => ({ partition: p, value: `kjs-a${p}` })) })
    await aborted.sendOffsets({ consumerGroupId: 'kjs-group', topics: [{ topic: 'pin', partitions: [{ partition: 0, offset: '9' }] }] })
    await aborted.abort()
    all.push('kjs-a0', 'kjs-a1', 'kjs-a2')
    t.equal(cluster.state.groups.committed('kjs-group', 'pin', 0)?.offset, 5n, 'kafkajs sendOffsets: the committed transaction\'s offset')
  }

  const ours = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'ours-tx', 'linger.ms': 0 })
  t.teardown(() => ours.close())
  await ours.initTransactions()
  ours.beginTransaction()
  await Promise.all([0, 1, 2].map(p => ours.send({ topic: 'pt', partition: p, value: `ours-c${p}` })))
  await ours.commitTransaction()
  ours.beginTransaction()
  await Promise.all([0, 1, 2].map(p => ours.send({ topic: 'pt', partition: p, value: `ours-a${p}` })))
  await ours.abortTransaction()
  expected.push('ours-c0', 'ours-c1', 'ours-c2')
  all.push('ours-c0', 'ours-c1', 'ours-c2', 'ours-a0', 'ours-a1', 'ours-a2')

  if (kcat === undefined) { t.comment('kcat is not installed: the read_committed check is skipped'); return }
  const read = async (isolation: string): Promise<string[]> => {
    const r = await runProcess(kcat, ['-b', cluster.bootstrap, '-C', '-t', 'pt', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\\n'], { timeoutMs: 60_000 })
    t.equal(r.code, 0, r.stderr)
    return r.stdout.toString().split('\n').filter(Boolean).sort()
  }
  t.same(await read('read_committed'), expected.sort(), 'kcat read_committed: committed records only')
  t.same(await read('read_uncommitted'), all.sort(), 'kcat read_uncommitted: aborted ones too')
})
