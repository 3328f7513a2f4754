// A DStream is a sequence of datasets, one per batch time, defined by how it derives from its parents: Spark
// Streaming's model. getOrCompute(time) builds (once, then caches) the dataset for a batch; output operations
// (foreachRDD, print) are what make batches run. Streams with a slide longer than the batch interval (windows) have
// a dataset only at multiples of their slide after the context's zero time.
import { ConfigError } from '../protocol/errors.js'
import type { StreamingContext } from './context.js'
import { RDD } from './rdd.js'

export abstract class DStream<T> {
  private readonly cache = new Map<number, Promise<RDD<T> | undefined>>()

  constructor (readonly ctx: StreamingContext, readonly slideMs: number = ctx.batchIntervalMs) {
    ctx.registerCache(this)
  }

  /** Builds this stream's dataset for a valid batch time. */
  protected abstract compute (time: number): Promise<RDD<T> | undefined>

  isValidTime (time: number): boolean {
    return time > this.ctx.zeroTime && (time - this.ctx.zeroTime) % this.slideMs === 0
  }

  getOrCompute (time: number): Promise<RDD<T> | undefined> {
    if (!this.isValidTime(time)) return Promise.resolve(undefined)
    let p = this.cache.get(time)
    if (p === undefined) {
      p = this.compute(time)
      this.cache.set(time, p)
      // A failed batch must be computable again (e.g. after a retry); do not cache the failure.
      p.catch(() => { if (this.cache.get(time) === p) this.cache.delete(time) })
    }
    return p
  }

  /** Whether the dataset for `time` is in memory (used by the incremental window to find its previous value). */
  isCached (time: number): boolean { return this.cache.has(time) }

  forgetBefore (time: number): void {
    for (const t of this.cache.keys()) if (t <= time) this.cache.delete(t)
  }

  // ---- transformations ----

  /** The general form: any dataset-to-dataset function, given the batch time (Spark's transform). */
  transform<U> (fn: (rdd: RDD<T>, time: number) => RDD<U> | Promise<RDD<U>>): DStream<U> {
    return new TransformedDStream(this, fn)
  }

  map<U> (fn: (value: T) => U): DStream<U> { return this.transform(rdd => rdd.map(fn)) }
  flatMap<U> (fn: (value: T) => Iterable<U>): DStream<U> { return this.transform(rdd => rdd.flatMap(fn)) }
  filter (fn: (value: T) => boolean): DStream<T> { return this.transform(rdd => rdd.filter(fn)) }
  mapPartitions<U> (fn: (values: readonly T[], index: number) => Iterable<U>): DStream<U> { return this.transform(rdd => rdd.mapPartitions(fn)) }

  reduceByKey<K, V> (this: DStream<readonly [K, V]>, fn: (a: V, b: V) => V): DStream<[K, V]> {
    return this.transform(rdd => rdd.reduceByKey(fn))
  }

  countByValue (): DStream<[T, number]> { return this.transform(rdd => rdd.countByValue()) }

  /** One value per batch: the number of elements (0 for an empty batch). */
  count (): DStream<number> { return this.transform(rdd => new RDD([[rdd.count()]])) }

  union (...others: Array<DStream<T>>): DStream<T> { return new UnionDStream([this, ...others]) }

  /** The union of the last windowMs of batches, every slideMs (both multiples of this stream's slide). */
  window (windowMs: number, slideMs: number = this.slideMs): DStream<T> {
    return new WindowedDStream(this, windowMs, slideMs)
  }

  /**
   * reduceByKey over a sliding window. With `inverse` (Spark's "inverse function" form) each window is computed
   * incrementally from the previous one: add the batches entering, `inverse`-subtract the ones leaving. That needs
   * `fn` invertible by `inverse`; keys whose value returns to the neutral element stay unless `filter` drops them.
   */
  reduceByKeyAndWindow<K, V> (
    this: DStream<readonly [K, V]>, fn: (a: V, b: V) => V, windowMs: number,
    opts: { slideMs?: number; inverse?: (a: V, b: V) => V; filter?: (kv: [K, V]) => boolean } = {}
  ): DStream<[K, V]> {
    const slideMs = opts.slideMs ?? this.slideMs
    if (opts.inverse === undefined) {
      const reduced = this.window(windowMs, slideMs).reduceByKey(fn)
      return opts.filter === undefined ? reduced : reduced.filter(opts.filter)
    }
    return new ReducedWindowedDStream(this, fn, opts.inverse, windowMs, slideMs, opts.filter)
  }

  // ---- output operations ----

  foreachRDD (fn: (rdd: RDD<T>, time: number) => void | Promise<void>): void {
    this.ctx.registerOutput({ stream: this as DStream<unknown>, fn: fn as (rdd: RDD<unknown>, time: number) => void | Promise<void> })
  }

  /** Prints the first `n` elements of every batch, in Spark's format. */
  print (n = 10): void {
    this.foreachRDD((rdd, time) => {
      const first = rdd.take(n + 1)
      const lines = first.slice(0, n).map(v => formatValue(v))
      if (first.length > n) lines.push('...')
      this.ctx.out(`-------------------------------------------\nTime: ${time} ms\n-------------------------------------------\n${lines.map(l => l + '\n').join('')}\n`)
    })
  }
}

function formatValue (v: unknown): string {
  if (Array.isArray(v)) return `(${v.map(formatValue).join(',')})`
  if (typeof v === 'bigint') return v.toString()
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
}

