import { AlterClientQuotas } from '../../protocol/apis/alter-client-quotas.js'
import { DescribeClientQuotas } from '../../protocol/apis/describe-client-quotas.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// Client quotas (KIP-546): describe the quota entities matching a filter, and set or remove their values. An
// entity names a user, a client id, both, or an ip; a null name is that type's default entity (what
// kafka-configs.sh shows as <default>). Keys: producer_byte_rate and consumer_byte_rate (bytes per second),
// request_percentage, controller_mutation_rate, and connection_creation_rate for ip entities.
//
//   await admin.alterClientQuotas([{ entity: { user: 'alice' }, ops: { producer_byte_rate: 1024 } }])
//   const quotas = await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'alice' }] })

export type QuotaEntityType = 'user' | 'client-id' | 'ip'

/** An entity: its parts by type, a null name meaning the default entity of that type. */
export type QuotaEntity = Partial<Record<QuotaEntityType, string | null>>

/**
 * A filter component: `name` a string matches that entity exactly, `name: null` the default entity, and no
 * `name` at all any entity that has this type (DescribeClientQuotas match types 0, 1 and 2).
 */
export interface QuotaFilterComponent {
  entityType: QuotaEntityType
  name?: string | null
}

export interface QuotaFilter {
  components?: readonly QuotaFilterComponent[]
  /** Leave out entities with types the components do not name. */
  strict?: boolean
}

export interface DescribedQuota {
  entity: QuotaEntity
  values: Record<string, number>
}

export interface QuotaAlteration {
  entity: QuotaEntity
  /** Values to set; null removes the key. */
  ops: Record<string, number | null>
}

export interface QuotaAlterResult {
  entity: QuotaEntity
  error: KafkaError | null
}

const MATCH_EXACT = 0
const MATCH_DEFAULT = 1
const MATCH_SPECIFIED = 2

/** The filter's components on the wire; without any, every entity matches. */
function components (filter: QuotaFilter): Array<{ entityType: string, matchType: number, match: string | null }> {
  return (filter.components ?? []).map(c => c.name === undefined
    ? { entityType: c.entityType, matchType: MATCH_SPECIFIED, match: null }
    : { entityType: c.entityType, matchType: c.name === null ? MATCH_DEFAULT : MATCH_EXACT, match: c.name })
}

function toEntity (parts: ReadonlyArray<{ entityType: string, entityName: string | null }>): QuotaEntity {
  const entity: QuotaEntity = {}
  for (const p of parts) {
    if (p.entityType === 'user' || p.entityType === 'client-id' || p.entityType === 'ip') entity[p.entityType] = p.entityName
  }
  return entity
}

function entityParts (entity: QuotaEntity): Array<{ entityType: string, entityName: string | null }> {
  return Object.entries(entity).flatMap(([entityType, entityName]) => entityName === undefined ? [] : [{ entityType, entityName }])
}

/** The entity as one string, whatever order its parts are in, to match results with requests. */
function entityKey (entity: QuotaEntity): string {
  return JSON.stringify(entityParts(entity).sort((a, b) => a.entityType < b.entityType ? -1 : 1))
}

/** DescribeClientQuotas; a bad filter throws the broker's KafkaError (INVALID_REQUEST, UNSUPPORTED_VERSION). */
export async function describeClientQuotas (client: KafkaClient, nodeId: number, filter: QuotaFilter = {}): Promise<DescribedQuota[]> {
  const res = await client.request(nodeId, DescribeClientQuotas, { components: components(filter), strict: filter.strict ?? false })
  const top = resourceError(res.body.errorCode, 'DescribeClientQuotas', res.body.errorMessage)
  if (top !== null) throw top
  return (res.body.entries ?? []).map(e => ({
    entity: toEntity(e.entity),
    values: Object.fromEntries(e.values.map(v => [v.key, v.value]))
  }))
}

/**
 * AlterClientQuotas: one result per entity, in the order asked (an entity named twice gets the broker's one
 * result for it, twice). With `validateOnly` the broker checks and changes nothing.
 */
export async function alterClientQuotas (client: KafkaClient, nodeId: number, alterations: readonly QuotaAlteration[], validateOnly = false): Promise<QuotaAlterResult[]> {
  const res = await client.request(nodeId, AlterClientQuotas, {
    entries: alterations.map(a => ({
      entity: entityParts(a.entity),
      ops: Object.entries(a.ops).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null }))
    })),
    validateOnly
  })
  const byEntity = new Map(res.body.entries.map(e => [entityKey(toEntity(e.entity)), e]))
  return alterations.map(a => {
    const e = byEntity.get(entityKey(a.entity))
    return {
      entity: a.entity,
      error: e === undefined
        ? resourceError(ErrorCode.UNKNOWN_SERVER_ERROR, `AlterClientQuotas ${entityKey(a.entity)}`, 'the broker answered nothing for this entity')
        : resourceError(e.errorCode, `AlterClientQuotas ${entityKey(a.entity)}`, e.errorMessage)
    }
  })
}
