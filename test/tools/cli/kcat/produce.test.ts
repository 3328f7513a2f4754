import t from 'tap'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { scanBatches, iterateRecords } from '../../../../protocol/records/index.js'
import { crc32 } from '../../../../protocol/records/crc32.js'

// kafka-direct -P through the producer: -X producer properties, kcat's partitioner, long lines, delivery
// failures, and -X transactional.id making the run one transaction.

async function setup (t: any, partitions = 1): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'p', partitions }] })
  t.teardown(async () => await cluster.stop())
  return cluster
}

function batches (cluster: FakeCluster, partition = 0): ReturnType<typeof scanBatches>['batches'] {
  return scanBatches(cluster.partitionState('p', partition).log.read(0, 1 << 30, true)).batches
}

t.test('-X producer properties are honoured: batch.num.messages, compression, acks and idempotence', async t => {
  const cluster = await setup(t)
  const input = Array.from({ length: 250 }, (_, i) => `line ${i}`).join('\n') + '\n'
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'batch.num.messages=100', '-X', 'linger.ms=1000', '-z', 'gzip'], input)
  t.equal(r.code, 0, r.stderr)
  const b = batches(cluster)
  t.same(b.map(x => x.recordCount), [100, 100, 50])
  t.ok(b.every(x => x.compression === 'gzip' && x.producerId >= 0n), 'gzip, idempotent by default')
  const plain = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'acks=1'], 'x\n')
  t.equal(plain.code, 0)
  t.equal(batches(cluster).at(-1)?.producerId, -1n, 'acks=1 turns idempotence off')
  const bad = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'linger.ms=soon'], 'x\n')
  t.equal(bad.code, 1)
  t.match(bad.stderr, /% ERROR: .*linger\.ms/)
})

t.test('keys go where kcat puts them (CRC-32), lines longer than a chunk arrive whole', async t => {
  const cluster = await setup(t, 3)
  const long = 'y'.repeat(300_000)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-K', ':'], `alpha:1\nbeta:2\nlong:${long}\n`)
  t.equal(r.code, 0, r.stderr)
  for (const [key, value] of [['alpha', '1'], ['beta', '2'], ['long', long]]) {
    const partition = (crc32(Buffer.from(key)) >>> 0) % 3
    const values = [...iterateRecords(cluster.partitionState('p', partition).log.read(0, 1 << 30, true))].map(x => String(x.value))
    t.ok(values.includes(value), `${key} is in partition ${partition}`)
  }
})

t.test('delivery failures are reported and make the exit code 1', async t => {
  const cluster = await setup(t)
  cluster.faults.failNext('Produce', 1, 29 /* TOPIC_AUTHORIZATION_FAILED */)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p'], 'a\nb\n')
  t.equal(r.code, 1)
  t.match(r.stderr, /% Delivery failed for message: .*TOPIC_AUTHORIZATION_FAILED/)
  t.match(r.stderr, /2 of 2 messages failed/)
})

t.test('-X transactional.id: the run is one transaction, committed at the end of the input', async t => {
  const cluster = await setup(t)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'transactional.id=cli', '-X', 'batch.num.messages=10'], Array.from({ length: 35 }, (_, i) => `${i}`).join('\n'))
  t.equal(r.code, 0, r.stderr)
  const b = batches(cluster)
  t.same(b.map(x => [x.isTransactional, x.isControl]), [[true, false], [true, false], [true, false], [true, false], [true, true]], 'four data batches and one commit marker')
  const read = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'p', '-e', '-q', '-X', 'isolation.level=read_committed'])
  t.equal(read.stdout.split('\n').filter(Boolean).length, 35, 'a read_committed reader sees every line')
  cluster.faults.failNext('Produce', 1, 29)
  const failed = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'p', '-X', 'transactional.id=cli'], 'doomed\n')
  t.equal(failed.code, 1)
  t.match(failed.stderr, /Transaction aborted|TOPIC_AUTHORIZATION_FAILED/)
  const after = batches(cluster)
  // Transaction protocol v2 (the fake finalizes transaction.version 2): the refused batch never added its partition,
  // so the abort writes no marker (it only bumps the epoch, as Kafka 4.4 does).
  t.same(after.slice(5), [], 'its only batch was refused; nothing was added to the transaction, so no marker either')
  const again = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'p', '-e', '-q', '-X', 'isolation.level=read_committed'])
  t.equal(again.stdout.split('\n').filter(Boolean).length, 35)
})