class TransformedDStream<T, U> extends DStream<U> {
  constructor (private readonly parent: DStream<T>, private readonly fn: (rdd: RDD<T>, time: number) => RDD<U> | Promise<RDD<U>>) {
    super(parent.ctx, parent.slideMs)
  }

  protected async compute (time: number): Promise<RDD<U> | undefined> {
    const rdd = await this.parent.getOrCompute(time)
    return rdd === undefined ? undefined : await this.fn(rdd, time)
  }
}

class UnionDStream<T> extends DStream<T> {
  constructor (private readonly parents: Array<DStream<T>>) {
    super((parents[0] as DStream<T>).ctx, (parents[0] as DStream<T>).slideMs)
    for (const p of parents) {
      if (p.ctx !== this.ctx) throw new ConfigError('union', 'streams belong to different streaming contexts')
      if (p.slideMs !== this.slideMs) throw new ConfigError('union', `streams slide differently (${p.slideMs} vs ${this.slideMs} ms)`)
    }
  }

  protected async compute (time: number): Promise<RDD<T> | undefined> {
    const rdds = await Promise.all(this.parents.map(async p => await p.getOrCompute(time)))
    const present = rdds.filter((r): r is RDD<T> => r !== undefined)
    return present.length === 0 ? undefined : (present[0] as RDD<T>).union(...present.slice(1))
  }
}

function checkWindow (parent: DStream<unknown>, windowMs: number, slideMs: number): void {
  if (!(windowMs > 0) || windowMs % parent.slideMs !== 0) throw new ConfigError('windowMs', `must be a positive multiple of ${parent.slideMs} ms, got ${windowMs}`)
  if (!(slideMs > 0) || slideMs % parent.slideMs !== 0) throw new ConfigError('slideMs', `must be a positive multiple of ${parent.slideMs} ms, got ${slideMs}`)
}

/** The parent's datasets for batch times in (fromExclusive, toInclusive]. */
async function slice<T> (parent: DStream<T>, fromExclusive: number, toInclusive: number): Promise<Array<RDD<T>>> {
  const out: Array<RDD<T>> = []
  for (let t = toInclusive; t > fromExclusive && t > parent.ctx.zeroTime; t -= parent.slideMs) {
    const rdd = await parent.getOrCompute(t)
    // A batch's dataset is read by every window that covers it: materialize it once (Spark persists a windowed
    // stream's parent for the same reason), so the lazy chain behind it (rdd.ts) does not re-run per window.
    if (rdd !== undefined) out.unshift(materialized(rdd))
  }
  return out
}

function materialized<T> (rdd: RDD<T>): RDD<T> {
  void rdd.partitions
  return rdd
}

class WindowedDStream<T> extends DStream<T> {
  constructor (private readonly parent: DStream<T>, private readonly windowMs: number, slideMs: number) {
    checkWindow(parent as DStream<unknown>, windowMs, slideMs)
    super(parent.ctx, slideMs)
    parent.ctx.remember(windowMs + slideMs)
  }

  protected async compute (time: number): Promise<RDD<T> | undefined> {
    const rdds = await slice(this.parent, time - this.windowMs, time)
    return rdds.length === 0 ? RDD.empty<T>() : (rdds[0] as RDD<T>).union(...rdds.slice(1))
  }
}

class ReducedWindowedDStream<K, V> extends DStream<[K, V]> {
  constructor (
    private readonly parent: DStream<readonly [K, V]>,
    private readonly fn: (a: V, b: V) => V,
    private readonly inverse: (a: V, b: V) => V,
    private readonly windowMs: number,
    slideMs: number,
    private readonly keep?: (kv: [K, V]) => boolean
  ) {
    checkWindow(parent as DStream<unknown>, windowMs, slideMs)
    super(parent.ctx, slideMs)
    parent.ctx.remember(windowMs + slideMs)
  }

  protected async compute (time: number): Promise<RDD<[K, V]> | undefined> {
    const prevTime = time - this.slideMs
    let acc: Map<K, V>
    // Incremental when the previous window is at hand; otherwise (the first window, or after a restart, when only
    // the checkpointed ranges survive) the full reduction over the window, which gives the same result.
    if (prevTime > this.ctx.zeroTime && this.isCached(prevTime)) {
      const prev = await this.getOrCompute(prevTime)
      acc = new Map(prev?.collect() ?? [])
      const leaving = reduce(await slice(this.parent, prevTime - this.windowMs, time - this.windowMs), this.fn)
      const entering = reduce(await slice(this.parent, prevTime, time), this.fn)
      for (const [k, v] of leaving) {
        const cur = acc.get(k)
        if (cur !== undefined || acc.has(k)) acc.set(k, this.inverse(cur as V, v))
      }
      for (const [k, v] of entering) acc.set(k, acc.has(k) ? this.fn(acc.get(k) as V, v) : v)
    } else {
      acc = reduce(await slice(this.parent, time - this.windowMs, time), this.fn)
    }
    let entries = [...acc]
    if (this.keep !== undefined) entries = entries.filter(this.keep)
    return new RDD([entries])
  }
}

function reduce<K, V> (rdds: Array<RDD<readonly [K, V]>>, fn: (a: V, b: V) => V): Map<K, V> {
  const acc = new Map<K, V>()
  for (const rdd of rdds) rdd.foreach(([k, v]) => { acc.set(k, acc.has(k) ? fn(acc.get(k) as V, v) : v) })
  return acc
}
