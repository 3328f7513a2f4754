import { iterateRecords, type KafkaRecord } from '../../protocol/records/index.js'
import type { RawRecords } from '../../consumer/simple-consumer.js'
import { FetchedRecord } from '../fetched-record.js'
import { tpKey, type OffsetRange, type TopicPartition } from '../offset-range.js'
import type { OffsetSource, SourceRecord } from '../offset-source.js'
import type { WalBlock } from './write-ahead-log.js'

// What the receiver has received, as an OffsetSource: the stream built on it (receiver-stream.ts) plans its batches
// and reads their ranges exactly as the direct stream does against Kafka, except that "the latest offset" of a
// partition is how far the receiver has stored it, and the records come from the stored blocks (in memory, and in
// the write-ahead log when it is on). A range the blocks do not cover (the receiver started after it, or blocks of a
// run without a write-ahead log died with it) is read from Kafka, if Kafka still has it.

type Block = WalBlock

export class ReceivedBlockStore implements OffsetSource {
  /** Per partition, the stored blocks in offset order. */
  private readonly blocks = new Map<string, Block[]>()
  /** Per partition, where the receiver has stored up to (the next offset it will take). */
  private readonly stored = new Map<string, bigint>()
  /** Per partition, the lowest offset a batch may start from without reaching into Kafka for it. */
  private readonly floor = new Map<string, bigint>()
  private failure: unknown = undefined
  /**
   * Group receivers (receiver/group-receiver.ts): per partition, a handover not yet reached by the batches. The
   * receiver stored up to `at`, gave the partition up, and got it back at the group's committed offset `to`; what
   * lies between was read by another member. Batches plan up to `at` first, then continue from `to`.
   */
  private readonly jumps = new Map<string, Array<{ at: bigint | undefined, to: bigint }>>()

  constructor (
    /** Kafka, for metadata, for ranges no block covers and for committing offsets. */
    private readonly kafka: OffsetSource,
    private readonly isolation: 'read_uncommitted' | 'read_committed'
  ) {}

  /** Blocks read back from the write-ahead log at start, or just received: appended in order per partition. */
  add (blocks: readonly Block[]): void {
    for (const b of blocks) {
      const k = tpKey(b.topic, b.partition)
      let list = this.blocks.get(k)
      if (list === undefined) this.blocks.set(k, list = [])
      list.push(b)
      if ((this.stored.get(k) ?? -1n) < b.untilOffset) this.stored.set(k, b.untilOffset)
      keepLowest(this.floor, k, b.fromOffset)
    }
  }

  /**
   * Where the receiver (re)starts a partition: nothing below it will be stored any more, so it is also how far the
   * partition counts as stored (a jump past offsets Kafka lost leaves a gap that batches read, and report, from Kafka).
   */
  startAt (tp: TopicPartition, offset: bigint): void {
    const k = tpKey(tp.topic, tp.partition)
    if ((this.stored.get(k) ?? -1n) < offset) this.stored.set(k, offset)
    keepLowest(this.floor, k, offset)
  }

  /**
   * A group receiver (re)starts a partition at `to`, the group's committed offset: offsets below it that this
   * receiver has not stored belong to whichever member read them, so the batches skip them (see applyJumps).
   */
  jumpTo (tp: TopicPartition, to: bigint): void {
    const k = tpKey(tp.topic, tp.partition)
    const at = this.stored.get(k)
    if (at !== undefined && at >= to) return
    let list = this.jumps.get(k)
    if (list === undefined) this.jumps.set(k, list = [])
    const last = list[list.length - 1]
    // Nothing stored since the last handover: it just goes further. Otherwise the batches first need what was.
    if (last !== undefined && last.to === at) last.to = to
    else list.push({ at, to })
    this.stored.set(k, to)
    keepLowest(this.floor, k, to)
  }

