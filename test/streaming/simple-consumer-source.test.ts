import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { createRDD } from '../../streaming/rdd.js'
import { SimpleConsumerSource } from '../../streaming/simple-consumer-source.js'
import { resolveKafkaParams } from '../../streaming/kafka-params.js'
import { valueString, wholeRecord } from '../../streaming/message-handlers.js'
import { offsetRangesOf } from '../../streaming/offset-range.js'
import { DataLossError } from '../../streaming/errors.js'
import { StreamingContext } from '../../streaming/context.js'
import type { BatchInfo } from '../../streaming/batch-stats.js'

async function cluster (t: { teardown: (fn: () => Promise<void>) => void }): Promise<FakeCluster> {
  const c = await FakeCluster.start({ brokers: 2, topics: [{ name: 'lines', partitions: 3 }] })
  t.teardown(async () => { await c.stop() })
  return c
}

async function runUntil (ctx: StreamingContext, done: (info: BatchInfo) => boolean): Promise<void> {
  ctx.addListener({ onBatchCompleted: info => { if (done(info)) void ctx.stop() } })
  await ctx.start()
  await ctx.awaitTermination()
}

t.test('the direct stream reads every record of a fake cluster exactly once, across batches', async t => {
  const c = await cluster(t)
  for (let p = 0; p < 3; p++) c.produce('lines', p, Array.from({ length: 50 }, (_, i) => ({ value: `p${p}-${i}` })))
  const ctx = new StreamingContext({ batchIntervalMs: 20, log: () => {}, conf: { 'spark.streaming.kafka.maxRatePerPartition': 1000 } })
  const stream = createDirectStream(ctx, { 'bootstrap.servers': c.bootstrap, 'auto.offset.reset': 'smallest' }, ['lines'], { messageHandler: valueString, commitGroup: 'wc' })
  const seen: string[] = []
  let produced = false
  stream.foreachRDD(rdd => {
    seen.push(...(rdd.collect() as string[]))
    t.equal(offsetRangesOf(rdd).length, 3)
    if (!produced) { produced = true; c.produce('lines', 1, [{ value: 'late' }]) }
  })
  await runUntil(ctx, () => seen.length >= 151)
  t.equal(seen.length, 151)
  t.equal(new Set(seen).size, 151)
  const committed = [0, 1, 2].map(p => c.state.groups.committed('wc', 'lines', p)?.offset)
  t.same(committed, [50n, 51n, 50n], 'until offsets committed to the group coordinator')
})

t.test('createRDD reads given ranges from the cluster; deleted offsets are a DataLossError', async t => {
  const c = await cluster(t)
  c.produce('lines', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  const params = { 'metadata.broker.list': c.bootstrap }
  const rdd = await createRDD(undefined, params, [{ topic: 'lines', partition: 0, fromOffset: 1n, untilOffset: 3n }], { messageHandler: valueString })
  t.same(rdd.collect(), ['b', 'c'])
  c.faults.deleteRecordsBefore('lines', 0, 2n)
  await t.rejects(createRDD(undefined, params, [{ topic: 'lines', partition: 0, fromOffset: 0n, untilOffset: 3n }]), DataLossError)
  const logs: string[] = []
  const skipped = await createRDD({ log: l => logs.push(l) }, params, [{ topic: 'lines', partition: 0, fromOffset: 0n, untilOffset: 3n }], { messageHandler: valueString, failOnDataLoss: false })
  t.same(skipped.collect(), ['c'])
  t.match(logs.join('\n'), /skipped offsets 0\.\.2/)
})

t.test('a range longer than one fetch is read whole and in order across many fetches', async t => {
  const c = await cluster(t)
  for (let b = 0; b < 20; b++) c.produce('lines', 2, Array.from({ length: 25 }, (_, i) => ({ key: `k${b * 25 + i}`, value: `v${b * 25 + i}` })))
  // A small partition limit: each fetch returns about one 25-record batch, so the range takes many fetches.
  const params = { 'metadata.broker.list': c.bootstrap, 'max.partition.fetch.bytes': 1024 }
  let fetches = 0
  c.faults.intercept(req => { if (req.apiKey === 1) fetches++; return undefined })
  const rdd = await createRDD(undefined, params, [{ topic: 'lines', partition: 2, fromOffset: 10n, untilOffset: 490n }], { messageHandler: wholeRecord })
  const records = rdd.collect()
  t.ok(fetches >= 10, `${fetches} fetches`)
  t.same(records.map(r => r.offset), Array.from({ length: 480 }, (_, i) => BigInt(i + 10)))
  const r = records[5]
  t.same({ ...r }, { topic: 'lines', partition: 2, offset: 15n, timestamp: r?.timestamp, key: Buffer.from('k15'), value: Buffer.from('v15'), headers: [] },
    'wholeRecord gives plain objects with every field, whatever the source hands out')
})

t.test('the partition tasks share Fetch requests, and an error about one partition reaches only its task', async t => {
  const c = await cluster(t)
  for (let p = 0; p < 3; p++) c.produce('lines', p, Array.from({ length: 30 }, (_, i) => ({ value: `p${p}-${i}` })))
  c.faults.deleteRecordsBefore('lines', 0, 10n)
  const perRequest: number[] = []
  c.faults.intercept(req => {
    if (req.apiKey === 1) perRequest.push((req.body as { topics: Array<{ partitions: unknown[] }> }).topics.reduce((n, tp) => n + tp.partitions.length, 0))
    return undefined
  })
  const logs: string[] = []
  const ranges = [0, 1, 2].map(p => ({ topic: 'lines', partition: p, fromOffset: 0n, untilOffset: 30n }))
  const rdd = await createRDD({ log: l => logs.push(l) }, { 'metadata.broker.list': c.bootstrap }, ranges, { messageHandler: valueString, failOnDataLoss: false })
  t.same(rdd.partitions.map(p => p.length), [20, 30, 30], 'partition 0 lost its first 10 offsets; the others are whole')
  t.match(logs.join('\n'), /lines\[0\].*skipped offsets 0\.\.10/)
  t.ok(perRequest.some(n => n > 1), `some Fetch carried several partitions (${perRequest.join(',')})`)
})

t.test('fetchRange hands out the same records as views that know their partition', async t => {
  const c = await cluster(t)
  c.produce('lines', 1, [{ key: 'a', value: 'x' }, { key: 'b', value: 'y' }, { key: 'c', value: 'z' }])
  const source = new SimpleConsumerSource(resolveKafkaParams({ 'metadata.broker.list': c.bootstrap }))
  t.teardown(async () => { await source.close() })
  const seen: Array<[string, number, bigint, string | undefined]> = []
  for await (const chunk of source.fetchRange({ topic: 'lines', partition: 1, fromOffset: 1n, untilOffset: 3n })) {
    for (const r of chunk) seen.push([r.topic, r.partition, r.offset, r.value?.toString()])
  }
  t.same(seen, [['lines', 1, 1n, 'y'], ['lines', 1, 2n, 'z']])
})
