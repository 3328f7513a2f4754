// Backpressure's rate estimator, with the semantics of Spark Streaming's PIDRateEstimator
// (streaming/scheduler/rate/PIDRateEstimator.scala): a proportional-integral-derivative controller whose set point is
// "process each batch within its interval". Its input is the last batch's size and delays; its output is the
// ingestion rate (records/s) the stream should allow next.
//
//   processingRate  = n / processingDelay × 1000                 (records/s this batch achieved)
//   error           = latestRate − processingRate                 (how far the last limit overshot)
//   historicalError = schedulingDelay × processingRate / B         (backlog, as a rate: records waiting per interval)
//   dError          = (error − latestError) / ((time − latestTime) / 1000)
//   newRate         = max(latestRate − kp·error − ki·historicalError − kd·dError, minRate)
//
// The first valid batch only seeds latestRate with its processing rate (there is no previous error to correct);
// batches that processed no records or took no time, or that are not newer than the last one, are skipped.
import { ConfigError } from '../../protocol/errors.js'

export interface PidRateEstimatorOptions {
  /** The batch interval B, ms. */
  batchIntervalMs: number
  /** kp, spark.streaming.backpressure.pid.proportional (default 1.0). */
  proportional?: number
  /** ki, spark.streaming.backpressure.pid.integral (default 0.2). */
  integral?: number
  /** kd, spark.streaming.backpressure.pid.derived (default 0.0). */
  derivative?: number
  /** Floor of the estimate, records/s, spark.streaming.backpressure.pid.minRate (default 100). */
  minRate?: number
}

export class PidRateEstimator {
  readonly batchIntervalMs: number
  readonly proportional: number
  readonly integral: number
  readonly derivative: number
  readonly minRate: number
  private firstRun = true
  private latestTime = -1
  private latestRate = -1
  private latestError = -1

  constructor (opts: PidRateEstimatorOptions) {
    this.batchIntervalMs = opts.batchIntervalMs
    this.proportional = opts.proportional ?? 1.0
    this.integral = opts.integral ?? 0.2
    this.derivative = opts.derivative ?? 0.0
    this.minRate = opts.minRate ?? 100
    // Spark's require()s: gains are non-negative and the floor is positive (a zero floor could stall the stream).
    if (!(this.batchIntervalMs > 0)) throw new ConfigError('batchIntervalMs', `must be > 0, got ${this.batchIntervalMs}`)
    if (!(this.proportional >= 0)) throw new ConfigError('spark.streaming.backpressure.pid.proportional', `must be >= 0, got ${this.proportional}`)
    if (!(this.integral >= 0)) throw new ConfigError('spark.streaming.backpressure.pid.integral', `must be >= 0, got ${this.integral}`)
    if (!(this.derivative >= 0)) throw new ConfigError('spark.streaming.backpressure.pid.derived', `must be >= 0, got ${this.derivative}`)
    if (!(this.minRate > 0)) throw new ConfigError('spark.streaming.backpressure.pid.minRate', `must be > 0, got ${this.minRate}`)
  }

  /**
   * Feeds one completed batch; returns the new rate (records/s), or undefined when the batch only seeded the state
   * or was skipped.
   * @param timeMs when the batch finished processing (Spark passes processingEndTime)
   * @param numElements records the batch processed
   * @param processingDelayMs how long processing took
   * @param schedulingDelayMs how long the batch waited before it started
   */
  compute (timeMs: number, numElements: number, processingDelayMs: number, schedulingDelayMs: number): number | undefined {
    if (!(timeMs > this.latestTime && numElements > 0 && processingDelayMs > 0)) return undefined
    const delaySinceUpdateS = (timeMs - this.latestTime) / 1000
    const processingRate = numElements / processingDelayMs * 1000
    const error = this.latestRate - processingRate
    const historicalError = schedulingDelayMs * processingRate / this.batchIntervalMs
    const dError = (error - this.latestError) / delaySinceUpdateS
    const newRate = Math.max(
      this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError,
      this.minRate)
    this.latestTime = timeMs
    if (this.firstRun) {
      this.latestRate = processingRate
      this.latestError = 0
      this.firstRun = false
      return undefined
    }
    this.latestRate = newRate
    this.latestError = error
    return newRate
  }
}
