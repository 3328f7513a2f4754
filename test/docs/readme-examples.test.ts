import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as kd from '../../index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'

// The README's examples are run here against the fake broker, so the README cannot drift from the API.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

t.test('the README names only exports that exist', async t => {
  for (const name of ['SimpleConsumer', 'StreamingContext', 'createDirectStream', 'offsetRangesOf', 'Metadata', 'compileMessage', 'encodeRequest', 'decodeResponse']) {
    t.ok(readme.includes(name), `README mentions ${name}`)
    t.ok(name in kd, `kafka-direct exports ${name}`)
  }
})

t.test('the codec example encodes a Metadata request that decodes back', async t => {
  const frame = kd.encodeRequest(kd.Metadata, 12, { correlationId: 1, clientId: 'me' }, { topics: [{ name: 'lines' }] })
  const { body } = kd.decodeRequest(frame.subarray(4))
  t.equal(body.topics[0].name, 'lines')
})

t.test('the consumer and fake broker examples work as written', async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'lines', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  for (let i = 0; i < 100; i++) cluster.produce('lines', 0, [{ key: 'k', value: `v${i}` }])
  cluster.faults.moveLeader('lines', 0, 2)
  const consumer = new kd.SimpleConsumer({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => consumer.close())
  const latest = await consumer.latestOffsets([{ topic: 'lines', partition: 0 }])
  t.equal(latest.get(kd.tpKey('lines', 0)), 100n)
  const records = await consumer.fetch([{ topic: 'lines', partition: 0, fromOffset: 0n, untilOffset: 100n }])
  t.equal(records.get(kd.tpKey('lines', 0))?.length, 100)
})

t.test('the direct stream example runs a batch with offset ranges and word counts', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('lines', 0, [{ value: 'a b a' }])
  cluster.produce('lines', 1, [{ value: 'b c' }])
  const ctx = new kd.StreamingContext({ batchIntervalMs: 50, log: () => {}, out: () => {} })
  const lines = kd.createDirectStream(ctx, { 'metadata.broker.list': cluster.bootstrap, 'auto.offset.reset': 'smallest' }, ['lines'])
  const ranges: unknown[] = []
  const counts = new Map<string, number>()
  lines.foreachRDD(rdd => { ranges.push(...kd.offsetRangesOf(rdd)) })
  lines.flatMap(([, line]) => line.split(/\s+/)).countByValue().foreachRDD(rdd => {
    for (const [w, n] of rdd.collect()) counts.set(w, (counts.get(w) ?? 0) + n)
    if ([...counts.values()].reduce((a, b) => a + b, 0) >= 5) void ctx.stop()
  })
  await ctx.start()
  await ctx.awaitTermination()
  t.same(Object.fromEntries(counts), { a: 2, b: 2, c: 1 })
  t.ok(ranges.length >= 2, 'offset ranges were exposed')
})
