// `kafka-direct wordcount`: the direct word count as a command, for users and for the crash test.
//
//   kafka-direct wordcount -b BROKERS -t TOPIC[,TOPIC] [--from beginning|end] [--batch-interval MS]
//     [--max-rate-per-partition N] [--backpressure] [--checkpoint DIR] [--out DIR] [--commit-group GROUP]
//     [--duration MS] [--quiet] [--receiver [--wal] [--group GROUP]] [--share-group GROUP [--wal]]
//     [--out-topic TOPIC --transactional-id ID]
//
// --out-topic writes each batch's counts to TOPIC as records (word -> count, the batch time in a header) and the
// batch's offsets as --commit-group's committed offsets (default: kafka-direct-wordcount-ID), in one Kafka
// transaction per batch (--transactional-id); a restart resumes from those offsets, and read_committed readers of
// TOPIC see every input record counted exactly once. It replaces --checkpoint and --out: the offsets live in Kafka.
//
// --receiver reads with the receiver-based stream (Spark's KafkaWordCount) instead of the direct one; --wal turns
// on its write-ahead log (in the --checkpoint directory), --group is its group.id (start and committed offsets).
// --share-group GROUP is --receiver --group GROUP with the receiver a member of the consumer group GROUP: word
// counts started with the same GROUP, in one process or several, split the topic's partitions between them and
// follow rebalances (each record is counted by one of them). Without it a receiver reads every partition: sharing
// is asked for, not implied by a group id, because it changes what a job sees.
//
// With --out each completed batch that read records writes one JSON file, atomically, named by batch time:
// { batchTime, offsetRanges: [{ topic, partition, fromOffset, untilOffset }], counts: { word: n } }. With the same
// --checkpoint across crashes and restarts, the union of these files counts every record exactly once.
// SIGTERM (or SIGINT) lets the running batch finish, then exits 0.
import { ConfigError, ConnectionError } from '../../../protocol/errors.js'
import { StreamingContext } from '../../../streaming/context.js'
import { formatRange } from '../../../streaming/offset-range.js'
import { topWords, wordCount } from '../../examples/word-count-job.js'
import { KafkaTransactionalSink } from '../../../streaming/sinks/kafka-transactional-sink.js'
import { SimpleConsumer, tpKey } from '../../../consumer/simple-consumer.js'

export interface WordCountArgs {
  brokers: string
  topics: string[]
  from: 'beginning' | 'end'
  batchIntervalMs: number
  maxRatePerPartition: number
  backpressure: boolean
  checkpoint?: string
  out?: string
  commitGroup?: string
  durationMs?: number
  quiet: boolean
  receiver: boolean
  wal: boolean
  group?: string
  /** --share-group: the receiver joins the group (--group's value) and reads its share of the partitions. */
  shareGroup: boolean
  outTopic?: string
  transactionalId?: string
}

const USAGE = 'usage: kafka-direct wordcount -b BROKERS -t TOPIC[,TOPIC] [--from beginning|end] [--batch-interval MS] ' +
  '[--max-rate-per-partition N] [--backpressure] [--checkpoint DIR] [--out DIR] [--commit-group GROUP] [--duration MS] [--quiet] ' +
  '[--receiver [--wal] [--group GROUP]] [--share-group GROUP [--wal]] [--out-topic TOPIC --transactional-id ID]\n'

export function parseWordCountArgs (argv: readonly string[]): WordCountArgs {
  const a: Partial<WordCountArgs> & { topics: string[] } = { topics: [], from: 'end', batchIntervalMs: 1000, maxRatePerPartition: 0, backpressure: false, quiet: false, receiver: false, wal: false, shareGroup: false }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new ConfigError(flag, 'needs a value')
      return v
    }
    const int = (min: number): number => {
      const v = value()
      const n = Number(v)
      if (!Number.isInteger(n) || n < min) throw new ConfigError(flag, `must be an integer >= ${min}, got ${v}`)
      return n
    }
    switch (flag) {
      case '-b': case '--brokers': a.brokers = value(); break
      case '-t': case '--topics': case '--topic': a.topics.push(...value().split(',').filter(s => s !== '')); break
      case '--from': {
        const v = value()
        if (v !== 'beginning' && v !== 'end') throw new ConfigError(flag, `must be beginning or end, got ${v}`)
        a.from = v
        break
      }
      case '--batch-interval': a.batchIntervalMs = int(1); break
      case '--max-rate-per-partition': a.maxRatePerPartition = int(0); break
      case '--backpressure': a.backpressure = true; break
      case '--checkpoint': a.checkpoint = value(); break
      case '--out': a.out = value(); break
      case '--commit-group': a.commitGroup = value(); break
      case '--duration': a.durationMs = int(1); break
      case '-q': case '--quiet': a.quiet = true; break
      case '--receiver': a.receiver = true; break
      case '--wal': a.wal = true; break
      case '--group': a.group = value(); break
      case '--share-group':
        if (a.shareGroup === true) throw new ConfigError(flag, 'given twice')
        a.shareGroup = true
        a.receiver = true
        a.group = value()
        break
      case '--out-topic': a.outTopic = value(); break
      case '--transactional-id': a.transactionalId = value(); break
      default: throw new ConfigError(flag, `unknown option\n${USAGE}`)
    }
  }
  if (a.brokers === undefined) throw new ConfigError('-b', `brokers are required\n${USAGE}`)
  if (a.topics.length === 0) throw new ConfigError('-t', `at least one topic is required\n${USAGE}`)
  if ((a.wal === true || a.group !== undefined) && a.receiver !== true) throw new ConfigError(a.wal === true ? '--wal' : '--group', 'applies to --receiver only')
  if (a.shareGroup === true && argv.includes('--group')) throw new ConfigError('--group', 'not with --share-group, which names the group')
  if (a.wal === true && a.checkpoint === undefined) throw new ConfigError('--wal', 'the write-ahead log lives in the --checkpoint directory')
  if (a.receiver === true && a.commitGroup !== undefined) throw new ConfigError('--commit-group', 'the receiver commits what it receives to --group instead')
  if ((a.outTopic === undefined) !== (a.transactionalId === undefined)) {
    throw new ConfigError(a.outTopic === undefined ? '--transactional-id' : '--out-topic', '--out-topic and --transactional-id go together')
  }
  if (a.outTopic !== undefined) {
    if (a.receiver === true) throw new ConfigError('--out-topic', 'works with the direct stream only')
    if (a.checkpoint !== undefined || a.out !== undefined) {
      throw new ConfigError(a.checkpoint !== undefined ? '--checkpoint' : '--out', 'not with --out-topic: the transaction keeps the offsets with the output, and the job resumes from them')
    }
  }
  return a as WordCountArgs
}

