// The direct stream (Spark's DirectKafkaInputDStream): no receiver, no consumer group. Each batch the driver asks
// for the latest offsets, and the batch is the set of ranges [previous until, min(latest, rate limit)) per
// partition; tasks then read exactly those ranges. The offsets live in the stream (and the checkpoint), which is
// what makes each record processed exactly once in the batch that planned it.
//
// Split by question, as Spark splits it: which offsets (here), how to read them (partition-task.ts), how fast
// (rate/), where to start (auto.offset.reset or fromOffsets, resolved in start()).
import { ConfigError } from '../protocol/errors.js'
import type { BatchInfo, InputInfo } from './batch-stats.js'
import type { CheckpointBatch } from './checkpoint.js'
import type { InputStreamHooks, StreamingContext } from './context.js'
import { DStream } from './dstream.js'
import { DataLossError, deletedDetail } from './errors.js'
import { resolveKafkaParams, type KafkaParams, type ResolvedKafkaParams } from './kafka-params.js'
import { keyValueStrings, type KeyValue } from './message-handlers.js'
import { formatRange, rangeCount, tpKey, type OffsetRange, type TopicPartition } from './offset-range.js'
import type { OffsetSource } from './offset-source.js'
import { mapBounded, readPartition, type MessageHandler } from './partition-task.js'
import { clampUntilOffsets } from './rate/per-partition-limits.js'
import { PidRateEstimator } from './rate/pid-rate-estimator.js'
import { KafkaRDD } from './rdd.js'
import { openSource } from './source-factory.js'

export type FromOffsets = ReadonlyMap<string, bigint> | ReadonlyArray<{ topic: string; partition: number; offset: bigint | number }>

export interface DirectStreamOptions<T> {
  /** record -> element; default [key, value] as UTF-8 strings. */
  messageHandler?: MessageHandler<T>
  /** Start here instead of auto.offset.reset; the stream then reads exactly these partitions. Map keys are tpKey(). */
  fromOffsets?: FromOffsets
  /** Where records come from; default: a SimpleConsumer on kafkaParams' brokers (owned and closed by the stream). */
  source?: OffsetSource
  /** Partitions read at once per batch (each is one task); default 16. */
  maxConcurrentTasks?: number
  /** Fail on offsets deleted before they were read (default true), or skip them with a log line. */
  failOnDataLoss?: boolean
  /** After each batch's output succeeded, commit its until offsets to this consumer group (OffsetCommit). */
  commitGroup?: string
}

export function createDirectStream<T = KeyValue> (
  ctx: StreamingContext, kafkaParams: KafkaParams, topics: readonly string[], options: DirectStreamOptions<T> = {}
): DirectKafkaInputDStream<T> {
  return new DirectKafkaInputDStream<T>(ctx, kafkaParams, topics, options)
}

export class DirectKafkaInputDStream<T> extends DStream<T> implements InputStreamHooks {
  readonly id: number
  readonly topics: readonly string[]
  readonly params: ResolvedKafkaParams
  private readonly handler: MessageHandler<T>
  private readonly failOnDataLoss: boolean
  private readonly concurrency: number
  private readonly commitGroup: string | undefined
  private readonly fromOffsets: Map<string, bigint> | undefined
  private source: OffsetSource | undefined
  private readonly ownsSource: boolean
  protected tps: TopicPartition[] = []
  /** Where the next batch starts, per tpKey. */
  protected current = new Map<string, bigint>()
  /** The ranges of the batches still remembered (windows), by batch time. */
  protected readonly history = new Map<number, { ranges: OffsetRange[]; rateLimit: number | undefined; lag: bigint }>()
  private readonly estimator: PidRateEstimator | undefined
  /** The backpressure estimate, records/s; -1 until the estimator has produced one (Spark's RateController). */
  private latestRate = -1

  constructor (ctx: StreamingContext, kafkaParams: KafkaParams, topics: readonly string[], options: DirectStreamOptions<T>) {
    super(ctx)
    this.params = resolveKafkaParams(kafkaParams)
    this.handler = options.messageHandler ?? (keyValueStrings as unknown as MessageHandler<T>)
    this.failOnDataLoss = options.failOnDataLoss ?? true
    this.concurrency = options.maxConcurrentTasks ?? 16
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new ConfigError('maxConcurrentTasks', `must be a positive integer, got ${this.concurrency}`)
    this.commitGroup = options.commitGroup
    if (this.commitGroup !== undefined && this.commitGroup === '') throw new ConfigError('commitGroup', 'must not be empty')
    this.source = options.source
    this.ownsSource = options.source === undefined
    this.fromOffsets = options.fromOffsets === undefined ? undefined : normalizeFromOffsets(options.fromOffsets)
    const fromTopics = this.fromOffsets === undefined ? [] : [...new Set([...this.fromOffsets.keys()].map(k => k.slice(0, k.lastIndexOf(':'))))]
    for (const t of fromTopics) {
      if (topics.length > 0 && !topics.includes(t)) throw new ConfigError('fromOffsets', `topic ${t} is not among the stream's topics ${topics.join(',')}`)
    }
    this.topics = [...(topics.length > 0 ? topics : fromTopics)].sort()
    if (this.topics.length === 0) throw new ConfigError('topics', 'a direct stream needs at least one topic (or fromOffsets)')
    if (ctx.conf.backpressureEnabled) {
      this.estimator = new PidRateEstimator({ batchIntervalMs: ctx.batchIntervalMs, ...ctx.conf.pid })
    }
    this.id = ctx.registerInput(this)
  }

