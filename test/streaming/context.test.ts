import t from 'tap'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { MemoryOffsetSource } from '../../streaming/memory-source.js'
import { StreamingContext } from '../../streaming/context.js'
import { ManualClock } from '../../streaming/clock.js'
import { StreamingStateError } from '../../streaming/errors.js'
import { ConfigError } from '../../protocol/errors.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

function source (): MemoryOffsetSource {
  const s = new MemoryOffsetSource().createTopic('t', 1)
  s.append('t', 0, ['a', 'b', 'c'])
  return s
}

t.test('batches are scheduled on the interval, aligned after the zero time', async t => {
  const { ctx } = virtualContext({ clock: new ManualClock(10_250) })
  createDirectStream(ctx, PARAMS, ['t'], { source: source() }).foreachRDD(() => {})
  const infos = await runBatches(ctx, 3)
  t.same(infos.map(i => i.batchTime), [11_000, 12_000, 13_000])
  t.equal(ctx.zeroTime, 10_000)
  t.same(infos.map(i => i.schedulingDelayMs), [0, 0, 0])
})

t.test('an overrunning batch delays the next one (scheduling delay) and batches never overlap', async t => {
  const { ctx, clock } = virtualContext({ clock: new ManualClock(0) })
  let inFlight = 0
  let maxInFlight = 0
  const spans: Array<[number, number]> = []
  createDirectStream(ctx, PARAMS, ['t'], { source: source() }).foreachRDD(async (_rdd, time) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const start = clock.now()
    // The first batch takes 2.5 intervals; the others are quick.
    await new Promise(resolve => setImmediate(resolve))
    if (time === 1000) clock.advance(2500)
    else clock.advance(100)
    spans.push([start, clock.now()])
    inFlight--
  })
  const infos = await runBatches(ctx, 5)
  t.equal(maxInFlight, 1)
  t.same(infos.map(i => i.batchTime), [1000, 2000, 3000, 4000, 5000], 'no batch is skipped')
  t.same(infos.map(i => i.schedulingDelayMs), [0, 1500, 600, 0, 0])
  for (let i = 1; i < spans.length; i++) t.ok((spans[i]?.[0] ?? 0) >= (spans[i - 1]?.[1] ?? 0), `batch ${i} starts after batch ${i - 1} ended`)
})

t.test('a graceful stop lets the running batch finish', async t => {
  const clock = new ManualClock(0, { autoAdvance: false })
  const { ctx } = virtualContext({ clock })
  let finished = 0
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  let entered!: () => void
  const inBatch = new Promise<void>(resolve => { entered = resolve })
  createDirectStream(ctx, PARAMS, ['t'], { source: source() }).foreachRDD(async () => {
    entered()
    await gate
    finished++
  })
  await ctx.start()
  clock.advance(1000)
  await inBatch
  const stopped = ctx.stop({ graceful: true })
  release()
  await stopped
  t.equal(finished, 1)
  t.equal(ctx.isActive, false)
  await ctx.awaitTermination()
})

t.test('stopping while waiting for the next batch time ends at once', async t => {
  const clock = new ManualClock(0, { autoAdvance: false })
  const { ctx } = virtualContext({ clock })
  let batches = 0
  createDirectStream(ctx, PARAMS, ['t'], { source: source() }).foreachRDD(() => { batches++ })
  await ctx.start()
  await ctx.stop({ graceful: false })
  t.equal(batches, 0)
  await ctx.awaitTermination()
})

t.test('a failing output operation stops the context and awaitTermination rejects with its error', async t => {
  const { ctx, logs } = virtualContext()
  createDirectStream(ctx, PARAMS, ['t'], { source: source() }).foreachRDD(() => { throw new Error('sink down') })
  await ctx.start()
  await t.rejects(ctx.awaitTermination(), { message: 'sink down' })
  t.ok(logs.some(l => /batch \d+ failed: sink down/.test(l)))
})

t.test('the context is used in order: outputs before start, start once, no streams after start', async t => {
  const { ctx } = virtualContext()
  await t.rejects(ctx.start(), StreamingStateError)
  const { ctx: c2 } = virtualContext()
  const s = createDirectStream(c2, PARAMS, ['t'], { source: source() })
  s.foreachRDD(() => {})
  await c2.start()
  await t.rejects(c2.start(), StreamingStateError)
  t.throws(() => s.map(x => x), StreamingStateError)
  t.throws(() => { s.foreachRDD(() => {}) }, StreamingStateError)
  await c2.stop()
  const { ctx: c3 } = virtualContext()
  await c3.stop()
  await c3.awaitTermination()
})

