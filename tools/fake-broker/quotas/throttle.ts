import type { RequestContext } from '../handler.js'
import { ANONYMOUS_USER, type ByteRateQuotas } from './client-quotas.js'
import type { MutationQuota } from './controller-mutation-quota.js'

// The glue between a request and the byte-rate quotas: who it is charged to and what happens when it is over.

/** The (user, client id) a request is charged to: the SASL user, else ANONYMOUS as Kafka's principal; '' for no client id. */
export function quotaIdentity (ctx: RequestContext): { user: string, clientId: string } {
  return { user: ctx.sasl?.user ?? ANONYMOUS_USER, clientId: ctx.header.clientId ?? '' }
}

/**
 * Charges `bytes` to the request's client under `quotas` at the cluster's time; when that puts it over its quota,
 * asks the connection to mute itself once answered and returns the throttle time for the response (else 0).
 */
export function chargeAndThrottle (ctx: RequestContext, quotas: ByteRateQuotas, bytes: number): number {
  const { user, clientId } = quotaIdentity(ctx)
  const throttleTimeMs = quotas.record(user, clientId, bytes, ctx.cluster.now(), ctx.broker.id)
  if (throttleTimeMs > 0) ctx.throttle?.(throttleTimeMs)
  return throttleTimeMs
}

/**
 * The request's controller mutation quota (KIP-599): strict from `strictSinceVersion` (refusing topics with
 * THROTTLING_QUOTA_EXCEEDED), permissive below it.
 */
export function mutationQuota (ctx: RequestContext, strictSinceVersion: number): MutationQuota {
  const { user, clientId } = quotaIdentity(ctx)
  return ctx.cluster.quotas.controllerMutation.forRequest(user, clientId, ctx.header.apiVersion >= strictSinceVersion)
}

/** The throttle time a mutating request answers with; a positive one also mutes the connection once answered. */
export function mutationThrottle (ctx: RequestContext, quota: MutationQuota): number {
  const throttleTimeMs = quota.throttleTimeMs()
  if (throttleTimeMs > 0) ctx.throttle?.(throttleTimeMs)
  return throttleTimeMs
}
