import { ConnectionError, KafkaError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'

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
