// One batch partition's work, self-contained: an offset range in, that range's handled records out. It takes
// nothing from the batch around it but the source to read from, so it could run in a worker thread or another
// process unchanged (Spark's KafkaRDD.compute, one per partition).
import { formatRange, type OffsetRange } from './offset-range.js'
import { logStartOffsetOf, type OffsetSource, type SourceRecord } from './offset-source.js'
import { DataLossError, deletedDetail } from './errors.js'
import { CorruptRecordError } from '../protocol/errors.js'
import type { KafkaRecord } from '../protocol/records/index.js'
import { FetchedRecord } from './fetched-record.js'

export type MessageHandler<T> = (record: SourceRecord) => T

export interface PartitionTaskOptions {
  /** Fail when part of the range was deleted before it was read (default true); otherwise skip the lost part. */
  failOnDataLoss: boolean
  log?: (line: string) => void
  signal?: AbortSignal
}

export interface PartitionTaskResult<T> {
  readonly range: OffsetRange
  readonly values: T[]
  /** Offsets that were lost to retention and skipped (only with failOnDataLoss: false). */
  readonly skipped: bigint
}

export async function runPartitionTask<T> (
  source: OffsetSource, range: OffsetRange, handler: MessageHandler<T>, opts: PartitionTaskOptions
): Promise<PartitionTaskResult<T>> {
  const values: T[] = []
  if (range.untilOffset <= range.fromOffset) return { range, values, skipped: 0n }
  let from = range.fromOffset
  let skipped = 0n
  // At most two attempts: a data-loss retry restarts at the log start the broker reported, which only moves up.
  for (let attempt = 0; ; attempt++) {
    try {
      await readInto(source, { ...range, fromOffset: from }, handler, values, opts.signal)
      return { range, values, skipped }
    } catch (err) {
      const logStart = logStartOffsetOf(err)
      if (logStart === undefined || logStart <= from || attempt > 0) throw err
      if (opts.failOnDataLoss) throw new DataLossError(range, deletedDetail(range, logStart), { cause: err })
      const next = logStart < range.untilOffset ? logStart : range.untilOffset
      skipped += next - from
      opts.log?.(`data loss: ${formatRange(range)}: skipped offsets ${from}..${next} (deleted before they were read)`)
      from = next
      values.length = 0
      if (from >= range.untilOffset) return { range, values, skipped }
    }
  }
}

async function readInto<T> (source: OffsetSource, range: OffsetRange, handler: MessageHandler<T>, out: T[], signal?: AbortSignal): Promise<void> {
  const check = offsetChecker(range)
  // The handler runs here, as each response arrives, and only its values are kept: the fetched records (and the
  // views over them) die young, so a batch holds one value per record rather than records plus values.
  if (source.fetchRecords !== undefined) {
    for await (const chunk of source.fetchRecords(range, signal)) {
      if (signal?.aborted === true) throw signal.reason
      for (let i = 0; i < chunk.length; i++) {
        const r = chunk[i] as KafkaRecord
        check(r.offset)
        out.push(handler(new FetchedRecord(range.topic, range.partition, r)))
      }
    }
    return
  }
  for await (const chunk of source.fetchRange(range, signal)) {
    if (signal?.aborted === true) throw signal.reason
    for (let i = 0; i < chunk.length; i++) {
      const r = chunk[i] as SourceRecord
      check(r.offset)
      out.push(handler(r))
    }
  }
}

/**
 * "Exactly the records in each range": a source that returns records outside the range or out of order would
 * break exactly-once, so it is an error here rather than a silent filter.
 */
function offsetChecker (range: OffsetRange): (offset: bigint) => void {
  let expectedAbove = range.fromOffset - 1n
  const until = range.untilOffset
  return offset => {
    if (offset <= expectedAbove || offset >= until) {
      throw new CorruptRecordError(range.topic, range.partition, offset, `source returned an offset out of order or outside the range ${range.fromOffset}..${range.untilOffset}`)
    }
    expectedAbove = offset
  }
}

/** Runs fn over items with at most `concurrency` in flight; results keep the input order. Fails on the first error. */
export async function mapBounded<A, B> (items: readonly A[], concurrency: number, fn: (item: A, index: number) => Promise<B>): Promise<B[]> {
  const results = new Array<B>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as A, i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return results
}
