import { KafkaDirectError, KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'

// What a producer's caller may see besides a broker's KafkaError. A transactional error says which kind it is,
// because the remedies differ (KIP-98, KIP-691): an abortable error spoils only the current transaction (abort it
// and carry on), a fatal one spoils the producer (close it; for PRODUCER_FENCED a newer instance owns the
// transactional id).

/** A record larger than the buffer or the largest request can never be sent. */
export class RecordTooLargeError extends KafkaDirectError {
  constructor (readonly bytes: number, readonly limit: number, readonly setting: string) {
    super('ERR_RECORD_TOO_LARGE', `a record of ${bytes} bytes exceeds ${setting} (${limit})`)
  }
}

/** The producer was closed; records not yet delivered are failed with this. */
export class ProducerClosedError extends KafkaDirectError {
  constructor (detail = 'the producer is closed') {
    super('ERR_PRODUCER_CLOSED', detail)
  }
}

/** A transaction method was called in a state that does not allow it (e.g. commit without begin). */
export class TransactionStateError extends KafkaDirectError {
  constructor (detail: string) {
    super('ERR_TRANSACTION_STATE', detail)
  }
}

/**
 * A transaction failed. `abortable`: call abortTransaction() and start a new one. Otherwise fatal: the producer
 * can do nothing more but close (`fenced` when a newer producer took over the transactional id).
 */
export class TransactionError extends KafkaDirectError {
  readonly abortable: boolean
  readonly fenced: boolean
  constructor (readonly operation: string, abortable: boolean, options: ErrorOptions & { cause: unknown }) {
    const cause = options.cause
    const fenced = cause instanceof KafkaError && FENCED.has(cause.errorCode)
    super(abortable ? 'ERR_TRANSACTION_ABORTABLE' : 'ERR_TRANSACTION_FATAL',
      `${operation}: ${cause instanceof Error ? cause.message : String(cause)} (${abortable ? 'abort the transaction to continue' : 'fatal: close the producer'})`, options)
    this.abortable = abortable
    this.fenced = fenced
  }
}

const FENCED = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED])

/** Broker errors after which a transactional producer cannot go on (Java's TransactionManager treats these as fatal). */
export function isFatalTransactionError (err: unknown): boolean {
  if (!(err instanceof KafkaError)) return false
  return FENCED.has(err.errorCode) || err.errorCode === ErrorCode.UNSUPPORTED_VERSION ||
    err.errorCode === ErrorCode.INVALID_TRANSACTION_TIMEOUT || err.errorCode === ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT ||
    err.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED
}
