// The main job (`npm start`): Spark's DirectKafkaWordCount on kafka-direct. By default it starts an embedded fake
// Kafka cluster, seeds a topic with sample text, keeps a producer writing, and runs a direct stream that prints each
// batch's offset ranges and top words. With --brokers and --topics it runs against a real cluster instead.
//
//   node dist/tools/examples/main-job.js [--brokers HOST:PORT,...] [--topics T1,T2] [--batch-interval MS]
//     [--duration MS] [--max-rate-per-partition N] [--from beginning|end]
//
// It stops by itself after --duration (default 15 s from the first batch; 0 = run until interrupted) or on Ctrl-C,
// finishing the running batch first. A job that never ran a batch (its brokers were never reached) exits 1 with the
// cause.
import { ConfigError, ConnectionError, KafkaDirectError } from '../../protocol/errors.js'
import { FakeCluster } from '../fake-broker/index.js'
import { StreamingContext } from '../../streaming/context.js'
import { topWords, wordCount } from './word-count-job.js'

const SAMPLE = `
the direct approach asks each partition leader for its latest offset and turns the gap since the previous batch into an offset range
a batch is a set of offset ranges and a task reads exactly the records of one range from the leader of its partition
because the ranges are recorded before the batch runs a restarted job can read the same records again and write the same output
rate limits cap how many records a partition may contribute to a batch and backpressure lowers the limit when batches fall behind
the log keeps every record in order and a consumer that knows its offsets needs nothing else from the broker
`.trim().split('\n')

const WORDS = 'stream batch offset range record partition leader broker kafka spark window count rate'.split(' ')

interface MainArgs { brokers?: string; topics: string[]; batchIntervalMs: number; durationMs: number; maxRatePerPartition: number; from: 'beginning' | 'end' }

/** How long the job waits for its brokers to answer at start (the consumer's bootstrap.timeout.ms). */
const BOOTSTRAP_TIMEOUT_MS = 10_000

function parseArgs (argv: readonly string[]): MainArgs {
  const a: MainArgs = { topics: [], batchIntervalMs: 1000, durationMs: 15_000, maxRatePerPartition: 0, from: 'beginning' }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const v = argv[++i]
    if (v === undefined) throw new ConfigError(flag, 'needs a value')
    const int = (): number => { const n = Number(v); if (!Number.isInteger(n) || n < 0) throw new ConfigError(flag, `must be a non-negative integer, got ${v}`); return n }
    if (flag === '--brokers' || flag === '-b') a.brokers = v
    else if (flag === '--topics' || flag === '-t') a.topics.push(...v.split(',').filter(s => s !== ''))
    else if (flag === '--batch-interval') a.batchIntervalMs = Math.max(1, int())
    else if (flag === '--duration') a.durationMs = int()
    else if (flag === '--max-rate-per-partition') a.maxRatePerPartition = int()
    else if (flag === '--from' && (v === 'beginning' || v === 'end')) a.from = v
    else throw new ConfigError(flag, 'unknown option (see the comment at the top of tools/examples/main-job.ts)')
  }
  if (a.brokers !== undefined && a.topics.length === 0) throw new ConfigError('--topics', 'needed with --brokers')
  return a
}

async function main (argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv)
  const out = (line: string): void => { process.stdout.write(line + '\n') }
  let cluster: FakeCluster | undefined
  let producer: NodeJS.Timeout | undefined
  let brokers = args.brokers
  let topics = args.topics
  if (brokers === undefined) {
    topics = topics.length > 0 ? topics : ['lines']
    cluster = await FakeCluster.start({ brokers: 1, topics: topics.map(name => ({ name, partitions: 3 })) })
    brokers = cluster.bootstrap
    const c = cluster
    topics.forEach((topic, ti) => SAMPLE.forEach((line, i) => c.produce(topic, (i + ti) % 3, [{ value: line }])))
    out(`embedded fake Kafka cluster at ${brokers}; topics ${topics.join(',')} (3 partitions each) seeded with ${SAMPLE.length} lines of sample text`)
    // A producer that keeps writing: a few random lines every 100 ms, to every partition in turn.
    let n = 0
    producer = setInterval(() => {
      for (const topic of topics) {
        const line = Array.from({ length: 6 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(' ')
        c.produce(topic, n++ % 3, [{ value: line }])
      }
    }, 100)
  }
  out(`direct word count over ${topics.join(',')} every ${args.batchIntervalMs} ms; ` +
    (args.durationMs > 0 ? `stops by itself after ${args.durationMs / 1000} s, or on Ctrl-C` : 'runs until Ctrl-C'))
  const conf: Record<string, number> = args.maxRatePerPartition > 0 ? { 'spark.streaming.kafka.maxRatePerPartition': args.maxRatePerPartition } : {}
  const ctx = new StreamingContext({ batchIntervalMs: args.batchIntervalMs, conf, log: () => {} })
  // Brokers that never answer fail the start within BOOTSTRAP_TIMEOUT_MS, with the first cause per broker.
  wordCount(ctx, { 'metadata.broker.list': brokers, 'auto.offset.reset': args.from === 'beginning' ? 'smallest' : 'largest', 'bootstrap.timeout.ms': BOOTSTRAP_TIMEOUT_MS }, topics, {
    onBatch: b => {
      out(`-------------------------------------------\nTime: ${new Date(b.batchTime).toISOString()}  (${b.records} records)`)
      for (const r of b.offsetRanges) out(`  ${r.topic}[${r.partition}] offsets ${r.fromOffset}..${r.untilOffset} (${r.untilOffset - r.fromOffset})`)
      const top = topWords(b.counts, 10)
      out(top.length === 0 ? '  (no words this batch)' : '  top words: ' + top.map(([w, c]) => `${w}=${c}`).join(', '))
    }
  })
  let batches = 0
  ctx.addListener({
    onBatchCompleted: info => {
      batches++
      out(`  scheduling delay ${info.schedulingDelayMs} ms, processing ${info.processingDelayMs} ms, lag ${info.inputs.reduce((n, i) => n + i.lag, 0n)}`)
    }
  })
  let reason = 'time is up'
  const stop = (why: string): void => { reason = why; void ctx.stop({ graceful: true }) }
  process.once('SIGINT', () => { stop('interrupted (SIGINT)') })
  process.once('SIGTERM', () => { stop('terminated (SIGTERM)') })
  let timer: NodeJS.Timeout | undefined
  try {
    await ctx.start()
    // The duration counts from the first scheduled batch, not from process start: connecting may take a while.
    if (args.durationMs > 0 && ctx.isActive) timer = setTimeout(() => { stop(`${args.durationMs / 1000} s are up`) }, args.durationMs)
    await ctx.awaitTermination()
    if (batches === 0) throw new ConnectionError(brokers, `no batch ran before the job stopped (${reason})`)
    out(`stopped: ${reason}; ${batches} batches ran, the last one finished before stopping`)
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    if (producer !== undefined) clearInterval(producer)
    await cluster?.stop()
  }
}

main(process.argv.slice(2)).then(() => { process.exit(0) }, (err: unknown) => {
  process.stderr.write(err instanceof KafkaDirectError ? `main-job: ${err.name}: ${err.message}\n` : `main-job: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
