import { ConnectionError, KafkaError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import type { OAuthBearerServerError } from './sasl/oauthbearer.js'

/**
 * A fetch asked for offsets the partition does not hold: below the log start offset (deleted by retention or
 * DeleteRecords) or beyond the high watermark. Carries the valid range, [logStartOffset, highWatermark), so the
 * caller can decide where to resume (Kafka's auto.offset.reset, made explicit).
 */
export class OffsetOutOfRangeError extends KafkaError {
  constructor (
    readonly topic: string,
    readonly partition: number,
    readonly requested: bigint,
    readonly logStartOffset: bigint | undefined,
    readonly highWatermark: bigint | undefined,
    options?: ErrorOptions
  ) {
    const range = logStartOffset === undefined || highWatermark === undefined ? 'valid range unknown' : `valid offsets are [${logStartOffset}, ${highWatermark})`
    super(ErrorCode.OFFSET_OUT_OF_RANGE, `${topic}[${partition}] offset ${requested}: ${range}`, options)
  }
}

/**
 * Part of a response frame arrived and the rest did not come within the request timeout. The connection is closed
 * (every later response is stuck behind the missing bytes). Retried on a new connection, but counted against
 * `retries` rather than waited out like an outage: a broker that keeps cutting responses short is broken, not down.
 */
export class ResponseCutShortError extends ConnectionError {
  constructor (broker: string, readonly receivedBytes: number, readonly timeoutMs: number, options?: ErrorOptions) {
    super(broker, `response cut short: ${receivedBytes} bytes of a frame arrived, then nothing for ${timeoutMs} ms (socket.timeout.ms)`, options)
  }
}

/**
 * Renewing the SASL session of a connection failed (KIP-368): the broker refused it (a changed password, a user
 * removed) or the connection went meanwhile. The connection is closed; requests that waited for the renewal fail with
 * a ConnectionError and are retried on a new connection, whose authentication reports a lasting refusal as such.
 */
export class ReauthenticationError extends ConnectionError {
  constructor (broker: string, readonly reason: Error) {
    super(broker, `SASL re-authentication failed: ${reason.message}`, { cause: reason })
  }
}

/**
 * The broker refused an OAUTHBEARER token (RFC 7628 section 3.2.2): `status` is its reason (`invalid_token`,
 * `insufficient_scope` with the `scope` needed, ...), from the JSON it answered before failing the exchange with
 * SASL_AUTHENTICATION_FAILED. A new token from the provider may succeed; the same one will not.
 */
export class OAuthBearerRefusedError extends KafkaError {
  readonly status: string
  readonly scope: string | undefined
  readonly openidConfiguration: string | undefined

  constructor (readonly broker: string, refusal: OAuthBearerServerError, options?: ErrorOptions) {
    const scope = refusal.scope === undefined ? '' : ` (scope needed: ${refusal.scope})`
    super(ErrorCode.SASL_AUTHENTICATION_FAILED, `SASL OAUTHBEARER at ${broker}: the broker refused the token: ${refusal.status}${scope}`, options)
    this.status = refusal.status
    this.scope = refusal.scope
    this.openidConfiguration = refusal.openidConfiguration
  }
}
