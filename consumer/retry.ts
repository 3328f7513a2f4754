import { ConnectionError, KafkaError, TimeoutError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/error-codes.js'
import { ResponseCutShortError } from './errors.js'

// Which failures are worth retrying, and how long to wait between attempts. Kafka's clients retry a request whose
// partition-level error says "your view of the cluster is stale" after refreshing metadata (the Java client's
// Metadata.requestUpdate on NOT_LEADER_OR_FOLLOWER, KIP-320 for the leader-epoch errors), and retry connection
// failures and timeouts on a fresh connection. Waits grow exponentially with jitter so that many clients
// recovering from the same broker restart do not stampede it (KIP-580).

/** Errors after which cached metadata is suspect: the partition's leader, or the topic, may have moved. */
const STALE_METADATA_CODES = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.BROKER_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.NOT_CONTROLLER
])

/** Whether a broker error code means "refresh metadata, then retry". */
export function needsMetadataRefresh (errorCode: number): boolean {
  return STALE_METADATA_CODES.has(errorCode)
}

// Certificate and handshake failures come from node:tls with OpenSSL's codes (DEPTH_ZERO_SELF_SIGNED_CERT,
// CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_...): a new connection meets the same certificate, so
// retrying only delays the error.
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS_|^ERR_SSL_/

function isTlsFailure (err: ConnectionError): boolean {
  let cause: unknown = err.cause
  for (let depth = 0; depth < 4 && cause !== undefined && cause !== null; depth++) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && TLS_FAILURE.test(code)) return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/** Whether a failure may succeed when tried again (after a metadata refresh and/or reconnect). */
export function isRetriable (err: unknown): boolean {
  if (err instanceof ConnectionError) return !isTlsFailure(err)
  if (err instanceof TimeoutError) return true
  if (err instanceof KafkaError) return err.retriable || needsMetadataRefresh(err.errorCode) || OUTAGE_CODES.has(err.errorCode)
  return false
}

/**
 * Errors that mean a broker is down or unreachable rather than that a request was wrong: refused or timed-out
 * connections, and partitions whose leader is gone. A client waits these out (the Java consumer and librdkafka
 * retry them forever) instead of spending its retry budget on them.
 */
const OUTAGE_CODES = new Set<number>([ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.BROKER_NOT_AVAILABLE])

export function isOutage (err: unknown): boolean {
  if (err instanceof ResponseCutShortError) return false
  if (err instanceof ConnectionError) return !isTlsFailure(err)
  if (err instanceof TimeoutError) return true
  return err instanceof KafkaError && OUTAGE_CODES.has(err.errorCode)
}

/** Exponential backoff with ±20% jitter: base·2^attempt, capped (KIP-580). */
export function backoffMs (attempt: number, baseMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  const jitter = exp * 0.2 * (Math.random() * 2 - 1)
  return Math.max(0, Math.round(Math.min(maxMs, exp + jitter)))
}

export function delay (ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
