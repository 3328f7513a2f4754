// One batch partition's work, self-contained: an offset range in, that range's handled records out. It takes
// nothing from the batch around it but the source to read from, so it could run in a worker thread or another
// process unchanged (Spark's KafkaRDD.compute, one per partition).
import { formatRange, type OffsetRange } from './offset-range.js'
import { logStartOffsetOf, type OffsetSource, type SourceRecord } from './offset-source.js'
import { DataLossError, deletedDetail } from './errors.js'
import { CorruptRecordError } from '../protocol/errors.js'
import { iterateRecords, type KafkaRecord } from '../protocol/records/index.js'
import type { RawRecords } from '../consumer/simple-consumer.js'
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
  const { skipped } = await readSkippingLoss(range, opts,
    from => readInto(source, { ...range, fromOffset: from }, handler, values, opts.signal),
    () => { values.length = 0 })
  return { range, values, skipped }
}

/**
 * Runs `read(from)` for a range, and when retention deleted its start (the error carries the log start offset the
 * broker reported) either fails with a DataLossError naming the lost range or, with failOnDataLoss: false, logs
 * what is skipped, calls `reset` to drop what was read, and reads once more from the log start. At most two
 * attempts: the log start only moves up. Returns where the last read started and how many offsets were skipped.
 */
async function readSkippingLoss (
  range: OffsetRange, opts: PartitionTaskOptions, read: (from: bigint) => Promise<void>, reset: () => void
): Promise<{ from: bigint, skipped: bigint }> {
  let from = range.fromOffset
  let skipped = 0n
  for (let attempt = 0; ; attempt++) {
    try {
      await read(from)
      return { from, skipped }
    } catch (err) {
      const logStart = logStartOffsetOf(err)
      if (logStart === undefined || logStart <= from || attempt > 0) throw err
      if (opts.failOnDataLoss) throw new DataLossError(range, deletedDetail(range, logStart), { cause: err })
      const next = logStart < range.untilOffset ? logStart : range.untilOffset
      skipped += next - from
      opts.log?.(`data loss: ${formatRange(range)}: skipped offsets ${from}..${next} (deleted before they were read)`)
      from = next
      reset()
      if (from >= range.untilOffset) return { from, skipped }
    }
  }
}

/**
 * @internal One batch partition as the stream's dataset holds it: `feed` hands each handled record of the range to
 * `sink` in offset order, stopping when it returns false (returns false then).
 */
export interface PartitionFeed<T> {
  readonly range: OffsetRange
  /** Offsets that were lost to retention and skipped (only with failOnDataLoss: false). */
  readonly skipped: bigint
  readonly feed: (sink: (value: T) => boolean) => boolean
}

/**
 * A partition's task as the stream runs it. With a source that has fetchRaw (the consumer's), the task keeps the
 * range's fetched bytes (CRC-checked as they arrive) and `feed` decodes them, checks offsets and applies the
 * handler each time an action pulls the partition, as Spark's KafkaRDD.compute runs per action. A batch is
 * fetched before user code runs (count() is synchronous), so keeping one handled value per record meant a batch's
 * worth of objects survived into the old generation; made during the action instead, they die young, and the
 * batch holds only bytes, fewer than its decoded records. Other sources get runPartitionTask's values.
 *
 * Fetch errors (data loss, out-of-range, a damaged batch) fail the task, as in runPartitionTask. The handler, and
 * the offset checks, run in the action, so their errors surface there, as any transformation's do (rdd.ts).
 */
export async function readPartition<T> (
  source: OffsetSource, range: OffsetRange, handler: MessageHandler<T>, opts: PartitionTaskOptions
): Promise<PartitionFeed<T>> {
  if (source.fetchRaw === undefined) {
    const { values, skipped } = await runPartitionTask(source, range, handler, opts)
    const feed = (sink: (value: T) => boolean): boolean => {
      for (let i = 0; i < values.length; i++) if (!sink(values[i] as T)) return false
      return true
    }
    return { range, skipped, feed }
  }
  const fetchRaw = source.fetchRaw.bind(source)
  const chunks: RawRecords[] = []
  if (range.untilOffset <= range.fromOffset) return { range, skipped: 0n, feed: sink => feedRaw(range, chunks, handler, sink) }
  const { from, skipped } = await readSkippingLoss(range, opts, async from => {
    for await (const raw of fetchRaw({ ...range, fromOffset: from }, opts.signal)) {
      if (opts.signal?.aborted === true) throw opts.signal.reason
      chunks.push(raw)
    }
  }, () => { chunks.length = 0 })
  const read = { ...range, fromOffset: from }
  return { range, skipped, feed: sink => feedRaw(read, chunks, handler, sink) }
}

/**
 * Decodes a partition's fetched responses: records from range.fromOffset (each response's options skip what lies
 * before its own fetch offset) up to untilOffset, where the last response's last batch may run on, so the range is
 * clipped here. What remains must still come in order, as from any source.
 */
function feedRaw<T> (range: OffsetRange, chunks: readonly RawRecords[], handler: MessageHandler<T>, sink: (value: T) => boolean): boolean {
  const { topic, partition, fromOffset, untilOffset } = range
  // Offsets compared as numbers when the range allows (real offsets are far below 2^53): magic-2 records give theirs
  // without a bigint (offsetNumber), and this runs once per record per action.
  if (fromOffset < 0n || untilOffset > MAX_SAFE) return feedRawBigint(range, chunks, handler, sink)
  const until = Number(untilOffset)
  let expectedAbove = Number(fromOffset) - 1
  for (let c = 0; c < chunks.length; c++) {
    const raw = chunks[c] as RawRecords
    const records = iterateRecords(raw.blob, raw.options)
    for (let r = records.next(); r.done !== true; r = records.next()) {
      const record = r.value
      const n = (record as { offsetNumber?: number }).offsetNumber
      // Beyond 2^53 a number may round, but only upward past `until`, so the clip below still holds.
      const offset = n !== undefined && Number.isSafeInteger(n) ? n : Number(record.offset)
      if (offset >= until) break
      if (offset <= expectedAbove) throw outOfRange(range, record.offset)
      expectedAbove = offset
      if (!sink(handler(new FetchedRecord(topic, partition, record)))) return false
    }
  }
  return true
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

function feedRawBigint<T> (range: OffsetRange, chunks: readonly RawRecords[], handler: MessageHandler<T>, sink: (value: T) => boolean): boolean {
  const check = offsetChecker(range)
  const { topic, partition, untilOffset } = range
  for (let c = 0; c < chunks.length; c++) {
    const raw = chunks[c] as RawRecords
    const records = iterateRecords(raw.blob, raw.options)
    for (let r = records.next(); r.done !== true; r = records.next()) {
      const record = r.value
      const offset = record.offset
      if (offset >= untilOffset) break
      check(offset)
      if (!sink(handler(new FetchedRecord(topic, partition, record)))) return false
    }
  }
  return true
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
    if (offset <= expectedAbove || offset >= until) throw outOfRange(range, offset)
    expectedAbove = offset
  }
}

function outOfRange (range: OffsetRange, offset: bigint): CorruptRecordError {
  return new CorruptRecordError(range.topic, range.partition, offset, `source returned an offset out of order or outside the range ${range.fromOffset}..${range.untilOffset}`)
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
