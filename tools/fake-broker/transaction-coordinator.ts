import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { ErrorCode } from '../../protocol/error-codes.js'
import { ConfigError } from '../../protocol/errors.js'
import type { CommittedOffset } from './group-coordinator.js'
import type { PartitionLog } from './partition-log.js'

// The transaction coordinator (KIP-98), as Kafka's TransactionCoordinator behaves for the client-facing requests
// of transaction protocol version 1: InitProducerId gives a transactional id its producer id and a new epoch
// (fencing older instances, and aborting a transaction they left open); AddPartitionsToTxn and AddOffsetsToTxn
// record what the transaction touches; TxnOffsetCommit stages a group's offsets; EndTxn writes a commit or abort
// marker into every partition touched and, on commit, makes the staged offsets the group's committed offsets.
// Kafka writes markers asynchronously (PrepareCommit, then CompleteCommit); here they are written before EndTxn
// answers, so the Prepare states are never observed. A transaction open longer than its timeout is aborted on a
// timer (Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms and abortTimedOutTransactions) and
// its epoch bumped once, so its producer is fenced; the producer may recover with InitProducerId naming its old
// epoch (KIP-360). Compared with Kafka 4.4 in test-interop/producer/transaction-timeout-differential.test.ts.
// State is kept in transactions.json under --data.
//
// Transaction protocol v2 (KIP-890 part 2) is chosen per request, as Kafka does: a transactional Produce v12 adds
// its partition to the transaction itself (no AddPartitionsToTxn), TxnOffsetCommit v5 adds its group (no
// AddOffsetsToTxn), and EndTxn v5 bumps the epoch as it ends the transaction, so the markers and the next
// transaction carry the new epoch and a late write of the finished one is fenced. A transaction begun that way is
// a v2 transaction: its end may be retried only with the epoch before the bump (the answer repeats the new one).
// Checked step by step against Kafka 4.4 in test-interop/producer/coordinator-differential.test.ts.

export type TxnStateName = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence'
const STATES: ReadonlySet<string> = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'])

/** The states whose transactional id may expire: no transaction open (TransactionState.isExpirationAllowed). */
const EXPIRABLE: ReadonlySet<string> = new Set(['Empty', 'CompleteCommit', 'CompleteAbort'])

/** Kafka's transaction.max.timeout.ms default: 15 minutes. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000
/** Epochs are int16; Kafka starts a new producer id rather than reach the top (ProducerIdAndEpoch). */
const MAX_EPOCH = 0x7fff - 1
/** The transaction.version whose requests bump the epoch per transaction (Kafka's TransactionVersion.TV_2). */
export const TRANSACTION_V2 = 2
/** The first versions of the requests of transaction protocol v2. */
export const PRODUCE_V2_VERSION = 12
export const TXN_OFFSET_COMMIT_V2_VERSION = 5
export const END_TXN_V2_VERSION = 5
/** The first Produce version that may answer TRANSACTION_ABORTABLE (KIP-890 part 1). */
const PRODUCE_ABORTABLE_VERSION = 11

interface TxnEntry {
  transactionalId: string
  producerId: bigint
  epoch: number
  /**
   * The epoch before the last bump that a producer may still name in InitProducerId and get the current epoch
   * without another bump (KIP-360): set by a timeout's abort, by InitProducerId naming the current epoch and by
   * a v2 end; -1 after an InitProducerId without an epoch (Kafka's lastProducerEpoch).
   */
  lastEpoch: number
  /** The producer id before an epoch overflow gave the transactional id a new one at the end of a v2 transaction. */
  previousProducerId: bigint
  /** The transaction protocol of the current or last transaction: TRANSACTION_V2 or 0. */
  clientVersion: number
  state: TxnStateName
  timeoutMs: number
  startTimeMs: number
  /** When the transaction last changed state (Kafka's txnLastUpdateTimestamp): transactional id expiry counts from it. */
  lastUpdateMs: number
  partitions: Map<string, Set<number>>
  groups: Set<string>
  pendingOffsets: Map<string, Array<{ topic: string, partition: number, committed: CommittedOffset }>>
}

