import t from 'tap'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { ManualClock } from '../../streaming/clock.js'
import { tpKey, type OffsetRange, type TopicPartition } from '../../streaming/offset-range.js'
import type { OffsetSource, SourceRecord } from '../../streaming/offset-source.js'
import type { BatchInfo } from '../../streaming/batch-stats.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

/** Two partitions a producer fills at `perSecond` records/s each, in virtual time; records are made up on demand. */
function producingSource (clock: ManualClock, perSecond: number): OffsetSource {
  const tps: TopicPartition[] = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]
  const end = (): bigint => BigInt(Math.floor(clock.now() / 1000 * perSecond))
  return {
    partitionsFor: async () => tps,
    earliestOffsets: async list => new Map(list.map(tp => [tpKey(tp.topic, tp.partition), 0n])),
    latestOffsets: async list => new Map(list.map(tp => [tpKey(tp.topic, tp.partition), end()])),
    async * fetchRange (r: OffsetRange) {
      const out: SourceRecord[] = []
      for (let o = r.fromOffset; o < r.untilOffset; o++) out.push({ topic: r.topic, partition: r.partition, offset: o, timestamp: 0n, key: null, value: null, headers: [] })
      yield out
    },
    close: async () => {}
  }
}

/** A job that can process `sustainable` records/s: each batch takes n / sustainable seconds of virtual time. */
async function simulate (backpressure: boolean, batches: number): Promise<{ infos: BatchInfo[]; rates: number[] }> {
  const clock = new ManualClock(0)
  const { ctx } = virtualContext({
    clock,
    conf: backpressure
      ? { 'spark.streaming.backpressure.enabled': true, 'spark.streaming.backpressure.initialRate': 5000 }
      : { 'spark.streaming.kafka.maxRatePerPartition': 1000 }
  })
  const stream = createDirectStream(ctx, PARAMS, ['t'], { source: producingSource(clock, 1500) })
  const sustainable = 1000
  const rates: number[] = []
  stream.foreachRDD(rdd => { clock.advance(Math.round(rdd.count() / sustainable * 1000)) })
  ctx.addListener({ onBatchCompleted: () => { rates.push(stream.latestRateEstimate) } })
  return { infos: await runBatches(ctx, batches), rates }
}

t.test('with backpressure a slow job converges to its sustainable rate and its scheduling delay drains', async t => {
  const { infos, rates } = await simulate(true, 60)
  const tail = rates.slice(-10)
  for (const r of tail) t.ok(Math.abs(r - 1000) <= 20, `rate ${r} is within 2% of the sustainable 1000/s`)
  for (const i of infos.slice(-10)) {
    t.ok(Math.abs(i.numRecords - 1000) <= 20, `batch of ${i.numRecords} records`)
    t.ok(i.schedulingDelayMs <= 20, `scheduling delay ${i.schedulingDelayMs} ms`)
  }
  t.ok(infos.slice(-1)[0]?.inputs[0]?.rateLimit !== undefined, 'the rate limit in force is reported')
})

t.test('without backpressure (only a fixed limit above what it can do) the same job falls further behind every batch', async t => {
  const { infos } = await simulate(false, 12)
  const delays = infos.map(i => i.schedulingDelayMs)
  for (let i = 2; i < delays.length; i++) t.ok((delays[i] ?? 0) > (delays[i - 1] ?? 0), `delay grows: ${delays.join(',')}`)
})

t.test('an estimate of 0 falls back to initialRate, as Spark does (if (lr > 0) lr else initialRate)', async t => {
  // pid.minRate below 1 lets the estimator publish a rate that Spark's RateController keeps as the Long 0. Spark's
  // DirectKafkaInputDStream.maxMessagesPerPartition then limits the batch by initialRate; taking 0 as "no limit"
  // would read the whole backlog in one batch, the opposite of what backpressure asked for.
  const clock = new ManualClock(0)
  const { ctx } = virtualContext({
    clock,
    conf: {
      'spark.streaming.backpressure.enabled': true,
      'spark.streaming.backpressure.rateEstimator': 'pid',
      'spark.streaming.backpressure.initialRate': 20,
      'spark.streaming.backpressure.pid.minRate': 0.5
    }
  })
  const backlog = 10_000
  const source: OffsetSource = { ...producingSource(clock, 0), latestOffsets: async list => new Map(list.map(tp => [tpKey(tp.topic, tp.partition), BigInt(backlog)])) }
  const stream = createDirectStream(ctx, PARAMS, ['t'], { source })
  const rates: number[] = []
  // Half a record per second: the estimator's output falls to its 0.5 floor, truncated to 0.
  stream.foreachRDD(rdd => { clock.advance(Math.round(rdd.count() / 0.5 * 1000)) })
  ctx.addListener({ onBatchCompleted: () => { rates.push(stream.latestRateEstimate) } })
  const infos = await runBatches(ctx, 8)
  t.ok(rates.includes(0), `the estimator published 0 (estimates: ${rates.join(',')})`)
  const sizes = infos.map(i => i.numRecords)
  for (const n of sizes) t.ok(n <= 20, `every batch is held to initialRate: ${sizes.join(',')}`)
})
