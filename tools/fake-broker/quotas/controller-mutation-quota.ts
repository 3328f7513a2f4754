import { KAFKA_QUOTA_WINDOWS, type RateWindowConfig } from './quota-rate.js'
import { QuotaEntities, type Tags } from './quota-entities.js'
import type { QuotaStore } from './quota-store.js'

// The controller mutation quota (KIP-599, controller_mutation_rate): partitions created or deleted per second, per
// (user, client id), enforced by the controller on CreateTopics, CreatePartitions and DeleteTopics. Kafka measures
// it with a token bucket (org.apache.kafka.common.metrics.stats.TokenBucket): it holds at most
// rate × controller.quota.window.num × controller.quota.window.size.seconds tokens (a burst of 11 s of the rate by
// default), fills at the rate, and each topic takes one token per partition it creates or deletes. The bucket may go
// below zero: a mutation is refused only when the bucket is already empty before it (so one large topic always
// goes through a full bucket). Then:
// - the strict mode (CreateTopics v6+, CreatePartitions v3+, DeleteTopics v5+) refuses the topic with
//   THROTTLING_QUOTA_EXCEEDED, and the rest of the request's topics too while the bucket stays empty;
// - the permissive mode (older versions, whose clients do not know that error) lets every mutation through.
// In both the response carries the time the bucket needs to come back to zero, round(-tokens / rate × 1000) ms at
// the last violation, less the time since, and the connection is muted for it (ControllerMutationQuotaManager).
// One controller enforces it for the whole cluster, so the fake keeps one bucket per entity, not one per broker.

/** A token bucket with Kafka's TokenBucket arithmetic; time is passed in (epoch ms). */
export class TokenBucket {
  // Kafka starts at 0 tokens at time 0: the first refill, at an epoch time, fills the bucket.
  private tokens = 0
  private lastUpdateMs = 0

  /** The tokens now, after refilling at `rate` per second up to `burst`. */
  measure (rate: number, burst: number, nowMs: number): number {
    this.refill(rate, burst, nowMs)
    return this.tokens
  }

  /** Takes `value` tokens (the bucket may go negative). */
  record (value: number, rate: number, burst: number, nowMs: number): void {
    this.refill(rate, burst, nowMs)
    this.tokens = Math.min(burst, this.tokens - value)
  }

  private refill (rate: number, burst: number, nowMs: number): void {
    this.tokens = Math.min(burst, this.tokens + rate * (nowMs - this.lastUpdateMs) / 1000)
    this.lastUpdateMs = nowMs
  }
}

/** One request's view of the quota: records its mutations and knows the throttle time to answer. */
export interface MutationQuota {
  /** Records `partitions` mutations; false when the strict quota refuses them (THROTTLING_QUOTA_EXCEEDED). */
  record: (partitions: number) => boolean
  /** The throttle time for the response: the last violation's, less the time since (never below 0). */
  throttleTimeMs: () => number
}

export class ControllerMutationQuotas extends QuotaEntities {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor (store: QuotaStore, private readonly windows: RateWindowConfig = KAFKA_QUOTA_WINDOWS, private readonly now: () => number = Date.now) {
    super(store, 'controller_mutation_rate')
  }

  /** The quota of one request by (user, client id); `strict` is whether its version may be refused. */
  forRequest (user: string, clientId: string, strict: boolean): MutationQuota {
    let lastThrottleMs = 0
    let recordedAtMs = 0
    const unbounded: MutationQuota = { record: () => true, throttleTimeMs: () => 0 }
    if (!this.enabled) return unbounded
    const tags = this.tags(user, clientId)
    const rate = this.bound(tags)
    if (rate === undefined) return unbounded
    const bucket = this.bucket(tags)
    const burst = this.windows.samples * this.windows.windowMs / 1000 * rate
    const violated = (tokens: number, nowMs: number): void => {
      lastThrottleMs = Math.round(-tokens / rate * 1000)
      recordedAtMs = nowMs
    }
    return {
      record: partitions => {
        const nowMs = this.now()
        if (strict) {
          // Sensor.checkQuotas before the record: an empty bucket refuses, whatever the size of the mutation.
          const tokens = bucket.measure(rate, burst, nowMs)
          if (tokens < 0) { violated(tokens, nowMs); return false }
          bucket.record(partitions, rate, burst, nowMs)
          return true
        }
        bucket.record(partitions, rate, burst, nowMs)
        const tokens = bucket.measure(rate, burst, nowMs)
        if (tokens < 0) violated(tokens, nowMs)
        return true
      },
      throttleTimeMs: () => Math.max(0, lastThrottleMs - (this.now() - recordedAtMs))
    }
  }

  private bucket (tags: Tags): TokenBucket {
    const id = `${tags.user}\u0000${tags.clientId}`
    let bucket = this.buckets.get(id)
    if (bucket === undefined) this.buckets.set(id, bucket = new TokenBucket())
    return bucket
  }
}
