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
