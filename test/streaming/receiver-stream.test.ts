import t from 'tap'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { createReceiverStream } from '../../streaming/receiver-stream.js'
import { StreamingContext } from '../../streaming/context.js'
import { valueString } from '../../streaming/message-handlers.js'
import { offsetRangesOf } from '../../streaming/offset-range.js'
import { SimpleConsumerSource } from '../../streaming/simple-consumer-source.js'
import { resolveKafkaParams } from '../../streaming/kafka-params.js'
import type { BatchInfo } from '../../streaming/batch-stats.js'

// The receiver-based stream against the fake broker: a receiver that runs ahead of the batches, batches that take
// what it stored, the write-ahead log that makes a restart lose nothing (even after Kafka deleted the records), and
// offsets committed to the group only once stored.

async function cluster (t: any): Promise<FakeCluster> {
  const c = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 2 }] })
  t.teardown(async () => { await c.stop() })
  return c
}

async function tempDir (t: any): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kd-receiver-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

function produce (c: FakeCluster, from: number, n: number): void {
  for (let p = 0; p < 2; p++) c.produce('lines', p, Array.from({ length: n }, (_, i) => ({ value: `p${p}-${from + i}` })))
}

async function runUntil (ctx: StreamingContext, done: (info: BatchInfo) => boolean): Promise<void> {
  ctx.addListener({ onBatchCompleted: info => { if (done(info)) void ctx.stop() } })
  await ctx.start()
  await ctx.awaitTermination()
}

const byPartition = (values: string[]): string[][] => [0, 1].map(p => values.filter(v => v.startsWith(`p${p}-`)))
const expected = (n: number): string[][] => [0, 1].map(p => Array.from({ length: n }, (_, i) => `p${p}-${i}`))

t.test('the receiver takes records as they come; batches process each exactly once, in order, with their ranges', async t => {
  const c = await cluster(t)
  produce(c, 0, 30)
  const ctx = new StreamingContext({ batchIntervalMs: 30, log: () => {} })
  const stream = createReceiverStream(ctx, { 'bootstrap.servers': c.bootstrap, 'auto.offset.reset': 'smallest', 'fetch.max.wait.ms': 20 }, ['lines'], { messageHandler: valueString })
  const seen: string[] = []
  const lastUntil = new Map<number, bigint>()
  let produced = false
  stream.foreachRDD(rdd => {
    seen.push(...(rdd.collect() as string[]))
    for (const r of offsetRangesOf(rdd)) {
      t.equal(r.fromOffset, lastUntil.get(r.partition) ?? 0n, `p${r.partition} continues where it stopped`)
      lastUntil.set(r.partition, r.untilOffset)
    }
    if (!produced && seen.length > 0) { produced = true; produce(c, 30, 20) }
  })
  await runUntil(ctx, () => seen.length >= 100)
  t.same(byPartition(seen), expected(50))
  t.same(stream.walFiles, [], 'no write-ahead log unless asked')
})

t.test('with the write-ahead log a restart re-runs the unfinished batch from the log, after Kafka deleted the records', async t => {
  const c = await cluster(t)
  const dir = await tempDir(t)
  produce(c, 0, 40)
  const params = { 'bootstrap.servers': c.bootstrap, 'auto.offset.reset': 'smallest', 'group.id': 'receivers', 'fetch.max.wait.ms': 20 }
  const conf = { 'spark.streaming.receiver.writeAheadLog.enable': true }

  // Run 1: the first batch with records fails in its output, so it stays unfinished in the checkpoint.
  const ctx1 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir, conf, log: () => {} })
  const s1 = createReceiverStream(ctx1, params, ['lines'], { messageHandler: valueString })
  let failedRanges: string | undefined
  s1.foreachRDD(rdd => {
    const values = rdd.collect() as string[]
    if (values.length > 0) {
      failedRanges = JSON.stringify(offsetRangesOf(rdd).map(r => [r.partition, String(r.fromOffset), String(r.untilOffset)]))
      throw new Error('output failed')
    }
  })
  await ctx1.start()
  await t.rejects(ctx1.awaitTermination(), /output failed/)
  t.ok(failedRanges !== undefined)
  const walDir = join(dir, 'receivedData', String(s1.id))
  t.ok((await readdir(walDir)).some(f => f.endsWith('.wal')), 'blocks were written to the log')
  const kafka = new SimpleConsumerSource(resolveKafkaParams(params))
  const committed = await kafka.committedOffsets('receivers', [{ topic: 'lines', partition: 0 }, { topic: 'lines', partition: 1 }])
  await kafka.close()
  t.same([...committed.values()], [40n, 40n], 'the receiver committed what it stored')

  // Kafka loses the records: only the log still has them.
  for (let p = 0; p < 2; p++) c.faults.deleteRecordsBefore('lines', p, 40n)

  const ctx2 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir, conf, log: () => {} })
  const s2 = createReceiverStream(ctx2, params, ['lines'], { messageHandler: valueString })
  const seen: string[] = []
  let rerunRanges: string | undefined
  s2.foreachRDD(rdd => {
    const values = rdd.collect() as string[]
    if (rerunRanges === undefined) rerunRanges = JSON.stringify(offsetRangesOf(rdd).map(r => [r.partition, String(r.fromOffset), String(r.untilOffset)]))
    seen.push(...values)
  })
  await runUntil(ctx2, () => seen.length >= 80)
  t.equal(rerunRanges, failedRanges, 'the unfinished batch re-ran with the same ranges')
  t.same(byPartition(seen), expected(40), 'every record, from the log')
})

