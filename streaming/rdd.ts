// A batch's dataset: values split in partitions. It plays the role of Spark's RDD for one batch: the direct stream's
// own dataset has one partition per Kafka partition (KafkaRDD, which also knows its offset ranges), and operations
// derive new datasets from it.
//
// Narrow transformations (map, filter, flatMap, mapPartitions, union) are lazy, as in Spark: each describes how to
// compute a partition from its parent's, and an action (count, take, collect, foreach) pulls every element of a
// partition through the whole chain in one pass. So `kafkaRdd.map(f).count()` allocates no array per operation and
// stores nothing: values go from the batch's partitions through `f` straight into the count. Only what
// needs all values at once materializes: `partitions` and collect() (cached, so user functions run once for them),
// mapPartitions' input, and the shuffles (reduceByKey, countByValue), which are computed when called.
//
// As in Spark, a lazy chain is re-run by each action that is not served from a materialized parent, so functions
// passed to transformations should be pure; and an error thrown by one surfaces at the action that ran it.
import { offsetRange, type HasOffsetRanges, type OffsetRange } from './offset-range.js'
import { resolveKafkaParams, type KafkaParams } from './kafka-params.js'
import { keyValueStrings, type KeyValue } from './message-handlers.js'
import type { OffsetSource } from './offset-source.js'
import { mapBounded, readPartition, type MessageHandler, type PartitionFeed } from './partition-task.js'
import { openSource } from './source-factory.js'

/** Takes one element; returns false to stop the partition early (take). */
type Sink<T> = (value: T) => boolean

/**
 * @internal How a lazy dataset computes partition `index`: feed each element to `sink` in order, stopping when it
 * returns false. Returns false when stopped early.
 */
export interface LazyPartitions<T> {
  readonly count: number
  readonly feed: (index: number, sink: Sink<T>) => boolean
}

export class RDD<T> {
  private materialized: ReadonlyArray<readonly T[]> | undefined
  private readonly lazy: LazyPartitions<T> | undefined

  /** A dataset over values already in memory. (`lazy` is internal: how derived datasets are built.) */
  constructor (partitions: ReadonlyArray<readonly T[]>, lazy?: LazyPartitions<T>) {
    if (lazy === undefined) this.materialized = partitions
    this.lazy = lazy
  }

  static empty<T> (): RDD<T> { return new RDD<T>([]) }

  /** Each partition's values as an array, computed on first use and then kept (user functions run once for it). */
  get partitions (): ReadonlyArray<readonly T[]> {
    if (this.materialized === undefined) {
      const out: T[][] = []
      for (let i = 0; i < this.numPartitions; i++) out.push(this.partitionArray(i))
      this.materialized = out
    }
    return this.materialized
  }

  get numPartitions (): number { return this.materialized?.length ?? (this.lazy as LazyPartitions<T>).count }

  map<U> (fn: (value: T) => U): RDD<U> {
    return this.derive((i, sink) => this.feed(i, v => sink(fn(v))))
  }

  flatMap<U> (fn: (value: T) => Iterable<U>): RDD<U> {
    return this.derive((i, sink) => this.feed(i, v => {
      for (const u of fn(v)) if (!sink(u)) return false
      return true
    }))
  }

  filter (fn: (value: T) => boolean): RDD<T> {
    return this.derive((i, sink) => this.feed(i, v => fn(v) ? sink(v) : true))
  }

  /**
   * fn sees a whole partition at once, with its index (for a KafkaRDD, index i reads offsetRanges[i]). The input
   * partition is an array by this signature, so it is materialized (without caching) unless it already is.
   */
  mapPartitions<U> (fn: (values: readonly T[], index: number) => Iterable<U>): RDD<U> {
    return this.derive((i, sink) => {
      for (const u of fn(this.materialized?.[i] ?? this.partitionArray(i), i)) if (!sink(u)) return false
      return true
    })
  }

  /**
   * Combines the values of each key with `fn` (associative and commutative, as in Spark). Keys are compared as Map
   * keys: strings and numbers by value, objects by identity. The result is one partition, in first-seen key order.
   */
  reduceByKey<K, V> (this: RDD<readonly [K, V]>, fn: (a: V, b: V) => V): RDD<[K, V]> {
    const acc = new Map<K, V>()
    this.foreach(([k, v]) => {
      const prev = acc.get(k)
      acc.set(k, prev === undefined && !acc.has(k) ? v : fn(prev as V, v))
    })
    return new RDD([[...acc]])
  }

  countByValue (): RDD<[T, number]> {
    const acc = new Map<T, number>()
    this.foreach(v => { acc.set(v, (acc.get(v) ?? 0) + 1) })
    return new RDD([[...acc]])
  }

