import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { StreamingContext } from '../../streaming/context.js'
import { valueString } from '../../streaming/message-handlers.js'
import { offsetRangesOf, type OffsetRange } from '../../streaming/offset-range.js'
import { runProcess, which } from '../fake-broker/helpers.js'
import { peerMissing } from '../peers/cache.js'

// Issue 6: with `commitGroup`, the direct stream commits each batch's until offsets to the group coordinator
// (OffsetCommit), so that group-lag tools show its progress. Here software we did not write reads them back:
// kafkajs's admin client (OffsetFetch) and kcat's balanced consumer (-G, librdkafka), which must resume exactly
// where the stream stopped. Each peer is skipped when it is not installed.

let kafkajs: any
try { kafkajs = await import('kafkajs') } catch {}
const kcat = which('kcat')

const TOPIC = 'words'
const GROUP = 'wc-group'
const PARTITIONS = 3
const PER_PARTITION = 40

/**
 * A fake cluster whose topic holds PER_PARTITION records in each partition, read to the end by a direct stream
 * committing to GROUP. The rate limit makes that take at least two batches: 1000 records/s per partition over
 * 20 ms batches is 20 records per partition per batch. Returns the ranges of the last batch that read anything.
 */
async function streamToTheEnd (t: { teardown: (fn: () => unknown) => void }): Promise<{ cluster: FakeCluster, last: readonly OffsetRange[], batches: number, logs: string[] }> {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: TOPIC, partitions: PARTITIONS }] })
  t.teardown(() => cluster.stop())
  for (let p = 0; p < PARTITIONS; p++) {
    cluster.produce(TOPIC, p, Array.from({ length: PER_PARTITION }, (_, i) => ({ value: `p${p}-${i}` })))
  }
  const logs: string[] = []
  const ctx = new StreamingContext({ batchIntervalMs: 20, log: l => logs.push(l), conf: { 'spark.streaming.kafka.maxRatePerPartition': 1000 } })
  const stream = createDirectStream(ctx, { 'bootstrap.servers': cluster.bootstrap, 'auto.offset.reset': 'smallest' }, [TOPIC], { messageHandler: valueString, commitGroup: GROUP })
  let seen = 0
  let batches = 0
  let last: readonly OffsetRange[] = []
  stream.foreachRDD(rdd => {
    const n = rdd.collect().length
    if (n === 0) return
    seen += n
    batches++
    last = offsetRangesOf(rdd)
  })
  // The commit runs after the batch's output and before its completion is announced (context.ts), so once every
  // record has been seen the last batch's offsets are committed.
  ctx.addListener({ onBatchCompleted: () => { if (seen >= PARTITIONS * PER_PARTITION) void ctx.stop() } })
  await ctx.start()
  await ctx.awaitTermination()
  return { cluster, last, batches, logs }
}

t.test('kafkajs admin.fetchOffsets reads the until offsets of the last batch, which are the high watermarks', { skip: kafkajs === undefined ? peerMissing('kafkajs is not installed') : false }, async t => {
  const { cluster, last, batches, logs } = await streamToTheEnd(t)
  t.ok(batches >= 2, `read in ${batches} batches`)
  t.notMatch(logs.join('\n'), /offset commit .* failed/)
  const { Kafka, logLevel } = kafkajs
  const admin = new Kafka({ clientId: 'lag-tool', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  const fetched = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })
  const committed = fetched.find((x: any) => x.topic === TOPIC).partitions
    .map((p: any) => ({ partition: p.partition, offset: BigInt(p.offset) }))
    .sort((a: any, b: any) => a.partition - b.partition)
  const untils = [...last].sort((a, b) => a.partition - b.partition).map(r => ({ partition: r.partition, offset: r.untilOffset }))
  t.same(committed, untils, 'committed offsets are the last batch\'s until offsets')
  t.same(committed.map((c: any) => c.offset), Array.from({ length: PARTITIONS }, (_, p) => cluster.highWatermark(TOPIC, p)), 'and the high watermarks')
  // What a lag tool computes: high watermark minus committed offset, per partition.
  const highs = await admin.fetchTopicOffsets(TOPIC)
  for (const h of highs) {
    const c = committed.find((x: any) => x.partition === h.partition)
    t.equal(BigInt(h.high) - c.offset, 0n, `partition ${h.partition} has no lag`)
  }
})

