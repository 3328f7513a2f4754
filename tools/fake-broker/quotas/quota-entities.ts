import type { QuotaStore } from './quota-store.js'

// Which entity's quota applies to a request, as Kafka's DefaultQuotaCallback decides it for every quota type
// (produce and fetch byte rates, controller mutations): the most specific one set, in this order (Kafka's docs,
// "Quotas"):
//   1 /config/users/<user>/clients/<client-id>    5 /config/users/<default>/clients/<default>
//   2 /config/users/<user>/clients/<default>      6 /config/users/<default>
//   3 /config/users/<user>                        7 /config/clients/<client-id>
//   4 /config/users/<default>/clients/<client-id> 8 /config/clients/<default>
// and clients that share the entity share its measurement: every client id of a user with a user quota (level 3)
// is measured together.

/** Who a rate is measured for: the metric tags of Kafka's quota sensor, '' for a part that does not apply. */
export interface Tags { user: string, clientId: string }

export abstract class QuotaEntities {
  constructor (protected readonly store: QuotaStore, private readonly quotaKey: string) {}

  /** Whether any entity has this quota set; without one nothing is measured (Kafka's QuotaTypes.NoQuotas). */
  get enabled (): boolean { return this.store.hasAny(this.quotaKey) }

  protected set (user: string | null | undefined, clientId: string | null | undefined): boolean {
    return this.value(user, clientId) !== undefined
  }

  /** The quota set on exactly the entity (undefined: that part absent; null: the default entity). */
  protected value (user: string | null | undefined, clientId: string | null | undefined): number | undefined {
    const parts = new Map<string, string | null>()
    if (user !== undefined) parts.set('user', user)
    if (clientId !== undefined) parts.set('client-id', clientId)
    return this.store.value(parts, this.quotaKey)
  }

  /** DefaultQuotaCallback.quotaMetricTags: which entity level applies, as the tags of the shared sensor. */
  protected tags (user: string, clientId: string): Tags {
    if (this.set(user, clientId) || this.set(user, null)) return { user, clientId }
    if (this.set(user, undefined)) return { user, clientId: '' }
    if (this.set(null, clientId) || this.set(null, null)) return { user, clientId }
    if (this.set(null, undefined)) return { user, clientId: '' }
    return { user: '', clientId }
  }

  /** DefaultQuotaCallback.quotaLimit: the bound for the tags, walking the precedence order from the most specific. */
  protected bound (tags: Tags): number | undefined {
    const { user, clientId } = tags
    if (user !== '' && clientId !== '') {
      return this.value(user, clientId) ?? this.value(user, null) ?? this.value(null, clientId) ?? this.value(null, null)
    }
    if (user !== '') return this.value(user, undefined) ?? this.value(null, undefined)
    if (clientId !== '') return this.value(undefined, clientId) ?? this.value(undefined, null)
    return undefined
  }
}
