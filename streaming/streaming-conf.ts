// Spark's configuration names for rate limiting and backpressure, accepted as they are so Spark jobs' settings carry
// over (spark.streaming.kafka.*, spark.streaming.backpressure.*). Unknown spark.* keys are rejected by name rather
// than ignored: a typo in a rate limit should not quietly turn the limit off.
import { ConfigError } from '../protocol/errors.js'

export type StreamingConf = Readonly<Record<string, string | number | boolean>>

export interface ResolvedStreamingConf {
  /** records/s per partition; 0 = unlimited. */
  maxRatePerPartition: number
  /** records per batch floor when a limit applies (Spark's default 1). */
  minRatePerPartition: number
  backpressureEnabled: boolean
  /** records/s for the first batches of a backpressured stream, before the estimator has one; 0 = none. */
  initialRate: number
  pid: { proportional: number; integral: number; derivative: number; minRate: number }
  /** The receiver-based stream: records/s one receiver takes from Kafka; 0 = unlimited. */
  receiverMaxRate: number
  /** The receiver-based stream: write every received block to a write-ahead log first (needs a checkpoint dir). */
  receiverWriteAheadLog: boolean
}

const DEFAULTS: ResolvedStreamingConf = {
  maxRatePerPartition: 0,
  minRatePerPartition: 1,
  backpressureEnabled: false,
  initialRate: 0,
  pid: { proportional: 1.0, integral: 0.2, derivative: 0.0, minRate: 100 },
  receiverMaxRate: 0,
  receiverWriteAheadLog: false
}

export function resolveStreamingConf (conf: StreamingConf = {}): ResolvedStreamingConf {
  const out: ResolvedStreamingConf = { ...DEFAULTS, pid: { ...DEFAULTS.pid } }
  for (const [key, raw] of Object.entries(conf)) {
    switch (key) {
      case 'spark.streaming.kafka.maxRatePerPartition': out.maxRatePerPartition = num(key, raw, 0); break
      case 'spark.streaming.kafka.minRatePerPartition': out.minRatePerPartition = num(key, raw, 1); break
      case 'spark.streaming.backpressure.enabled': out.backpressureEnabled = bool(key, raw); break
      case 'spark.streaming.backpressure.initialRate': out.initialRate = num(key, raw, 0); break
      // Spark's RateEstimator.create knows one estimator, "pid", and it is the default: a job that names it
      // explicitly must start, and any other name must fail as Spark's IllegalArgumentException does.
      case 'spark.streaming.backpressure.rateEstimator':
        if (raw !== 'pid') throw new ConfigError(key, `unknown rate estimator ${JSON.stringify(raw)}; the only one (as in Spark) is "pid"`)
        break
      case 'spark.streaming.backpressure.pid.proportional': out.pid.proportional = num(key, raw, 0); break
      case 'spark.streaming.backpressure.pid.integral': out.pid.integral = num(key, raw, 0); break
      case 'spark.streaming.backpressure.pid.derived': out.pid.derivative = num(key, raw, 0); break
      case 'spark.streaming.backpressure.pid.minRate': out.pid.minRate = num(key, raw, Number.MIN_VALUE); break
      case 'spark.streaming.receiver.maxRate': out.receiverMaxRate = num(key, raw, 0); break
      case 'spark.streaming.receiver.writeAheadLog.enable': out.receiverWriteAheadLog = bool(key, raw); break
      default:
        throw new ConfigError(key, 'unknown streaming setting; known: spark.streaming.kafka.{max,min}RatePerPartition, ' +
          'spark.streaming.backpressure.{enabled,initialRate,rateEstimator}, spark.streaming.backpressure.pid.{proportional,integral,derived,minRate}, ' +
          'spark.streaming.receiver.{maxRate,writeAheadLog.enable}')
    }
  }
  return out
}

function num (key: string, raw: string | number | boolean, min: number): number {
  const n = typeof raw === 'number' ? raw : Number(raw)
  if (typeof raw === 'boolean' || !Number.isFinite(n) || n < min) throw new ConfigError(key, `must be a number >= ${min}, got ${String(raw)}`)
  return n
}

function bool (key: string, raw: string | number | boolean): boolean {
  if (raw === true || raw === 'true') return true
  if (raw === false || raw === 'false') return false
  throw new ConfigError(key, `must be true or false, got ${String(raw)}`)
}