t.test('without the log, a restart reads what it never received from Kafka, and reports what Kafka lost', async t => {
  const c = await cluster(t)
  const dir = await tempDir(t)
  produce(c, 0, 10)
  const params = { 'bootstrap.servers': c.bootstrap, 'auto.offset.reset': 'smallest', 'fetch.max.wait.ms': 20 }
  const ctx1 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir, log: () => {} })
  const s1 = createReceiverStream(ctx1, params, ['lines'], { messageHandler: valueString })
  s1.foreachRDD(rdd => { if (rdd.count() > 0) throw new Error('output failed') })
  await ctx1.start()
  await t.rejects(ctx1.awaitTermination(), /output failed/)

  const ctx2 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir, log: () => {} })
  const s2 = createReceiverStream(ctx2, params, ['lines'], { messageHandler: valueString })
  const seen: string[] = []
  s2.foreachRDD(rdd => { seen.push(...(rdd.collect() as string[])) })
  await runUntil(ctx2, () => seen.length >= 20)
  t.same(byPartition(seen), expected(10), 'the re-run read its ranges from Kafka')

  // Once Kafka deleted them too, the unfinished batch cannot be rebuilt: a DataLossError names the range.
  const dir2 = await tempDir(t)
  const ctx3 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir2, log: () => {} })
  const s3 = createReceiverStream(ctx3, params, ['lines'], { messageHandler: valueString })
  s3.foreachRDD(rdd => { if (rdd.count() > 0) throw new Error('output failed') })
  await ctx3.start()
  await t.rejects(ctx3.awaitTermination(), /output failed/)
  for (let p = 0; p < 2; p++) c.faults.deleteRecordsBefore('lines', p, 10n)
  const ctx4 = new StreamingContext({ batchIntervalMs: 40, checkpointDir: dir2, log: () => {} })
  const s4 = createReceiverStream(ctx4, params, ['lines'], { messageHandler: valueString })
  s4.foreachRDD(rdd => { rdd.count() })
  await ctx4.start()
  await t.rejects(ctx4.awaitTermination(), { name: 'DataLossError' })
})

t.test('a fresh job with a group starts from the group\'s committed offsets', async t => {
  const c = await cluster(t)
  produce(c, 0, 10)
  const kafka = new SimpleConsumerSource(resolveKafkaParams({ 'bootstrap.servers': c.bootstrap }))
  await kafka.commitOffsets('g', new Map([['lines:0', { topic: 'lines', partition: 0, offset: 4n }], ['lines:1', { topic: 'lines', partition: 1, offset: 7n }]]))
  await kafka.close()
  const ctx = new StreamingContext({ batchIntervalMs: 30, log: () => {} })
  const s = createReceiverStream(ctx, { 'bootstrap.servers': c.bootstrap, 'group.id': 'g', 'auto.offset.reset': 'smallest', 'fetch.max.wait.ms': 20 }, ['lines'], { messageHandler: valueString })
  const seen: string[] = []
  s.foreachRDD(rdd => { seen.push(...(rdd.collect() as string[])) })
  await runUntil(ctx, () => seen.length >= 9)
  t.same(byPartition(seen), [['p0-4', 'p0-5', 'p0-6', 'p0-7', 'p0-8', 'p0-9'], ['p1-7', 'p1-8', 'p1-9']])
})

t.test('the write-ahead log needs a checkpoint directory; spark.streaming.receiver.maxRate caps the receiver', async t => {
  const c = await cluster(t)
  t.throws(() => createReceiverStream(new StreamingContext({ batchIntervalMs: 30, log: () => {}, conf: { 'spark.streaming.receiver.writeAheadLog.enable': 'true' } }),
    { 'bootstrap.servers': c.bootstrap }, ['lines']), { name: 'ConfigError', key: 'spark.streaming.receiver.writeAheadLog.enable' })
  t.throws(() => new StreamingContext({ batchIntervalMs: 30, conf: { 'spark.streaming.receiver.maxRate': -1 } }), { name: 'ConfigError' })

  // 400 records in batches of 5, so that fetches (one batch per partition at least, KIP-74) come in small steps.
  for (let b = 0; b < 40; b++) produce(c, b * 5, 5)
  const ctx = new StreamingContext({ batchIntervalMs: 50, log: () => {}, conf: { 'spark.streaming.receiver.maxRate': 400 } })
  const s = createReceiverStream(ctx, { 'bootstrap.servers': c.bootstrap, 'auto.offset.reset': 'smallest', 'fetch.max.wait.ms': 20, 'max.partition.fetch.bytes': 100 }, ['lines'], { messageHandler: valueString })
  const seen: string[] = []
  const started = Date.now()
  s.foreachRDD(rdd => { seen.push(...(rdd.collect() as string[])) })
  await runUntil(ctx, () => seen.length >= 400)
  // 400 records/s: 400 records take about a second; without the cap, a few milliseconds.
  t.ok(Date.now() - started >= 700, `rate-limited (${Date.now() - started} ms for 400 records)`)
  t.same(byPartition(seen), expected(200))
})
