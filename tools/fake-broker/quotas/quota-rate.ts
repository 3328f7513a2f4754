// A byte rate measured the way Kafka's quota sensors measure it (org.apache.kafka.common.metrics.stats.Rate over
// a WindowedSum, SampledStat): `samples` windows of `windowMs` each (quota.window.num 11 and
// quota.window.size.seconds 1 by default), the oldest reused when a new one starts, a window forgotten once no
// value landed in it for samples × windowMs. The rate is the sum of the windows over the elapsed time, and the
// elapsed time is never taken as less than samples - 1 full windows, so a burst right after a quiet spell is
// spread over ten seconds, not measured over the few milliseconds it took. Time is passed in (epoch ms), never
// read here, so tests drive it.

export interface RateWindowConfig {
  /** quota.window.num: how many windows the rate spans. */
  readonly samples: number
  /** quota.window.size.seconds × 1000. */
  readonly windowMs: number
}

export const KAFKA_QUOTA_WINDOWS: RateWindowConfig = Object.freeze({ samples: 11, windowMs: 1000 })

interface Sample {
  startMs: number
  lastEventMs: number
  value: number
}

export class WindowedRate {
  /** One more than `samples`: the window being filled may overlap the oldest one still counted (SampledStat). */
  private readonly windows: Sample[] = []
  private current = 0

  constructor (private readonly config: RateWindowConfig = KAFKA_QUOTA_WINDOWS) {}

  /** Adds `value` (bytes; negative to take back what was recorded, as Kafka's unrecordQuotaSensor does). */
  record (value: number, nowMs: number): void {
    let sample = this.currentSample(nowMs)
    if (nowMs - sample.startMs >= this.config.windowMs) sample = this.advance(nowMs)
    sample.value += value
    sample.lastEventMs = nowMs
  }

  /** Units per second over the retained windows (Rate.measure). */
  measure (nowMs: number): number {
    this.purge(nowMs)
    let total = 0
    for (const s of this.windows) total += s.value
    return total / (this.windowSizeMs(nowMs) / 1000)
  }

  /**
   * The time the rate is taken over (Rate.windowSize): from the start of the oldest retained window to now, but at
   * least samples - 1 full windows plus what has passed of the current one, and at least 1 ms.
   */
  windowSizeMs (nowMs: number): number {
    this.purge(nowMs)
    let elapsed = nowMs - this.oldest(nowMs).startMs
    const fullWindows = Math.floor(elapsed / this.config.windowMs)
    const minFull = this.config.samples - 1
    if (fullWindows < minFull) elapsed += (minFull - fullWindows) * this.config.windowMs
    return Math.max(elapsed, 1)
  }

  private currentSample (nowMs: number): Sample {
    if (this.windows.length === 0) this.windows.push({ startMs: nowMs, lastEventMs: nowMs, value: 0 })
    return this.windows[this.current]
  }

  private advance (nowMs: number): Sample {
    this.current = (this.current + 1) % (this.config.samples + 1)
    if (this.current >= this.windows.length) {
      const s = { startMs: nowMs, lastEventMs: nowMs, value: 0 }
      this.windows.push(s)
      return s
    }
    const s = this.windows[this.current]
    reset(s, nowMs)
    return s
  }

  private oldest (nowMs: number): Sample {
    let oldest = this.currentSample(nowMs)
    for (const s of this.windows) if (s.startMs < oldest.startMs) oldest = s
    return oldest
  }

  /** Windows with no value for samples × windowMs start over at now (SampledStat.purgeObsoleteSamples). */
  private purge (nowMs: number): void {
    const expireMs = this.config.samples * this.config.windowMs
    for (const s of this.windows) if (nowMs - s.lastEventMs >= expireMs) reset(s, nowMs)
  }
}

function reset (s: Sample, nowMs: number): void {
  s.startMs = nowMs
  s.lastEventMs = nowMs
  s.value = 0
}

/**
 * Kafka's throttle time for an observed rate over its bound (QuotaUtils.throttleTime): the delay X that brings
 * the rate back to the bound if nothing more is recorded, O × W / (W + X) = T, so X = (O - T) / T × W, rounded.
 */
export function throttleTimeMs (observedRate: number, bound: number, windowSizeMs: number): number {
  return Math.round((observedRate - bound) / bound * windowSizeMs)
}