export interface TransactionCoordinatorOptions {
  /** A partition's log and leader epoch, or undefined when the topic or partition does not exist. */
  partition: (topic: string, partition: number) => { log: PartitionLog, leaderEpoch: number } | undefined
  allocateProducerId: () => bigint
  /** Makes a committed transaction's offsets the group's committed offsets. */
  commitOffsets: (group: string, offsets: Array<{ topic: string, partition: number, committed: CommittedOffset }>) => void
  /** Where to keep the coordinator's state (transactions.json), or undefined. */
  file: string | undefined
  /** How often open transactions are checked against their timeout. */
  expiryCheckMs?: number
  now?: () => number
}

export interface InitResult { errorCode: number, producerId: bigint, producerEpoch: number }
/** EndTxn's answer: from v5, the producer id and epoch to use next (-1 with an error). */
export type EndResult = InitResult

export interface DescribedTransaction {
  errorCode: number
  transactionalId: string
  transactionState: string
  transactionTimeoutMs: number
  transactionStartTimeMs: bigint
  producerId: bigint
  producerEpoch: number
  topics: Array<{ topic: string, partitions: number[] }>
}

interface SavedTxn {
  transactionalId: string
  producerId: string
  epoch: number
  lastEpoch: number
  previousProducerId?: string
  clientVersion?: number
  state: TxnStateName
  timeoutMs: number
  startTimeMs: number
  lastUpdateMs?: number
  partitions: Array<[string, number[]]>
  groups: string[]
  pendingOffsets: Array<[string, Array<{ topic: string, partition: number, offset: string, leaderEpoch: number, metadata: string | null }>]>
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnEntry>()
  private readonly timer: NodeJS.Timeout
  private readonly now: () => number

  constructor (private readonly opts: TransactionCoordinatorOptions) {
    this.now = opts.now ?? Date.now
    this.load()
    this.timer = setInterval(() => this.expire(), opts.expiryCheckMs ?? 100)
    this.timer.unref()
  }

  close (): void { clearInterval(this.timer) }

