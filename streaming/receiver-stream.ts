import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-file.js'
import { ConfigError } from '../protocol/errors.js'
import type { CheckpointBatch } from './checkpoint.js'
import type { StreamingContext } from './context.js'
import { DirectKafkaInputDStream } from './direct-stream.js'
import { resolveKafkaParams, type KafkaParams } from './kafka-params.js'
import { keyValueStrings, type KeyValue } from './message-handlers.js'
import { tpKey, type TopicPartition } from './offset-range.js'
import type { MessageHandler } from './partition-task.js'
import { keepLowest, ReceivedBlockStore } from './receiver/block-store.js'
import { GroupReceiver, parseReceiverMetadata } from './receiver/group-receiver.js'
import { Receiver } from './receiver/receiver.js'
import { WriteAheadLog, type WalBlock } from './receiver/write-ahead-log.js'
import type { KafkaRDD } from './rdd.js'
import { consumerConfigOf, SimpleConsumerSource } from './simple-consumer-source.js'

// The receiver-based stream (Spark's KafkaUtils.createStream, "Approach 1" of the Kafka 0.8 integration guide): a
// receiver takes records from Kafka continuously, whatever the batches do, and each batch processes what was
// received since the previous one. With spark.streaming.receiver.writeAheadLog.enable every received block is first
// written to a write-ahead log in the checkpoint directory, and the receiver commits its offsets to the consumer
// group (group.id) only after that: a crash then loses nothing, and a restarted job re-runs its unfinished batch
// from the log, as Spark's does.
//
// Built on the direct stream's machinery: the received blocks are the stream's offset source (receiver/block-store.ts),
// so batches are offset ranges [previous end, what the receiver has stored), checkpointed and re-run exactly like
// the direct stream's, and offsetRangesOf works on them too. Where a block is missing (a run without the log, or a
// range from before the receiver started) the range is read from Kafka, if retention still holds it: Spark would
// have lost those records.

export interface ReceiverStreamOptions<T> {
  /** record -> element; default [key, value] as UTF-8 strings. */
  messageHandler?: MessageHandler<T>
  /** Partitions read at once per batch; default 16. */
  maxConcurrentTasks?: number
  /** Fail on offsets deleted from Kafka before they were received (default true), or skip them with a log line. */
  failOnDataLoss?: boolean
  /**
   * The receiver joins group.id as a member of a consumer group (Kafka's high-level consumer): receivers of one
   * group split the partitions and follow rebalances, and each batch covers the partitions this receiver stored.
   * Without it, the receiver reads every partition and only commits to the group. Default false.
   */
  shareGroup?: boolean
}

/** Group settings taken from kafkaParams to the receiver's group consumer (shareGroup). */
const GROUP_KEYS = ['session.timeout.ms', 'heartbeat.interval.ms', 'max.poll.interval.ms', 'partition.assignment.strategy', 'client.rack']

export function createReceiverStream<T = KeyValue> (
  ctx: StreamingContext, kafkaParams: KafkaParams, topics: readonly string[], options: ReceiverStreamOptions<T> = {}
): ReceiverInputDStream<T> {
  return new ReceiverInputDStream<T>(ctx, kafkaParams, topics, options)
}

interface Parts { kafka: SimpleConsumerSource, store: ReceivedBlockStore }

export class ReceiverInputDStream<T> extends DirectKafkaInputDStream<T> {
  private readonly kafka: SimpleConsumerSource
  private readonly store: ReceivedBlockStore
  private readonly walDir: string | undefined
  private wal: WriteAheadLog | undefined
  private receiver: Receiver | GroupReceiver | undefined
  private readonly shareGroup: boolean
  private readonly rawParams: KafkaParams
  private starting: Promise<void> | undefined
  /** From the checkpoint: where each partition continues, and the lowest offset a remembered batch reads. */
  private restored: { next: Map<string, bigint>, lowest: Map<string, bigint> } | undefined

  constructor (ctx: StreamingContext, kafkaParams: KafkaParams, topics: readonly string[], options: ReceiverStreamOptions<T>) {
    const parts = ReceiverInputDStream.parts(kafkaParams)
    super(ctx, kafkaParams, topics, {
      messageHandler: options.messageHandler ?? (keyValueStrings as unknown as MessageHandler<T>),
      maxConcurrentTasks: options.maxConcurrentTasks,
      failOnDataLoss: options.failOnDataLoss,
      source: parts.store
    })
    this.kafka = parts.kafka
    this.store = parts.store
    this.rawParams = kafkaParams
    this.shareGroup = options.shareGroup === true
    if (this.shareGroup && this.params.groupId === undefined) throw new ConfigError('group.id', 'a receiver that shares a group (shareGroup) needs group.id')
    if (ctx.conf.receiverWriteAheadLog) {
      if (ctx.checkpointDir === undefined) {
        throw new ConfigError('spark.streaming.receiver.writeAheadLog.enable', 'the write-ahead log lives in the checkpoint directory: give the context a checkpointDir')
      }
      this.walDir = join(ctx.checkpointDir, 'receivedData', String(this.id))
    }
  }

