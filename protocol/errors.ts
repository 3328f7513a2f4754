import { errorInfo } from './error-codes.js'

// Every error kafka-direct throws is a KafkaDirectError with a stable string `code`, so callers can branch on
// `err.code` without parsing messages. Causes are chained with `{ cause }`.

export class KafkaDirectError extends Error {
  constructor (readonly code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Where in a frame a decode failed: API, version, dotted field path, byte offset from the frame start. */
export interface ProtocolLocation {
  api: string
  version: number
  field: string
  offset: number
  /** 'request' or 'response' when the frame's direction is known. */
  direction?: string
}

// e.g. "Fetch v13 response: responses[0].partitions[2].records at byte 812: length -7"
export class ProtocolError extends KafkaDirectError {
  constructor (readonly where: ProtocolLocation, readonly detail: string, options?: ErrorOptions) {
    const dir = where.direction === undefined ? '' : ` ${where.direction}`
    super('ERR_PROTOCOL', `${where.api} v${where.version}${dir}: ${where.field || '(frame)'} at byte ${where.offset}: ${detail}`, options)
  }
}

/** A record batch or message whose checksum or structure is wrong. */
export class CorruptRecordError extends KafkaDirectError {
  constructor (
    readonly topic: string | undefined,
    readonly partition: number | undefined,
    readonly offset: bigint | undefined,
    detail: string,
    options?: ErrorOptions
  ) {
    const where = topic === undefined ? '' : `${topic}[${partition ?? '?'}]${offset === undefined ? '' : ` offset ${offset}`}: `
    super('ERR_CORRUPT_RECORD', `${where}${detail}`, options)
  }
}

/** Compressed input that is malformed, or that would decompress past the configured limit. */
export class CompressionError extends KafkaDirectError {
  constructor (readonly codec: string, detail: string, options?: ErrorOptions) {
    super('ERR_COMPRESSION', `${codec}: ${detail}`, options)
  }
}

/** A configuration value that is missing, unknown or out of range; names the key. */
export class ConfigError extends KafkaDirectError {
  constructor (readonly key: string, detail: string, options?: ErrorOptions) {
    super('ERR_CONFIG', `config ${key}: ${detail}`, options)
  }
}

export class ConnectionError extends KafkaDirectError {
  constructor (readonly broker: string, detail: string, options?: ErrorOptions) {
    super('ERR_CONNECTION', `${broker}: ${detail}`, options)
  }
}

/**
 * The peer answered with bytes that are not a Kafka response: an HTTP server, an SSH daemon, a TLS listener spoken
 * to in plain text. Retrying reaches the same program, so this is never retried. `firstBytes` is what the peer
 * sent first, shown as text when it is printable ("HTTP/1.1 400 Bad Request") and as hex otherwise.
 */
export class NotKafkaError extends KafkaDirectError {
  constructor (readonly broker: string, readonly firstBytes: Buffer, options?: ErrorOptions) {
    super('ERR_NOT_KAFKA', `${broker}: the peer is not a Kafka broker: it answered ${describeBytes(firstBytes)}; check the address and port (and security.protocol)`, options)
  }
}

/** Up to 64 bytes as quoted text when every byte is printable ASCII (or CR, LF, tab), else as hex. */
export function describeBytes (bytes: Buffer): string {
  const head = bytes.subarray(0, 64)
  const more = bytes.length > head.length ? '...' : ''
  let printable = head.length > 0
  for (const b of head) if (!(b >= 0x20 && b < 0x7f) && b !== 0x0a && b !== 0x0d && b !== 0x09) { printable = false; break }
  return printable ? `${JSON.stringify(head.toString('latin1'))}${more}` : `bytes ${head.toString('hex')}${more}`
}

export class TimeoutError extends KafkaDirectError {
  constructor (readonly what: string, readonly timeoutMs: number, options?: ErrorOptions) {
    super('ERR_TIMEOUT', `${what} timed out after ${timeoutMs} ms`, options)
  }
}

/** Both sides share no version of an API, or an API is not known at all. */
export class UnsupportedVersionError extends KafkaDirectError {
  constructor (readonly api: string, detail: string, options?: ErrorOptions) {
    super('ERR_UNSUPPORTED_VERSION', `${api}: ${detail}`, options)
  }
}

/** A value that cannot be encoded in the requested version (wrong type, null where not nullable, out of range). */
export class EncodeError extends KafkaDirectError {
  constructor (readonly api: string, readonly version: number, readonly field: string, readonly detail: string, options?: ErrorOptions) {
    super('ERR_ENCODE', `${api} v${version}: ${field || '(root)'}: ${detail}`, options)
  }
}

/** Prefixes a field path segment ("topics", "[3]") onto a ProtocolError or EncodeError as it travels outwards. */
export function prefixFieldPath (err: unknown, segment: string): unknown {
  if (err instanceof ProtocolError) {
    const field = joinPath(segment, err.where.field)
    const where = { ...err.where, field }
    return Object.assign(new ProtocolError(where, err.detail, { cause: err.cause }), { stack: err.stack })
  }
  if (err instanceof EncodeError) {
    return new EncodeError(err.api, err.version, joinPath(segment, err.field), err.detail, { cause: err.cause })
  }
  return err
}

export function joinPath (segment: string, rest: string): string {
  if (rest === '') return segment
  return rest.startsWith('[') ? segment + rest : `${segment}.${rest}`
}

/**
 * A broker answered with a non-zero error code (protocol guide, "Error Codes"). `code` is 'ERR_KAFKA_<NAME>'
 * ('ERR_KAFKA_NOT_LEADER_OR_FOLLOWER'); `retriable` says whether the same request may succeed later (typically
 * after refreshing metadata), as Kafka's table marks it. `context` says which request and which partition.
 */
export class KafkaError extends KafkaDirectError {
  readonly errorCode: number
  readonly errorName: string
  readonly retriable: boolean

  constructor (errorCode: number, context?: string, options?: ErrorOptions) {
    const info = errorInfo(errorCode)
    const where = context === undefined || context === '' ? '' : `${context}: `
    super(`ERR_KAFKA_${info.name}`, `${where}${info.name} (${errorCode}): ${info.message}`, options)
    this.errorCode = errorCode
    this.errorName = info.name
    this.retriable = info.retriable
  }
}
