import t from 'tap'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { createReceiverStream, type ReceiverInputDStream } from '../../../streaming/receiver-stream.js'
import { StreamingContext } from '../../../streaming/context.js'
import { valueString } from '../../../streaming/message-handlers.js'
import { offsetRangesOf, type OffsetRange } from '../../../streaming/offset-range.js'

// Receivers that share a consumer group (createReceiverStream with shareGroup): two of them split the partitions,
// a second one joining mid-stream takes half of them over in a rebalance, and between them every record is stored,
// and processed by a batch, exactly once, with offset ranges that hold exactly what each receiver stored.

const PARTITIONS = 4

async function cluster (t: any): Promise<FakeCluster> {
  const c = await FakeCluster.start({ topics: [{ name: 'lines', partitions: PARTITIONS }], groupMinSessionTimeoutMs: 100 })
  t.teardown(async () => { await c.stop() })
  return c
}

async function tempDir (t: any): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kd-group-receiver-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** n records per partition, numbered from `from`. */
function produce (c: FakeCluster, from: number, n: number): void {
  for (let p = 0; p < PARTITIONS; p++) c.produce('lines', p, Array.from({ length: n }, (_, i) => ({ value: `p${p}-${from + i}` })))
}

interface Member { ctx: StreamingContext, stream: ReceiverInputDStream<string>, seen: string[], ranges: OffsetRange[] }

function member (c: FakeCluster, checkpointDir: string): Member {
  const ctx = new StreamingContext({ batchIntervalMs: 50, checkpointDir, conf: { 'spark.streaming.receiver.writeAheadLog.enable': true }, log: () => {} })
  const stream = createReceiverStream(ctx, {
    'bootstrap.servers': c.bootstrap,
    'group.id': 'receivers',
    'auto.offset.reset': 'smallest',
    'fetch.max.wait.ms': 30,
    'session.timeout.ms': 2000,
    'heartbeat.interval.ms': 50,
    'retry.backoff.ms': 5,
    'retry.backoff.max.ms': 50
  }, ['lines'], { messageHandler: valueString, shareGroup: true })
  const m: Member = { ctx, stream, seen: [], ranges: [] }
  stream.foreachRDD(rdd => {
    m.seen.push(...(rdd.collect() as string[]))
    m.ranges.push(...offsetRangesOf(rdd).filter(r => r.untilOffset > r.fromOffset))
  })
  return m
}

async function waitFor (what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** Every range of one partition, across members, sorted: they must tile [0, end) without overlap. */
function tiles (ranges: OffsetRange[], partition: number, end: bigint): boolean {
  const mine = ranges.filter(r => r.partition === partition).sort((a, b) => Number(a.fromOffset - b.fromOffset))
  let at = 0n
  for (const r of mine) {
    if (r.fromOffset !== at) return false
    at = r.untilOffset
  }
  return at === end
}

t.test('two receivers in one group store every record exactly once between them, through a rebalance', async t => {
  const c = await cluster(t)
  const dir = await tempDir(t)
  produce(c, 0, 50)
  const a = member(c, join(dir, 'a'))
  await a.ctx.start()
  t.teardown(async () => { await a.ctx.stop() })
  // The first receiver alone owns every partition and stores all that is there.
  await waitFor('the first receiver to take the first records', () => a.seen.length >= PARTITIONS * 50)
  t.equal(a.stream.assignment.length, PARTITIONS, 'alone in the group, it owns every partition')

  // A second receiver joins while records keep coming: the group rebalances and splits the partitions.
  produce(c, 50, 50)
  const b = member(c, join(dir, 'b'))
  await b.ctx.start()
  t.teardown(async () => { await b.ctx.stop() })
  let next = 100
  await waitFor('the partitions to be split', () => {
    if (next < 300) { produce(c, next, 10); next += 10 }
    return a.stream.assignment.length === PARTITIONS / 2 && b.stream.assignment.length === PARTITIONS / 2
  })
  produce(c, next, 40)
  next += 40
  const total = PARTITIONS * next
  await waitFor('every record to be processed', () => a.seen.length + b.seen.length >= total)
  // A little longer: a duplicate processed late would show now.
  await new Promise(resolve => setTimeout(resolve, 300))
  await a.ctx.stop()
  await b.ctx.stop()

  const all = [...a.seen, ...b.seen]
  t.equal(all.length, total, 'as many records processed as produced')
  t.equal(new Set(all).size, total, 'no record processed twice')
  t.ok(b.seen.length > 0, 'the second receiver processed records too')
  for (let p = 0; p < PARTITIONS; p++) {
    const values = all.filter(v => v.startsWith(`p${p}-`)).map(v => Number(v.slice(v.indexOf('-') + 1))).sort((x, y) => x - y)
    t.same(values, Array.from({ length: next }, (_, i) => i), `p${p}: every record once`)
    t.ok(tiles([...a.ranges, ...b.ranges], p, BigInt(next)), `p${p}: the two receivers' offset ranges tile the partition without overlap`)
  }
})