  count (): number {
    const m = this.materialized
    if (m !== undefined) {
      let n = 0
      for (const p of m) n += p.length
      return n
    }
    let n = 0
    const counter: Sink<T> = () => { n++; return true }
    for (let i = 0; i < this.numPartitions; i++) this.feed(i, counter)
    return n
  }

  isEmpty (): boolean { return this.take(1).length === 0 }

  /** Runs fn on every value, partition by partition, without storing them (Spark's foreach action). */
  foreach (fn: (value: T) => void): void {
    const sink: Sink<T> = v => { fn(v); return true }
    for (let i = 0; i < this.numPartitions; i++) this.feed(i, sink)
  }

  collect (): T[] {
    const out: T[] = []
    for (const p of this.partitions) for (const v of p) out.push(v)
    return out
  }

  take (n: number): T[] {
    const out: T[] = []
    if (!(n > 0)) return out
    const sink: Sink<T> = v => { out.push(v); return out.length < n }
    for (let i = 0; i < this.numPartitions && out.length < n; i++) this.feed(i, sink)
    return out
  }

  /** Concatenates partitions, as Spark's union does (no shuffle, no de-duplication). */
  union (...others: Array<RDD<T>>): RDD<T> {
    const parts: Array<[RDD<T>, number]> = []
    for (const rdd of [this, ...others]) for (let i = 0; i < rdd.numPartitions; i++) parts.push([rdd, i])
    return new RDD<T>([], {
      count: parts.length,
      feed: (i, sink) => {
        const [rdd, j] = parts[i] as [RDD<T>, number]
        return rdd.feed(j, sink)
      }
    })
  }

  /** Feeds partition i through sink: from memory when materialized, else through the lazy chain. */
  private feed (index: number, sink: Sink<T>): boolean {
    const m = this.materialized
    if (m === undefined) return (this.lazy as LazyPartitions<T>).feed(index, sink)
    const p = m[index] as readonly T[]
    for (let k = 0; k < p.length; k++) if (!sink(p[k] as T)) return false
    return true
  }

  private derive<U> (feed: (index: number, sink: Sink<U>) => boolean): RDD<U> {
    return new RDD<U>([], { count: this.numPartitions, feed })
  }

  private partitionArray (index: number): T[] {
    const out: T[] = []
    this.feed(index, v => { out.push(v); return true })
    return out
  }
}

/**
 * The direct stream's dataset for one batch: partition i holds the (handled) records of offsetRanges[i]. Built by
 * the stream from its partition tasks (`lazy`, internal), it holds their fetched bytes and decodes and handles the
 * records each time an action pulls a partition (partition-task.ts, readPartition), as Spark's KafkaRDD computes
 * its partitions per action; so the message handler, like any transformation, should be pure.
 */
export class KafkaRDD<T> extends RDD<T> implements HasOffsetRanges {
  constructor (partitions: ReadonlyArray<readonly T[]>, readonly offsetRanges: readonly OffsetRange[], lazy?: LazyPartitions<T>) {
    super(partitions, lazy)
  }

  /** @internal The dataset over partition tasks' results, partition i being feeds[i]. */
  static fromFeeds<T> (feeds: ReadonlyArray<PartitionFeed<T>>, offsetRanges: readonly OffsetRange[]): KafkaRDD<T> {
    return new KafkaRDD<T>([], offsetRanges, { count: feeds.length, feed: (i, sink) => (feeds[i] as PartitionFeed<T>).feed(sink) })
  }
}

export interface CreateRddOptions<T> {
  messageHandler?: MessageHandler<T>
  source?: OffsetSource
  maxConcurrentTasks?: number
  failOnDataLoss?: boolean
}

/**
 * Spark's KafkaUtils.createRDD: the direct stream's reading as a one-off batch job over given ranges. One partition
 * per range, read in parallel with bounded concurrency. `ctx` may be undefined for use outside a streaming job; it
 * only supplies the log.
 */
export async function createRDD<T = KeyValue> (
  ctx: { log: (line: string) => void } | undefined, kafkaParams: KafkaParams, offsetRanges: readonly OffsetRange[], options: CreateRddOptions<T> = {}
): Promise<KafkaRDD<T>> {
  const params = resolveKafkaParams(kafkaParams)
  for (const r of offsetRanges) offsetRange(r.topic, r.partition, r.fromOffset, r.untilOffset) // validates
  const source = options.source ?? await openSource(params)
  try {
    const handler = options.messageHandler ?? (keyValueStrings as unknown as MessageHandler<T>)
    const opts = { failOnDataLoss: options.failOnDataLoss ?? true, log: ctx?.log }
    const results = await mapBounded(offsetRanges, options.maxConcurrentTasks ?? 16, async r => await readPartition(source, r, handler, opts))
    return KafkaRDD.fromFeeds(results, [...offsetRanges])
  } finally {
    if (options.source === undefined) await source.close()
  }
}
