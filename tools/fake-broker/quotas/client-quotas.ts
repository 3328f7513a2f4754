import { ConfigError } from '../../../protocol/errors.js'
import { KAFKA_QUOTA_WINDOWS, throttleTimeMs, WindowedRate, type RateWindowConfig } from './quota-rate.js'
import { ControllerMutationQuotas } from './controller-mutation-quota.js'
import { QuotaEntities, type Tags } from './quota-entities.js'
import type { QuotaStore } from './quota-store.js'

// Enforcement of the byte-rate quotas, as Kafka's ClientQuotaManager does with its DefaultQuotaCallback. Each
// request is charged to a (user, client id) pair: Produce its request size against producer_byte_rate, Fetch its
// response size against consumer_byte_rate, under the entity that applies (quota-entities.ts). As in Kafka, each
// broker measures and enforces on its own: a quota is per broker, so a client spread over three brokers may send
// three times the rate in all. When the measured rate goes over the bound the request is still served, but
// answered with a throttle time (KIP-219) and the connection is not read from for that long.

/** The user of an unauthenticated connection (KafkaPrincipal.ANONYMOUS), whose quotas are user ANONYMOUS's. */
export const ANONYMOUS_USER = 'ANONYMOUS'

export type ByteRateQuota = 'producer_byte_rate' | 'consumer_byte_rate'

export class ByteRateQuotas extends QuotaEntities {
  private readonly sensors = new Map<string, WindowedRate>()

  constructor (
    store: QuotaStore,
    readonly key: ByteRateQuota,
    private readonly windows: RateWindowConfig = KAFKA_QUOTA_WINDOWS
  ) {
    super(store, key)
  }

  /**
   * Charges `bytes` to the pair at `nowMs` and returns the throttle time in ms (0 within quota): Kafka's
   * recordAndGetThrottleTimeMs, the value recorded first and the rate checked after.
   */
  record (user: string, clientId: string, bytes: number, nowMs: number, brokerId = 0): number {
    if (!this.enabled) return 0
    const tags = this.tags(user, clientId)
    const rate = this.sensor(tags, brokerId)
    rate.record(bytes, nowMs)
    const bound = this.bound(tags)
    if (bound === undefined) return 0
    const observed = rate.measure(nowMs)
    if (observed <= bound) return 0
    return throttleTimeMs(observed, bound, rate.windowSizeMs(nowMs))
  }

  /** Takes back a recorded value (unrecordQuotaSensor): a throttled Fetch is answered empty, so it costs nothing. */
  unrecord (user: string, clientId: string, bytes: number, nowMs: number, brokerId = 0): void {
    this.sensor(this.tags(user, clientId), brokerId).record(-bytes, nowMs)
  }

  /**
   * The most a single response may carry without being throttled for sure (getMaxValueInQuotaWindow): the bound
   * over samples - 1 windows. Fetch caps its maxBytes with it.
   */
  maxValueInWindow (user: string, clientId: string): number {
    if (!this.enabled) return Number.MAX_SAFE_INTEGER
    const bound = this.bound(this.tags(user, clientId))
    return bound === undefined ? Number.MAX_SAFE_INTEGER : bound * (this.windows.samples - 1) * this.windows.windowMs / 1000
  }

  /** The rate of one entity on one broker (`brokerId`): each broker keeps its own sensors. */
  private sensor (tags: Tags, brokerId: number): WindowedRate {
    const id = `${brokerId}\u0000${tags.user}\u0000${tags.clientId}`
    let rate = this.sensors.get(id)
    if (rate === undefined) {
      rate = new WindowedRate(this.windows)
      this.sensors.set(id, rate)
    }
    return rate
  }
}

/** The quota managers of a cluster: the two byte rates, and the controller's mutation rate. */
export class ClientQuotas {
  readonly produce: ByteRateQuotas
  readonly fetch: ByteRateQuotas
  readonly controllerMutation: ControllerMutationQuotas

  constructor (readonly store: QuotaStore, windows: RateWindowConfig = KAFKA_QUOTA_WINDOWS, now: () => number = Date.now) {
    // Kafka's ConfigDef: quota.window.num and quota.window.size.seconds are ints, at least 1.
    if (!Number.isInteger(windows.samples) || windows.samples < 1) throw new ConfigError('quotaWindows.samples', `must be an integer of at least 1, got ${windows.samples}`)
    if (!Number.isInteger(windows.windowMs) || windows.windowMs < 1) throw new ConfigError('quotaWindows.windowMs', `must be an integer of at least 1, got ${windows.windowMs}`)
    this.produce = new ByteRateQuotas(store, 'producer_byte_rate', windows)
    this.fetch = new ByteRateQuotas(store, 'consumer_byte_rate', windows)
    // controller.quota.window.num and controller.quota.window.size.seconds have the same defaults (11, 1 s).
    this.controllerMutation = new ControllerMutationQuotas(store, KAFKA_QUOTA_WINDOWS, now)
  }
}
