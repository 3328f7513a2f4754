import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { createRDD } from '../../streaming/rdd.js'
import { valueString } from '../../streaming/message-handlers.js'
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