  /**
   * Moves the batches' positions (`current`, tpKey -> next offset) over the handovers they have reached, and
   * returns the partitions the store knows (every one a batch may plan).
   */
  applyJumps (current: Map<string, bigint>): TopicPartition[] {
    for (const [k, list] of this.jumps) {
      while (list.length > 0) {
        const j = list[0] as { at: bigint | undefined, to: bigint }
        const now = current.get(k)
        if (now !== undefined && j.at !== undefined && now < j.at) break
        current.set(k, j.to)
        list.shift()
      }
      if (list.length === 0) this.jumps.delete(k)
    }
    return [...this.stored.keys()].map(k => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }))
  }

  /** Lowers a partition's floor to an offset a checkpointed batch starts from (read from Kafka if no block has it). */
  allowFrom (tp: TopicPartition, offset: bigint): void {
    keepLowest(this.floor, tpKey(tp.topic, tp.partition), offset)
  }

  /** The receiver stopped on an error: batches that need what it would have received fail with it. */
  fail (err: unknown): void { this.failure ??= err }

  storedUntil (tp: TopicPartition): bigint | undefined { return this.stored.get(tpKey(tp.topic, tp.partition)) }

  /** Drops the blocks wholly below what is still needed per partition (memory only; the log keeps its own). */
  dropBefore (neededFrom: ReadonlyMap<string, bigint>): void {
    for (const [k, list] of this.blocks) {
      const needed = neededFrom.get(k)
      if (needed === undefined) continue
      let i = 0
      while (i < list.length && (list[i] as Block).untilOffset <= needed) i++
      if (i > 0) list.splice(0, i)
    }
  }

  /** Bytes of record batches held in memory (for tests and the batch log). */
  get heldBytes (): number {
    let n = 0
    for (const list of this.blocks.values()) for (const b of list) n += b.blob.length
    return n
  }

  async partitionsFor (topics: readonly string[]): Promise<TopicPartition[]> {
    return await this.kafka.partitionsFor(topics)
  }

  async earliestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    this.throwIfFailed()
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), this.floor.get(tpKey(tp.topic, tp.partition)) ?? 0n]))
  }

  async latestOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    this.throwIfFailed()
    return new Map(tps.map(tp => {
      const k = tpKey(tp.topic, tp.partition)
      // Before a handover the batches reach only what was stored up to it.
      const j = this.jumps.get(k)?.[0]
      return [k, (j !== undefined ? j.at : undefined) ?? this.stored.get(k) ?? 0n]
    }))
  }

  /**
   * The range as stored blocks, each decoded from where the range (or the block) starts; the last block may run past
   * untilOffset and is clipped by the reader. Parts no block holds come from Kafka.
   */
  async * fetchRaw (range: OffsetRange, signal?: AbortSignal): AsyncIterable<RawRecords> {
    const list = this.blocks.get(tpKey(range.topic, range.partition)) ?? []
    let pos = range.fromOffset
    let i = firstBlockEndingAfter(list, pos)
    while (pos < range.untilOffset) {
      if (signal?.aborted === true) throw signal.reason
      const b = list[i]
      if (b !== undefined && b.fromOffset <= pos) {
        yield {
          blob: b.blob,
          untilOffset: range.untilOffset,
          // CRCs were checked when the receiver fetched the block (and the log checks its own per entry).
          options: { topic: b.topic, partition: b.partition, fromOffset: pos, verifyCrc: false, isolation: this.isolation, abortedTransactions: b.abortedTransactions }
        }
        pos = b.untilOffset
        i++
        continue
      }
      // A gap: up to the next block, or the end of the range, from Kafka.
      const gapEnd = b !== undefined && b.fromOffset < range.untilOffset ? b.fromOffset : range.untilOffset
      const gap: OffsetRange = { ...range, fromOffset: pos, untilOffset: gapEnd }
      if (this.kafka.fetchRaw === undefined) {
        throw new Error(`received-block store: ${gap.topic}[${gap.partition}] ${gap.fromOffset}..${gap.untilOffset} is not stored, and the Kafka source cannot fetch record batches`)
      }
      for await (const raw of this.kafka.fetchRaw(gap, signal)) yield { ...raw, untilOffset: gapEnd }
      pos = gapEnd
    }
  }

  async * fetchRange (range: OffsetRange, signal?: AbortSignal): AsyncIterable<readonly SourceRecord[]> {
    for await (const raw of this.fetchRaw(range, signal)) {
      const out: SourceRecord[] = []
      for (const r of iterateRecords(raw.blob, raw.options)) {
        if (r.offset >= range.untilOffset) break
        out.push(new FetchedRecord(range.topic, range.partition, r as KafkaRecord))
      }
      if (out.length > 0) yield out
    }
  }

  async commitOffsets (groupId: string, offsets: ReadonlyMap<string, { topic: string; partition: number; offset: bigint }>): Promise<void> {
    if (this.kafka.commitOffsets === undefined) throw new Error('the Kafka source cannot commit offsets')
    await this.kafka.commitOffsets(groupId, offsets)
  }

  /** The Kafka source belongs to the receiver stream, which closes it. */
  async close (): Promise<void> {}

  private throwIfFailed (): void {
    if (this.failure !== undefined) throw this.failure
  }
}

/** Index of the first block whose range ends after `offset` (blocks are in offset order and do not overlap). */
function firstBlockEndingAfter (list: readonly Block[], offset: bigint): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as Block).untilOffset <= offset) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Sets map[key] to value unless it already holds a lower one. */
export function keepLowest (map: Map<string, bigint>, key: string, value: bigint): void {
  const now = map.get(key)
  if (now === undefined || value < now) map.set(key, value)
}