  /** InitProducerId with a transactional id: a producer id and a new epoch, fencing earlier instances. */
  initProducerId (transactionalId: string, timeoutMs: number, producerId: bigint, producerEpoch: number, version: number): InitResult {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1n, producerEpoch: -1 })
    if (timeoutMs <= 0 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    let t = this.txns.get(transactionalId)
    if (t === undefined) {
      if (producerId >= 0n) return fail(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
      t = {
        transactionalId, producerId: this.opts.allocateProducerId(), epoch: 0, lastEpoch: -1, previousProducerId: -1n, clientVersion: 0, state: 'Empty', timeoutMs,
        startTimeMs: -1, lastUpdateMs: this.now(), partitions: new Map(), groups: new Set(), pendingOffsets: new Map()
      }
      this.txns.set(transactionalId, t)
      this.save()
      return { errorCode: ErrorCode.NONE, producerId: t.producerId, producerEpoch: t.epoch }
    }
    const fenced = fail(version >= 4 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH)
    // A producer that passes its id and epoch (v3+, KIP-360) must name the current producer id, or the one before
    // it with the last epoch (a retry of the request that ran the epochs out and got a new id; Kafka's
    // isValidProducerId).
    const previousAtLast = producerId === t.previousProducerId && producerEpoch >= MAX_EPOCH
    if (producerId >= 0n && producerId !== t.producerId && !previousAtLast) return fenced
    // An open transaction is aborted first, whoever asks (the epoch is not checked then, as in Kafka): its epoch is
    // bumped, the abort markers carry the new one, and the answer is CONCURRENT_TRANSACTIONS, so the producer
    // retries once the abort is done (Kafka 4.4 answers so, test-interop/producer/transaction-fence-differential).
    // The epoch it had is remembered, as a timeout's abort does: a retry naming it gets the fenced epoch without
    // another bump; a new instance (no id) bumps again.
    if (t.state === 'Ongoing') {
      this.fence(t)
      this.save()
      return fail(ErrorCode.CONCURRENT_TRANSACTIONS)
    }
    if (producerId >= 0n && producerEpoch !== t.epoch && producerEpoch !== t.lastEpoch) return fenced
    const before = t.producerId
    if (producerId < 0n) {
      this.bump(t)
      t.lastEpoch = -1
    } else if (producerEpoch === t.epoch) {
      // KIP-360: the producer goes on after an error; the epoch it had is remembered, so a retry of this request
      // (which did not see the answer) is recognised below.
      t.lastEpoch = t.epoch
      this.bump(t)
    }
    const rotated = t.producerId !== before
    // Else the producer names the epoch before the last bump: a retry of its InitProducerId, or a producer whose
    // transaction timed out (the timeout's bump recorded its epoch). Kafka's prepareIncrementProducerEpoch answers
    // the current epoch without another bump, as many times as asked (checked against Kafka 4.4 in
    // test-interop/producer/transaction-timeout-differential.test.ts).
    // Kafka remembers the producer id before a rotation only until the next transition (its prevProducerId is the
    // id the transition started from): a second retry naming the old id is fenced (Kafka 4.4 answers so).
    if (!rotated) t.previousProducerId = t.producerId
    t.timeoutMs = timeoutMs
    t.state = 'Empty'
    t.startTimeMs = -1
    t.lastUpdateMs = this.now()
    this.save()
    return { errorCode: ErrorCode.NONE, producerId: t.producerId, producerEpoch: t.epoch }
  }

  /** The error for a request naming this transactional id, producer id and epoch, or NONE. */
  private check (transactionalId: string, producerId: bigint, producerEpoch: number, fencedCode: number): { errorCode: number, t?: TxnEntry } {
    const t = this.txns.get(transactionalId)
    if (t === undefined || t.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING }
    if (producerEpoch < t.epoch) return { errorCode: fencedCode }
    if (producerEpoch > t.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH }
    if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort' || t.state === 'PrepareEpochFence') return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }
    return { errorCode: ErrorCode.NONE, t }
  }

  /** AddPartitionsToTxn for one transaction: an error code per partition. */
  addPartitions (transactionalId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string, partitions: number[] }>, version: number): Array<{ name: string, results: Array<{ partition: number, errorCode: number }> }> {
    const { errorCode, t } = this.check(transactionalId, producerId, producerEpoch, version >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH)
    const unknown = new Set<string>()
    for (const topic of topics) for (const p of topic.partitions) if (this.opts.partition(topic.name, p) === undefined) unknown.add(`${topic.name}:${p}`)
    // Kafka adds all or nothing: with one unknown partition, the others are "not attempted".
    const codeFor = (name: string, p: number): number => errorCode !== ErrorCode.NONE
      ? errorCode
      : unknown.size > 0 ? (unknown.has(`${name}:${p}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED) : ErrorCode.NONE
    if (t !== undefined && unknown.size === 0) {
      for (const topic of topics) {
        let set = t.partitions.get(topic.name)
        if (set === undefined) t.partitions.set(topic.name, set = new Set())
        for (const p of topic.partitions) set.add(p)
      }
      this.begin(t, 0)
      this.save()
    }
    return topics.map(topic => ({ name: topic.name, results: topic.partitions.map(p => ({ partition: p, errorCode: codeFor(topic.name, p) })) }))
  }

  /** AddPartitionsToTxn v4+ with verifyOnly: whether each partition is already in the transaction. */
  verifyPartitions (transactionalId: string, producerId: bigint, producerEpoch: number, topics: Array<{ name: string, partitions: number[] }>): Array<{ name: string, results: Array<{ partition: number, errorCode: number }> }> {
    const { errorCode, t } = this.check(transactionalId, producerId, producerEpoch, ErrorCode.PRODUCER_FENCED)
    return topics.map(topic => ({
      name: topic.name,
      results: topic.partitions.map(p => ({
        partition: p,
        errorCode: errorCode !== ErrorCode.NONE ? errorCode : t?.state === 'Ongoing' && t.partitions.get(topic.name)?.has(p) === true ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
      }))
    }))
  }

  /** AddOffsetsToTxn: the group's offsets will be committed with the transaction. */
  addOffsets (transactionalId: string, producerId: bigint, producerEpoch: number, groupId: string, version: number): number {
    const { errorCode, t } = this.check(transactionalId, producerId, producerEpoch, version >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH)
    if (t === undefined) return errorCode
    t.groups.add(groupId)
    this.begin(t, 0)
    this.save()
    return ErrorCode.NONE
  }

  /**
   * TxnOffsetCommit: stages offsets until the transaction ends. Returns one error code for the whole request. v5+
   * (transaction protocol v2) adds the group to the transaction, beginning one if none is open.
   */
  stageOffsets (transactionalId: string, producerId: bigint, producerEpoch: number, groupId: string, offsets: Array<{ topic: string, partition: number, committed: CommittedOffset }>, version: number): number {
    // An older epoch is INVALID_PRODUCER_EPOCH here, not PRODUCER_FENCED: Kafka 4.4 answers so at v3-v6
    // (test-interop/differential/txn-corpus.ts).
    const { errorCode, t } = this.check(transactionalId, producerId, producerEpoch, ErrorCode.INVALID_PRODUCER_EPOCH)
    if (t === undefined) return errorCode
    if (version >= TXN_OFFSET_COMMIT_V2_VERSION) {
      t.groups.add(groupId)
      this.begin(t, TRANSACTION_V2)
    }
    if (t.state !== 'Ongoing' || !t.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE
    let staged = t.pendingOffsets.get(groupId)
    if (staged === undefined) t.pendingOffsets.set(groupId, staged = [])
    for (const o of offsets) {
      const at = staged.findIndex(s => s.topic === o.topic && s.partition === o.partition)
      if (at >= 0) staged[at] = o
      else staged.push(o)
    }
    this.save()
    return ErrorCode.NONE
  }

  /**
   * EndTxn: commit or abort. A retry of an end that already happened succeeds; the opposite end does not. v5
   * (transaction protocol v2) bumps the epoch and answers the producer id and epoch to use next.
   */
  endTxn (transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean, version: number): EndResult {
    const fencedCode = version >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH
    const t = this.txns.get(transactionalId)
    // An abort v5 with nothing open still bumps the epoch (Kafka 4.4 does): a producer whose first write failed
    // before it reached the transaction ends it as any other, and comes out with a new epoch.
    if (t !== undefined && version >= END_TXN_V2_VERSION && !commit && t.producerId === producerId && producerEpoch === t.epoch &&
        (t.state === 'Empty' || t.state === 'CompleteCommit' || t.state === 'CompleteAbort')) {
      t.clientVersion = TRANSACTION_V2
      this.complete(t, false, true)
      this.save()
      return this.current(t)
    }
    if (t !== undefined && t.clientVersion >= TRANSACTION_V2) return this.endV2(t, producerId, producerEpoch, commit, version)
    // A v1 producer whose transaction timed out learns it here: the coordinator bumped its epoch when it aborted,
    // so its EndTxn, commit or abort alike, is fenced (Kafka 4.4 answers both so; it only recovers with
    // InitProducerId naming its old epoch, KIP-360).
    const { errorCode, t: found } = this.check(transactionalId, producerId, producerEpoch, fencedCode)
    if (found === undefined) return endFailure(errorCode)
    switch (found.state) {
      case 'Ongoing':
        if (version >= END_TXN_V2_VERSION) found.clientVersion = TRANSACTION_V2
        this.complete(found, commit, version >= END_TXN_V2_VERSION)
        this.save()
        return this.current(found)
      case 'CompleteCommit': return commit ? this.current(found) : endFailure(ErrorCode.INVALID_TXN_STATE)
      case 'CompleteAbort': return commit ? endFailure(ErrorCode.INVALID_TXN_STATE) : this.current(found)
      default: return endFailure(ErrorCode.INVALID_TXN_STATE)
    }
  }

  /**
   * EndTxn of a v2 transaction. Every end moved the epoch on, so the same epoch again is not a retry but an end
   * with nothing open (a commit is INVALID_TXN_STATE, as Kafka 4.4 answers); a retry carries the epoch before the bump (or,
   * after an overflow, the last epoch of the previous producer id) and is answered with the new one.
   */
  private endV2 (t: TxnEntry, producerId: bigint, producerEpoch: number, commit: boolean, version: number): EndResult {
    const retryOnOverflow = t.previousProducerId === producerId && producerEpoch === MAX_EPOCH && t.epoch === 0
    const retryOnBump = t.producerId === producerId && t.epoch === producerEpoch + 1
    if (t.producerId !== producerId && !retryOnOverflow) return endFailure(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    switch (t.state) {
      case 'Ongoing':
        if (producerEpoch !== t.epoch) return endFailure(ErrorCode.PRODUCER_FENCED)
        // Ended by an older EndTxn, the epoch stays, and so a retry carries it unchanged.
        if (version < END_TXN_V2_VERSION) t.clientVersion = 0
        this.complete(t, commit, version >= END_TXN_V2_VERSION)
        this.save()
        return this.current(t)
      case 'CompleteCommit':
      case 'CompleteAbort':
        if (!retryOnBump && !retryOnOverflow) return endFailure(producerEpoch === t.epoch ? ErrorCode.INVALID_TXN_STATE : ErrorCode.PRODUCER_FENCED)
        return (t.state === 'CompleteCommit') === commit ? this.current(t) : endFailure(ErrorCode.INVALID_TXN_STATE)
      default:
        return endFailure(producerEpoch === t.epoch ? ErrorCode.INVALID_TXN_STATE : ErrorCode.PRODUCER_FENCED)
    }
  }

  private current (t: TxnEntry): EndResult {
    return { errorCode: ErrorCode.NONE, producerId: t.producerId, producerEpoch: t.epoch }
  }

  /**
   * Whether a transactional batch may be appended (Kafka's produce-side verification, KIP-890 part 1): its producer
   * must be the transactional id's current one, in an open transaction that includes the partition. Produce v12+
   * (transaction protocol v2) adds the partition instead, beginning a transaction if none is open. A partition
   * left out is TRANSACTION_ABORTABLE from v11, INVALID_TXN_STATE before (Kafka 4.4 answers v11 so).
   */
  verifyProduce (transactionalId: string | null, producerId: bigint, producerEpoch: number, topic: string, partition: number, version: number): number {
    const t = transactionalId === null ? undefined : this.txns.get(transactionalId)
    if (t === undefined || t.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (producerEpoch !== t.epoch) return ErrorCode.INVALID_PRODUCER_EPOCH
    if (version >= PRODUCE_V2_VERSION) {
      if (t.partitions.get(topic)?.has(partition) !== true) {
        let set = t.partitions.get(topic)
        if (set === undefined) t.partitions.set(topic, set = new Set())
        set.add(partition)
        this.begin(t, TRANSACTION_V2)
        this.save()
      }
      return ErrorCode.NONE
    }
    if (t.state !== 'Ongoing' || t.partitions.get(topic)?.has(partition) !== true) {
      return version >= PRODUCE_ABORTABLE_VERSION ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE
    }
    return ErrorCode.NONE
  }

  describe (transactionalId: string): DescribedTransaction {
    const t = this.txns.get(transactionalId)
    if (t === undefined) {
      return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] }
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: t.state,
      transactionTimeoutMs: t.timeoutMs,
      transactionStartTimeMs: BigInt(t.startTimeMs),
      producerId: t.producerId,
      producerEpoch: t.epoch,
      topics: [...t.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) }))
    }
  }

  /**
   * ListTransactions: filtered by state, producer id, age and a transactional id pattern (already compiled, matched
   * against the whole id). The age test is Kafka's TransactionStateManager.listTransactionStates as it is: now minus
   * the start time, and an id with no transaction started (start time -1) or a finished one (which keeps its start)
   * passes it too; Kafka 4.4 lists an Empty id under any duration filter.
   */
  list (stateFilters: string[], producerIdFilters: bigint[], durationFilterMs: bigint, pattern: RegExp | null): { unknownStateFilters: string[], transactions: Array<{ transactionalId: string, producerId: bigint, transactionState: string }> } {
    const now = this.now()
    const states = new Set(stateFilters)
    const pids = new Set(producerIdFilters)
    const transactions = [...this.txns.values()].filter(t =>
      (states.size === 0 || states.has(t.state)) &&
      (pids.size === 0 || pids.has(t.producerId)) &&
      (durationFilterMs < 0n || BigInt(now - t.startTimeMs) > durationFilterMs) &&
      (pattern === null || pattern.test(t.transactionalId))
    ).map(t => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state }))
    return { unknownStateFilters: stateFilters.filter(s => !STATES.has(s)), transactions }
  }

  /** Aborts every open transaction that has run past its timeout, bumping its epoch so its producer is fenced. */
  expire (): void {
    const now = this.now()
    let changed = false
    for (const t of this.txns.values()) {
      if (t.state !== 'Ongoing' || t.startTimeMs < 0 || now - t.startTimeMs <= t.timeoutMs) continue
      this.fence(t)
      changed = true
    }
    if (changed) this.save()
  }

  /**
   * Forgets transactional ids idle for `expirationMs` (transactional.id.expiration.ms) with no transaction open, as
   * Kafka's TransactionStateManager.removeExpiredTransactionalIds does (Empty, CompleteCommit and CompleteAbort
   * expire; the others never do). The id's next InitProducerId starts afresh, with a new producer id. Returns how
   * many were forgotten.
   */
  removeExpiredTransactionalIds (expirationMs: number): number {
    const now = this.now()
    let removed = 0
    for (const [id, t] of this.txns) {
      if (!EXPIRABLE.has(t.state) || t.lastUpdateMs > now - expirationMs) continue
      this.txns.delete(id)
      removed++
    }
    if (removed > 0) this.save()
    return removed
  }

  /**
   * Aborts the open transaction under a bumped epoch, so its producer is fenced (Kafka's prepareFenceProducerEpoch
   * and the abort after it): a timeout and an InitProducerId meeting an open transaction do this.
   */
  private fence (t: TxnEntry): void {
    const [owner, old] = [t.producerId, t.epoch]
    this.bump(t)
    t.lastEpoch = old
    this.complete(t, false, false, owner)
  }

  /** Opens a transaction unless one is open; `clientVersion` is the protocol of the request that opened it. */
  private begin (t: TxnEntry, clientVersion: number): void {
    if (t.state !== 'Ongoing') {
      t.previousProducerId = t.producerId
      t.state = 'Ongoing'
      t.startTimeMs = this.now()
      t.lastUpdateMs = t.startTimeMs
      t.clientVersion = clientVersion
    }
  }

  /** The next epoch, or a new producer id when the epoch is exhausted. */
  private bump (t: TxnEntry): number {
    if (t.epoch >= MAX_EPOCH) {
      t.previousProducerId = t.producerId
      t.producerId = this.opts.allocateProducerId()
      t.epoch = 0
    } else {
      t.epoch++
    }
    return t.epoch
  }

  /**
   * Writes the markers, applies or drops the staged offsets, and closes the transaction. With `bumpEpoch`
   * (EndTxn v5) the epoch moves on first, so the markers carry the new one and fence the finished epoch; when the
   * bump runs out of epochs the transactional id gets a new producer id, and the old one's markers carry the epoch
   * past its last, which fences it all the same. `before` is the producer id whose transaction ends, when a fencing
   * bump has already moved the transactional id on (to a new producer id, at the last epoch).
   */
  private complete (t: TxnEntry, commit: boolean, bumpEpoch = false, before = t.producerId): void {
    if (bumpEpoch) {
      // The epoch before the bump is remembered as the producer's last, as Kafka's prepareAbortOrCommit does: an
      // InitProducerId naming it (the producer lost EndTxn's answer) gets the new epoch without another bump.
      const last = t.epoch
      this.bump(t)
      if (t.producerId === before) t.lastEpoch = last
    }
    // Markers carry the current epoch: after a fencing bump, the new one.
    const [markerId, markerEpoch] = t.producerId === before ? [t.producerId, t.epoch] : [before, MAX_EPOCH + 1]
    for (const [topic, ps] of t.partitions) {
      for (const p of ps) {
        const target = this.opts.partition(topic, p)
        target?.log.writeMarker(markerId, markerEpoch, commit, 0, target.leaderEpoch, this.now())
      }
    }
    if (commit) for (const [group, offsets] of t.pendingOffsets) this.opts.commitOffsets(group, offsets)
    t.partitions.clear()
    t.groups.clear()
    t.pendingOffsets.clear()
    // The start time stays, as in Kafka's prepareComplete: DescribeTransactions reports it until the next
    // InitProducerId or transaction.
    t.state = commit ? 'CompleteCommit' : 'CompleteAbort'
    t.lastUpdateMs = this.now()
  }

  private load (): void {
    const file = this.opts.file
    if (file === undefined || !existsSync(file)) return
    let saved: SavedTxn[]
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as SavedTxn[]
    } catch (err) {
      throw new ConfigError('dataDir', `${file} is not a readable transaction state file`, { cause: err })
    }
    for (const s of saved) {
      this.txns.set(s.transactionalId, {
        transactionalId: s.transactionalId,
        producerId: BigInt(s.producerId),
        epoch: s.epoch,
        lastEpoch: s.lastEpoch,
        previousProducerId: BigInt(s.previousProducerId ?? -1),
        clientVersion: s.clientVersion ?? 0,
        state: s.state,
        timeoutMs: s.timeoutMs,
        startTimeMs: s.startTimeMs,
        // A state file from before expiry was kept counts from the restart.
        lastUpdateMs: s.lastUpdateMs ?? this.now(),
        partitions: new Map(s.partitions.map(([topic, ps]) => [topic, new Set(ps)])),
        groups: new Set(s.groups),
        pendingOffsets: new Map(s.pendingOffsets.map(([group, list]) => [group, list.map(o => ({
          topic: o.topic, partition: o.partition, committed: { offset: BigInt(o.offset), leaderEpoch: o.leaderEpoch, metadata: o.metadata }
        }))]))
      })
    }
  }

  private save (): void {
    const file = this.opts.file
    if (file === undefined) return
    const saved: SavedTxn[] = [...this.txns.values()].map(t => ({
      transactionalId: t.transactionalId,
      producerId: String(t.producerId),
      epoch: t.epoch,
      lastEpoch: t.lastEpoch,
      previousProducerId: String(t.previousProducerId),
      clientVersion: t.clientVersion,
      state: t.state,
      timeoutMs: t.timeoutMs,
      startTimeMs: t.startTimeMs,
      lastUpdateMs: t.lastUpdateMs,
      partitions: [...t.partitions].map(([topic, ps]): [string, number[]] => [topic, [...ps]]),
      groups: [...t.groups],
      pendingOffsets: [...t.pendingOffsets].map(([group, list]): SavedTxn['pendingOffsets'][number] => [group, list.map(o => ({
        topic: o.topic, partition: o.partition, offset: String(o.committed.offset), leaderEpoch: o.committed.leaderEpoch, metadata: o.committed.metadata
      }))])
    }))
    // Written aside and renamed, so a crash never leaves half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(saved))
    renameSync(`${file}.tmp`, file)
  }
}

function endFailure (errorCode: number): EndResult {
  return { errorCode, producerId: -1n, producerEpoch: -1 }
}
