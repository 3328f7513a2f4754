import { ConfigError, KafkaError, ProtocolError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { KafkaRecord } from '../../protocol/records/types.js'
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, SUBSCRIPTION_VERSIONS } from '../../protocol/group/consumer-protocol.js'
import { KafkaClient } from '../cluster.js'
import type { ConfigInput } from '../config.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { GroupOffsets } from '../coordinator/offsets.js'
import { OffsetOutOfRangeError } from '../errors.js'
import { delay, isRetriable } from '../retry.js'
import { SimpleConsumer, tpKey, type FetchedPartition, type RawRecords, type TopicPartition } from '../simple-consumer.js'
import { assignorsByName, byTopic, rebalanceProtocolOf, type Assignor, type MemberSubscription, type RebalanceProtocol, type TopicPartitions } from './assignors/index.js'
import { systemTimers, type Timers } from './clock.js'
import { CoordinatorLink } from './coordinator-link.js'
import { CommitFailedError, MEMBER_FENCED, NoOffsetForPartitionError } from './errors.js'
import { parseGroupConfig, type GroupConfig } from './group-config.js'
import { GroupRecord } from './group-record.js'
import { ClassicMembership, type JoinedGeneration, type LeaderInput } from './membership.js'
import { ConsumerMembership } from './consumer-membership.js'
import type { RebalanceListener } from './rebalance-listener.js'

// The group consumer: Kafka's high-level consumer over the classic group protocol. It joins a group, gets its
// share of the subscribed partitions from the leader's assignor, reads them from the committed offsets, and
// commits what the application has processed. One loop does the work the application pulls: each call for the
// next batch first makes sure the membership is current (join, sync, rebalance callbacks, positions), then hands
// out one partition's records from the last fetch round, or fetches the next round. Heartbeats, auto-commit and
// the max.poll.interval check run beside it on timers, on their own connection to the coordinator, and only set
// flags that the loop acts on, so a callback never races the loop over the assignment.
//
// Delivery is at least once: a record counts as processed once the iterator has moved past it (or its batch's
// eachBatch handler resolved); commits, automatic or not, commit processed positions only. A rebalance commits
// what was processed (auto-commit) and calls onPartitionsRevoked before the partitions go, so the next owner
// starts exactly where this member stopped: no record is skipped, at most the unprocessed ones are read twice.
//
// Eager assignors (range, roundrobin) revoke every partition before rejoining, so nothing is read during the
// join. Cooperative-sticky (KIP-429) keeps its partitions through the join and revokes only those missing from
// the new assignment, then rejoins once more so that the second round hands them to their new owners; while its
// JoinGroup and SyncGroup are in flight (the coordinator may hold them for the whole rebalance), the loop goes on
// fetching and handing out what the member owns, as the Java client's poll() does, and applies the new
// assignment once the join has finished.
//
// With group.protocol=consumer (KIP-848) the same loop reconciles with the assignment the coordinator computes
// and sends in ConsumerGroupHeartbeat answers (consumer-membership.ts) instead of joining and syncing: revoke
// what went, take what came, acknowledge at once; commits and positions work as above. Kept partitions are read
// on throughout: only the revoked ones stop.

/** One partition's records from one fetch round. */
export interface GroupBatch {
  topic: string
  partition: number
  records: KafkaRecord[]
  highWatermark: bigint
  /** Past the last record (and any gap or transaction marker after it): where the partition's position moves. */
  nextOffset: bigint
  /** The last stable offset (read_committed), -1 when the broker did not say. */
  lastStableOffset: bigint
  /** The node id of the leader that served the fetch. */
  broker: number
  /** The offset the fetch asked for: the batch covers [fromOffset, nextOffset). */
  fromOffset: bigint
  /** With the `raw` option: the response's complete record batches undecoded (undefined when there were none). */
  raw?: RawRecords
}

/** How long close() spends committing, revoking and leaving before it closes the connections anyway (Java's 30 s). */
const DEFAULT_CLOSE_TIMEOUT_MS = 30_000

export interface GroupConsumerOptions {
  rebalanceListener?: RebalanceListener
  /** Assignors beyond the built-in ones, selectable by name in partition.assignment.strategy. */
  assignors?: Assignor[]
  /** Background timers (heartbeats, auto-commit); tests pass virtual ones. */
  timers?: Timers
  /**
   * Keep each batch's record batches as the broker sent them (GroupBatch.raw), for a reader that stores the bytes
   * (the receiver stream's write-ahead log) rather than only the decoded records.
   */
  raw?: boolean
}

export interface CommitOptions {
  /** What to commit: the next offset to read, per partition. Default: every owned partition's processed position. */
  offsets?: Iterable<{ topic: string, partition: number, offset: bigint, metadata?: string | null }>
}

