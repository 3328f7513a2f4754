import { CreateAcls } from '../../protocol/apis/create-acls.js'
import { DeleteAcls } from '../../protocol/apis/delete-acls.js'
import { DescribeAcls } from '../../protocol/apis/describe-acls.js'
import {
  AclOperation, AclPermissionType, PatternType, ResourceType,
  type AclOperationName, type AclPermissionTypeName, type PatternTypeName, type ResourceTypeName
} from '../../protocol/acl-codes.js'
import type { KafkaError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { resourceError } from './resource-error.js'

// ACLs (KIP-140, KIP-290): create bindings, list those a filter selects, delete those filters select. Codes travel
// as Kafka's int8 enums (protocol/acl-codes.ts); here they are their names, as kafka-acls.sh and the Java
// AdminClient print them. A filter's fields default to "anything" (ANY, null), as AclBindingFilter.ANY.

/** One ACL: `principal` ("User:alice", "User:*") from `host` ("*" for any) is allowed or denied `operation` on the resources the pattern covers. */
export interface Acl {
  resourceType: ResourceTypeName
  resourceName: string
  patternType: PatternTypeName
  principal: string
  host: string
  operation: AclOperationName
  permissionType: AclPermissionTypeName
}

/** Selects ACLs; left-out fields match everything. patternType MATCH selects every ACL that applies to resourceName. */
export type AclFilter = Partial<{ [K in keyof Acl]: Acl[K] | (K extends 'resourceName' | 'principal' | 'host' ? null : never) }>

export interface AclCreateResult { acl: Acl, error: KafkaError | null }
export interface AclDeleteResult { filter: AclFilter, error: KafkaError | null, deleted: Array<{ acl: Acl, error: KafkaError | null }> }

/** code -> name, for one of the tables. */
function reverse<N extends string> (table: Readonly<Record<N, number>>): (code: number) => N | 'UNKNOWN' {
  const names = new Map<number, N>()
  for (const name in table) names.set(table[name], name)
  return code => names.get(code) ?? 'UNKNOWN'
}
const resourceTypeName = reverse(ResourceType)
const patternTypeName = reverse(PatternType)
const operationName = reverse(AclOperation)
const permissionTypeName = reverse(AclPermissionType)

interface WireAcl { resourceType: number, resourceName: string, patternType: number, principal: string, host: string, operation: number, permissionType: number }

function fromWire (a: WireAcl): Acl {
  return {
    resourceType: resourceTypeName(a.resourceType),
    resourceName: a.resourceName,
    patternType: patternTypeName(a.patternType),
    principal: a.principal,
    host: a.host,
    operation: operationName(a.operation),
    permissionType: permissionTypeName(a.permissionType)
  }
}

function filterToWire (f: AclFilter): { resourceTypeFilter: number, resourceNameFilter: string | null, patternTypeFilter: number, principalFilter: string | null, hostFilter: string | null, operation: number, permissionType: number } {
  return {
    resourceTypeFilter: ResourceType[f.resourceType ?? 'ANY'],
    resourceNameFilter: f.resourceName ?? null,
    patternTypeFilter: PatternType[f.patternType ?? 'ANY'],
    principalFilter: f.principal ?? null,
    hostFilter: f.host ?? null,
    operation: AclOperation[f.operation ?? 'ANY'],
    permissionType: AclPermissionType[f.permissionType ?? 'ANY']
  }
}

function describeAcl (a: Acl): string {
  return `${a.permissionType} ${a.principal} ${a.operation} on ${a.resourceType}:${a.patternType}:${a.resourceName}`
}

export async function createAcls (client: KafkaClient, nodeId: number, acls: readonly Acl[]): Promise<AclCreateResult[]> {
  const res = await client.request(nodeId, CreateAcls, {
    creations: acls.map(a => ({
      resourceType: ResourceType[a.resourceType],
      resourceName: a.resourceName,
      resourcePatternType: PatternType[a.patternType],
      principal: a.principal,
      host: a.host,
      operation: AclOperation[a.operation],
      permissionType: AclPermissionType[a.permissionType]
    }))
  })
  return acls.map((acl, i) => {
    const r = res.body.results[i]
    return { acl, error: r === undefined ? null : resourceError(r.errorCode, `CreateAcls ${describeAcl(acl)}`, r.errorMessage) }
  })
}

/** The ACLs `filter` selects; throws the KafkaError of a refused request (CLUSTER_AUTHORIZATION_FAILED, SECURITY_DISABLED). */
export async function describeAcls (client: KafkaClient, nodeId: number, filter: AclFilter): Promise<Acl[]> {
  const res = await client.request(nodeId, DescribeAcls, filterToWire(filter))
  const error = resourceError(res.body.errorCode, 'DescribeAcls', res.body.errorMessage)
  if (error !== null) throw error
  return res.body.resources.flatMap(r => r.acls.map(a => fromWire({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType })))
}

export async function deleteAcls (client: KafkaClient, nodeId: number, filters: readonly AclFilter[]): Promise<AclDeleteResult[]> {
  const res = await client.request(nodeId, DeleteAcls, { filters: filters.map(filterToWire) })
  return filters.map((filter, i) => {
    const r = res.body.filterResults[i]
    if (r === undefined) return { filter, error: null, deleted: [] }
    return {
      filter,
      error: resourceError(r.errorCode, 'DeleteAcls', r.errorMessage),
      deleted: r.matchingAcls.map(m => {
        const acl = fromWire(m)
        return { acl, error: resourceError(m.errorCode, `DeleteAcls ${describeAcl(acl)}`, m.errorMessage) }
      })
    }
  })
}