/**
 * Opens the transactional sink (fencing earlier instances) and works out where the stream starts: the group's
 * committed offsets, or for partitions it has none for, the beginning or end of the log (--from).
 */
async function openKafkaSink (args: WordCountArgs): Promise<{ sink: KafkaTransactionalSink, fromOffsets: Map<string, bigint> }> {
  const groupId = args.commitGroup ?? `kafka-direct-wordcount-${args.transactionalId as string}`
  const sink = new KafkaTransactionalSink({ producer: { bootstrapServers: args.brokers, 'transactional.id': args.transactionalId }, groupId })
  const consumer = new SimpleConsumer({ bootstrapServers: args.brokers })
  try {
    await sink.open()
    const md = await consumer.metadata(args.topics)
    const tps = md.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partition })))
    const committed = await sink.committedOffsets(tps)
    const missing = tps.filter(tp => (committed.get(tpKey(tp.topic, tp.partition)) ?? -1n) < 0n)
    if (missing.length > 0) {
      const start = args.from === 'beginning' ? await consumer.earliestOffsets(missing) : await consumer.latestOffsets(missing)
      for (const [k, v] of start) committed.set(k, v)
    }
    return { sink, fromOffsets: committed }
  } catch (err) {
    await sink.close()
    throw err
  } finally {
    await consumer.close()
  }
}

export async function run (argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { process.stdout.write(USAGE); return 0 }
  const args = parseWordCountArgs(argv)
  const conf: Record<string, string | number | boolean> = {}
  if (args.maxRatePerPartition > 0) conf['spark.streaming.kafka.maxRatePerPartition'] = args.maxRatePerPartition
  if (args.backpressure) conf['spark.streaming.backpressure.enabled'] = true
  if (args.wal) conf['spark.streaming.receiver.writeAheadLog.enable'] = true
  const kafkaOut = args.outTopic === undefined ? undefined : await openKafkaSink(args)
  const ctx = new StreamingContext({
    batchIntervalMs: args.batchIntervalMs,
    checkpointDir: args.checkpoint,
    conf,
    log: args.quiet ? () => {} : line => { process.stderr.write(line + '\n') }
  })
  wordCount(ctx, {
    'bootstrap.servers': args.brokers,
    'auto.offset.reset': args.from === 'beginning' ? 'smallest' : 'largest',
    // Brokers that never answer fail the start in 10 s, with the first cause per broker (the consumer's default is 60).
    'bootstrap.timeout.ms': 10_000,
    ...(args.group === undefined ? {} : { 'group.id': args.group })
  }, args.topics, {
    receiver: args.receiver,
    shareGroup: args.shareGroup,
    outDir: args.out,
    commitGroup: kafkaOut === undefined ? args.commitGroup : undefined,
    kafkaSink: kafkaOut === undefined ? undefined : { sink: kafkaOut.sink, topic: args.outTopic as string },
    fromOffsets: kafkaOut?.fromOffsets,
    onBatch: b => {
      if (args.quiet) return
      const top = topWords(b.counts, 5).map(([w, n]) => `${w}=${n}`).join(' ')
      process.stdout.write(`${b.batchTime} ${b.offsetRanges.map(formatRange).join(', ')} | ${b.records} records | ${top}\n`)
    }
  })
  let signalled: string | undefined
  const onSignal = (sig: string): void => {
    if (signalled !== undefined) return
    signalled = sig
    process.stderr.write(`${sig}: finishing the running batch, then exiting\n`)
    void ctx.stop({ graceful: true })
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  let batches = 0
  ctx.addListener({ onBatchCompleted: () => { batches++ } })
  let timer: NodeJS.Timeout | undefined
  try {
    await ctx.start()
    // --duration counts from the first scheduled batch, not from process start (connecting may take a while).
    if (args.durationMs !== undefined) timer = setTimeout(() => { void ctx.stop({ graceful: true }) }, args.durationMs)
    await ctx.awaitTermination()
    // Stopped while still connecting: the brokers were never reached, which is a failure, not a clean stop.
    if (batches === 0) throw new ConnectionError(args.brokers, `no batch ran before the job stopped${signalled === undefined ? '' : ` (${signalled})`}`)
  } finally {
    await kafkaOut?.sink.close()
    if (timer !== undefined) clearTimeout(timer)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
  return 0
}