interface Owned extends TopicPartition {
  /** Next offset to fetch; undefined until the committed offset (or the reset policy) says. */
  fetchPos: bigint | undefined
  /** Next offset after the last processed record: what a commit stores. */
  consumed: bigint | undefined
  /** Last offset committed by this member (to skip commits that change nothing). */
  committed: bigint | undefined
  paused: boolean
  /** Bumped by seek, revoke and a position reset, so that a batch fetched before knows it is stale. */
  epoch: number
}

type MembershipState = 'unjoined' | 'joining' | 'stable' | 'closed'

export class GroupConsumer {
  readonly group: GroupConfig
  readonly client: KafkaClient
  private readonly simple: SimpleConsumer
  private readonly coordinators: CoordinatorCache
  private readonly offsets: GroupOffsets
  private readonly link: CoordinatorLink
  private readonly membership: ClassicMembership | ConsumerMembership
  private readonly assignors: Assignor[]
  readonly rebalanceProtocol: RebalanceProtocol
  private readonly listener: RebalanceListener
  private readonly timers: Timers
  private readonly raw: boolean
  /** True while onPartitionsRevoked runs: the generation is still ours, so commit() may store final offsets. */
  private revoking = false

  private subscription: string[] | RegExp | undefined
  /** The topics the subscription resolved to at the last join (a RegExp is matched against the cluster's). */
  private subscribedTopics: string[] = []
  private topicsCheckedAt = 0
  private readonly owned = new Map<string, Owned>()
  private state: MembershipState = 'unjoined'
  private rejoinNeeded = true
  private lostNeeded = false
  private fatal: Error | undefined
  private readonly buffered: Array<{ fetched: FetchedPartition, epoch: number }> = []
  /**
   * A cooperative rejoin (JoinGroup, SyncGroup) running beside the loop, which meanwhile reads the partitions the
   * member owns; `done` once it settled and its result waits for the loop to apply it.
   */
  private rejoin: { joined: Promise<JoinedGeneration>, done: boolean } | undefined
  private heartbeatTimer: unknown
  private autoCommitTimer: unknown
  private lastPollAt: number
  private readonly abort = new AbortController()
  private closing: Promise<void> | undefined

  constructor (config: ConfigInput, options: GroupConsumerOptions = {}) {
    const { group, rest } = parseGroupConfig(config)
    this.group = group
    this.assignors = assignorsByName(group.partitionAssignmentStrategy, options.assignors)
    this.rebalanceProtocol = rebalanceProtocolOf(this.assignors)
    // client.rack serves the group (rack-aware assignors) and the fetches (KIP-392) alike.
    this.client = new KafkaClient(group.clientRack === null ? rest : { ...rest, clientRack: group.clientRack })
    this.simple = new SimpleConsumer(this.client)
    this.coordinators = new CoordinatorCache(this.client)
    this.offsets = new GroupOffsets(this.client, this.coordinators)
    this.link = new CoordinatorLink(this.client, group.groupId, this.coordinators)
    const c = this.client.config
    this.membership = group.groupProtocol === 'consumer'
      ? new ConsumerMembership(this.client, this.link, group)
      : new ClassicMembership(this.link, group, { backoffMs: c.retryBackoffMs, backoffMaxMs: c.retryBackoffMaxMs, requestTimeoutMs: c.requestTimeoutMs })
    this.listener = options.rebalanceListener ?? {}
    this.timers = options.timers ?? systemTimers
    this.raw = options.raw === true
    this.lastPollAt = this.timers.now()
  }

  /** Subscribes to topics by name, or to every topic matching a RegExp (checked again every metadata.max.age.ms). */
  subscribe (topics: string[] | RegExp): void {
    if (!(topics instanceof RegExp) && (!Array.isArray(topics) || topics.length === 0 || topics.some(t => typeof t !== 'string' || t === ''))) {
      throw new ConfigError('subscribe', 'expected a non-empty list of topic names or a RegExp')
    }
    this.subscription = topics instanceof RegExp ? topics : [...new Set(topics)]
    this.topicsCheckedAt = 0
    this.rejoinNeeded = true
  }

  /** The partitions this member owns now. */
  assignment (): TopicPartition[] {
    return [...this.owned.values()].map(o => ({ topic: o.topic, partition: o.partition }))
  }

  /** The member id and generation the coordinator gave this member (-1 while not in a generation). */
  get memberId (): string { return this.membership.memberId }
  get generationId (): number { return this.membership.generationId }

  /** The next offset this member will hand out for an owned partition (undefined before it is known). */
  position (topic: string, partition: number): bigint | undefined {
    const o = this.owned.get(tpKey(topic, partition))
    return o?.fetchPos
  }

  /** Reading of an owned partition continues at `offset`; records fetched before are dropped. */
  seek (topic: string, partition: number, offset: bigint): void {
    const o = this.ownedOrThrow(topic, partition, 'seek')
    if (offset < 0n) throw new ConfigError('seek', `offset ${offset} is negative`)
    o.fetchPos = offset
    o.consumed = offset
    o.epoch++
  }

