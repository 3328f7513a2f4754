import { isIP } from 'node:net'
import { ErrorCode } from '../../../protocol/error-codes.js'

// The cluster's client quotas (KIP-546), as Kafka's controller keeps them (ClientQuotaControlManager) and brokers
// describe them (ClientQuotasImage): a map from entity to quota values. An entity is a set of (type, name) parts,
// types user, client-id and ip; a null name is the type's default entity ("<default>" in kafka-configs). Users
// and client ids combine (user alone, client-id alone, or both); ip stands alone. Validation, its order and its
// messages are Kafka's, so a client sees the same INVALID_REQUEST texts from the fake as from a broker.

export const QUOTA_ENTITY_TYPES = ['user', 'client-id', 'ip'] as const
export type QuotaEntityType = typeof QUOTA_ENTITY_TYPES[number]

/** One part of an entity as the protocol carries it. */
export interface QuotaEntityPart {
  entityType: string
  entityName: string | null
}

export interface QuotaOp {
  key: string
  value: number
  remove: boolean
}

export interface QuotaEntry {
  entity: QuotaEntityPart[]
  values: Array<{ key: string, value: number }>
}

export interface QuotaAlterResult {
  errorCode: number
  errorMessage: string | null
  entity: QuotaEntityPart[]
}

/** A DescribeClientQuotas filter component (match types 0 EXACT, 1 DEFAULT, 2 SPECIFIED). */
export interface QuotaFilterComponent {
  entityType: string
  matchType: number
  match: string | null
}

export const MATCH_EXACT = 0
export const MATCH_DEFAULT = 1
export const MATCH_SPECIFIED = 2

/**
 * What a describe answers: entries, or Kafka's top-level error (entries are then null). A success carries the
 * empty message, the schema's default, as Kafka 4.4 sends it.
 */
export type QuotaDescribeResult =
  | { errorCode: typeof ErrorCode.NONE, errorMessage: '', entries: QuotaEntry[] }
  | { errorCode: number, errorMessage: string, entries: null }

type ValueType = 'LONG' | 'DOUBLE' | 'INT'

/** QuotaConfig.userAndClientQuotaConfigs() and ipConfigs(): the keys each kind of entity takes, with their types. */
const USER_CLIENT_KEYS: ReadonlyMap<string, ValueType> = new Map([
  ['producer_byte_rate', 'LONG'], ['consumer_byte_rate', 'LONG'], ['request_percentage', 'DOUBLE'], ['controller_mutation_rate', 'DOUBLE']
])
const IP_KEYS: ReadonlyMap<string, ValueType> = new Map([['connection_creation_rate', 'INT']])

const LONG_MAX = 9223372036854775807
const INT_MAX = 2147483647

/**
 * Kafka keeps an entity's parts in a java.util.HashMap made for two entries (new HashMap<>(2), four buckets once it
 * holds two), so its answers (and messages) list them in that map's order: client-id, user, ip (the buckets of
 * their hash codes, checked against Kafka 4.4 by test-interop/differential/). Parts are kept and answered so here.
 */
const PART_ORDER: readonly string[] = ['client-id', 'user', 'ip']

class InvalidQuota extends Error {
  constructor (readonly errorCode: number, message: string) { super(message) }
}

export class QuotaStore {
  /** By canonical entity key; values in the order they were first set. */
  private readonly entities = new Map<string, { parts: Map<string, string | null>, values: Map<string, number> }>()

  constructor (private readonly onChange: () => void = () => {}) {}

  /** The value of `key` set on exactly this entity (a map of type to name, null for the default), if any. */
  value (entity: ReadonlyMap<string, string | null>, key: string): number | undefined {
    return this.entities.get(entityKey(entity))?.values.get(key)
  }

  /** Whether any entity has `key` set: a quota type with none is not enforced at all (Kafka's QuotaTypes.NoQuotas). */
  hasAny (key: string): boolean {
    for (const e of this.entities.values()) if (e.values.has(key)) return true
    return false
  }