  private static parts (kafkaParams: KafkaParams): Parts {
    const params = resolveKafkaParams(kafkaParams)
    const kafka = new SimpleConsumerSource(params)
    return { kafka, store: new ReceivedBlockStore(kafka, params.isolationLevel) }
  }

  /** The stored blocks' bytes in memory (for monitoring and tests). */
  get receivedBytes (): number { return this.store.heldBytes }

  /** The write-ahead log's files, oldest first; empty without the log. */
  get walFiles (): string[] { return this.wal?.files ?? [] }

  /** The partitions this receiver owns now (with shareGroup; otherwise every partition of the topics). */
  get assignment (): TopicPartition[] {
    return this.receiver instanceof GroupReceiver ? this.receiver.assignment() : this.tps
  }

  override async start (signal: AbortSignal): Promise<void> {
    await this.ready()
    if (signal.aborted) throw signal.reason
    // A group member plans the partitions it has stored, from where it started each (ReceivedBlockStore.jumpTo).
    if (this.shareGroup && this.restored === undefined) { this.tps = []; this.current = new Map(); return }
    // A fresh job starts where the receiver starts (the log's blocks, committed offsets, or auto.offset.reset).
    this.current = await this.store.earliestOffsets(this.tps)
  }

  override restore (batches: readonly CheckpointBatch[]): void {
    super.restore(batches)
    const lowest = new Map<string, bigint>()
    for (const b of batches) for (const r of b.ranges.get(this.id) ?? []) keepLowest(lowest, tpKey(r.topic, r.partition), r.fromOffset)
    this.restored = { next: new Map(this.current), lowest }
  }

  override async plan (time: number, signal: AbortSignal): ReturnType<DirectKafkaInputDStream<T>['plan']> {
    await this.ready()
    if (this.shareGroup) this.tps = this.store.applyJumps(this.current)
    return await super.plan(time, signal)
  }

  protected override async compute (time: number): Promise<KafkaRDD<T>> {
    await this.ready()
    return await super.compute(time)
  }

  override async afterBatch (time: number): Promise<void> {
    await super.afterBatch(time)
    // Blocks below every remembered batch's ranges (windows included) are no longer needed, in memory or in the log.
    const needed = new Map<string, bigint>()
    for (const tp of this.tps) needed.set(tpKey(tp.topic, tp.partition), this.current.get(tpKey(tp.topic, tp.partition)) ?? 0n)
    for (const [t, h] of this.history) {
      if (t <= time) for (const r of h.ranges) keepLowest(needed, tpKey(r.topic, r.partition), r.fromOffset)
    }
    this.store.dropBefore(needed)
    this.wal?.deleteBefore(needed)
  }

  override async close (): Promise<void> {
    // A close during start-up waits for it, so that no receiver is left running behind it.
    await this.starting?.catch(() => {})
    await this.receiver?.stop()
    await this.wal?.close()
    await this.kafka.close()
    await super.close()
  }

  /** Opens the log, decides where the receiver starts and starts it, once. */
  private async ready (): Promise<void> {
    this.starting ??= this.open()
    await this.starting
  }

