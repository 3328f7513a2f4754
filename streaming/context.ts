// The StreamingContext: a batch interval, a graph of streams, and the scheduler that runs one batch per interval.
// Batches run one at a time, in order of their batch times (t0 + B, t0 + 2B, ...). A batch that overruns its
// interval delays the next one (that delay is the scheduling delay backpressure reacts to); batches never overlap,
// because exactly-once output and the offsets chain (each batch starts where the previous ended) need a strict order.
//
// Per batch: each input stream plans its offset ranges; the checkpoint records them; output operations run; the
// checkpoint marks the batch done; offsets are committed where asked; listeners hear the batch's stats.
import { ConfigError } from '../protocol/errors.js'
import type { BatchInfo, InputInfo, StreamingListener } from './batch-stats.js'
import { formatBatchLine } from './batch-stats.js'
import { Checkpoint, type CheckpointBatch } from './checkpoint.js'
import { systemClock, type Clock } from './clock.js'
import { StreamingStateError } from './errors.js'
import type { OffsetRange } from './offset-range.js'
import type { RDD } from './rdd.js'
import { resolveStreamingConf, type ResolvedStreamingConf, type StreamingConf } from './streaming-conf.js'

export interface StreamingContextOptions {
  batchIntervalMs: number
  /** Directory for exactly-once recovery (checkpoint.ts); without it a restart starts from auto.offset.reset. */
  checkpointDir?: string
  /** Spark's settings: spark.streaming.kafka.maxRatePerPartition, spark.streaming.backpressure.enabled, ... */
  conf?: StreamingConf
  clock?: Clock
  /** Where the per-batch line and warnings go; default stderr. Pass () => {} to silence. */
  log?: (line: string) => void
  /** Where DStream.print() writes; default stdout. */
  out?: (text: string) => void
}

/** What the scheduler needs from an input stream (direct-stream.ts implements it). */
export interface InputStreamHooks {
  readonly id: number
  readonly topics: readonly string[]
  /** Resolves start positions (auto.offset.reset or fromOffsets); skipped when the checkpoint restored them. */
  start (signal: AbortSignal): Promise<void>
  /** Takes the ranges of checkpointed batches; the stream continues from the last one's until offsets. */
  restore (batches: readonly CheckpointBatch[]): void
  /** Decides this batch's ranges (latest offsets, rate limit) and remembers them for `time`. */
  plan (time: number, signal: AbortSignal): Promise<OffsetRange[]>
  inputInfo (time: number): InputInfo
  /** After the batch's output succeeded (and the checkpoint says so): e.g. commit offsets to a group. */
  afterBatch (time: number): Promise<void>
  onBatchCompleted (info: BatchInfo): void
  forgetBefore (time: number): void
  close (): Promise<void>
}

/** Anything that caches per-batch results (DStream). */
export interface BatchCache { forgetBefore (time: number): void }

interface OutputOp { readonly stream: { getOrCompute (time: number): Promise<RDD<unknown> | undefined> }; readonly fn: (rdd: RDD<unknown>, time: number) => void | Promise<void> }

type State = 'initialized' | 'active' | 'stopped'