  /**
   * AlterClientQuotas, entity by entity (ClientQuotaControlManager.alterClientQuotas): one result per distinct
   * entity, in the order first named; an entity named twice, or with a key given twice, is refused whole. With
   * `validateOnly` nothing changes.
   */
  alter (entries: ReadonlyArray<{ entity: readonly QuotaEntityPart[], ops: readonly QuotaOp[] }>, validateOnly: boolean): QuotaAlterResult[] {
    const results = new Map<string, QuotaAlterResult>()
    const changes: Array<() => void> = []
    for (const entry of entries) {
      // AlterClientQuotasRequest.entries() turns each entity into a map (a type named twice keeps its last name)
      // and each op into key -> value, null for a removal.
      const parts = new Map<string, string | null>()
      for (const p of entry.entity) parts.set(p.entityType, p.entityName)
      const key = entityKey(parts)
      const ops = new Map<string, number | null>()
      let duplicateKey = false
      for (const op of entry.ops) {
        if (ops.has(op.key)) duplicateKey = true
        else ops.set(op.key, op.remove ? null : op.value)
      }
      if (duplicateKey || results.has(key)) {
        results.set(key, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Ignoring duplicate entity ${describeEntity(parts)}`, entity: toParts(parts) })
        continue
      }
      try {
        changes.push(this.plan(parts, ops))
        results.set(key, { errorCode: ErrorCode.NONE, errorMessage: null, entity: toParts(parts) })
      } catch (err) {
        if (!(err instanceof InvalidQuota)) throw err
        results.set(key, { errorCode: err.errorCode, errorMessage: err.message, entity: toParts(parts) })
      }
    }
    if (!validateOnly && changes.length > 0) {
      for (const c of changes) c()
      this.onChange()
    }
    return [...results.values()]
  }

  /** Checks one entity's ops and returns the change to make; throws InvalidQuota with Kafka's message. */
  private plan (parts: Map<string, string | null>, ops: Map<string, number | null>): () => void {
    const validKeys = keysFor(parts)
    for (const [key, value] of ops) if (value !== null) checkValue(validKeys, key, value)
    const canonical = entityKey(parts)
    return () => {
      let stored = this.entities.get(canonical)
      for (const [key, value] of ops) {
        if (value === null) {
          stored?.values.delete(key)
        } else {
          stored ??= { parts: new Map(parts), values: new Map() }
          this.entities.set(canonical, stored)
          stored.values.set(key, value)
        }
      }
      if (stored !== undefined && stored.values.size === 0) this.entities.delete(canonical)
    }
  }

  /** Every entity and its values, for saving with the cluster (`--data`). */
  snapshot (): QuotaEntry[] {
    return [...this.entities.values()].map(({ parts, values }) => ({ entity: toParts(parts), values: [...values].map(([key, value]) => ({ key, value })) }))
  }

  /**
   * Puts saved entities back (without reporting a change). A value JSON could not keep (NaN and the infinities,
   * which Kafka accepts for its DOUBLE keys, are saved as null) is left out.
   */
  restore (entries: readonly QuotaEntry[]): void {
    for (const e of entries) {
      const parts = new Map(e.entity.map(p => [p.entityType, p.entityName]))
      const values = new Map(e.values.filter(v => typeof v.value === 'number').map(v => [v.key, v.value]))
      if (values.size > 0) this.entities.set(entityKey(parts), { parts, values })
    }
  }

  /** DescribeClientQuotas (ClientQuotasImage.describe): the entities matching every component of the filter. */
  describe (components: readonly QuotaFilterComponent[], strict: boolean): QuotaDescribeResult {
    const exact = new Map<string, string | null>()
    const specified = new Set<string>()
    for (const c of components) {
      if (c.entityType === '') return invalid('Invalid empty entity type.')
      if (exact.has(c.entityType) || specified.has(c.entityType)) return invalid(`Entity type ${c.entityType} cannot appear more than once in the filter.`)
      if (!PART_ORDER.includes(c.entityType)) return { errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: `Unsupported entity type ${c.entityType}`, entries: null }
      if (c.matchType === MATCH_EXACT) {
        if (c.match === null) return invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.')
        exact.set(c.entityType, c.match)
      } else if (c.matchType === MATCH_DEFAULT) {
        if (c.match !== null) return invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.')
        exact.set(c.entityType, null)
      } else if (c.matchType === MATCH_SPECIFIED) {
        if (c.match !== null) return invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.')
        specified.add(c.entityType)
      } else {
        return invalid(`Unknown match type ${c.matchType}`)
      }
    }
    const named = (t: string): boolean => exact.has(t) || specified.has(t)
    if (named('ip') && (named('user') || named('client-id'))) {
      return invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.')
    }
    const entries: QuotaEntry[] = []
    for (const { parts, values } of this.entities.values()) {
      if (strict && parts.size !== exact.size + specified.size) continue
      // Kafka's SPECIFIED only asks that the entity has a part of that type, so it matches a default part too.
      if (![...exact].every(([t, name]) => parts.has(t) && parts.get(t) === name)) continue
      if (![...specified].every(t => parts.has(t))) continue
      entries.push({ entity: toParts(parts), values: [...values].map(([key, value]) => ({ key, value })) })
    }
    return { errorCode: ErrorCode.NONE, errorMessage: '', entries }
  }
}

function invalid (message: string): QuotaDescribeResult {
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message, entries: null }
}

/** validateEntity then configKeysForEntityType: known types, no empty names, user/client-id or ip alone. */
function keysFor (parts: Map<string, string | null>): ReadonlyMap<string, ValueType> {
  if (parts.size === 0) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity')
  for (const [type, name] of parts) {
    if (!PART_ORDER.includes(type)) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Unhandled client quota entity type: ${type}`)
    if (name === '') throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Empty ${type} not supported`)
  }
  if (!parts.has('ip')) return USER_CLIENT_KEYS
  if (parts.has('user') || parts.has('client-id')) {
    // Kafka's message lacks the space after "should" too.
    throw new InvalidQuota(ErrorCode.INVALID_REQUEST, 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId')
  }
  const ip = parts.get('ip') ?? null
  // Kafka also accepts a host name it can resolve (InetAddress.getByName); the fake takes addresses only.
  if (ip !== null && isIP(ip) === 0) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `${ip} is not a valid IP or resolvable host.`)
  return IP_KEYS
}

/** validateQuotaKeyValue: a known key, greater than 0, integral and in range for LONG and INT keys. */
function checkValue (keys: ReadonlyMap<string, ValueType>, key: string, value: number): void {
  const type = keys.get(key)
  if (type === undefined) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Invalid configuration key ${key}`)
  if (value <= 0) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Quota ${key} must be greater than 0`)
  if (type === 'DOUBLE') return
  if (type === 'INT' && value > INT_MAX) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Proposed value for ${key} is too large for an INT.`)
  if (type === 'LONG' && value > LONG_MAX) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `Proposed value for ${key} is too large for a LONG.`)
  if (Math.abs(value % 1) > 1e-6) throw new InvalidQuota(ErrorCode.INVALID_REQUEST, `${key} cannot be a fractional value.`)
}

function sortedTypes (parts: ReadonlyMap<string, string | null>): string[] {
  return [...parts.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
}

function rank (type: string): number {
  const i = PART_ORDER.indexOf(type)
  return i < 0 ? PART_ORDER.length : i
}

function toParts (parts: ReadonlyMap<string, string | null>): QuotaEntityPart[] {
  return sortedTypes(parts).map(t => ({ entityType: t, entityName: parts.get(t) ?? null }))
}

/** The entity as one string, the same whatever order its parts came in. */
export function entityKey (parts: ReadonlyMap<string, string | null>): string {
  return JSON.stringify(sortedTypes(parts).map(t => [t, parts.get(t) ?? null]))
}

/** ClientQuotaEntity.toString, as Kafka's messages print an entity: ClientQuotaEntity(entries={user=alice}). */
function describeEntity (parts: ReadonlyMap<string, string | null>): string {
  return `ClientQuotaEntity(entries={${sortedTypes(parts).map(t => `${t}=${parts.get(t) ?? 'null'}`).join(', ')}})`
}
