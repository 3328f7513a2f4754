import { randomInt } from 'node:crypto'
import { ErrorCode } from '../../protocol/error-codes.js'

// Fetch sessions (KIP-227), as Kafka 4.x's FetchManager serves them. A consumer that fetches many partitions
// sends the whole list once (a full fetch, sessionEpoch 0) and gets a session id; later fetches (epoch 1, 2, ...)
// name only the partitions whose fetch position changed, plus the ones to forget, and the answer lists only the
// partitions with something new: records, an error, a diverging epoch, a preferred read replica, or a moved high
// watermark or log start offset (not the last stable offset alone, which Kafka does not compare). Epoch -1 ends the session (and asks for a sessionless full fetch). Each broker keeps its own sessions.
//
// Errors are the broker's: an unknown session id is FETCH_SESSION_ID_NOT_FOUND, a wrong epoch
// INVALID_FETCH_SESSION_EPOCH, a session made with topic ids continued with names (or the reverse)
// FETCH_SESSION_TOPIC_ID_ERROR; all answered with session id 0 and no partitions, after which a client starts over.

/** max.incremental.fetch.session.cache.slots: sessions a broker keeps; the least recently used goes first. */
export const SESSION_CACHE_SLOTS = 1000
const INITIAL_EPOCH = 0
const FINAL_EPOCH = -1

/** What a fetch session remembers of one partition: the last request's parameters and what was last answered. */
export interface SessionPartition {
  topic: string
  topicId: string
  partition: number
  currentLeaderEpoch: number
  fetchOffset: bigint
  lastFetchedEpoch: number
  logStartOffset: bigint
  partitionMaxBytes: number
  /** Marks last sent to the client; -1 before the first answer. */
  highWatermark: bigint
  sentLogStartOffset: bigint
}

export class FetchSession {
  epoch = 1
  lastUsed = 0
  /** In the order partitions are fetched; partitions that were answered move to the end (fairness). */
  readonly partitions = new Map<string, SessionPartition>()

  constructor (readonly id: number, readonly usesTopicIds: boolean) {}

  static key (usesTopicIds: boolean, topic: string, topicId: string, partition: number): string {
    return `${usesTopicIds ? topicId : topic}\u0000${partition}`
  }

  /** Takes an incremental request's partitions (added or updated in place) and forgets the forgotten ones. */
  update (topics: readonly RequestTopic[], forgotten: readonly ForgottenTopic[]): void {
    for (const t of topics) {
      for (const p of t.partitions) {
        const key = FetchSession.key(this.usesTopicIds, t.topic, t.topicId, p.partition)
        const known = this.partitions.get(key)
        if (known !== undefined) Object.assign(known, params(p))
        else this.partitions.set(key, { topic: t.topic, topicId: t.topicId, partition: p.partition, ...params(p), highWatermark: -1n, sentLogStartOffset: -1n })
      }
    }
    for (const f of forgotten) {
      for (const partition of f.partitions) this.partitions.delete(FetchSession.key(this.usesTopicIds, f.topic, f.topicId, partition))
    }
  }

  /**
   * Whether an incremental answer must carry this partition (Kafka's CachedPartition.maybeUpdateResponseData),
   * remembering what it carries; an answered partition moves to the end of the session's order.
   */
  /** Whether mustRespond would answer the partition, without recording anything (for sizing an answer first). */
  wouldRespond (key: string, res: SentPartition, incremental: boolean): boolean {
    const p = this.partitions.get(key)
    // A preferred read replica (KIP-392) and a diverging epoch are always sent, as Kafka's
    // CachedPartition.maybeUpdateResponseData does; a last stable offset that moved alone is not (Kafka does not
    // compare it: a transaction's end writes a marker, which moves the high watermark too).
    return p === undefined || !incremental || (res.records?.length ?? 0) > 0 || res.errorCode !== ErrorCode.NONE || res.preferredReadReplica >= 0 ||
      res.diverging || res.highWatermark !== p.highWatermark || res.logStartOffset !== p.sentLogStartOffset
  }

  mustRespond (key: string, res: SentPartition, incremental: boolean): boolean {
    const p = this.partitions.get(key)
    if (p === undefined) return true
    const changed = this.wouldRespond(key, res, incremental)
    if (res.errorCode === ErrorCode.NONE) {
      p.highWatermark = res.highWatermark
      p.sentLogStartOffset = res.logStartOffset
    } else {
      // Kafka sets the cached high watermark to -1 on an error, "so that when the error goes away, we re-send the
      // partition" (FetchSession.scala, CachedPartition.maybeUpdateResponseData): the client has no marks for it.
      p.highWatermark = -1n
    }
    if (changed && incremental) {
      this.partitions.delete(key)
      this.partitions.set(key, p)
    }
    return changed
  }
}

