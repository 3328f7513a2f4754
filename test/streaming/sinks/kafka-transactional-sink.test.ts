import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { KafkaTransactionalSink } from '../../../streaming/sinks/kafka-transactional-sink.js'
import { offsetRange } from '../../../streaming/offset-range.js'
import { parseWordCountArgs } from '../../../tools/cli/commands/wordcount.js'
import { ConfigError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { TransactionError } from '../../../consumer/producer/producer-errors.js'
import { iterateRecords } from '../../../protocol/records/index.js'

// The transactional sink on its own: a batch's records and offsets commit together; a failed batch leaves
// neither; committedOffsets reads back where the output reaches; a second instance fences the first.

async function setup (t: any): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'in', partitions: 2 }, { name: 'out', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  return cluster
}

function sink (t: any, cluster: FakeCluster, id = 'sink'): KafkaTransactionalSink {
  const s = new KafkaTransactionalSink({ producer: { bootstrapServers: cluster.bootstrap, 'transactional.id': id, 'linger.ms': 0, retryBackoffMs: 10 }, groupId: 'g' })
  t.teardown(async () => await s.close())
  return s
}

t.test('records and offsets of a batch commit together; a failed batch leaves neither', async t => {
  const cluster = await setup(t)
  const s = sink(t, cluster)
  await s.open()
  const tps = [{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }]
  t.same([...(await s.committedOffsets(tps)).values()], [-1n, -1n], 'nothing committed yet')
  await s.write([offsetRange('in', 0, 0n, 5n), offsetRange('in', 1, 0n, 3n)], [{ topic: 'out', key: 'a', value: '1' }])
  t.same([...(await s.committedOffsets(tps)).values()], [5n, 3n])
  cluster.faults.failNext('Produce', 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  const err = await s.write([offsetRange('in', 0, 5n, 9n)], [{ topic: 'out', key: 'b', value: '2' }]).catch((e: unknown) => e)
  t.ok(err instanceof TransactionError && err.abortable, 'the failed batch\'s error says it was abortable (and it was aborted)')
  t.same([...(await s.committedOffsets(tps)).values()], [5n, 3n], 'its offsets were not committed')
  await s.write([offsetRange('in', 0, 5n, 9n)], [{ topic: 'out', key: 'b', value: '2' }])
  t.same([...(await s.committedOffsets(tps)).values()], [9n, 3n], 'the retried batch commits')
  const log = cluster.partitionState('out', 0).log
  const values = [...iterateRecords(log.read(0, 1 << 20, true))].map(r => String(r.key))
  t.same(values, ['a', 'b'], 'the refused batch was never written; the retried one was, once')
})

t.test('a second instance with the same transactional id fences the first', async t => {
  const cluster = await setup(t)
  const first = sink(t, cluster)
  await first.open()
  const second = sink(t, cluster)
  await second.open()
  const err = await first.write([offsetRange('in', 0, 0n, 1n)], [{ topic: 'out', value: 'zombie' }]).catch((e: unknown) => e)
  t.ok(err instanceof TransactionError && err.fenced, 'the zombie is fenced')
  await second.write([offsetRange('in', 0, 0n, 1n)], [{ topic: 'out', value: 'live' }])
  t.equal(cluster.state.groups.committed('g', 'in', 0)?.offset, 1n)
})

t.test('wordcount --out-topic needs --transactional-id and refuses --checkpoint, --out and --receiver', async t => {
  const base = ['-b', 'h:1', '-t', 'in']
  t.match(parseWordCountArgs([...base, '--out-topic', 'o', '--transactional-id', 'x']), { outTopic: 'o', transactionalId: 'x' })
  t.throws(() => parseWordCountArgs([...base, '--out-topic', 'o']), ConfigError)
  t.throws(() => parseWordCountArgs([...base, '--transactional-id', 'x']), ConfigError)
  t.throws(() => parseWordCountArgs([...base, '--out-topic', 'o', '--transactional-id', 'x', '--checkpoint', 'c']), ConfigError)
  t.throws(() => parseWordCountArgs([...base, '--out-topic', 'o', '--transactional-id', 'x', '--out', 'd']), ConfigError)
  t.throws(() => parseWordCountArgs([...base, '--out-topic', 'o', '--transactional-id', 'x', '--receiver']), ConfigError)
})
