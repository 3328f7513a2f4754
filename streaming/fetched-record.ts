// A record fetched from Kafka as the stream sees it (SourceRecord): a view over the consumer's record that adds
// the partition it came from. The consumer's records decode their fields on first access
// (protocol/records/lazy-record.ts), and so does this view, so a job that reads only values never builds offsets'
// or timestamps' bigints, nor header lists.
import type { KafkaRecord } from '../protocol/records/index.js'
import type { SourceHeader, SourceRecord } from './offset-source.js'

export class FetchedRecord implements SourceRecord {
  constructor (readonly topic: string, readonly partition: number, private readonly record: KafkaRecord) {}
  get offset (): bigint { return this.record.offset }
  get timestamp (): bigint { return this.record.timestamp }
  get key (): Buffer | null { return this.record.key }
  get value (): Buffer | null { return this.record.value }
  get headers (): readonly SourceHeader[] { return this.record.headers }

  /** What console.log shows: the record's fields. */
  [Symbol.for('nodejs.util.inspect.custom')] (): object {
    return { topic: this.topic, partition: this.partition, offset: this.offset, timestamp: this.timestamp, key: this.key, value: this.value, headers: this.headers }
  }
}
