import { ConfigError, KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { InitProducerId, type InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js'
import { AddPartitionsToTxn, type AddPartitionsToTxnResponse } from '../../protocol/apis/add-partitions-to-txn.js'
import { AddOffsetsToTxn, type AddOffsetsToTxnResponse } from '../../protocol/apis/add-offsets-to-txn.js'
import { TxnOffsetCommit, type TxnOffsetCommitResponse } from '../../protocol/apis/txn-offset-commit.js'
import { EndTxn, type EndTxnResponse } from '../../protocol/apis/end-txn.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import { Produce } from '../../protocol/apis/produce.js'
import type { KafkaClient } from '../cluster.js'
import { ZERO_UUID } from '../cluster-metadata.js'
import { backoffMs, delay } from '../retry.js'
import type { ConfigInput } from '../config.js'
import { Producer, type ProducerRecord } from './producer.js'
import type { DeliveryReport, PartitionQueue } from './producer-batch.js'
import { CoordinatorLookup, KEY_TYPE_GROUP, KEY_TYPE_TRANSACTION } from './coordinator-lookup.js'
import { TransactionError, TransactionStateError, isFatalTransactionError } from './producer-errors.js'

// A transactional producer (KIP-98): records sent between beginTransaction and commitTransaction, and consumer
// offsets given to sendOffsetsToTransaction, become visible to read_committed consumers all together or not at
// all. The protocol, transaction protocol version 1:
//
//   initTransactions   FindCoordinator(key type 1) and InitProducerId(transactional id): a producer id and a new
//                      epoch. The coordinator aborts whatever an earlier instance left open, and that instance is
//                      fenced: its requests now fail with PRODUCER_FENCED or INVALID_PRODUCER_EPOCH.
//   send               before a partition's first batch in a transaction, AddPartitionsToTxn; then Produce with
//                      the transactional flag, sequences as for idempotence.
//   sendOffsets...     AddOffsetsToTxn(group), then TxnOffsetCommit to the group's coordinator.
//   commit / abort     flush, then EndTxn: the coordinator writes commit or abort markers into every partition.
//
// Errors say what is left to do. Abortable (a batch failed, a rebalance fenced the offsets): abortTransaction()
// and carry on. Fatal (fenced by a newer instance, not authorised, a broken protocol state): close the producer.
//
// Transaction protocol v2 (KIP-890 part 2) is used when the transaction coordinator's ApiVersions finalizes the
// transaction.version feature at 2 or more (Kafka 4.x's default for new clusters), as the Java client decides it:
//
//   send               no AddPartitionsToTxn: Produce v12 adds the partition to the transaction itself.
//   sendOffsets...     no AddOffsetsToTxn: TxnOffsetCommit v5 adds the group itself (v6, by topic ids, when
//                      the coordinator speaks it and every topic's id is known).
//   commit / abort     EndTxn v5 bumps the epoch and answers the new one (a new producer id when the epoch runs
//                      out); the next transaction uses it, sequences from 0. A late write of the finished
//                      transaction carries the old epoch and is refused, and an abort needs no InitProducerId to
//                      bump the epoch after a sequence gap.
//
// Otherwise protocol v1: Produce up to v11, EndTxn and TxnOffsetCommit up to v4. The choice is made at
// initTransactions and kept for the producer's life.

/** The group whose consumed offsets a transaction commits (Java's ConsumerGroupMetadata). */
export interface GroupMetadata {
  groupId: string
  /** The generation (classic protocol) or member epoch (KIP-848); -1 when not a group member. */
  generationId?: number
  memberId?: string
  groupInstanceId?: string | null
}

/** A consumed position to commit: the next offset to read (the last processed offset + 1). */
export interface TransactionOffset {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch?: number
  metadata?: string | null
}

type TxnState = 'uninitialized' | 'ready' | 'inTransaction' | 'abortable' | 'fatal'

/** AddPartitionsToTxn v0-3 are the client's versions; v4+ are for brokers (KIP-890 part 1). */
const ADD_PARTITIONS_MAX_VERSION = 3
/** Below the transaction protocol v2 versions. */
const END_TXN_MAX_VERSION = 4
const TXN_OFFSET_COMMIT_MAX_VERSION = 4
const PRODUCE_MAX_VERSION = 11
/** Transaction protocol v2: its first versions of each request. */
const END_TXN_V2_VERSION = 5
const TXN_OFFSET_COMMIT_V2_VERSION = 5
/** TxnOffsetCommit v6 names topics by id (KIP-1319); used under protocol v2 when every topic's id is known. */
const TXN_OFFSET_COMMIT_TOPIC_ID_VERSION = 6
const PRODUCE_V2_VERSION = 12
/** The feature that tells which transaction protocol the cluster speaks, and the level of protocol v2. */
export const TRANSACTION_VERSION_FEATURE = 'transaction.version'
const TRANSACTION_V2_LEVEL = 2

export class TransactionalProducer extends Producer {
  private state: TxnState = 'uninitialized'
  private readonly txnCoordinator: CoordinatorLookup
  private abortableError: TransactionError | null = null
  /** Whether the coordinator knows of the current transaction (a partition or a group was added). */
  private started = false
  /** The epoch must be bumped after the abort (a sequence gap, or an epoch the coordinator moved on from). */
  private bumpOnAbort = false
  /**
   * A write was refused with INVALID_PRODUCER_EPOCH: the coordinator bumped the epoch, which under protocol v1 it
   * does only as it aborts the transaction itself (a timeout, or a newer instance). Its EndTxn with the old epoch
   * would be PRODUCER_FENCED (Kafka 4.4 answers so, commit or abort), so the abort goes straight to InitProducerId.
   */
  private abortedByCoordinator = false
  /** Transaction protocol v2 (KIP-890 part 2), decided at initTransactions. */
  private v2 = false

  constructor (config: ConfigInput, client?: KafkaClient) {
    super(config, client)
    if (this.config.transactionalId === undefined) throw new ConfigError('transactional.id', 'a TransactionalProducer needs a transactional.id')
    this.txnCoordinator = new CoordinatorLookup(this.client, KEY_TYPE_TRANSACTION, this.config.transactionalId)
    this.produceVersionCap = PRODUCE_MAX_VERSION
  }

  /** The transaction state: uninitialized, ready, inTransaction, abortable or fatal. */
  get transactionState (): TxnState { return this.state }

  /** The transaction protocol in use: 2 (KIP-890 part 2) or 1; known after initTransactions. */
  get transactionProtocol (): 1 | 2 { return this.v2 ? 2 : 1 }

  /** The producer id and epoch now: with protocol v2 the epoch moves on at the end of every transaction. */
  get producerIdAndEpoch (): { producerId: bigint, producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch }
  }

  /**
   * Registers the transactional id with its coordinator: a producer id and a new epoch. Fences every earlier
   * producer with the same transactional id, and has the coordinator abort a transaction one of them left open.
   */
  async initTransactions (): Promise<void> {
    this.checkUsable()
    if (this.state !== 'uninitialized') throw new TransactionStateError(`initTransactions: already initialised (state ${this.state})`)
    const res = await this.guard('InitProducerId', async () => await this.initProducerId(false))
    this.setProducerIdAndEpoch(res.producerId, res.producerEpoch)
    this.v2 = await this.guard('ApiVersions', async () => await this.coordinatorSpeaksV2())
    // Under protocol v2 every Produce version from v12 up speaks it (v13 adds topic ids): no cap.
    this.produceVersionCap = this.v2 ? Infinity : PRODUCE_MAX_VERSION
    this.state = 'ready'
  }

  /**
   * Whether the transaction coordinator finalizes transaction.version 2 and both sides speak the requests of
   * protocol v2 (a broker that lists the feature but not the versions, or `max.versions` pinning one of them
   * lower, means protocol v1).
   */
  private async coordinatorSpeaksV2 (): Promise<boolean> {
    const conn = await this.client.connection(await this.txnCoordinator.node())
    const speaks = (api: ApiSchema, version: number): boolean => conn.versions.has(api) && conn.versionFor(api) >= version
    return conn.versions.featureLevel(TRANSACTION_VERSION_FEATURE) >= TRANSACTION_V2_LEVEL &&
      speaks(EndTxn, END_TXN_V2_VERSION) && speaks(Produce, PRODUCE_V2_VERSION) && speaks(TxnOffsetCommit, TXN_OFFSET_COMMIT_V2_VERSION)
  }

  beginTransaction (): void {
    this.checkUsable()
    if (this.state !== 'ready') throw new TransactionStateError(`beginTransaction: the producer is ${this.state === 'uninitialized' ? 'not initialised (call initTransactions)' : `in state ${this.state}`}`)
    this.state = 'inTransaction'
    this.started = false
    this.transactionalBatches = true
    for (const q of this.partitionQueues()) q.inTransaction = false
  }

  override produce (record: ProducerRecord, report?: DeliveryReport): Promise<void> | undefined {
    this.checkUsable()
    if (this.state === 'abortable') throw this.abortableError as TransactionError
    if (this.state !== 'inTransaction') throw new TransactionStateError('produce: no transaction is open (call beginTransaction)')
    return super.produce(record, report)
  }

  /**
   * Commits consumed offsets as part of the transaction (the consume-transform-produce loop): they become the
   * group's committed offsets only if the transaction commits. With the group's generation and member id, the
   * group coordinator refuses the commit from a consumer that has lost its partitions in a rebalance (KIP-447).
   */
  async sendOffsetsToTransaction (offsets: TransactionOffset[], group: GroupMetadata | string): Promise<void> {
    this.checkUsable()
    this.checkInTransaction('sendOffsetsToTransaction')
    const g: GroupMetadata = typeof group === 'string' ? { groupId: group } : group
    const transactionalId = this.config.transactionalId as string
    // Protocol v2: TxnOffsetCommit v5 adds the group to the transaction itself.
    if (!this.v2) {
      await this.guard('AddOffsetsToTxn', async () => {
        const { body } = await this.txnCoordinator.request<AddOffsetsToTxnResponse>('AddOffsetsToTxn', AddOffsetsToTxn, Infinity, () => ({
          transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, groupId: g.groupId
        }), r => r.errorCode)
        if (body.errorCode !== ErrorCode.NONE) throw new KafkaError(body.errorCode, `AddOffsetsToTxn ${g.groupId}`)
        this.started = true
      })
    }
    const groupCoordinator = new CoordinatorLookup(this.client, KEY_TYPE_GROUP, g.groupId)
    const byTopic = new Map<string, TransactionOffset[]>()
    for (const o of offsets) {
      let list = byTopic.get(o.topic)
      if (list === undefined) byTopic.set(o.topic, list = [])
      list.push(o)
    }
    // With protocol v2 the commit may open the transaction, so from here on it has to be ended.
    if (this.v2) this.started = true
    await this.guard('TxnOffsetCommit', async () => {
      for (let attempt = 0; ; attempt++) {
        // v6 names topics by id (KIP-1319); when an id is unknown (a topic Metadata cannot find, an old broker) the
        // commit names topics (v5) and the coordinator answers for each.
        const ids = this.v2 ? await this.client.topicIds(byTopic.keys()) : new Map<string, string>()
        const byId = [...byTopic.keys()].every(name => (ids.get(name) ?? ZERO_UUID) !== ZERO_UUID)
        const maxVersion = !this.v2 ? TXN_OFFSET_COMMIT_MAX_VERSION : byId ? TXN_OFFSET_COMMIT_TOPIC_ID_VERSION : TXN_OFFSET_COMMIT_V2_VERSION
        const codeOf = (r: TxnOffsetCommitResponse): number => firstError(r.topics.flatMap(t => t.partitions.map(p => p.errorCode)))
        const { body } = await groupCoordinator.request<TxnOffsetCommitResponse>('TxnOffsetCommit', TxnOffsetCommit, maxVersion, () => ({
          transactionalId,
          groupId: g.groupId,
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          generationIdOrMemberEpoch: g.generationId ?? -1,
          memberId: g.memberId ?? '',
          groupInstanceId: g.groupInstanceId ?? null,
          topics: [...byTopic].map(([name, list]) => ({
            name,
            topicId: ids.get(name),
            partitions: list.map(o => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? null }))
          }))
          // A stale topic id is not retried with the same id: it is handled below, after a metadata refresh.
        }), r => codeOf(r) === ErrorCode.UNKNOWN_TOPIC_ID ? ErrorCode.NONE : codeOf(r))
        const code = codeOf(body)
        // UNKNOWN_TOPIC_ID is retriable (Kafka's client refreshes metadata and retries): the topic was deleted, or
        // recreated under a new id, since our metadata was fetched.
        if (code === ErrorCode.UNKNOWN_TOPIC_ID && attempt < this.client.config.retries) {
          for (const name of byTopic.keys()) this.client.invalidate(name)
          await delay(backoffMs(attempt, this.client.config.retryBackoffMs, this.client.config.retryBackoffMaxMs))
          continue
        }
        if (code !== ErrorCode.NONE) throw new KafkaError(code, `TxnOffsetCommit ${g.groupId}`)
        return
      }
    })
  }

  /**
   * Sends every buffered record, then commits. Throws a TransactionError: abortable when a record or the offsets
   * failed (abort and retry the transaction), fatal when the producer was fenced.
   */
  async commitTransaction (): Promise<void> {
    this.checkUsable()
    this.checkInTransaction('commitTransaction')
    await this.flush()
    this.checkUsable()
    this.checkInTransaction('commitTransaction')
    if (this.started) await this.guard('EndTxn', async () => await this.endTxn(true))
    this.finishTransaction()
  }

  /**
   * Aborts the transaction: records not yet sent are dropped (their reports say so), those in flight are awaited,
   * and the coordinator writes abort markers. Allowed after an abortable error.
   */
  async abortTransaction (): Promise<void> {
    this.checkUsable()
    if (this.state !== 'inTransaction' && this.state !== 'abortable') throw new TransactionStateError(`abortTransaction: no transaction is open (state ${this.state})`)
    const dropped = new TransactionError('abortTransaction', true, { cause: new Error('the transaction was aborted') })
    this.enterAbortable(dropped)
    this.failEverything(this.abortableError ?? dropped)
    await this.flush()
    this.checkUsable()
    let bumped = false
    // Under v2 an EndTxn v5 abort with the old epoch is taken for a retry of the coordinator's abort, and answered.
    if (this.started && !(this.abortedByCoordinator && !this.v2)) bumped = await this.guard('EndTxn', async () => await this.endTxn(false))
    // EndTxn v5 has bumped the epoch already; otherwise InitProducerId does (KIP-360).
    if (this.bumpOnAbort && !bumped) {
      // KIP-360: the same producer id with a new epoch; sequences start again at 0.
      const res = await this.guard('InitProducerId', async () => await this.initProducerId(true))
      this.setProducerIdAndEpoch(res.producerId, res.producerEpoch)
    }
    this.bumpOnAbort = false
    this.abortedByCoordinator = false
    this.finishTransaction()
  }

  private finishTransaction (): void {
    this.state = 'ready'
    this.abortableError = null
    this.started = false
    this.transactionalBatches = false
    for (const q of this.partitionQueues()) q.inTransaction = false
  }

  private checkInTransaction (what: string): void {
    if (this.state === 'abortable') throw this.abortableError as TransactionError
    if (this.state !== 'inTransaction') throw new TransactionStateError(`${what}: no transaction is open (state ${this.state})`)
  }

  /** Ends the transaction; true when the coordinator bumped the epoch (protocol v2), which is then taken. */
  private async endTxn (committed: boolean): Promise<boolean> {
    const { body, version } = await this.txnCoordinator.request<EndTxnResponse>('EndTxn', EndTxn, this.v2 ? END_TXN_V2_VERSION : END_TXN_MAX_VERSION, () => ({
      transactionalId: this.config.transactionalId as string, producerId: this.producerId, producerEpoch: this.producerEpoch, committed
    }), r => r.errorCode)
    if (body.errorCode !== ErrorCode.NONE) throw new KafkaError(body.errorCode, `EndTxn(${committed ? 'commit' : 'abort'})`)
    if (version < END_TXN_V2_VERSION) return false
    this.setProducerIdAndEpoch(body.producerId, body.producerEpoch)
    return true
  }

  /**
   * Runs a transactional request; a failure becomes a TransactionError. Fatal failures make the producer
   * unusable; others leave the transaction to be aborted.
   */
  private async guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (err) {
      if (err instanceof TransactionError || err instanceof TransactionStateError) throw err
      const fatal = isFatalTransactionError(err) || (err instanceof KafkaError && (err.errorCode === ErrorCode.INVALID_TXN_STATE || err.errorCode === ErrorCode.INVALID_PRODUCER_ID_MAPPING))
      const wrapped = new TransactionError(operation, !fatal, { cause: err })
      if (fatal) { this.state = 'fatal'; this.setFatal(wrapped) } else this.enterAbortable(wrapped)
      throw wrapped
    }
  }

  private enterAbortable (err: TransactionError): void {
    if (this.state === 'inTransaction') {
      this.state = 'abortable'
      this.abortableError = err
    }
    // Batches put back for a retry in this same turn are failed too.
    setImmediate(() => { if (this.state === 'abortable') this.failEverything(this.abortableError as TransactionError) })
    this.failEverything(this.abortableError ?? err)
  }

  // ---- hooks into the sending loop ----

  /** InitProducerId goes to the transaction coordinator, with the transactional id and timeout. */
  protected override async initProducerId (bump: boolean): Promise<InitProducerIdResponse> {
    const { body } = await this.txnCoordinator.request<InitProducerIdResponse>('InitProducerId', InitProducerId, Infinity, () => ({
      transactionalId: this.config.transactionalId as string,
      transactionTimeoutMs: this.config.transactionTimeoutMs,
      producerId: bump ? this.producerId : -1n,
      producerEpoch: bump ? this.producerEpoch : -1
    }), r => r.errorCode)
    if (body.errorCode !== ErrorCode.NONE) throw new KafkaError(body.errorCode, 'InitProducerId')
    return body
  }

  /** Before batches go to partitions new to the transaction, AddPartitionsToTxn adds them (one request for all). */
  protected override async beforeSend (): Promise<boolean> {
    if (this.state !== 'inTransaction') return false
    const missing: PartitionQueue[] = []
    for (const q of this.partitionQueues()) if (!q.inTransaction && q.ready.length > 0) missing.push(q)
    if (missing.length === 0) return true
    if (this.v2) {
      // Protocol v2: each partition's first Produce v12 adds it to the transaction.
      this.started = true
      for (const q of missing) q.inTransaction = true
      return true
    }
    const byTopic = new Map<string, number[]>()
    for (const q of missing) {
      let list = byTopic.get(q.topic)
      if (list === undefined) byTopic.set(q.topic, list = [])
      list.push(q.partition)
    }
    try {
      await this.guard('AddPartitionsToTxn', async () => {
        const { body } = await this.txnCoordinator.request<AddPartitionsToTxnResponse>('AddPartitionsToTxn', AddPartitionsToTxn, ADD_PARTITIONS_MAX_VERSION, () => ({
          v3AndBelowTransactionalId: this.config.transactionalId as string,
          v3AndBelowProducerId: this.producerId,
          v3AndBelowProducerEpoch: this.producerEpoch,
          v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({ name, partitions }))
        }), r => firstError(r.resultsByTopicV3AndBelow.flatMap(t => t.resultsByPartition.map(p => p.partitionErrorCode))))
        const code = firstError(body.resultsByTopicV3AndBelow.flatMap(t => t.resultsByPartition.map(p => p.partitionErrorCode)))
        if (code !== 0) throw new KafkaError(code, 'AddPartitionsToTxn')
      })
    } catch {
      return false // the state says what happened; queued batches were failed
    }
    this.started = true
    for (const q of missing) q.inTransaction = true
    return true
  }

  protected override mayWriteTo (q: PartitionQueue): boolean { return q.inTransaction }

  protected override mayRetry (): boolean { return this.state === 'inTransaction' }

  /** A sequence gap inside a transaction: the transaction is lost; the epoch is bumped when it is aborted. */
  protected override requestBump (cause: Error): void {
    this.bumpOnAbort = true
    this.enterAbortable(new TransactionError('produce', true, { cause }))
  }

  /**
   * A batch refused for its epoch. PRODUCER_FENCED: a newer instance owns the transactional id: fatal.
   * INVALID_PRODUCER_EPOCH: the coordinator moved on (a timeout aborted the transaction): abortable, and the abort
   * bumps the epoch with InitProducerId naming the old one, which Kafka answers with the epoch its timeout gave
   * (KIP-360, KIP-588); a newer instance, if there is one, fences that.
   */
  protected override onFenced (err: KafkaError): void {
    if (err.errorCode === ErrorCode.PRODUCER_FENCED) {
      this.state = 'fatal'
      this.setFatal(new TransactionError('produce', false, { cause: err }))
      return
    }
    this.bumpOnAbort = true
    this.abortedByCoordinator = true
    this.enterAbortable(new TransactionError('produce', true, { cause: err }))
  }

  protected override onBatchFailed (err: Error): void {
    if (this.state === 'inTransaction') this.enterAbortable(err instanceof TransactionError ? err : new TransactionError('produce', true, { cause: err }))
  }
}

/** The error that matters among per-partition codes: the first that is not 0 nor OPERATION_NOT_ATTEMPTED. */
function firstError (codes: number[]): number {
  let notAttempted = 0
  for (const c of codes) {
    if (c === ErrorCode.OPERATION_NOT_ATTEMPTED) notAttempted = c
    else if (c !== 0) return c
  }
  return notAttempted
}
