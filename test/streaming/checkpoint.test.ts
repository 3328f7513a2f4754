import t from 'tap'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { MemoryOffsetSource } from '../../streaming/memory-source.js'
import { valueString } from '../../streaming/message-handlers.js'
import { offsetRangesOf } from '../../streaming/offset-range.js'
import { ManualClock } from '../../streaming/clock.js'
import { CheckpointError } from '../../streaming/errors.js'
import { CHECKPOINT_FILE, parseCheckpoint } from '../../streaming/checkpoint.js'
import type { BatchInfo } from '../../streaming/batch-stats.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

const RATE = { 'spark.streaming.kafka.maxRatePerPartition': 2 }

function preloaded (): MemoryOffsetSource {
  const src = new MemoryOffsetSource().createTopic('t', 1)
  src.append('t', 0, ['a b', 'b', 'c a', 'a', 'b b', 'c', 'a c', 'a', 'd', 'b', 'a a', 'c'])
  return src
}

interface Run { outputs: Map<number, string[]>; ranges: Map<number, string>; infos: BatchInfo[]; windows: Map<number, string> }

/** One run of a job on `dir`: reads with a rate limit of 2 records/batch, fails on `failAt` (a batch time), else runs `batches` batches. */
async function runJob (dir: string, src: MemoryOffsetSource, clockStart: number, batches: number, failAt?: number): Promise<Run & { error?: unknown }> {
  const { ctx } = virtualContext({ checkpointDir: dir, conf: RATE, clock: new ManualClock(clockStart) })
  const lines = createDirectStream(ctx, PARAMS, ['t'], { source: src, messageHandler: r => valueString(r) ?? '' })
  const run: Run = { outputs: new Map(), ranges: new Map(), infos: [], windows: new Map() }
  lines.foreachRDD((rdd, time) => {
    run.ranges.set(time, offsetRangesOf(rdd).map(r => `${r.fromOffset}-${r.untilOffset}`).join(','))
    if (time === failAt) throw new Error('crash before output')
    run.outputs.set(time, rdd.collect())
  })
  lines.flatMap(l => l.split(' ')).map(w => [w, 1] as [string, number])
    .reduceByKeyAndWindow((a, b) => a + b, 3000, { inverse: (a, b) => a - b, filter: ([, n]) => n > 0 })
    .foreachRDD((rdd, time) => { run.windows.set(time, JSON.stringify(rdd.collect().sort())) })
  if (failAt === undefined) return { ...run, infos: await runBatches(ctx, batches) }
  ctx.addListener({ onBatchCompleted: i => run.infos.push(i) })
  await ctx.start()
  const error = await ctx.awaitTermination().then(() => undefined, (e: unknown) => e)
  return { ...run, error }
}

t.test('an unfinished batch is re-run after a restart with exactly the same ranges and batch time', async t => {
  const dir = t.testdir()
  const src = preloaded()
  const first = await runJob(dir, src, 0, 0, 3000)
  t.match(first.error, { message: 'crash before output' })
  t.same([...first.outputs.keys()], [1000, 2000])
  const saved = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), 'utf8')) as { batches: Array<{ time: number; done: boolean }> }
  t.same(saved.batches.map(b => [b.time, b.done]), [[1000, true], [2000, true], [3000, false]])
  src.append('t', 0, ['late']) // arrives while the job is down: must not change the re-run batch
  const second = await runJob(dir, src, 3000, 4)
  t.equal(second.infos[0]?.recovered, true)
  t.equal(second.infos[0]?.batchTime, 3000)
  t.equal(second.ranges.get(3000), first.ranges.get(3000), 'same ranges as planned before the crash')
  const all = [...first.outputs.values(), ...second.outputs.values()].flat()
  t.same(all, ['a b', 'b', 'c a', 'a', 'b b', 'c', 'a c', 'a', 'd', 'b', 'a a', 'c', 'late'].slice(0, all.length))
  t.equal(all.length, 2 * 6)
  t.same((await readdir(dir)).filter(n => n.endsWith('.tmp')), [], 'no temp files left')
})

