// Exactly-once output to Kafka: each batch's output records and the batch's offsets (every range's untilOffset, as
// the group's committed offsets) are written in ONE Kafka transaction, the pattern Kafka Streams uses for
// exactly-once (KIP-98, KIP-447). Either both become visible to read_committed readers, or neither does:
//  - a batch that fails or is killed midway leaves an open transaction, which the next instance's
//    initTransactions (open()) aborts, fencing the killed one should it still be alive (a zombie);
//  - the job restarts from the group's committed offsets (committedOffsets()), which are exactly the end of the
//    last committed batch, so the batch is computed again from the same offsets and written again, once.
// The offsets live in Kafka with the output, so the job needs no checkpoint for them; a checkpoint could even be
// ahead of or behind them, which is why the word count refuses --checkpoint with this sink.
import type { ConfigInput } from '../../consumer/config.js'
import type { TopicPartition } from '../../consumer/simple-consumer.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import type { ProducerRecord } from '../../consumer/producer/producer.js'
import { TransactionError } from '../../consumer/producer/producer-errors.js'
import { GroupOffsets } from '../../consumer/coordinator/offsets.js'
import { tpKey, type OffsetRange } from '../offset-range.js'

export interface KafkaTransactionalSinkOptions {
  /** Producer configuration: bootstrap.servers and transactional.id at least. */
  producer: ConfigInput
  /** The consumer group whose committed offsets record how far the output goes. */
  groupId: string
}

export class KafkaTransactionalSink {
  readonly producer: TransactionalProducer
  readonly groupId: string
  /** The group's committed offsets, read at its coordinator (OffsetFetch, by topic id where the coordinator can). */
  private readonly offsets: GroupOffsets

  constructor (opts: KafkaTransactionalSinkOptions) {
    this.producer = new TransactionalProducer(opts.producer)
    this.groupId = opts.groupId
    this.offsets = new GroupOffsets(this.producer.client)
  }

  /** Registers the transactional id: fences earlier instances and aborts what they left open. Call before reading offsets. */
  async open (): Promise<void> {
    await this.producer.initTransactions()
  }

  /**
   * Writes one batch: its records and its ranges' untilOffsets as the group's offsets, in one transaction. On
   * failure the transaction is aborted (when it still can be) and the error rethrown: nothing of the batch is visible.
   */
  async write (offsetRanges: readonly OffsetRange[], records: readonly ProducerRecord[]): Promise<void> {
    const p = this.producer
    p.beginTransaction()
    try {
      for (const r of records) {
        const wait = p.produce(r)
        if (wait !== undefined) await wait
      }
      if (offsetRanges.length > 0) {
        await p.sendOffsetsToTransaction(offsetRanges.map(r => ({ topic: r.topic, partition: r.partition, offset: r.untilOffset })), this.groupId)
      }
      await p.commitTransaction()
    } catch (err) {
      if (p.transactionState === 'inTransaction' || (err instanceof TransactionError && err.abortable)) await p.abortTransaction().catch(() => {})
      throw err
    }
  }

  /**
   * The group's committed offsets for `tps`, keyed by tpKey, -1 where none. requireStable (KIP-447) makes the
   * coordinator answer UNSTABLE_OFFSET_COMMIT, retried here, while a transaction with offsets is still completing.
   */
  async committedOffsets (tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const committed = await this.offsets.fetch(this.groupId, tps, true)
    return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), committed.get(tpKey(tp.topic, tp.partition))?.offset ?? -1n]))
  }

  async close (): Promise<void> {
    await this.producer.close()
  }
}