  /** Stops handing out records of these partitions (they stay assigned, and heartbeats go on) until resume(). */
  pause (partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      this.ownedOrThrow(tp.topic, tp.partition, 'pause').paused = true
    }
  }

  resume (partitions: TopicPartition[]): void {
    for (const tp of partitions) this.ownedOrThrow(tp.topic, tp.partition, 'resume').paused = false
  }

  paused (): TopicPartition[] {
    return [...this.owned.values()].filter(o => o.paused).map(o => ({ topic: o.topic, partition: o.partition }))
  }

  /**
   * Records one at a time, in each partition's order. A record counts as processed when the loop asks for the
   * next one; the loop ends when close() is called.
   */
  [Symbol.asyncIterator] (): AsyncIterableIterator<GroupRecord> {
    // Written out rather than as an async generator: within a batch, next() answers with an already-resolved
    // promise and no generator machinery, which measured about twice as fast per record (tools/bench/group).
    let current: { batch: GroupBatch, owned: Owned, epoch: number } | undefined
    let i = 0
    let done = false
    const finish = (): void => {
      // The batch ran out without interruption: its gaps and markers after the last record count as passed too.
      if (current !== undefined && i >= current.batch.records.length && current.owned.epoch === current.epoch) current.owned.consumed = current.batch.nextOffset
      current = undefined
    }
    const it: AsyncIterableIterator<GroupRecord> = {
      [Symbol.asyncIterator]: () => it,
      next: async (): Promise<IteratorResult<GroupRecord, undefined>> => {
        if (done) return { done: true, value: undefined }
        for (;;) {
          if (current !== undefined) {
            const { batch, owned, epoch } = current
            // The record handed out last is processed now that the application asks for the next one; asking is
            // also its sign of life (max.poll.interval.ms).
            if (i > 0 && owned.epoch === epoch) owned.consumed = (batch.records[i - 1] as KafkaRecord).offset + 1n
            this.lastPollAt = this.timers.now()
            if (i < batch.records.length) {
              const r = batch.records[i] as KafkaRecord
              // A rebalance to join, a seek, a revoke or a pause since the fetch: the rest waits for the next round.
              if (this.membershipChangeWaiting || this.lostNeeded || owned.paused || owned.epoch !== epoch || this.closing !== undefined) {
                if (owned.epoch === epoch) owned.fetchPos = r.offset
                current = undefined
              } else {
                i++
                return { done: false, value: new GroupRecord(batch.topic, batch.partition, r) }
              }
            } else {
              finish()
            }
          }
          const got = await this.nextBatch()
          if (got === undefined) { done = true; return { done: true, value: undefined } }
          current = got
          i = 0
        }
      },
      return: async (): Promise<IteratorResult<GroupRecord, undefined>> => {
        // Leaving the loop (break): the record in hand is not processed.
        done = true
        current = undefined
        return { done: true, value: undefined }
      }
    }
    return it
  }

  /**
   * Hands each partition's batch to `handler`, awaited; a batch counts as processed when the handler resolves.
   * Resolves when close() is called; rejects with the handler's error (the batch is then not processed).
   * `emptyBatches` hands over fetch results without records too (a partition at its end), for readers that
   * report the end of a partition (kcat -G -e). `signal` ends the loop after the batch in hand is processed (so a
   * close() that follows commits it), without closing the consumer.
   */
  async eachBatch (handler: (batch: GroupBatch) => Promise<void> | void, options: { emptyBatches?: boolean, signal?: AbortSignal } = {}): Promise<void> {
    for (;;) {
      const got = await this.nextBatch(options.emptyBatches === true, options.signal)
      if (got === undefined) return
      await handler(got.batch)
      if (got.owned.epoch === got.epoch) got.owned.consumed = got.batch.nextOffset
    }
  }

  /**
   * Commits offsets with this member's generation, and waits for the coordinator. Default: every owned
   * partition's processed position. CommitFailedError when the group has rebalanced without this member.
   */
  async commit (options: CommitOptions = {}): Promise<void> {
    if (this.fatal !== undefined) throw this.fatal
    const given = options.offsets === undefined ? undefined : [...options.offsets]
    const offsets = given ?? this.processedOffsets()
    if ((this.state !== 'stable' && !this.revoking) || !this.membership.inGeneration) {
      throw new CommitFailedError(ErrorCode.REBALANCE_IN_PROGRESS, `OffsetCommit ${this.group.groupId}`)
    }
    await this.commitNow(offsets)
  }

  /** commit() without waiting: errors go to `callback` (or are dropped), as the Java client's commitAsync. */
  commitAsync (options: CommitOptions = {}, callback?: (err: Error | undefined) => void): void {
    this.commit(options).then(() => callback?.(undefined), (err: Error) => callback?.(err))
  }

  /**
   * Leaves the group: auto-commits what was processed, calls onPartitionsRevoked, sends LeaveGroup (a dynamic
   * member only; a static one keeps its partitions until the session times out, KIP-345) and closes every
   * connection. Iterators and eachBatch loops end. The orderly part is bounded by `timeoutMs` (default 30 s, the
   * Java client's close()): past it, connections close anyway and the group times the member out. A second call
   * waits for the first.
   */
  async close (options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new ConfigError('timeoutMs', `close timeout must be an integer >= 0, got ${timeoutMs}`)
    this.closing ??= this.doClose(timeoutMs)
    await this.closing
  }

  private async doClose (timeoutMs: number): Promise<void> {
    this.abort.abort(new KafkaError(ErrorCode.NONE, 'the group consumer is closing'))
    this.stopTimers()
    let timer: unknown
    try {
      const orderly = this.leaveInOrder()
      // Once the deadline has passed, what is still in flight fails when the connections close: not an error.
      orderly.catch(() => {})
      const started = Date.now()
      const deadline = new Promise<void>(resolve => { timer = this.timers.setTimeout(resolve, timeoutMs) })
      await Promise.race([orderly, deadline])
      // Then the fetch sessions, as the Java consumer closes its fetcher after the coordinator, in what is left.
      await this.simple.closeSessions(Math.max(0, Math.min(timeoutMs - (Date.now() - started), 5000)))
    } finally {
      this.timers.clearTimeout(timer)
      this.state = 'closed'
      this.owned.clear()
      this.buffered.length = 0
      await this.link.close()
      await this.client.close()
    }
  }

  /** close()'s orderly part: commit what was processed, onPartitionsRevoked, LeaveGroup. */
  private async leaveInOrder (): Promise<void> {
    if (this.fatal !== undefined) return
    if (this.rejoin !== undefined && this.membership instanceof ClassicMembership) {
      // Closing in the middle of a cooperative rebalance: the generation is ending, so the Java client's commit is
      // refused (no stable generation) and it reports the partitions lost, then leaves. LeaveGroup goes on the
      // heartbeat connection: the group connection waits behind the JoinGroup or SyncGroup the coordinator holds.
      await this.losePartitions()
      await this.membership.leave('the consumer is closing', 'heartbeat')
      return
    }
    if (this.state !== 'stable' || !this.membership.inGeneration) return
    if (this.group.enableAutoCommit) await this.commitNow(this.processedOffsets()).catch(() => {})
    if (this.owned.size > 0) await this.listener.onPartitionsRevoked?.(this.assignment())
    await this.membership.leave('the consumer is closing')
  }

  // ---- The loop ---------------------------------------------------------------------------------------------

  /**
   * Whether the loop has membership work to do before handing out more records: a rejoin to start, or a finished
   * cooperative rejoin to apply. A rejoin asked for while one is in flight waits for it: the records keep coming.
   */
  private get membershipChangeWaiting (): boolean {
    return this.rejoin === undefined ? this.rejoinNeeded : this.rejoin.done
  }

  /** The next partition's batch, after bringing the membership up to date; undefined once closing. */
  private async nextBatch (emptyBatches = false, signal?: AbortSignal): Promise<{ batch: GroupBatch, owned: Owned, epoch: number } | undefined> {
    if (this.subscription === undefined) throw new ConfigError('subscribe', 'subscribe() before reading')
    for (;;) {
      if (this.closing !== undefined || signal?.aborted === true) return undefined
      this.lastPollAt = this.timers.now()
      try {
        await this.ensureActive()
      } catch (err) {
        if (this.closing !== undefined) return undefined
        throw err
      }
      const next = this.buffered.shift()
      if (next !== undefined) {
        const f = next.fetched
        const owned = this.owned.get(tpKey(f.topic, f.partition))
        if (owned === undefined || owned.epoch !== next.epoch || owned.paused) continue
        const fromOffset = owned.fetchPos ?? f.nextOffset
        owned.fetchPos = f.nextOffset
        const batch: GroupBatch = {
          topic: f.topic, partition: f.partition, records: f.records, highWatermark: f.highWatermark, nextOffset: f.nextOffset,
          lastStableOffset: f.lastStableOffset, broker: f.broker, fromOffset
        }
        if (this.raw) batch.raw = f.raw
        if (batch.records.length === 0) {
          if (owned.consumed === undefined || owned.consumed < f.nextOffset) owned.consumed = f.nextOffset
          if (!emptyBatches) continue
        }
        return { batch, owned, epoch: next.epoch }
      }
      await this.fetchRound()
    }
  }

  /** One Fetch round for every owned, unpaused partition with a known position; results queue in `buffered`. */
  private async fetchRound (): Promise<void> {
    const wanted = [...this.owned.values()].filter(o => !o.paused && o.fetchPos !== undefined)
    if (wanted.length === 0) {
      // Nothing to read (no partitions, or all paused): wait a little instead of spinning, then check again.
      await delay(Math.min(100, this.client.config.fetchWaitMaxMs))
      return
    }
    const epochs = new Map(wanted.map(o => [o, o.epoch]))
    let got: Map<string, FetchedPartition>
    try {
      got = await this.simple.fetchOnce(wanted.map(o => ({ topic: o.topic, partition: o.partition, fromOffset: o.fetchPos as bigint })), this.raw ? { raw: true } : {})
    } catch (err) {
      if (this.closing !== undefined) return
      if (err instanceof OffsetOutOfRangeError) {
        const o = this.owned.get(tpKey(err.topic, err.partition))
        if (o !== undefined) await this.resetPositions([o])
        return
      }
      throw err
    }
    for (const o of wanted) {
      const f = got.get(tpKey(o.topic, o.partition))
      if (f !== undefined && this.owned.get(tpKey(o.topic, o.partition)) === o && o.epoch === epochs.get(o)) this.buffered.push({ fetched: f, epoch: o.epoch })
    }
  }

  /**
   * Brings the membership up to date: handles lost partitions, (re)joins when needed, runs the rebalance
   * callbacks and reads the new partitions' starting positions.
   */
  private async ensureActive (): Promise<void> {
    if (this.fatal !== undefined) throw this.fatal
    if (this.lostNeeded) {
      this.lostNeeded = false
      await this.losePartitions()
    }
    await this.checkSubscribedTopics()
    if (this.membership instanceof ConsumerMembership) { await this.reconcile(this.membership); return }
    if (this.rejoin !== undefined) {
      // A cooperative rejoin is in flight: read on until it has finished, then apply its assignment.
      if (!this.rejoin.done) return
      const { joined } = this.rejoin
      this.rejoin = undefined
      await this.applyJoin(await joined)
      return
    }
    if (!this.rejoinNeeded && this.membership.inGeneration) return
    this.stopHeartbeats()
    this.state = 'joining'
    const eager = this.rebalanceProtocol === 'eager'
    if (eager) {
      this.buffered.length = 0
      if (this.owned.size > 0) await this.revoke([...this.owned.values()])
    } else if (this.group.enableAutoCommit && this.membership.inGeneration && this.owned.size > 0) {
      // As the Java client's onJoinPrepare: commit what was processed with the generation that is ending, since
      // no automatic commit can run until the rebalance is over. A refused or unreachable commit is ignored, as
      // there: the rebalance goes on, and revoke() or the next auto-commit stores the positions.
      await this.commitNow(this.processedOffsets()).catch(err => { if (!(err instanceof KafkaError) && !isRetriable(err)) throw err })
      if (this.lostNeeded) { this.lostNeeded = false; await this.losePartitions() }
    }
    if (this.subscribedTopics.length === 0 || this.rejoinNeeded) await this.resolveTopics()
    this.rejoinNeeded = false
    if (!eager) {
      // Cooperative: partitions of topics no longer subscribed are given up before the join (Java does the same),
      // so that they are not read during it.
      const topics = new Set(this.subscribedTopics)
      const unsubscribed = [...this.owned.values()].filter(o => !topics.has(o.topic))
      if (unsubscribed.length > 0) await this.revoke(unsubscribed)
    }
    const protocols = this.assignors.map(a => ({ name: a.name, metadata: this.subscriptionBytes() }))
    const joined = (this.membership as ClassicMembership).join(protocols, async input => await this.assign(input), this.abort.signal)
    if (!eager && this.owned.size > 0) {
      // KIP-429's point: no stop-the-world. The join runs beside the loop, which reads on what the member owns.
      const rejoin = { joined, done: false }
      const settled = (): void => { rejoin.done = true }
      joined.then(settled, settled)
      this.rejoin = rejoin
      return
    }
    await this.applyJoin(await joined)
  }

  /** A finished join: revoke what moved (cooperative), take what is new, positions, and the member is stable. */
  private async applyJoin (joined: JoinedGeneration): Promise<void> {
    const assignment = decodeAssignment(joined.assignment)
    const now = new Set<string>()
    for (const tp of assignment.assignedPartitions) for (const p of tp.partitions) now.add(tpKey(tp.topic, p))
    const revoked = [...this.owned.values()].filter(o => !now.has(tpKey(o.topic, o.partition)))
    if (revoked.length > 0) {
      // Cooperative: give up what moves, then rejoin so the second round hands it over (KIP-429). The commit in
      // revoke() carries the new generation, which the coordinator accepts now that the group is stable again.
      await this.revoke(revoked)
      this.rejoinNeeded = true
    }
    const added: Owned[] = []
    for (const tp of assignment.assignedPartitions) {
      for (const partition of tp.partitions) {
        const key = tpKey(tp.topic, partition)
        if (this.owned.has(key)) continue
        const o: Owned = { topic: tp.topic, partition, fetchPos: undefined, consumed: undefined, committed: undefined, paused: false, epoch: 0 }
        this.owned.set(key, o)
        added.push(o)
      }
    }
    this.state = 'stable'
    this.startTimers()
    await this.listener.onPartitionsAssigned?.(added.map(o => ({ topic: o.topic, partition: o.partition })))
    await this.initPositions(added.filter(o => this.owned.get(tpKey(o.topic, o.partition)) === o && o.fetchPos === undefined))
  }

  /**
   * The consumer protocol's side of ensureActive (KIP-848): join with epoch 0 when out of the group, and reconcile
   * with the coordinator's latest target assignment: revoke what is no longer ours (auto-commit, then
   * onPartitionsRevoked), take what is new (onPartitionsAssigned, positions), and tell the coordinator at once
   * with a heartbeat, so it can hand the released partitions to their new owners.
   */
  private async reconcile (m: ConsumerMembership): Promise<void> {
    if (this.rejoinNeeded && this.subscribedTopics.length === 0) await this.resolveTopics()
    if (this.rejoinNeeded && m.inGeneration) {
      // The subscription changed: the next heartbeat carries it; the coordinator answers with a new target.
      this.rejoinNeeded = false
    }
    for (let attempt = 0; !m.inGeneration; attempt++) {
      if (this.abort.signal.aborted) throw this.abort.signal.reason
      this.stopHeartbeats()
      this.state = 'joining'
      await this.resolveTopics()
      this.rejoinNeeded = false
      const code = await m.heartbeat('group', this.subscribedTopics, [])
      if (code !== ErrorCode.NONE) await delay(Math.min(1000, this.client.config.retryBackoffMs * 2 ** Math.min(attempt, 5)))
    }
    if (this.state !== 'stable') { this.state = 'stable'; this.startTimers() }
    const target = m.pendingAssignment
    if (target === undefined) return
    m.pendingAssignment = undefined
    const keys = new Set(target.map(tp => tpKey(tp.topic, tp.partition)))
    const revoked = [...this.owned.values()].filter(o => !keys.has(tpKey(o.topic, o.partition)))
    if (revoked.length > 0) await this.revoke(revoked)
    const added: Owned[] = []
    for (const tp of target) {
      const key = tpKey(tp.topic, tp.partition)
      if (this.owned.has(key)) continue
      const o: Owned = { topic: tp.topic, partition: tp.partition, fetchPos: undefined, consumed: undefined, committed: undefined, paused: false, epoch: 0 }
      this.owned.set(key, o)
      added.push(o)
    }
    if (revoked.length > 0 || added.length > 0) {
      // Acknowledge at once: the coordinator moves released partitions only when their old owner says so.
      await m.heartbeat('group', this.subscribedTopics, this.assignment()).catch(() => ErrorCode.NONE)
    }
    if (added.length > 0) await this.listener.onPartitionsAssigned?.(added.map(o => ({ topic: o.topic, partition: o.partition })))
    await this.initPositions(added.filter(o => this.owned.get(tpKey(o.topic, o.partition)) === o && o.fetchPos === undefined))
  }

  /** The JoinGroup metadata: our subscription, with what we own and since which generation (v3). */
  private subscriptionBytes (): Buffer {
    return encodeSubscription({
      topics: this.subscribedTopics,
      userData: null,
      ownedPartitions: byTopic([...this.owned.values()].map(o => [o.topic, o.partition] as const)),
      generationId: this.membership.generationId,
      rackId: this.group.clientRack
    }, SUBSCRIPTION_VERSIONS.max)
  }

  /** The leader's work: decode every member's subscription, run the group's assignor, encode each share. */
  private async assign (input: LeaderInput): Promise<Map<string, Buffer>> {
    const assignor = this.assignors.find(a => a.name === input.protocolName)
    if (assignor === undefined) throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the coordinator chose assignor "${input.protocolName}", which this member did not offer`)
    const members: MemberSubscription[] = []
    const versions = new Map<string, number>()
    for (const m of input.members) {
      let sub
      try {
        sub = decodeSubscription(m.metadata)
      } catch (err) {
        // A member whose subscription cannot be read gets nothing rather than breaking the whole group.
        if (!(err instanceof ProtocolError)) throw err
        sub = { topics: [], ownedPartitions: [], generationId: -1, rackId: null, version: 0 }
      }
      versions.set(m.memberId, sub.version)
      members.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: sub.topics, ownedPartitions: sub.ownedPartitions, generationId: sub.generationId, rackId: sub.rackId })
    }
    const topics = [...new Set(members.flatMap(m => m.topics))]
    const counts = new Map<string, number>()
    if (topics.length > 0) {
      const md = await this.client.metadata(topics)
      for (const t of md.topics) if (t.errorCode === ErrorCode.NONE && t.partitions.length > 0) counts.set(t.name, t.partitions.length)
    }
    const result = assignor.assign(members, counts)
    const out = new Map<string, Buffer>()
    for (const m of members) {
      const parts: TopicPartitions[] = result.get(m.memberId) ?? []
      // Each member gets the assignment version of its own subscription, which it surely reads.
      out.set(m.memberId, encodeAssignment({ assignedPartitions: parts, userData: null }, Math.min(versions.get(m.memberId) ?? 0, SUBSCRIPTION_VERSIONS.max)))
    }
    return out
  }

  /** Resolves the subscription to topic names (a RegExp against the cluster's topics). */
  private async resolveTopics (): Promise<void> {
    const sub = this.subscription
    if (sub === undefined) return
    this.topicsCheckedAt = this.timers.now()
    if (Array.isArray(sub)) { this.subscribedTopics = [...sub].sort(); return }
    const md = await this.client.metadata()
    this.subscribedTopics = md.topics.filter(t => t.errorCode === ErrorCode.NONE && sub.test(t.name)).map(t => t.name).sort()
  }

  /** A RegExp subscription is matched again every metadata.max.age.ms: a new matching topic means a rejoin. */
  private async checkSubscribedTopics (): Promise<void> {
    if (!(this.subscription instanceof RegExp) || this.rejoinNeeded) return
    if (this.timers.now() - this.topicsCheckedAt < this.client.config.metadataMaxAgeMs) return
    const before = this.subscribedTopics.join(',')
    await this.resolveTopics()
    if (this.subscribedTopics.join(',') !== before) this.rejoinNeeded = true
  }

  /** Gives partitions up in an orderly rebalance: auto-commit what was processed, then onPartitionsRevoked. */
  private async revoke (partitions: Owned[]): Promise<void> {
    if (this.group.enableAutoCommit && this.membership.inGeneration) {
      const offsets = this.processedOffsets(partitions)
      // A failed commit here means the generation is already over; the records are read again by the next owner.
      await this.commitNow(offsets).catch(err => { if (!(err instanceof CommitFailedError) && !(err instanceof KafkaError)) throw err })
    }
    this.revoking = true
    try {
      await this.listener.onPartitionsRevoked?.(partitions.map(o => ({ topic: o.topic, partition: o.partition })))
    } finally {
      this.revoking = false
    }
    for (const o of partitions) { o.epoch++; this.owned.delete(tpKey(o.topic, o.partition)) }
  }

  /** The generation ended under us: the partitions may already be someone else's; no commit. */
  private async losePartitions (): Promise<void> {
    if (this.owned.size === 0) return
    const tps = this.assignment()
    for (const o of this.owned.values()) o.epoch++
    this.owned.clear()
    this.buffered.length = 0
    const cb = this.listener.onPartitionsLost ?? this.listener.onPartitionsRevoked
    await cb?.(tps)
  }

  /** Starting positions: the committed offset, or auto.offset.reset where there is none. */
  private async initPositions (partitions: Owned[]): Promise<void> {
    if (partitions.length === 0) return
    // A KIP-848 member reads as itself (OffsetFetch v9+ member id and epoch), as Java's new consumer does; a classic
    // member sends neither, as Java's classic coordinator does not.
    const membership = this.membership
    const member = membership instanceof ConsumerMembership
      ? () => membership.generationId > 0 ? { memberId: membership.memberId, memberEpoch: membership.generationId } : undefined
      : undefined
    const committed = await this.offsets.fetch(this.group.groupId, partitions, this.client.config.isolationLevel === 'read_committed', member)
    const reset: Owned[] = []
    for (const o of partitions) {
      const c = committed.get(tpKey(o.topic, o.partition))
      if (c !== undefined && c.offset >= 0n) { o.fetchPos = o.consumed = o.committed = c.offset } else reset.push(o)
    }
    await this.resetPositions(reset)
  }

  /** Applies auto.offset.reset (also after OFFSET_OUT_OF_RANGE). */
  private async resetPositions (partitions: Owned[]): Promise<void> {
    if (partitions.length === 0) return
    const policy = this.group.autoOffsetReset
    if (policy === 'none') throw new NoOffsetForPartitionError(partitions[0].topic, partitions[0].partition, this.group.groupId)
    const tps = partitions.map(o => ({ topic: o.topic, partition: o.partition }))
    const at = policy === 'earliest' ? await this.simple.earliestOffsets(tps) : await this.simple.latestOffsets(tps)
    for (const o of partitions) {
      const offset = at.get(tpKey(o.topic, o.partition))
      if (offset === undefined) continue
      o.fetchPos = o.consumed = offset
      o.epoch++
    }
  }

  private processedOffsets (partitions: Iterable<Owned> = this.owned.values()): Array<{ topic: string, partition: number, offset: bigint }> {
    const out: Array<{ topic: string, partition: number, offset: bigint }> = []
    for (const o of partitions) {
      if (o.consumed !== undefined && o.consumed !== o.committed) out.push({ topic: o.topic, partition: o.partition, offset: o.consumed })
    }
    return out
  }

  private async commitNow (offsets: Array<{ topic: string, partition: number, offset: bigint }>): Promise<void> {
    if (offsets.length === 0) return
    const who = { generationIdOrMemberEpoch: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.group.groupInstanceId }
    try {
      await this.offsets.commit(this.group.groupId, offsets, who)
    } catch (err) {
      if (err instanceof KafkaError && (MEMBER_FENCED.has(err.errorCode) || err.errorCode === ErrorCode.REBALANCE_IN_PROGRESS)) {
        if (MEMBER_FENCED.has(err.errorCode)) {
          this.membership.resetGeneration(err.errorCode === ErrorCode.UNKNOWN_MEMBER_ID)
          this.lostNeeded = true
        }
        this.rejoinNeeded = true
        throw new CommitFailedError(err.errorCode, `OffsetCommit ${this.group.groupId}`, { cause: err })
      }
      if (err instanceof KafkaError && err.errorCode === ErrorCode.FENCED_INSTANCE_ID) this.fatal = err
      throw err
    }
    for (const c of offsets) {
      const o = this.owned.get(tpKey(c.topic, c.partition))
      if (o !== undefined) o.committed = c.offset
    }
  }

  private ownedOrThrow (topic: string, partition: number, what: string): Owned {
    const o = this.owned.get(tpKey(topic, partition))
    if (o === undefined) throw new ConfigError(what, `${topic}[${partition}] is not assigned to this member`)
    return o
  }

  // ---- Background work: heartbeats, the poll-interval check, auto-commit ---------------------------------------

  private startTimers (): void {
    this.scheduleHeartbeat()
    if (this.group.enableAutoCommit && this.autoCommitTimer === undefined) this.scheduleAutoCommit()
  }

  private stopHeartbeats (): void {
    if (this.heartbeatTimer !== undefined) this.timers.clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  private stopTimers (): void {
    this.stopHeartbeats()
    if (this.autoCommitTimer !== undefined) this.timers.clearTimeout(this.autoCommitTimer)
    this.autoCommitTimer = undefined
  }

  private scheduleHeartbeat (): void {
    this.stopHeartbeats()
    const timer = this.timers.setTimeout(() => {
      if (this.heartbeatTimer !== timer) return
      void this.heartbeatOnce().finally(() => {
        if (this.heartbeatTimer === timer && this.closing === undefined && this.state === 'stable') this.scheduleHeartbeat()
      })
    }, this.membership instanceof ConsumerMembership ? (this.membership.heartbeatIntervalMs ?? this.group.heartbeatIntervalMs) : this.group.heartbeatIntervalMs)
    this.heartbeatTimer = timer
  }

  /**
   * One heartbeat, and what its answer means for the loop (see membership.ts's table). Also the Java client's
   * poll-interval check: a member whose application has not asked for records within max.poll.interval.ms is
   * stuck, and leaves so that the group can move its partitions on.
   */
  private async heartbeatOnce (): Promise<void> {
    if (this.state !== 'stable' || !this.membership.inGeneration) return
    if (this.timers.now() - this.lastPollAt > this.group.maxPollIntervalMs) {
      this.lostNeeded = true
      this.rejoinNeeded = true
      this.state = 'unjoined'
      await this.membership.leave('max.poll.interval.ms expired: the application stopped asking for records')
      return
    }
    let code: number
    const sent = { generationId: this.membership.generationId, memberId: this.membership.memberId }
    try {
      code = this.membership instanceof ConsumerMembership
        ? await this.membership.heartbeat('heartbeat', this.subscribedTopics, this.assignment())
        : await this.membership.heartbeat()
    } catch (err) {
      this.fatal = err as Error
      return
    }
    if (code === ErrorCode.NONE) return
    if (this.membership instanceof ClassicMembership && (this.state !== 'stable' || sent.generationId !== this.membership.generationId || sent.memberId !== this.membership.memberId)) {
      // The answer to a heartbeat sent before the loop rejoined (the generation it names may be over by now): the
      // Java client ignores such errors rather than fence the member's new generation or start another rebalance.
      return
    }
    if (code === ErrorCode.REBALANCE_IN_PROGRESS) { this.rejoinNeeded = true; return }
    if (code === ErrorCode.FENCED_MEMBER_EPOCH) { this.lostNeeded = true; return }
    if (MEMBER_FENCED.has(code)) {
      this.membership.resetGeneration(code === ErrorCode.UNKNOWN_MEMBER_ID)
      this.lostNeeded = true
      this.rejoinNeeded = true
      return
    }
    const err = new KafkaError(code, `Heartbeat ${this.group.groupId}`)
    // Coordinator errors were handled (the coordinator is found again on the next heartbeat); others are fatal.
    if (!err.retriable) this.fatal = err
  }

  private scheduleAutoCommit (): void {
    this.autoCommitTimer = this.timers.setTimeout(() => {
      this.autoCommitTimer = undefined
      const run = this.state === 'stable' && this.membership.inGeneration && this.closing === undefined
        ? this.commitNow(this.processedOffsets()).catch(() => {})
        : Promise.resolve()
      void run.finally(() => { if (this.closing === undefined) this.scheduleAutoCommit() })
    }, this.group.autoCommitIntervalMs)
  }
}
