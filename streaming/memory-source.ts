// An OffsetSource over in-memory partitions: for unit tests of stream jobs, and a readable model of what a Kafka
// partition log looks like to the direct stream (offsets only grow; the start moves up when old records are deleted).
import { ConfigError, KafkaDirectError } from '../protocol/errors.js'
import type { OffsetRange, TopicPartition } from './offset-range.js'
import { tpKey } from './offset-range.js'
import type { OffsetSource, SourceRecord } from './offset-source.js'

interface MemoryPartition { logStart: bigint; next: bigint; records: SourceRecord[] }

/** Raised like the broker's OFFSET_OUT_OF_RANGE; carries logStartOffset as OffsetSource requires. */
export class MemoryOffsetOutOfRangeError extends KafkaDirectError {
  constructor (readonly topic: string, readonly partition: number, readonly requested: bigint, readonly logStartOffset: bigint) {
    super('ERR_OFFSET_OUT_OF_RANGE', `${topic}[${partition}]: offset ${requested} is below the log start ${logStartOffset}`)
  }
}

export class MemoryOffsetSource implements OffsetSource {
  private readonly topics = new Map<string, MemoryPartition[]>()
  /** Every range fetched, in order: lets tests check what was read. */
  readonly fetched: OffsetRange[] = []
  readonly commits: Array<{ groupId: string; offsets: Map<string, bigint> }> = []
  /** Records per fetchRange chunk; small values exercise chunking. */
  chunkSize = 500

  createTopic (topic: string, partitions: number): this {
    this.topics.set(topic, Array.from({ length: partitions }, () => ({ logStart: 0n, next: 0n, records: [] })))
    return this
  }

  /** Appends records (values, or full key/value pairs); returns the first offset. `gap` leaves unused offsets (compaction). */
  append (topic: string, partition: number, values: Array<string | Buffer | { key: string | Buffer | null; value: string | Buffer | null }>, opts: { timestamp?: bigint; gap?: number } = {}): bigint {
    const p = this.part(topic, partition)
    const first = p.next
    for (const v of values) {
      const kv = typeof v === 'string' || Buffer.isBuffer(v) ? { key: null, value: v } : v
      p.records.push({
        topic, partition, offset: p.next, timestamp: opts.timestamp ?? 0n,
        key: kv.key === null ? null : Buffer.from(kv.key), value: kv.value === null ? null : Buffer.from(kv.value), headers: []
      })
      p.next += 1n + BigInt(opts.gap ?? 0)
    }
    return first
  }

  /** Like DeleteRecords / retention: records below `offset` disappear and the log start moves up. */
  deleteBefore (topic: string, partition: number, offset: bigint): void {
    const p = this.part(topic, partition)
    p.logStart = offset > p.next ? p.next : offset
    p.records = p.records.filter(r => r.offset >= p.logStart)
  }

  async partitionsFor (topics: readonly string[]): Promise<TopicPartition[]> {
    const out: TopicPartition[] = []
    for (const t of topics) {
      const parts = this.topics.get(t)
      if (parts === undefined) throw new ConfigError('topics', `unknown topic ${t}`)
      for (let i = 0; i < parts.length; i++) out.push({ topic: t, partition: i })
    }
    return out
  }

  async earliestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), this.part(tp.topic, tp.partition).logStart]))
  }

  async latestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), this.part(tp.topic, tp.partition).next]))
  }

  async * fetchRange (range: OffsetRange, _signal?: AbortSignal): AsyncIterable<readonly SourceRecord[]> {
    const p = this.part(range.topic, range.partition)
    this.fetched.push(range)
    if (range.fromOffset < p.logStart && range.untilOffset > range.fromOffset) {
      throw new MemoryOffsetOutOfRangeError(range.topic, range.partition, range.fromOffset, p.logStart)
    }
    const selected = p.records.filter(r => r.offset >= range.fromOffset && r.offset < range.untilOffset)
    for (let i = 0; i < selected.length; i += this.chunkSize) yield selected.slice(i, i + this.chunkSize)
  }

  async commitOffsets (groupId: string, offsets: ReadonlyMap<string, { topic: string; partition: number; offset: bigint }>): Promise<void> {
    this.commits.push({ groupId, offsets: new Map([...offsets].map(([k, v]) => [k, v.offset])) })
  }

  async close (): Promise<void> {}

  private part (topic: string, partition: number): MemoryPartition {
    const p = this.topics.get(topic)?.[partition]
    if (p === undefined) throw new ConfigError('topics', `unknown partition ${topic}[${partition}]`)
    return p
  }
}
