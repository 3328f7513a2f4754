import { GroupConsumer, type GroupBatch } from '../../consumer/group/index.js'
import type { ConfigInput } from '../../consumer/config.js'
import type { TopicPartition } from '../../consumer/simple-consumer.js'
import { tpKey } from '../offset-range.js'
import type { ReceivedBlockStore } from './block-store.js'
import type { WalBlock, WriteAheadLog } from './write-ahead-log.js'

// A receiver that is one member of a consumer group (Spark's createStream on Kafka's high-level consumer): N
// receivers with the same group.id, in one process or several, split the topics' partitions between them instead
// of each reading all of them, and follow the group's rebalances.
//
// Each fetched block goes, in this order:
//   1. into the write-ahead log, fsynced (when it is on),
//   2. to the group as a commit of its end offset, with this member's generation,
//   3. into the block store, where the next batch's plan sees it.
// A block becomes visible to the batches only once the group has recorded it as taken, so the member that takes
// the partition over next starts exactly after it: no record is stored by two receivers. A commit that fails
// (the group is rebalancing) keeps the block aside and retries with the partition's next block; when the
// partition is revoked the rebalance listener commits what is aside (the generation still holds then) and stores
// it, or, if the commit fails, drops it: the next owner reads it from the committed offset.
//
// A partition that comes back starts from the group's committed offset, which may be past what this receiver
// stored (another member read the offsets between): the block store then makes the batches skip that stretch
// (ReceivedBlockStore.jumpTo), so each batch's offset ranges hold exactly the records this receiver stored.

export interface GroupReceiverOptions {
  store: ReceivedBlockStore
  wal: WriteAheadLog | undefined
  /** The group consumer's configuration (bootstrap, group.id, session and fetch settings). */
  config: ConfigInput
  topics: readonly string[]
  /**
   * This receiver's lasting name (kept beside its write-ahead log), committed as offset metadata with where its
   * ownership of the partition began: a restarted receiver reads it back to know which logged blocks are its own.
   */
  receiverId: string | undefined
  log: (line: string) => void
}

export class GroupReceiver {
  readonly consumer: GroupConsumer
  /** Partitions whose start this assignment has been told to the block store, and that start. */
  private readonly started = new Map<string, bigint>()
  /**
   * Per partition, where this receiver's unbroken ownership began and how far it has committed. An eager rebalance
   * takes every partition away and may give it straight back: ownership continues when the partition comes back
   * exactly where this receiver's commits ended, and the commit metadata keeps naming the first start.
   */
  private readonly ownership = new Map<string, { from: bigint, until: bigint }>()
  /** Blocks in the log whose commit failed, per partition: not visible to batches yet. */
  private readonly aside = new Map<string, WalBlock[]>()
  private readonly stopping = new AbortController()
  private loop: Promise<void> | undefined

  constructor (private readonly o: GroupReceiverOptions) {
    this.consumer = new GroupConsumer({ ...o.config, 'enable.auto.commit': false }, {
      raw: true,
      rebalanceListener: {
        onPartitionsAssigned: tps => { for (const tp of tps) this.started.delete(tpKey(tp.topic, tp.partition)) },
        onPartitionsRevoked: async tps => { await this.revoked(tps) },
        onPartitionsLost: tps => { this.lost(tps) }
      }
    })
    this.consumer.subscribe([...o.topics])
  }

  /** The partitions this receiver owns now. */
  assignment (): TopicPartition[] { return this.consumer.assignment() }

  start (): void {
    // Empty batches too: the first fetch of a newly assigned partition tells where it starts, records or not.
    this.loop = this.consumer.eachBatch(async b => { await this.take(b) }, { emptyBatches: true, signal: this.stopping.signal })
      .catch((err: unknown) => {
        if (this.stopping.signal.aborted) return
        this.o.log(`receiver stopped: ${err instanceof Error ? err.message : String(err)}`)
        this.o.store.fail(err)
      })
  }

  /** Stops taking records and leaves the group (committing and storing what is aside, in the revoke). */
  async stop (): Promise<void> {
    this.stopping.abort()
    await this.loop
    await this.consumer.close()
  }

  private async take (b: GroupBatch): Promise<void> {
    const k = tpKey(b.topic, b.partition)
    if (!this.started.has(k)) {
      const before = this.ownership.get(k)
      const from = before !== undefined && before.until === b.fromOffset ? before.from : b.fromOffset
      this.ownership.set(k, { from, until: b.fromOffset })
      this.started.set(k, from)
      this.o.store.jumpTo(b, b.fromOffset)
    }
    if (b.raw === undefined || b.nextOffset <= b.fromOffset) return
    const block: WalBlock = { topic: b.topic, partition: b.partition, fromOffset: b.fromOffset, untilOffset: b.nextOffset, blob: b.raw.blob, abortedTransactions: b.raw.options.abortedTransactions }
    await this.o.wal?.append([block])
    const list = this.aside.get(k) ?? []
    list.push(block)
    if (await this.commit(b, block.untilOffset)) {
      this.aside.delete(k)
      this.o.store.add(list)
    } else {
      this.aside.set(k, list)
    }
  }

  /** Before the partitions go: what was logged but not yet committed is committed now, and stored, or dropped. */
  private async revoked (tps: TopicPartition[]): Promise<void> {
    for (const tp of tps) {
      const k = tpKey(tp.topic, tp.partition)
      const list = this.aside.get(k)
      this.aside.delete(k)
      if (list === undefined) { this.started.delete(k); continue }
      const last = list[list.length - 1] as WalBlock
      const ok = await this.commit(tp, last.untilOffset)
      this.started.delete(k)
      if (ok) this.o.store.add(list)
      else this.o.log(`receiver: ${k} ${list[0]?.fromOffset ?? ''}..${last.untilOffset} not committed before the partition moved; its next owner reads it`)
    }
  }

  /** Dropped from the group: the partitions may be someone else's already; nothing aside may be stored. */
  private lost (tps: TopicPartition[]): void {
    for (const tp of tps) {
      const k = tpKey(tp.topic, tp.partition)
      this.started.delete(k)
      this.aside.delete(k)
    }
  }

  private async commit (tp: TopicPartition, offset: bigint): Promise<boolean> {
    try {
      const from = this.started.get(tpKey(tp.topic, tp.partition))
      const metadata = this.o.receiverId === undefined || from === undefined ? null : receiverMetadata(this.o.receiverId, from)
      await this.consumer.commit({ offsets: [{ topic: tp.topic, partition: tp.partition, offset, metadata }] })
      const owned = this.ownership.get(tpKey(tp.topic, tp.partition))
      if (owned !== undefined) owned.until = offset
      return true
    } catch (err) {
      this.o.log(`receiver: offset commit of ${tpKey(tp.topic, tp.partition)} at ${offset} failed (${err instanceof Error ? err.message : String(err)})`)
      return false
    }
  }
}

/**
 * Offset metadata of a group receiver's commits: who committed, and from which offset its ownership of the
 * partition began. The member that owns a partition after a receiver crashed began exactly where the crashed one's
 * last successful commit ended, so the crashed one, restarted, knows how far its logged blocks are its own.
 */
export function receiverMetadata (receiverId: string, from: bigint): string {
  return `kafka-direct-receiver ${receiverId} from ${from}`
}

export function parseReceiverMetadata (metadata: string | null): { receiverId: string, from: bigint } | undefined {
  const m = metadata === null ? null : /^kafka-direct-receiver (\S+) from (\d+)$/.exec(metadata)
  return m === null ? undefined : { receiverId: m[1] as string, from: BigInt(m[2] as string) }
}
