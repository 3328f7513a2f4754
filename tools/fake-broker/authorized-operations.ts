import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../protocol/acl-codes.js'
import { AUTHORIZED_OPERATIONS_OMITTED, encodeAuthorizedOperations } from '../../protocol/authorized-operations.js'
import { authorized } from './access-check.js'
import type { RequestContext } from './handler.js'

// The authorized-operation bit sets (KIP-430) the describing APIs answer when asked, computed as Kafka 4.4's
// AuthHelper.authorizedOperations does: each operation Kafka supports on the resource's type
// (AclEntry.supportedOperations) is checked with the authorizer, one by one, on the resource's LITERAL name, and the
// allowed ones become bits (bit n for AclOperation code n). Without an authorizer every supported operation is
// allowed. The checks are the authorizer's own, so super users get every supported operation and implied operations
// count (an ALLOW of READ, WRITE, DELETE or ALTER gives DESCRIBE; ALTER_CONFIGS gives DESCRIBE_CONFIGS); ALL is never
// a bit of its own. A request that did not ask is answered AUTHORIZED_OPERATIONS_OMITTED (INT32_MIN).

/** AclEntry.supportedOperations for the three resource types these APIs describe. */
const SUPPORTED: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.CLUSTER]: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE]
}

export type DescribedResourceType = typeof ResourceType.TOPIC | typeof ResourceType.GROUP | typeof ResourceType.CLUSTER

/** The bit set of what the request's caller may do to `resourceType`/`name` (AuthHelper.authorizedOperations). */
export function authorizedOperations (ctx: RequestContext, resourceType: DescribedResourceType, name: string): number {
  return encodeAuthorizedOperations(SUPPORTED[resourceType].filter(op => authorized(ctx, op, resourceType, name)))
}

/** A topic's or group's bit set when `asked`, else INT32_MIN. */
export function authorizedOperationsIf (asked: boolean, ctx: RequestContext, resourceType: DescribedResourceType, name: string): number {
  return asked ? authorizedOperations(ctx, resourceType, name) : AUTHORIZED_OPERATIONS_OMITTED
}

/**
 * The cluster's bit set for Metadata v8-10 and DescribeCluster (KafkaApis, AuthHelper.computeDescribeClusterResponse):
 * INT32_MIN when not asked; 0 when the caller may not DESCRIBE the cluster; else what it may do to it.
 */
export function clusterAuthorizedOperations (asked: boolean, ctx: RequestContext): number {
  if (!asked) return AUTHORIZED_OPERATIONS_OMITTED
  if (!authorized(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)) return 0
  return authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)
}
