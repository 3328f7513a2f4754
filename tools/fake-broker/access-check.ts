import { AclOperation, CLUSTER_RESOURCE_NAME, ResourceType } from '../../protocol/acl-codes.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { RequestContext } from './handler.js'
import type { Caller } from './authorizer.js'

// The one place handlers ask "may this request do that?". A cluster started without `authorizer` allows
// everything (Kafka without authorizer.class.name); with one, the connection's principal is checked: the SASL
// user as "User:<name>", or "User:ANONYMOUS" on a listener without SASL, as Kafka's default principal builder
// names them, from the client's address (host ACLs).

/** The principal and host of the request's connection. */
export function callerOf (ctx: RequestContext): Caller {
  return { principal: `User:${ctx.sasl?.user ?? 'ANONYMOUS'}`, host: ctx.clientHost.replace(/^\//, '') }
}

/** May the request perform `operation` (AclOperation) on `resourceType`/`name`? Always, without an authorizer. */
export function authorized (ctx: RequestContext, operation: number, resourceType: number, name: string): boolean {
  const authorizer = ctx.cluster.authorizer
  return authorizer === undefined || authorizer.authorize(callerOf(ctx), operation, resourceType, name)
}

/** `operation` on the CLUSTER resource (Kafka's authorizeClusterOperation). */
export function clusterAuthorized (ctx: RequestContext, operation: number): boolean {
  return authorized(ctx, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME)
}

/** May the request perform `operation` on at least some resource of the type (Authorizer.authorizeByResourceType)? */
export function authorizedOnSome (ctx: RequestContext, operation: number, resourceType: number): boolean {
  const authorizer = ctx.cluster.authorizer
  return authorizer === undefined || authorizer.authorizeByResourceType(callerOf(ctx), operation, resourceType)
}

/** The names of `names` the request may perform `operation` on (Kafka's filterByAuthorized), each checked once. */
export function authorizedNames (ctx: RequestContext, operation: number, resourceType: number, names: Iterable<string>): Set<string> {
  const out = new Set<string>()
  for (const n of new Set(names)) if (authorized(ctx, operation, resourceType, n)) out.add(n)
  return out
}

/** CLUSTER_AUTHORIZATION_FAILED unless the request may perform `operation` on the cluster, else 0. */
export function clusterAuthError (ctx: RequestContext, operation: number): number {
  return clusterAuthorized(ctx, operation) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED
}

/** GROUP_AUTHORIZATION_FAILED unless the request may perform `operation` on the group, else 0. */
export function groupAuthError (ctx: RequestContext, operation: number, groupId: string): number {
  return authorized(ctx, operation, ResourceType.GROUP, groupId) ? ErrorCode.NONE : ErrorCode.GROUP_AUTHORIZATION_FAILED
}

/** DescribeConfigs/AlterConfigs resource types (ConfigResource.Type), which differ from the ACL resource types. */
const CONFIG_TOPIC = 2
const CONFIG_BROKER = 4
const CONFIG_BROKER_LOGGER = 8

/**
 * The authorization error for `operation` (DESCRIBE_CONFIGS, ALTER_CONFIGS) on a config resource, or 0: a topic's
 * configs need it on the topic (TOPIC_AUTHORIZATION_FAILED), a broker's on the cluster (CLUSTER_AUTHORIZATION_FAILED),
 * as KafkaApis and ConfigHelper check them.
 */
export function configAuthError (ctx: RequestContext, operation: number, configResourceType: number, name: string): number {
  if (configResourceType === CONFIG_TOPIC) return authorized(ctx, operation, ResourceType.TOPIC, name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED
  if (configResourceType === CONFIG_BROKER || configResourceType === CONFIG_BROKER_LOGGER) return clusterAuthorized(ctx, operation) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED
  return ErrorCode.NONE
}

/** TRANSACTIONAL_ID_AUTHORIZATION_FAILED unless the request may WRITE the transactional id, else 0. */
export function transactionalIdAuthError (ctx: RequestContext, transactionalId: string): number {
  return authorized(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
}
