// What a batch did, for listeners (Spark's StreamingListener / BatchInfo) and for the one log line per batch.
import type { OffsetRange } from './offset-range.js'

/** One input stream's part of a batch. */
export interface InputInfo {
  readonly streamId: number
  readonly offsetRanges: readonly OffsetRange[]
  /** Offsets covered by the ranges (what rate limits count). */
  readonly numRecords: number
  /** The stream-wide rate limit in force for this batch, records/s; undefined when unlimited. */
  readonly rateLimit: number | undefined
  /** Offsets left behind the latest offsets after this batch's ranges. */
  readonly lag: bigint
}

export interface BatchInfo {
  readonly batchTime: number
  readonly inputs: readonly InputInfo[]
  readonly numRecords: number
  /** Whether this batch re-ran after a restart with the ranges recorded in the checkpoint. */
  readonly recovered: boolean
  readonly processingStartTime: number
  readonly processingEndTime: number
  /** processingStartTime − batchTime: how long the batch waited (an overrunning predecessor delays it). */
  readonly schedulingDelayMs: number
  readonly processingDelayMs: number
  readonly totalDelayMs: number
}

export interface StreamingListener {
  onBatchStarted? (batchTime: number, inputs: readonly InputInfo[]): void
  onBatchCompleted? (info: BatchInfo): void
}

/** The compact log line: `batch 1700000000000 records=1200 ranges=4 sched=2ms proc=35ms total=37ms rate=unlimited lag=0`. */
export function formatBatchLine (info: BatchInfo): string {
  const ranges = info.inputs.reduce((n, i) => n + i.offsetRanges.length, 0)
  const limits = info.inputs.map(i => i.rateLimit === undefined ? 'unlimited' : `${Math.round(i.rateLimit)}/s`)
  const lag = info.inputs.reduce((n, i) => n + i.lag, 0n)
  return `batch ${info.batchTime}${info.recovered ? ' (recovered)' : ''} records=${info.numRecords} ranges=${ranges} ` +
    `sched=${info.schedulingDelayMs}ms proc=${info.processingDelayMs}ms total=${info.totalDelayMs}ms ` +
    `rate=${limits.length === 0 ? 'none' : limits.join(',')} lag=${lag}`
}
