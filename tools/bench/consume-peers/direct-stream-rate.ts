import { StreamingContext, createDirectStream } from '../../../streaming/index.js'

// Benchmark peer (tools/bench/stream.bench.ts, rate accuracy): a direct stream with
// spark.streaming.kafka.maxRatePerPartition = RATE reads a topic that holds more than the limit lets through for
// SECONDS, and reports the rate it actually delivered. The limit caps each batch at RATE × interval records a
// partition (rate/per-partition-limits.ts); whether the stream then runs at that rate depends on batches starting on
// time and finishing within their interval, which is what this measures.
//
// Measured rate = the records of batches 2..N over the wall time from the end of batch 1 to the end of batch N (the
// first batch is the reference point: it also waits for the first interval boundary), stopping at the batch planned
// SECONDS after the first. Prints one JSON line:
// {"records", "seconds", "rate", "batches", "plannedPerBatch": [min, max], "maxSchedulingDelayMs", "maxProcessingMs"}.
//   node direct-stream-rate.js BOOTSTRAP TOPIC BATCH_INTERVAL_MS RATE SECONDS

const [bootstrap, topic, intervalArg, rateArg, secondsArg] = process.argv.slice(2)
const intervalMs = Number(intervalArg)
const seconds = Number(secondsArg)
const ctx = new StreamingContext({ batchIntervalMs: intervalMs, log: () => {}, conf: { 'spark.streaming.kafka.maxRatePerPartition': Number(rateArg) } })
const stream = createDirectStream(ctx, { 'bootstrap.servers': bootstrap, 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 100 }, [topic], {
  messageHandler: r => r.value
})
let firstEnd: number | undefined
let firstTime = 0
let lastEnd = 0
let records = 0
let batches = 0
let minPlanned = Infinity
let maxPlanned = 0
let maxSchedulingDelayMs = 0
let maxProcessingMs = 0
let finish: () => void = () => {}
const done = new Promise<void>(resolve => { finish = resolve })
ctx.addListener({
  onBatchCompleted: info => {
    batches++
    minPlanned = Math.min(minPlanned, info.numRecords)
    maxPlanned = Math.max(maxPlanned, info.numRecords)
    maxSchedulingDelayMs = Math.max(maxSchedulingDelayMs, info.schedulingDelayMs)
    maxProcessingMs = Math.max(maxProcessingMs, info.processingDelayMs)
    if (firstEnd === undefined) {
      firstEnd = info.processingEndTime
      firstTime = info.batchTime
      return
    }
    records += info.numRecords
    lastEnd = info.processingEndTime
    if (info.batchTime - firstTime >= seconds * 1000) finish()
  }
})
let counted = 0
stream.map(v => v?.length ?? 0).foreachRDD(rdd => { counted += rdd.count() })
await ctx.start()
await Promise.race([done, ctx.awaitTermination()])
await ctx.stop()
const elapsed = firstEnd === undefined ? 0 : (lastEnd - firstEnd) / 1000
process.stdout.write(JSON.stringify({
  records, counted, seconds: elapsed, rate: elapsed > 0 ? records / elapsed : 0, batches,
  plannedPerBatch: [minPlanned, maxPlanned], maxSchedulingDelayMs, maxProcessingMs, maxRssKiB: process.resourceUsage().maxRSS
}) + '\n')
