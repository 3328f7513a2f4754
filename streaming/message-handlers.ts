// What a stream delivers for each record: Spark's messageHandler (MessageAndMetadata => R). The default is the pair
// Spark's StringDecoder gives, [key, value] as UTF-8 strings (null stays null).
import type { SourceRecord } from './offset-source.js'
import type { MessageHandler } from './partition-task.js'

export type KeyValue = [key: string | null, value: string | null]

export const keyValueStrings: MessageHandler<KeyValue> = r => [
  r.key === null ? null : r.key.toString('utf8'),
  r.value === null ? null : r.value.toString('utf8')
]

export const keyValueBuffers: MessageHandler<[Buffer | null, Buffer | null]> = r => [r.key, r.value]

export const valueString: MessageHandler<string | null> = r => r.value === null ? null : r.value.toString('utf8')

/**
 * The whole record, with topic, partition, offset, timestamp and headers, as a plain object: sources may hand out
 * lazy views (simple-consumer-source.ts) whose fields are getters, which spreading or Object.keys would not see.
 */
export const wholeRecord: MessageHandler<SourceRecord> = r => ({
  topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers
})

/** Builds a handler from a key and a value decoder (Spark's Decoder[K], Decoder[V]). */
export function decodeWith<K, V> (key: (b: Buffer | null) => K, value: (b: Buffer | null) => V): MessageHandler<[K, V]> {
  return r => [key(r.key), value(r.value)]
}
