import type { ApiSchema } from '../../protocol/schema/define.js'
import type { RequestHeader } from '../../protocol/headers.js'
import { intersect, isEmpty, parseVersions, type VersionRange } from '../../protocol/schema/versions.js'
import type { BrokerInfo, ClusterState } from './cluster-state.js'
import type { SaslSession } from './sasl.js'

// What every API handler sees and returns. A handler file (handlers/NN-api-name.ts) opens with the versions it
// serves and calls `serve(api, versions, handle)`; the list of handlers is what the ApiVersions reply advertises,
// so a client is never offered a version nobody answers.

/** Returned by a handler when the protocol says no response is sent (Produce with acks 0). */
export const NO_RESPONSE: unique symbol = Symbol('no response')

/**
 * Thrown by a handler for a request Kafka refuses to parse (its request class's validation throws, and the socket
 * server closes the connection without an answer): the connection closes, logging `message`.
 */
export class UnparsableRequest extends Error {}

export interface RequestContext<Req = unknown> {
  readonly cluster: ClusterState
  /** The broker the request arrived at: leadership and coordinator checks are made against it. */
  readonly broker: BrokerInfo
  /** The name of the listener the request arrived on; answers carry that listener's addresses. */
  readonly listener?: string
  readonly version: number
  readonly header: RequestHeader
  readonly body: Req
  /** "/127.0.0.1", as DescribeGroups reports client hosts. */
  readonly clientHost: string
  /**
   * The error code a fault injects for this partition, or for the whole request when `topic` is omitted; 0 when
   * no fault applies. Each call that returns a code uses up one of the fault's count.
   */
  injectedError: (topic?: string, partition?: number) => number
  /**
   * Resolves when the client's connection closes. Do not attach to it per request (every reaction stays until
   * the connection closes); a request that waits uses `onClose` and unregisters when it is done.
   */
  readonly closed: Promise<void>
  /** Calls `cb` when the connection closes; returns the function that unregisters it. */
  readonly onClose: (cb: () => void) => () => void
  /** The handlers this broker serves, by API key (for ApiVersions). */
  readonly handlers: ReadonlyMap<number, Handler>
  /** The connection's SASL exchange, on a cluster started with `sasl`. */
  readonly sasl: SaslSession | undefined
  /** The request frame's size in bytes, without its size prefix: what a Produce costs its producer_byte_rate quota. */
  readonly requestBytes?: number
  /**
   * Mutes the connection for `throttleTimeMs` once this request is answered (KIP-219: the broker answers at once
   * with the throttle time, then reads nothing more from the connection until it has passed).
   */
  readonly throttle?: (throttleTimeMs: number) => void
}

export interface Handler<Req = unknown> {
  readonly api: ApiSchema
  /** The versions served: the declared range within the schema's. */
  readonly versions: VersionRange
  /**
   * A method, not a function-typed property, so that a handler for one API's requests (Handler<ProduceRequest>)
   * fits the list of all handlers (Handler<unknown>): the connection passes each handler a body decoded with that
   * handler's own schema (the API key picks both), which the type system cannot see.
   */
  handle (ctx: RequestContext<Req>): unknown
}

/** Declares a handler for `api` over `versions` (Kafka's range grammar, "0-9"), clipped to the schema's range. */
export function serve<Req> (api: ApiSchema, versions: string, handle: (ctx: RequestContext<Req>) => unknown): Handler<Req> {
  const range = intersect(parseVersions(versions), api.versions)
  if (isEmpty(range)) throw new RangeError(`${api.name}: versions ${versions} lie outside the schema's ${api.versions.text}`)
  return { api, versions: range, handle }
}
