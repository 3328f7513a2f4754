import { OffsetOutOfRangeError, type FetchPosition } from '../../consumer/index.js'
import type { SimpleConsumerSource } from '../simple-consumer-source.js'
import { tpKey, type TopicPartition } from '../offset-range.js'
import type { ReceivedBlockStore } from './block-store.js'
import type { WalBlock, WriteAheadLog } from './write-ahead-log.js'

// The receiver (Spark's KafkaReceiver, reliable with a write-ahead log): a loop that takes records from Kafka as fast
// as they come (one Fetch round for all its partitions at a time, long-polling at the end of the log), independent
// of the batches. Each round's records become one block per partition, and in this order:
//   1. written to the write-ahead log and fsynced (when it is on),
//   2. added to the block store, where the next batch's plan sees them,
//   3. their offsets committed to the consumer group (when there is one; at most once a second),
// so that committed offsets never run ahead of what is safely stored (Spark's "reliable receiver").
// `spark.streaming.receiver.maxRate` caps the records per second. Retriable errors are retried inside the consumer;
// others stop the receiver and fail the batches that need its data (ReceivedBlockStore.fail).

export interface ReceiverOptions {
  store: ReceivedBlockStore
  kafka: SimpleConsumerSource
  wal: WriteAheadLog | undefined
  partitions: readonly TopicPartition[]
  /** Where each partition starts (tpKey -> offset). */
  from: ReadonlyMap<string, bigint>
  groupId: string | undefined
  /** records/s; 0 = unlimited. */
  maxRate: number
  /** Where the receiver goes when an offset it wants is gone from Kafka (retention): earliest or latest. */
  offsetReset: 'earliest' | 'latest'
  log: (line: string) => void
}

const COMMIT_EVERY_MS = 1000

export class Receiver {
  private readonly positions: Map<string, bigint>
  private stopped = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  /** Resolves when stop() is called: a fetch waiting out a broker outage is not waited for then. */
  private readonly stopping: Promise<undefined>
  private onStop: () => void = () => {}
  /** Records (counted by offsets) received since start, for the rate limit. */
  private received = 0
  private startedAt = 0
  private lastCommit = 0
  private readonly committed = new Map<string, bigint>()

  constructor (private readonly o: ReceiverOptions) {
    this.positions = new Map(o.from)
    this.stopping = new Promise(resolve => { this.onStop = () => { resolve(undefined) } })
  }

  start (): void {
    this.startedAt = Date.now()
    this.loop = this.run().catch((err: unknown) => {
      if (!this.stopped) {
        this.o.log(`receiver stopped: ${err instanceof Error ? err.message : String(err)}`)
        this.o.store.fail(err)
      }
    })
  }

  /** Stops taking records; resolves once the round in progress is stored (and committed, with a group). */
  async stop (): Promise<void> {
    this.stopped = true
    this.onStop()
    this.wake?.()
    await this.loop
    if (this.o.groupId !== undefined) await this.commit(true).catch(() => {})
  }

  private async run (): Promise<void> {
    const consumer = this.o.kafka.consumer
    while (!this.stopped) {
      const positions: FetchPosition[] = this.o.partitions.map(tp => ({ ...tp, fromOffset: this.positions.get(tpKey(tp.topic, tp.partition)) ?? 0n }))
      let round
      try {
        // The consumer waits out a broker outage for as long as it lasts; a stop does not wait with it (the fetch
        // left behind ends when the stream closes its consumer, and nothing it read is stored).
        const fetching = consumer.fetchOnce(positions, { raw: true })
        fetching.catch(() => {})
        round = await Promise.race([fetching, this.stopping])
        if (round === undefined) return
      } catch (err) {
        if (this.stopped) return
        if (err instanceof OffsetOutOfRangeError) { this.resetPosition(err); continue }
        throw err
      }
      if (this.stopped) return
      const blocks: WalBlock[] = []
      for (const pos of positions) {
        const got = round.get(tpKey(pos.topic, pos.partition))
        const raw = got?.raw
        if (got === undefined || raw === undefined || got.nextOffset <= pos.fromOffset) continue
        blocks.push({ topic: pos.topic, partition: pos.partition, fromOffset: pos.fromOffset, untilOffset: got.nextOffset, blob: raw.blob, abortedTransactions: raw.options.abortedTransactions })
      }
      if (blocks.length === 0) continue
      await this.o.wal?.append(blocks)
      this.o.store.add(blocks)
      for (const b of blocks) {
        this.positions.set(tpKey(b.topic, b.partition), b.untilOffset)
        this.received += Number(b.untilOffset - b.fromOffset)
      }
      if (this.o.groupId !== undefined) await this.commit(false)
      await this.throttle()
    }
  }

  /** Commits stored positions to the group, at most once a second unless `force`; failures are logged, not fatal. */
  private async commit (force: boolean): Promise<void> {
    const now = Date.now()
    if (!force && now - this.lastCommit < COMMIT_EVERY_MS) return
    const changed = new Map<string, { topic: string, partition: number, offset: bigint }>()
    for (const tp of this.o.partitions) {
      const k = tpKey(tp.topic, tp.partition)
      const at = this.positions.get(k)
      if (at !== undefined && this.committed.get(k) !== at) changed.set(k, { ...tp, offset: at })
    }
    if (changed.size === 0) return
    this.lastCommit = now
    try {
      await this.o.kafka.commitOffsets(this.o.groupId as string, changed)
      for (const [k, v] of changed) this.committed.set(k, v.offset)
    } catch (err) {
      this.o.log(`receiver: offset commit for group ${this.o.groupId ?? ''} failed (retried with the next block): ${err instanceof Error ? err.message : String(err)}`)
    }
  }

  /** Sleeps as long as spark.streaming.receiver.maxRate requires, waking early on stop(). */
  private async throttle (): Promise<void> {
    if (this.o.maxRate <= 0) return
    const due = this.startedAt + this.received / this.o.maxRate * 1000
    const wait = due - Date.now()
    if (wait <= 0) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, wait)
      this.wake = () => { clearTimeout(timer); resolve() }
    })
    this.wake = undefined
  }

  /** Kafka no longer has the offset the receiver wants: go to the log start (or end), and say what was lost. */
  private resetPosition (err: OffsetOutOfRangeError): void {
    const k = tpKey(err.topic, err.partition)
    const from = this.positions.get(k) ?? 0n
    const to = this.o.offsetReset === 'earliest' || err.highWatermark === undefined ? (err.logStartOffset ?? 0n) : err.highWatermark
    this.o.log(`receiver: ${err.topic}[${err.partition}] offset ${from} is out of range (log ${err.logStartOffset ?? '?'}..${err.highWatermark ?? '?'}); continuing from ${to}`)
    this.positions.set(k, to)
    this.o.store.startAt({ topic: err.topic, partition: err.partition }, to)
  }
}
