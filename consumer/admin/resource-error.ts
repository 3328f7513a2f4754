import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'

// An admin call answers per resource (topic, config resource, partition): some may succeed while others fail.
// Admin results therefore carry an `error` per entry instead of throwing for the whole call; it is a KafkaError
// (with the broker's code, name and message) or null.

/** A KafkaError for a per-resource error code, or null for 0; `message` is the broker's errorMessage. */
/**
 * Results put in the order the resources were asked for: brokers may answer in another order (Kafka 4.4's
 * controller does for CreatePartitions and DeleteTopics), and callers index results by position.
 */
export function inRequestOrder<T> (names: readonly string[], results: readonly T[], nameOf: (r: T) => string): T[] {
  const byName = new Map(results.map(r => [nameOf(r), r]))
  const ordered = names.flatMap(n => byName.get(n) ?? [])
  return ordered.length === results.length ? ordered : [...results]
}

export function resourceError (errorCode: number, what: string, message?: string | null): KafkaError | null {
  if (errorCode === ErrorCode.NONE) return null
  return new KafkaError(errorCode, message === undefined || message === null || message === '' ? what : `${what}: ${message}`)
}