  private async open (): Promise<void> {
    if (this.shareGroup) { await this.openGroup(); return }
    const params = this.params
    const all: TopicPartition[] = await this.kafka.partitionsFor(this.topics)
    if (this.restored === undefined) this.tps = all
    if (this.walDir !== undefined) {
      const { wal, blocks } = WriteAheadLog.open(this.walDir)
      this.wal = wal
      this.store.add(blocks)
      if (blocks.length > 0) this.ctx.log(`receiver: ${blocks.length} blocks read back from the write-ahead log ${this.walDir}`)
    }
    const committed = params.groupId === undefined ? new Map<string, bigint>() : await this.kafka.committedOffsets(params.groupId, all)
    const reset = params.autoOffsetReset === 'earliest' ? await this.kafka.earliestOffsets(all) : await this.kafka.latestOffsets(all)
    const from = new Map<string, bigint>()
    for (const tp of all) {
      const k = tpKey(tp.topic, tp.partition)
      // What the log holds comes first (the receiver got that far), then the checkpoint, then the group, then reset.
      const c = committed.get(k)
      const stored = this.store.storedUntil(tp)
      const next = this.restored?.next.get(k)
      const known = stored === undefined ? next : next === undefined || stored > next ? stored : next
      const start = known ?? (c !== undefined && c >= 0n ? c : undefined) ?? reset.get(k) ?? 0n
      from.set(k, start)
      this.store.startAt(tp, start)
      const lowest = this.restored?.lowest.get(k)
      if (lowest !== undefined) this.store.allowFrom(tp, lowest)
    }
    this.receiver = new Receiver({
      store: this.store,
      kafka: this.kafka,
      wal: this.wal,
      partitions: all,
      from,
      groupId: params.groupId,
      maxRate: this.ctx.conf.receiverMaxRate,
      offsetReset: params.autoOffsetReset,
      log: line => { this.ctx.log(line) }
    })
    this.receiver.start()
  }

  /**
   * With shareGroup: the receiver is a group member; where each partition starts is the group's business (its
   * committed offset, or auto.offset.reset), and the batches follow what the receiver stores.
   */
  private async openGroup (): Promise<void> {
    let receiverId: string | undefined
    if (this.walDir !== undefined) {
      const { wal, blocks } = WriteAheadLog.open(this.walDir)
      this.wal = wal
      receiverId = await this.receiverId(this.walDir)
      await this.recoverGroupBlocks(receiverId, blocks)
    }
    const group: Record<string, string | number | boolean> = {}
    for (const key of GROUP_KEYS) { const v = this.rawParams[key]; if (v !== undefined) group[key] = v }
    this.receiver = new GroupReceiver({
      store: this.store,
      wal: this.wal,
      config: consumerConfigOf(this.params, { ...group, 'group.id': this.params.groupId as string, 'auto.offset.reset': this.params.autoOffsetReset }),
      topics: this.topics,
      receiverId,
      log: line => { this.ctx.log(line) }
    })
    this.receiver.start()
  }

  /** The receiver's lasting name, kept beside its log (made on first start). */
  private async receiverId (walDir: string): Promise<string> {
    const path = join(walDir, 'receiver-id')
    if (existsSync(path)) return readFileSync(path, 'utf8').trim()
    const id = randomUUID()
    await writeFileAtomic(path, id + '\n')
    return id
  }

  /**
   * After a crash: what this receiver stored and committed but no batch planned yet is still its own (the member
   * that took the partition over began after it), so the batches continue from the checkpoint up to where this
   * receiver's ownership ended: its own last commit, or where the next owner's began (the commit metadata says).
   * Logged blocks in that stretch are replayed; any part without one is read from Kafka.
   */
  private async recoverGroupBlocks (receiverId: string, blocks: WalBlock[]): Promise<void> {
    const firstLogged = new Map<string, bigint>()
    for (const b of blocks) keepLowest(firstLogged, tpKey(b.topic, b.partition), b.fromOffset)
    const keys = new Set([...firstLogged.keys(), ...(this.restored?.next.keys() ?? [])])
    if (keys.size === 0) return
    const tps = [...keys].map(k => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }))
    const committed = await this.kafka.committedWithMetadata(this.params.groupId as string, tps)
    let replayed = 0
    for (const tp of tps) {
      const k = tpKey(tp.topic, tp.partition)
      const c = committed.get(k)
      const who = parseReceiverMetadata(c?.metadata ?? null)
      if (c === undefined || c.offset < 0n || who === undefined) continue
      const ownedUntil = who.receiverId === receiverId ? c.offset : who.from
      const from = this.restored?.next.get(k) ?? firstLogged.get(k)
      if (from === undefined || from >= ownedUntil) continue
      this.store.jumpTo(tp, from)
      const mine = blocks.filter(b => b.topic === tp.topic && b.partition === tp.partition && b.fromOffset >= from && b.untilOffset <= ownedUntil)
      this.store.add(mine)
      this.store.startAt(tp, ownedUntil)
      replayed += mine.length
      this.ctx.log(`receiver: ${k} ${from}..${ownedUntil} was stored by this receiver before it stopped; continuing with it (${mine.length} blocks from the write-ahead log)`)
    }
    if (replayed > 0) this.ctx.log(`receiver: ${replayed} blocks read back from the write-ahead log ${this.walDir ?? ''}`)
  }
}