export class StreamingContext {
  readonly batchIntervalMs: number
  readonly conf: ResolvedStreamingConf
  readonly clock: Clock
  readonly log: (line: string) => void
  readonly out: (text: string) => void
  readonly checkpointDir: string | undefined
  /** The time before the first batch; window and slide boundaries are aligned to it. Set by start(). */
  zeroTime = 0
  private state: State = 'initialized'
  private readonly inputs: InputStreamHooks[] = []
  private readonly caches: BatchCache[] = []
  private readonly outputs: OutputOp[] = []
  private readonly listeners: StreamingListener[] = []
  private rememberMs: number
  private checkpoint: Checkpoint | undefined
  private readonly abort = new AbortController()
  /** Aborted only by a non-graceful stop: the running batch's reads give up and it stays unfinished. */
  private batchAbort = new AbortController()
  private loop: Promise<void> | undefined
  private termination: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void }

  constructor (opts: StreamingContextOptions) {
    if (!Number.isInteger(opts.batchIntervalMs) || opts.batchIntervalMs <= 0) {
      throw new ConfigError('batchIntervalMs', `must be a positive integer, got ${opts.batchIntervalMs}`)
    }
    this.batchIntervalMs = opts.batchIntervalMs
    this.conf = resolveStreamingConf(opts.conf)
    this.clock = opts.clock ?? systemClock
    this.log = opts.log ?? ((line: string) => { process.stderr.write(line + '\n') })
    this.out = opts.out ?? ((text: string) => { process.stdout.write(text) })
    this.checkpointDir = opts.checkpointDir
    this.rememberMs = this.batchIntervalMs
    let resolve!: () => void
    let reject!: (err: unknown) => void
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
    promise.catch(() => {}) // the error is delivered through awaitTermination(); do not report it as unhandled
    this.termination = { promise, resolve, reject }
  }

  get isActive (): boolean { return this.state === 'active' }

  addListener (listener: StreamingListener): void { this.listeners.push(listener) }

  /** @internal Called by streams as they are created: the graph is fixed once the context starts. */
  registerInput (input: InputStreamHooks): number {
    this.assertNotStarted('create an input stream')
    this.inputs.push(input)
    return this.inputs.length - 1
  }

  /** @internal The signal a batch's reads should honour (aborted by a non-graceful stop). */
  get batchSignal (): AbortSignal { return this.batchAbort.signal }

  /** @internal */
  nextInputId (): number { return this.inputs.length }

  /** @internal */
  registerCache (cache: BatchCache): void {
    this.assertNotStarted('create a stream')
    this.caches.push(cache)
  }

  /** @internal Windows need their parents' batches for windowMs + slideMs. */
  remember (ms: number): void { if (ms > this.rememberMs) this.rememberMs = ms }

  /** @internal */
  registerOutput (op: OutputOp): void {
    this.assertNotStarted('add an output operation')
    this.outputs.push(op)
  }

  /**
   * Starts the job: opens the checkpoint (re-running an unfinished batch first with its recorded ranges), resolves
   * start offsets, and schedules batches. Resolves once the first batch is scheduled; failures after that are
   * reported by awaitTermination().
   */
  async start (): Promise<void> {
    if (this.state !== 'initialized') throw new StreamingStateError(`start(): the context is already ${this.state}`)
    if (this.outputs.length === 0) throw new StreamingStateError('start(): no output operation (foreachRDD, print) is registered, so no batch would run')
    this.state = 'active'
    const B = this.batchIntervalMs
    let nextTime: number
    let pending: number | undefined
    try {
      if (this.checkpointDir !== undefined) {
        this.checkpoint = await Checkpoint.open(this.checkpointDir, {
          batchIntervalMs: B,
          inputs: this.inputs.map(i => ({ id: i.id, topics: [...i.topics] }))
        })
      }
      const recovered = this.checkpoint?.recovered
      const last = recovered?.batches[recovered.batches.length - 1]
      if (recovered !== undefined && last !== undefined) {
        this.zeroTime = recovered.zeroTime
        for (const i of this.inputs) i.restore(recovered.batches)
        if (!last.done) pending = last.time
        // Continue on the same time grid; after a long stop one batch catches up on everything that arrived
        // meanwhile (its size still bounded by the rate limit), rather than one batch per missed interval.
        nextTime = Math.max(last.time + B, Math.floor(this.clock.now() / B) * B)
        this.log(`recovered from checkpoint ${this.checkpointDir ?? ''}: last batch ${last.time}${pending !== undefined ? ' (unfinished, re-running it with the same ranges)' : ''}`)
      } else {
        nextTime = Math.ceil(this.clock.now() / B) * B
        if (nextTime <= this.clock.now()) nextTime += B
        this.zeroTime = nextTime - B
        for (const i of this.inputs) await i.start(this.abort.signal)
      }
    } catch (err) {
      this.state = 'stopped'
      await this.closeInputs()
      // stop() during start-up (resolving start offsets) is not a failure: nothing has run yet.
      if (this.abort.signal.aborted) { this.termination.resolve(); return }
      this.termination.reject(err)
      throw err
    }
    this.loop = this.runLoop(nextTime, pending)
  }

  /**
   * Stops scheduling batches. graceful (the default here, unlike Spark's default) lets the running batch finish and
   * be marked done; otherwise its reads are aborted and it stays unfinished in the checkpoint, to be re-run on
   * restart. Resolves when the context has stopped.
   */
  async stop (opts: { graceful?: boolean } = {}): Promise<void> {
    if (this.state === 'initialized') {
      this.state = 'stopped'
      await this.closeInputs()
      this.termination.resolve()
      return
    }
    if (this.state === 'active') {
      this.state = 'stopped'
      const reason = new StreamingStateError('the streaming context was stopped')
      this.abort.abort(reason)
      if (opts.graceful === false) this.batchAbort.abort(reason)
    }
    await this.termination.promise.catch(() => {})
  }

  /** Resolves when the context stops; rejects with the error if a batch failed (which stops the context). */
  async awaitTermination (): Promise<void> { await this.termination.promise }

  /**
   * Spark's awaitTerminationOrTimeout: waits at most `timeoutMs`; true if the context stopped in that time, false if
   * it is still running. Rejects, as awaitTermination does, if a batch failed.
   */
  async awaitTerminationOrTimeout (timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>(resolve => { timer = setTimeout(() => resolve(false), timeoutMs) })
    try {
      return await Promise.race([this.termination.promise.then(() => true as const), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private async runLoop (firstTime: number, pending: number | undefined): Promise<void> {
    let failure: unknown
    let time = firstTime
    try {
      if (pending !== undefined) await this.runBatch(pending, true)
      while (this.state === 'active') {
        try {
          await this.clock.sleepUntil(time, this.abort.signal)
        } catch (err) {
          if (this.state !== 'active') break
          throw err
        }
        if (this.state !== 'active') break
        await this.runBatch(time, false)
        time += this.batchIntervalMs
      }
    } catch (err) {
      // Once stop() has been called, an error is the stop interrupting planning or (non-graceful) a batch's reads:
      // not a failure. The batch stays unfinished in the checkpoint and is re-run next time.
      if (this.abort.signal.aborted && (err === this.abort.signal.reason || this.batchAbort.signal.aborted)) this.log(`stopped during batch: ${err instanceof Error ? err.message : String(err)}`)
      else failure = err
    }
    this.state = 'stopped'
    await this.closeInputs()
    if (failure === undefined) this.termination.resolve()
    else this.termination.reject(failure)
  }

  private async runBatch (time: number, recovered: boolean): Promise<void> {
    const startTime = this.clock.now()
    this.batchAbort = new AbortController()
    if (!recovered) {
      const ranges = new Map<number, OffsetRange[]>()
      // Any stop aborts planning: nothing is recorded yet, so the next run simply plans afresh.
      for (const i of this.inputs) ranges.set(i.id, await i.plan(time, this.abort.signal))
      if (this.state !== 'active') return
      await this.checkpoint?.begin(this.zeroTime, time, ranges, this.rememberMs + this.batchIntervalMs)
    }
    const inputs = this.inputs.map(i => i.inputInfo(time))
    for (const l of this.listeners) l.onBatchStarted?.(time, inputs)
    try {
      for (const op of this.outputs) {
        const rdd = await op.stream.getOrCompute(time)
        if (rdd !== undefined) await op.fn(rdd, time)
        if (this.batchAbort.signal.aborted) throw this.batchAbort.signal.reason
      }
    } catch (err) {
      this.log(`batch ${time} failed: ${err instanceof Error ? err.message : String(err)}`)
      throw err
    }
    await this.checkpoint?.complete(time)
    for (const i of this.inputs) await i.afterBatch(time)
    const endTime = this.clock.now()
    const info: BatchInfo = {
      batchTime: time,
      inputs,
      numRecords: inputs.reduce((n, i) => n + i.numRecords, 0),
      recovered,
      processingStartTime: startTime,
      processingEndTime: endTime,
      schedulingDelayMs: Math.max(0, startTime - time),
      processingDelayMs: endTime - startTime,
      totalDelayMs: Math.max(0, endTime - time)
    }
    this.log(formatBatchLine(info))
    for (const i of this.inputs) i.onBatchCompleted(info)
    for (const l of this.listeners) l.onBatchCompleted?.(info)
    const horizon = time - this.rememberMs
    for (const c of this.caches) c.forgetBefore(horizon)
    for (const i of this.inputs) i.forgetBefore(horizon)
  }

  private async closeInputs (): Promise<void> {
    for (const i of this.inputs) await i.close().catch((err: unknown) => { this.log(`closing input ${i.id}: ${String(err)}`) })
  }

  private assertNotStarted (what: string): void {
    if (this.state !== 'initialized') throw new StreamingStateError(`cannot ${what} after the streaming context has started`)
  }
}