t.test('kcat -G resumes from the committed offsets: it prints only records produced after the stream stopped', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const { cluster, logs } = await streamToTheEnd(t)
  t.notMatch(logs.join('\n'), /offset commit .* failed/)
  const later = Array.from({ length: 5 }, (_, i) => `late-${i}`)
  later.forEach((value, i) => cluster.produce(TOPIC, i % PARTITIONS, [{ value }]))
  // auto.offset.reset=earliest: were the committed offsets ignored, kcat would print every record from offset 0.
  // -e exits once every assigned partition has reached its end.
  const kcatGroup = async (group: string): Promise<string[]> => {
    const r = await runProcess(kcat!, ['-b', cluster.bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%p %o %s\\n', TOPIC], { timeoutMs: 60_000 })
    t.equal(r.code, 0, r.stderr)
    return r.stdout.toString().split('\n').filter(l => l !== '').sort()
  }
  // Partition i % 3 got late-i: offsets 40 and 41 of partitions 0 and 1, offset 40 of partition 2.
  t.same(await kcatGroup(GROUP), ['0 40 late-0', '0 41 late-3', '1 40 late-1', '1 41 late-4', '2 40 late-2'], 'exactly the 5 records produced after the stream stopped')
  // The control: a group without commits starts from offset 0, so the result above is the committed offsets' doing.
  t.equal((await kcatGroup('no-commits')).length, PARTITIONS * PER_PARTITION + later.length)
})

t.test('the receiver-based stream starts from offsets kafkajs committed, and commits what it received for kafkajs to read', { skip: kafkajs === undefined ? peerMissing('kafkajs is not installed') : false }, async t => {
  const { createReceiverStream } = await import('../../streaming/receiver-stream.js')
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }] })
  t.teardown(() => cluster.stop())
  for (let p = 0; p < PARTITIONS; p++) cluster.produce(TOPIC, p, Array.from({ length: PER_PARTITION }, (_, i) => ({ value: `p${p}-${i}` })))
  const { Kafka, logLevel } = kafkajs
  const admin = new Kafka({ clientId: 'offsets-tool', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  // A group whose members got through offsets 10, 20 and 30 (committed by kafkajs, as another application would).
  await admin.setOffsets({ groupId: 'receivers', topic: TOPIC, partitions: [0, 1, 2].map(p => ({ partition: p, offset: String(10 * (p + 1)) })) })

  const ctx = new StreamingContext({ batchIntervalMs: 30, log: () => {} })
  const stream = createReceiverStream(ctx, { 'bootstrap.servers': cluster.bootstrap, 'group.id': 'receivers', 'fetch.max.wait.ms': 20 }, [TOPIC], { messageHandler: valueString })
  const seen: string[] = []
  stream.foreachRDD(rdd => { seen.push(...(rdd.collect() as string[])) })
  const want = PARTITIONS * PER_PARTITION - 60
  ctx.addListener({ onBatchCompleted: () => { if (seen.length >= want) void ctx.stop() } })
  await ctx.start()
  await ctx.awaitTermination()
  t.same([0, 1, 2].map(p => seen.filter(v => v.startsWith(`p${p}-`)).length), [30, 20, 10], 'each partition from its committed offset')
  const fetched = await admin.fetchOffsets({ groupId: 'receivers', topics: [TOPIC] })
  t.same(fetched[0].partitions.map((p: any) => [p.partition, p.offset]).sort(), [[0, '40'], [1, '40'], [2, '40']], 'the receiver committed what it received')
})