  /** The ranges planned for a batch time (for the checkpoint, tests and monitoring). */
  rangesAt (time: number): readonly OffsetRange[] | undefined { return this.history.get(time)?.ranges }

  async start (signal: AbortSignal): Promise<void> {
    const source = await this.openedSource()
    if (this.fromOffsets !== undefined) {
      this.tps = [...this.fromOffsets.keys()].map(k => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }))
      this.current = new Map(this.fromOffsets)
    } else {
      this.tps = await unlessAborted(source.partitionsFor(this.topics), signal)
      this.current = await unlessAborted(this.params.autoOffsetReset === 'earliest' ? source.earliestOffsets(this.tps) : source.latestOffsets(this.tps), signal)
    }
    if (signal.aborted) throw signal.reason
  }

  restore (batches: readonly CheckpointBatch[]): void {
    for (const b of batches) {
      const ranges = b.ranges.get(this.id) ?? []
      this.history.set(b.time, { ranges, rateLimit: undefined, lag: 0n })
    }
    const last = batches[batches.length - 1]
    const ranges = last?.ranges.get(this.id) ?? []
    this.tps = ranges.map(r => ({ topic: r.topic, partition: r.partition }))
    this.current = new Map(ranges.map(r => [tpKey(r.topic, r.partition), r.untilOffset]))
  }

  async plan (time: number, signal: AbortSignal): Promise<OffsetRange[]> {
    const source = await this.openedSource()
    // Both ends in one round trip's time: planning is on every batch's critical path.
    const [latest, earliest] = await unlessAborted(Promise.all([source.latestOffsets(this.tps), source.earliestOffsets(this.tps)]), signal)
    if (signal.aborted) throw signal.reason
    for (const tp of this.tps) {
      const k = tpKey(tp.topic, tp.partition)
      const from = this.current.get(k) ?? 0n
      const start = earliest.get(k) ?? 0n
      const end = latest.get(k) ?? 0n
      if (from < start) {
        const lost: OffsetRange = { topic: tp.topic, partition: tp.partition, fromOffset: from, untilOffset: end > from ? end : from }
        if (this.failOnDataLoss) throw new DataLossError(lost, deletedDetail(lost, start))
        this.ctx.log(`data loss: ${formatRange(lost)}: skipping offsets ${from}..${start} (deleted before they were read)`)
        this.current.set(k, start)
      } else if (end < from) {
        const lost: OffsetRange = { topic: tp.topic, partition: tp.partition, fromOffset: end, untilOffset: from }
        const detail = `the log now ends at ${end}, before offsets already read (up to ${from}); records were lost (unclean leader election?)`
        if (this.failOnDataLoss) throw new DataLossError(lost, detail)
        this.ctx.log(`data loss: ${formatRange(lost)}: ${detail}; continuing from ${end}`)
        this.current.set(k, end)
      }
    }
    // Spark's maxMessagesPerPartition: `if (lr > 0) lr else initialRate`. An estimate of 0 (pid.minRate below 1,
    // kept as a Long) is "no estimate", not "no limit": reading the whole backlog is what backpressure is against.
    const estimatedRate = this.estimator === undefined
      ? undefined
      : this.latestRate > 0 ? this.latestRate : (this.ctx.conf.initialRate > 0 ? this.ctx.conf.initialRate : undefined)
    const limits = {
      batchIntervalMs: this.ctx.batchIntervalMs,
      maxRatePerPartition: this.ctx.conf.maxRatePerPartition,
      minRatePerPartition: this.ctx.conf.minRatePerPartition,
      estimatedRate
    }
    const until = clampUntilOffsets(this.tps, this.current, latest, limits)
    const ranges: OffsetRange[] = []
    let lag = 0n
    for (const tp of this.tps) {
      const k = tpKey(tp.topic, tp.partition)
      const from = this.current.get(k) ?? 0n
      const u = until.get(k) ?? from
      ranges.push({ topic: tp.topic, partition: tp.partition, fromOffset: from, untilOffset: u })
      lag += (latest.get(k) ?? u) - u
    }
    const rateLimit = estimatedRate !== undefined && estimatedRate > 0
      ? estimatedRate
      : this.ctx.conf.maxRatePerPartition > 0 ? this.ctx.conf.maxRatePerPartition * this.tps.length : undefined
    this.history.set(time, { ranges, rateLimit, lag })
    for (const r of ranges) this.current.set(tpKey(r.topic, r.partition), r.untilOffset)
    return ranges
  }

  protected async compute (time: number): Promise<KafkaRDD<T>> {
    const planned = this.history.get(time)
    if (planned === undefined) return new KafkaRDD<T>([], [])
    const source = await this.openedSource()
    const opts = { failOnDataLoss: this.failOnDataLoss, log: this.ctx.log, signal: this.ctx.batchSignal }
    const results = await mapBounded(planned.ranges, this.concurrency, async r => await readPartition(source, r, this.handler, opts))
    // Each partition's fetched data; the handler and the operations after it run when an action pulls (rdd.ts).
    return KafkaRDD.fromFeeds(results, planned.ranges)
  }

  inputInfo (time: number): InputInfo {
    const h = this.history.get(time)
    const ranges = h?.ranges ?? []
    return {
      streamId: this.id,
      offsetRanges: ranges,
      numRecords: ranges.reduce((n, r) => n + Number(rangeCount(r)), 0),
      rateLimit: h?.rateLimit,
      lag: h?.lag ?? 0n
    }
  }

  async afterBatch (time: number): Promise<void> {
    if (this.commitGroup === undefined) return
    const ranges = this.history.get(time)?.ranges ?? []
    const source = await this.openedSource()
    if (source.commitOffsets === undefined) throw new ConfigError('commitGroup', 'this offset source cannot commit offsets')
    const offsets = new Map(ranges.map(r => [tpKey(r.topic, r.partition), { topic: r.topic, partition: r.partition, offset: r.untilOffset }]))
    // Committed offsets are for monitoring (group-lag tools); the checkpoint is the source of truth, so a failed
    // commit is reported and the next batch's commit supersedes it.
    try {
      await source.commitOffsets(this.commitGroup, offsets)
    } catch (err) {
      this.ctx.log(`offset commit for group ${this.commitGroup} failed (will retry with the next batch): ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  onBatchCompleted (info: BatchInfo): void {
    if (this.estimator === undefined) return
    const mine = info.inputs.find(i => i.streamId === this.id)
    if (mine === undefined) return
    const rate = this.estimator.compute(info.processingEndTime, mine.numRecords, info.processingDelayMs, info.schedulingDelayMs)
    // Spark's RateController keeps the estimate as a Long.
    if (rate !== undefined) this.latestRate = Math.trunc(rate)
  }

  /** The current backpressure estimate, records/s, or -1 when there is none yet. */
  get latestRateEstimate (): number { return this.latestRate }

  override forgetBefore (time: number): void {
    super.forgetBefore(time)
    for (const t of this.history.keys()) if (t <= time) this.history.delete(t)
  }

  async close (): Promise<void> {
    const s = this.source
    if (s !== undefined && this.ownsSource) {
      this.source = undefined
      await s.close()
    }
  }

  private async openedSource (): Promise<OffsetSource> {
    this.source ??= await openSource(this.params)
    return this.source
  }
}

function normalizeFromOffsets (from: FromOffsets): Map<string, bigint> {
  const out = new Map<string, bigint>()
  const entries: Array<[string, bigint | number]> = from instanceof Map
    ? [...(from as ReadonlyMap<string, bigint>)]
    : (from as ReadonlyArray<{ topic: string; partition: number; offset: bigint | number }>).map(e => [tpKey(e.topic, e.partition), e.offset])
  for (const [k, v] of entries) {
    const i = k.lastIndexOf(':')
    const p = Number(k.slice(i + 1))
    if (i <= 0 || !Number.isInteger(p) || p < 0) throw new ConfigError('fromOffsets', `key ${k} is not "topic:partition"`)
    const off = typeof v === 'bigint' ? v : Number.isSafeInteger(v) ? BigInt(v) : -1n
    if (off < 0n) throw new ConfigError('fromOffsets', `${k}: offset must be a non-negative integer, got ${String(v)}`)
    out.set(k, off)
  }
  if (out.size === 0) throw new ConfigError('fromOffsets', 'is empty')
  return out
}

/**
 * `work`, unless `signal` aborts first: the consumer waits out a broker outage for as long as it lasts, and a stop
 * must not wait with it. The abandoned work ends when the context closes the source.
 */
async function unlessAborted<T> (work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason
  work.catch(() => {})
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_resolve, reject) => { onAbort = () => { reject(signal.reason) } })
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
