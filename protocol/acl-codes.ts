// The int8 codes the ACL APIs (DescribeAcls, CreateAcls, DeleteAcls) carry, as Kafka's Java enums number them:
// org.apache.kafka.common.resource.ResourceType and PatternType, org.apache.kafka.common.acl.AclOperation and
// AclPermissionType. UNKNOWN (0) is never valid on the wire; ANY (1) is only meaningful in filters. MATCH (a
// filter that finds every pattern that applies to one name: the literal name, the wildcard "*" and prefixes of
// it) and ANY are pattern-type filters only; an ACL itself is LITERAL or PREFIXED (KIP-290).

export const ResourceType = {
  UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7
} as const
export type ResourceTypeName = keyof typeof ResourceType

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const
export type PatternTypeName = keyof typeof PatternType

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14
} as const
export type AclOperationName = keyof typeof AclOperation

export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const
export type AclPermissionTypeName = keyof typeof AclPermissionType

/** The one name a CLUSTER resource has (Kafka's CLUSTER_NAME). */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster'
/** A LITERAL resource name or a principal that matches every one ("User:*" for principals). */
export const WILDCARD = '*'

/** The name of a code in one of the tables above, or "UNKNOWN(code)" for a code Kafka does not define. */
export function aclCodeName (table: Readonly<Record<string, number>>, code: number): string {
  for (const [name, c] of Object.entries(table)) if (c === code) return name
  return `UNKNOWN(${code})`
}
