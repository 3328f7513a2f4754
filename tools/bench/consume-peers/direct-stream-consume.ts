import { StreamingContext, createDirectStream } from '../../../streaming/index.js'

// Benchmark peer (tools/bench/stream.bench.ts): the direct stream (streaming/) reads a whole topic from the earliest
// offsets, maps each record to its value's length and counts the records of each batch, and stops once it has
// counted EXPECTED records. Prints one JSON line: {"records", "valueBytes", "streamSeconds", "processingSeconds",
// "batches", "maxRssKiB"} where streamSeconds runs from ctx.start() to the batch that reached EXPECTED.
//   node direct-stream-consume.js BOOTSTRAP TOPIC FETCH_WAIT_MS EXPECTED BATCH_INTERVAL_MS [MAX_RATE_PER_PARTITION]

const [bootstrap, topic, waitMs, expectedArg, intervalArg, maxRateArg] = process.argv.slice(2)
const expected = Number(expectedArg)
const conf: Record<string, number> = {}
if (maxRateArg !== undefined && Number(maxRateArg) > 0) conf['spark.streaming.kafka.maxRatePerPartition'] = Number(maxRateArg)
const ctx = new StreamingContext({ batchIntervalMs: Number(intervalArg), log: () => {}, conf })
const stream = createDirectStream(ctx, { 'bootstrap.servers': bootstrap, 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': Number(waitMs) }, [topic], {
  messageHandler: r => r.value
})
let records = 0
let valueBytes = 0
let batches = 0
let finish: () => void = () => {}
const done = new Promise<void>(resolve => { finish = resolve })
// The first batch runs at the first interval boundary after start() (up to one interval of waiting, as in Spark);
// processingSeconds runs from the first batch's start to the last one's end, the engine's own time.
let firstStart: number | undefined
let lastEnd = 0
ctx.addListener({
  onBatchCompleted: info => {
    firstStart ??= info.processingStartTime
    lastEnd = info.processingEndTime
  }
})
stream.map(v => v?.length ?? 0).foreachRDD(rdd => {
  batches++
  records += rdd.count()
  // A second pass, as a check that every value arrived: served by the lazy chain again (rdd.ts), nothing stored.
  rdd.foreach(n => { valueBytes += n })
  if (records >= expected) finish()
})
const start = performance.now()
await ctx.start()
await Promise.race([done, ctx.awaitTermination()])
const streamSeconds = (performance.now() - start) / 1000
await ctx.stop()
const processingSeconds = firstStart === undefined ? streamSeconds : (lastEnd - firstStart) / 1000
process.stdout.write(JSON.stringify({ records, valueBytes, streamSeconds, processingSeconds, batches, maxRssKiB: process.resourceUsage().maxRSS }) + '\n')
