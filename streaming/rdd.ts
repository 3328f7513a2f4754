// A batch's dataset: values split in partitions, in memory. It plays the role of Spark's RDD for one batch: the
// direct stream's own dataset has one partition per Kafka partition (KafkaRDD, which also knows its offset ranges),
// and operations derive new datasets from it. Operations are eager: a batch is small enough to hold, and eager
// evaluation keeps failures at the operation that caused them.
import { offsetRange, type HasOffsetRanges, type OffsetRange } from './offset-range.js'
import { resolveKafkaParams, type KafkaParams } from './kafka-params.js'
import { keyValueStrings, type KeyValue } from './message-handlers.js'
import type { OffsetSource } from './offset-source.js'
import { mapBounded, runPartitionTask, type MessageHandler } from './partition-task.js'
import { openSource } from './source-factory.js'

export class RDD<T> {
  constructor (readonly partitions: ReadonlyArray<readonly T[]>) {}

  static empty<T> (): RDD<T> { return new RDD<T>([]) }

  map<U> (fn: (value: T) => U): RDD<U> {
    return new RDD(this.partitions.map(p => p.map(v => fn(v))))
  }

  flatMap<U> (fn: (value: T) => Iterable<U>): RDD<U> {
    return new RDD(this.partitions.map(p => {
      const out: U[] = []
      for (const v of p) for (const u of fn(v)) out.push(u)
      return out
    }))
  }

  filter (fn: (value: T) => boolean): RDD<T> {
    return new RDD(this.partitions.map(p => p.filter(v => fn(v))))
  }

  /** fn sees a whole partition at once, with its index (for a KafkaRDD, index i reads offsetRanges[i]). */
  mapPartitions<U> (fn: (values: readonly T[], index: number) => Iterable<U>): RDD<U> {
    return new RDD(this.partitions.map((p, i) => Array.from(fn(p, i))))
  }

  /**
   * Combines the values of each key with `fn` (associative and commutative, as in Spark). Keys are compared as Map
   * keys: strings and numbers by value, objects by identity. The result is one partition, in first-seen key order.
   */
  reduceByKey<K, V> (this: RDD<readonly [K, V]>, fn: (a: V, b: V) => V): RDD<[K, V]> {
    const acc = new Map<K, V>()
    for (const p of this.partitions) {
      for (const [k, v] of p) {
        const prev = acc.get(k)
        acc.set(k, prev === undefined && !acc.has(k) ? v : fn(prev as V, v))
      }
    }
    return new RDD([[...acc]])
  }

  countByValue (): RDD<[T, number]> {
    const acc = new Map<T, number>()
    for (const p of this.partitions) for (const v of p) acc.set(v, (acc.get(v) ?? 0) + 1)
    return new RDD([[...acc]])
  }

  count (): number {
    let n = 0
    for (const p of this.partitions) n += p.length
    return n
  }

  isEmpty (): boolean { return this.count() === 0 }

  collect (): T[] {
    const out: T[] = []
    for (const p of this.partitions) for (const v of p) out.push(v)
    return out
  }

  take (n: number): T[] {
    const out: T[] = []
    for (const p of this.partitions) {
      for (const v of p) {
        if (out.length >= n) return out
        out.push(v)
      }
    }
    return out
  }

  /** Concatenates partitions, as Spark's union does (no shuffle, no de-duplication). */
  union (...others: Array<RDD<T>>): RDD<T> {
    return new RDD([...this.partitions, ...others.flatMap(o => o.partitions)])
  }
}

/** The direct stream's dataset for one batch: partition i holds the records of offsetRanges[i]. */
export class KafkaRDD<T> extends RDD<T> implements HasOffsetRanges {
  constructor (partitions: ReadonlyArray<readonly T[]>, readonly offsetRanges: readonly OffsetRange[]) {
    super(partitions)
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
    const results = await mapBounded(offsetRanges, options.maxConcurrentTasks ?? 16, async r => await runPartitionTask(source, r, handler, opts))
    return new KafkaRDD(results.map(r => r.values), [...offsetRanges])
  } finally {
    if (options.source === undefined) await source.close()
  }
}