/** What an answer carried for a partition, as far as a session tracks it. */
export interface SentPartition { errorCode: number, highWatermark: bigint, logStartOffset: bigint, records: Buffer | null, preferredReadReplica: number, diverging: boolean }

export interface RequestPartition {
  partition: number
  currentLeaderEpoch: number
  fetchOffset: bigint
  lastFetchedEpoch: number
  logStartOffset: bigint
  partitionMaxBytes: number
}
export interface RequestTopic { topic: string, topicId: string, partitions: readonly RequestPartition[] }
export interface ForgottenTopic { topic: string, topicId: string, partitions: readonly number[] }

function params (p: RequestPartition): Omit<RequestPartition, 'partition'> {
  return { currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, logStartOffset: p.logStartOffset, partitionMaxBytes: p.partitionMaxBytes }
}

/** How one Fetch request relates to the session cache (Kafka's FetchContext kinds). */
export type FetchContext =
  | { kind: 'sessionless' }
  | { kind: 'full', usesTopicIds: boolean }
  | { kind: 'incremental', session: FetchSession }
  | { kind: 'error', errorCode: number }

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>()

  get size (): number { return this.sessions.size }

  /** Decides the request's context: FetchManager.newContext. */
  newContext (sessionId: number, epoch: number, usesTopicIds: boolean, topics: readonly RequestTopic[], forgotten: readonly ForgottenTopic[], nowMs: number): FetchContext {
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== 0) this.sessions.delete(sessionId)
      return epoch === FINAL_EPOCH ? { kind: 'sessionless' } : { kind: 'full', usesTopicIds }
    }
    const session = this.sessions.get(sessionId)
    if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND }
    if (session.epoch !== epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH }
    if (session.usesTopicIds !== usesTopicIds) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR }
    session.update(topics, forgotten)
    session.epoch = session.epoch === 0x7fffffff ? 1 : session.epoch + 1
    session.lastUsed = nowMs
    // Most recently used last, so eviction takes the first.
    this.sessions.delete(session.id)
    this.sessions.set(session.id, session)
    return { kind: 'incremental', session }
  }

  /**
   * A new session for a full fetch's partitions, or undefined (session id 0) when there are none: Kafka creates
   * no session for an empty fetch. A full cache evicts its least recently used session.
   */
  create (usesTopicIds: boolean, topics: readonly RequestTopic[], nowMs: number): FetchSession | undefined {
    if (!topics.some(t => t.partitions.length > 0)) return undefined
    if (this.sessions.size >= SESSION_CACHE_SLOTS) this.sessions.delete(this.sessions.keys().next().value!)
    let id = 0
    while (id === 0 || this.sessions.has(id)) id = randomInt(1, 0x7fffffff)
    const session = new FetchSession(id, usesTopicIds)
    session.update(topics, [])
    session.lastUsed = nowMs
    this.sessions.set(id, session)
    return session
  }

  /** The session's partitions as request topics (consecutive partitions of one topic grouped). */
  static topicsOf (session: FetchSession): RequestTopic[] {
    const out: Array<{ topic: string, topicId: string, partitions: RequestPartition[] }> = []
    for (const p of session.partitions.values()) {
      const last = out[out.length - 1]
      const part: RequestPartition = { partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch, fetchOffset: p.fetchOffset, lastFetchedEpoch: p.lastFetchedEpoch, logStartOffset: p.logStartOffset, partitionMaxBytes: p.partitionMaxBytes }
      if (last !== undefined && last.topic === p.topic && last.topicId === p.topicId) last.partitions.push(part)
      else out.push({ topic: p.topic, topicId: p.topicId, partitions: [part] })
    }
    return out
  }
}

/** Each broker's own cache, kept beside (not inside) the cluster state so that it goes with it. */
const caches = new WeakMap<object, Map<number, FetchSessionCache>>()

export function sessionCacheFor (cluster: object, brokerId: number): FetchSessionCache {
  let byBroker = caches.get(cluster)
  if (byBroker === undefined) caches.set(cluster, byBroker = new Map())
  let cache = byBroker.get(brokerId)
  if (cache === undefined) byBroker.set(brokerId, cache = new FetchSessionCache())
  return cache
}