t.test('configuration is validated when given', async t => {
  t.throws(() => new StreamingContext({ batchIntervalMs: 0 }), ConfigError)
  t.throws(() => new StreamingContext({ batchIntervalMs: 1000, conf: { 'spark.streaming.kafka.maxRatePerPartiton': 5 } }), { name: 'ConfigError', key: 'spark.streaming.kafka.maxRatePerPartiton' })
  t.throws(() => new StreamingContext({ batchIntervalMs: 1000, conf: { 'spark.streaming.backpressure.enabled': 'yes' } }), ConfigError)
  t.throws(() => new StreamingContext({ batchIntervalMs: 1000, conf: { 'spark.streaming.kafka.minRatePerPartition': 0 } }), ConfigError)
  const ctx = new StreamingContext({
    batchIntervalMs: 1000,
    conf: { 'spark.streaming.backpressure.enabled': 'true', 'spark.streaming.backpressure.pid.minRate': '10', 'spark.streaming.backpressure.initialRate': 50 }
  })
  t.same([ctx.conf.backpressureEnabled, ctx.conf.pid.minRate, ctx.conf.initialRate], [true, 10, 50])
})

t.test('a failing start (unknown topic) rejects start() and awaitTermination()', async t => {
  const { ctx } = virtualContext()
  createDirectStream(ctx, PARAMS, ['missing'], { source: source() }).foreachRDD(() => {})
  await t.rejects(ctx.start(), ConfigError)
  await t.rejects(ctx.awaitTermination(), ConfigError)
})

t.test('a non-graceful stop aborts the running batch\'s reads and leaves it unfinished', async t => {
  const src = source()
  let reading!: () => void
  const inRead = new Promise<void>(resolve => { reading = resolve })
  // A source whose reads hang until aborted, like a fetch waiting on a slow broker.
  src.fetchRange = async function * (_range: unknown, signal?: AbortSignal) {
    reading()
    await new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }))
    yield []
  }
  const { ctx } = virtualContext()
  let outputs = 0
  createDirectStream(ctx, PARAMS, ['t'], { source: src }).foreachRDD(() => { outputs++ })
  await ctx.start()
  await inRead
  await ctx.stop({ graceful: false })
  await ctx.awaitTermination()
  t.equal(outputs, 0)
})

t.test('stop() while start() is still resolving start offsets ends cleanly, with nothing run', async t => {
  const src = source()
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  let asked!: () => void
  const inStart = new Promise<void>(resolve => { asked = resolve })
  const partitionsFor = src.partitionsFor.bind(src)
  src.partitionsFor = async topics => { asked(); await gate; return await partitionsFor(topics) }
  const { ctx } = virtualContext()
  let batches = 0
  createDirectStream(ctx, PARAMS, ['t'], { source: src }).foreachRDD(() => { batches++ })
  const started = ctx.start()
  await inStart
  const stopped = ctx.stop()
  release()
  await started
  await stopped
  await ctx.awaitTermination()
  t.equal(batches, 0)
})

t.test('spark.streaming.backpressure.rateEstimator: "pid" (Spark\'s only one) is accepted, anything else refused', async t => {
  const ctx = new StreamingContext({ batchIntervalMs: 1000, conf: { 'spark.streaming.backpressure.enabled': true, 'spark.streaming.backpressure.rateEstimator': 'pid' } })
  t.equal(ctx.conf.backpressureEnabled, true)
  t.throws(() => new StreamingContext({ batchIntervalMs: 1000, conf: { 'spark.streaming.backpressure.rateEstimator': 'linear' } }),
    { name: 'ConfigError', key: 'spark.streaming.backpressure.rateEstimator', message: /unknown rate estimator "linear".*"pid"/ })
})

t.test('awaitTerminationOrTimeout is false while the context runs and true once it has stopped, as in Spark', async t => {
  const ctx = new StreamingContext({ batchIntervalMs: 1000 })
  t.equal(await ctx.awaitTerminationOrTimeout(20), false, 'not stopped within the timeout')
  await ctx.stop()
  t.equal(await ctx.awaitTerminationOrTimeout(60_000), true, 'stopped: resolves at once, not after the timeout')
})