t.test('window state is recovered: windows after a restart equal those of an uninterrupted run', async t => {
  const steady = await runJob(t.testdir(), preloaded(), 0, 6)
  const dir = t.testdir()
  const src = preloaded()
  await runJob(dir, src, 0, 0, 4000)
  const resumed = await runJob(dir, src, 4000, 3)
  for (const time of [4000, 5000, 6000]) t.equal(resumed.windows.get(time), steady.windows.get(time), `window at ${time}`)
  t.equal(steady.windows.get(6000), JSON.stringify([['a', 4], ['b', 1], ['c', 2], ['d', 1]]))
})

t.test('a corrupt checkpoint is a clear CheckpointError, never a silent fresh start', async t => {
  const dir = t.testdir({ [CHECKPOINT_FILE]: '{"format":"kafka-direct-checkpoint","vers' })
  const { ctx } = virtualContext({ checkpointDir: dir })
  createDirectStream(ctx, PARAMS, ['t'], { source: preloaded() }).foreachRDD(() => {})
  await t.rejects(ctx.start(), { name: 'CheckpointError', message: /not valid JSON/ })
})

t.test('a checkpoint of another job (other topics, other interval, other format) is refused', async t => {
  const dir = t.testdir()
  await runJob(dir, preloaded(), 0, 1)
  const other = new MemoryOffsetSource().createTopic('u', 1)
  const { ctx } = virtualContext({ checkpointDir: dir })
  createDirectStream(ctx, PARAMS, ['u'], { source: other }).foreachRDD(() => {})
  await t.rejects(ctx.start(), { name: 'CheckpointError', message: /other inputs/ })
  const { ctx: c2 } = virtualContext({ checkpointDir: dir, batchIntervalMs: 500 })
  createDirectStream(c2, PARAMS, ['t'], { source: preloaded() }).foreachRDD(() => {})
  await t.rejects(c2.start(), { name: 'CheckpointError', message: /batch interval 1000 ms/ })
  await writeFile(join(dir, CHECKPOINT_FILE), JSON.stringify({ format: 'something-else' }))
  const { ctx: c3 } = virtualContext({ checkpointDir: dir })
  createDirectStream(c3, PARAMS, ['t'], { source: preloaded() }).foreachRDD(() => {})
  await t.rejects(c3.start(), { name: 'CheckpointError', message: /not a kafka-direct checkpoint/ })
})

t.test('malformed checkpoint contents are named precisely', async t => {
  const id = { batchIntervalMs: 1000, inputs: [{ id: 0, topics: ['t'] }] }
  const base = { format: 'kafka-direct-checkpoint', version: 1, batchIntervalMs: 1000, zeroTime: 0, inputs: id.inputs }
  const range = { topic: 't', partition: 0, fromOffset: '0', untilOffset: '2' }
  const cases: Array<[unknown, RegExp]> = [
    [{ ...base, version: 2 }, /format version 2/],
    [{ ...base, batches: 'x' }, /missing zeroTime or batches/],
    [{ ...base, batches: [{ time: 1 }] }, /malformed batch entry/],
    [{ ...base, batches: [{ time: 1, done: true, ranges: { 0: 'x' } }] }, /not a list/],
    [{ ...base, batches: [{ time: 1, done: true, ranges: { 0: [{ ...range, untilOffset: '-1' }] } }] }, /malformed offset range/],
    [{ ...base, batches: [{ time: 2, done: true, ranges: {} }, { time: 1, done: true, ranges: {} }] }, /not increasing/],
    [{ ...base, batches: [{ time: 1, done: false, ranges: {} }, { time: 2, done: true, ranges: {} }] }, /unfinished but not the last/]
  ]
  for (const [doc, msg] of cases) t.throws(() => parseCheckpoint('cp', JSON.stringify(doc), id), { name: 'CheckpointError', message: msg })
  const ok = parseCheckpoint('cp', JSON.stringify({ ...base, batches: [{ time: 1, done: false, ranges: { 0: [range] } }] }), id)
  t.same(ok.batches[0]?.ranges.get(0), [{ topic: 't', partition: 0, fromOffset: 0n, untilOffset: 2n }])
  t.type(new CheckpointError('p', 'x'), Error)
})
