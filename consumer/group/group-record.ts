import type { KafkaRecord, RecordHeader } from '../../protocol/records/types.js'

/** A record with the partition it came from, as a group consumer hands it out; a view over the decoded record. */
export class GroupRecord {
  constructor (readonly topic: string, readonly partition: number, readonly record: KafkaRecord) {}
  get offset (): bigint { return this.record.offset }
  get timestamp (): bigint { return this.record.timestamp }
  get key (): Buffer | null { return this.record.key }
  get value (): Buffer | null { return this.record.value }
  get headers (): RecordHeader[] { return this.record.headers }
  get leaderEpoch (): number { return this.record.leaderEpoch }
}
