// Incremental fetch sessions (KIP-227), the client's half: what Kafka's Java client keeps per broker in its
// FetchSessionHandler. A consumer that fetches the same partitions over and over names them all once (a full fetch,
// epoch 0), and the broker answers with a session id. From then on each Fetch (epoch 1, 2, ...) names only the
// partitions that are new to the session or whose parameters changed (fetch offset, byte limit, leader epoch, ...),
// lists the partitions it no longer wants under forgottenTopicsData, and the broker answers only the partitions
// with something new: records, an error, or a moved high watermark or log start offset. A partition the answer
// leaves out has nothing new: its marks are the ones the broker sent last, which the session keeps.
//
// The transitions, as FetchSessionHandler and FetchMetadata make them:
// - a full answer with a session id: incremental from epoch 1; with session id 0 the broker declined (its cache is
//   full, or the fetch named no partitions): the next fetch is full again and asks again (epoch 0).
// - an incremental answer: the next epoch, wrapping from INT32_MAX to 1 (0 and -1 have their own meanings).
// - FETCH_SESSION_ID_NOT_FOUND: the broker evicted the session; start over with session id 0.
// - any other top-level error, a request that failed (connection lost, timeout), a new connection, or topic ids
//   that changed: a full fetch that names the old session id with epoch 0, which closes it and opens a new one
//   (FetchMetadata.nextCloseExistingAttemptNew). Kafka's sessions outlive connections, so closing one frees the
//   broker's cache slot rather than leaving it to eviction.
// The session is per broker and strictly sequential: epochs order the requests, so one fetch at a time may use it.

import { ErrorCode } from '../protocol/error-codes.js'
import type { Fetch } from '../protocol/apis/fetch.js'
import type { Infer } from '../protocol/schema/define.js'

/** Session id 0: no session (FetchMetadata.INVALID_SESSION_ID). */
export const INVALID_SESSION_ID = 0
/** Epoch 0: a full fetch that asks for a new session (and closes the one named, if any). */
export const INITIAL_EPOCH = 0
/** Epoch -1: a full fetch without a session (and closes the one named, if any). */
export const FINAL_EPOCH = -1
const INT32_MAX = 0x7fffffff

/** The epoch after `epoch` in a session: 1, 2, ... INT32_MAX, then 1 again (FetchMetadata.nextEpoch). */
export function nextEpoch (epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH
  return epoch === INT32_MAX ? 1 : epoch + 1
}

/** A partition of a Fetch request as the schema types it, without the fields only followers send. */
type RequestPartition = Omit<Infer<typeof Fetch.request>['topics'][number]['partitions'][number], 'replicaDirectoryId' | 'highWatermark'>

/** One partition as a Fetch request names it, with its topic: what a session remembers was last sent. */
export interface SessionPartition extends RequestPartition { topic: string, topicId: string }

/** The marks a broker last sent for a partition: what an incremental answer that leaves the partition out means. */
export interface PartitionMarks { highWatermark: bigint, lastStableOffset: bigint, logStartOffset: bigint }

/** What the next request carries: the session fields, the partitions to name and the ones to forget. */
export interface FetchPlan {
  sessionId: number
  sessionEpoch: number
  /** Incremental (epoch > 0): an answer may leave partitions out. */
  incremental: boolean
  toSend: SessionPartition[]
  toForget: SessionPartition[]
}

interface Entry { sent: SessionPartition, marks: PartitionMarks | undefined }

export class FetchSession {
  private sessionId = INVALID_SESSION_ID
  private epoch = INITIAL_EPOCH
  /** Partitions in the session by tpKey, in the order the broker was told them. */
  private readonly partitions = new Map<string, Entry>()
  /** Whether the session names topics by id (Fetch v13+): a session cannot switch (FETCH_SESSION_TOPIC_ID_ERROR). */
  private usesTopicIds = false
  /** The connection the session's requests go over: another one means the last request's fate is unknown. */
  private connection: object | undefined
  /** A request of this session is in flight: a concurrent fetch to the same broker goes without the session. */
  busy = false

  /** The session id the broker gave, 0 when there is none. */
  get id (): number { return this.sessionId }

  /** The epoch the next request will carry. */
  get nextEpoch (): number { return this.epoch }

  /**
   * The next request's session part, for the partitions `wanted` (keyed by tpKey), recording them as sent (as
   * FetchSessionHandler.Builder.build does; a request that then fails resets the session, see failed()).
   */
  plan (wanted: ReadonlyMap<string, SessionPartition>, usesTopicIds: boolean, connection: object): FetchPlan {
    if (connection !== this.connection) {
      // The first request on this connection: whatever the last one did is unknown, so close and start over.
      if (this.connection !== undefined) this.failed()
      this.connection = connection
    }
    if (this.epoch !== INITIAL_EPOCH && usesTopicIds !== this.usesTopicIds) this.failed()
    if (this.epoch !== INITIAL_EPOCH) {
      for (const [key, p] of wanted) {
        const known = this.partitions.get(key)?.sent
        // A topic recreated under the same name has a new id: the broker's session holds the old one.
        if (known !== undefined && known.topicId !== p.topicId) { this.failed(); break }
      }
    }
    this.usesTopicIds = usesTopicIds
    if (this.epoch === INITIAL_EPOCH) {
      this.partitions.clear()
      for (const [key, p] of wanted) this.partitions.set(key, { sent: p, marks: undefined })
      return { sessionId: this.sessionId, sessionEpoch: INITIAL_EPOCH, incremental: false, toSend: [...wanted.values()], toForget: [] }
    }
    const toSend: SessionPartition[] = []
    const toForget: SessionPartition[] = []
    for (const [key, e] of this.partitions) {
      if (wanted.has(key)) continue
      this.partitions.delete(key)
      toForget.push(e.sent)
    }
    for (const [key, p] of wanted) {
      const e = this.partitions.get(key)
      if (e === undefined) {
        this.partitions.set(key, { sent: p, marks: undefined })
        toSend.push(p)
      } else if (!sameParameters(e.sent, p)) {
        // Altered: the broker keeps what it last answered for it, and so do we.
        e.sent = p
        toSend.push(p)
      }
    }
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, incremental: true, toSend, toForget }
  }

  /**
   * Takes an answer's top-level error code and session id (FetchSessionHandler.handleResponse). False when the
   * answer carries no partitions to use (a top-level error): the session is reset and the fetch should be sent again.
   */
  answered (plan: FetchPlan, errorCode: number, sessionId: number): boolean {
    if (errorCode !== ErrorCode.NONE) {
      // An evicted session is gone: nothing to close. Anything else: close it while opening a new one.
      if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND) this.reset()
      else this.failed()
      return false
    }
    if (sessionId === INVALID_SESSION_ID) {
      // Declined (full), or closed by the broker (incremental): full fetches from now on, each asking again.
      this.reset()
    } else if (!plan.incremental) {
      this.sessionId = sessionId
      this.epoch = nextEpoch(INITIAL_EPOCH)
    } else {
      this.epoch = nextEpoch(this.epoch)
    }
    return true
  }

  /**
   * A request failed, or its answer could not be used: the next one is full, names the session (if any) to close it,
   * and asks for a new one (FetchMetadata.nextCloseExistingAttemptNew).
   */
  failed (): void {
    this.epoch = INITIAL_EPOCH
    for (const e of this.partitions.values()) e.marks = undefined
  }

  /** Forgets the session entirely: the broker no longer has it (FetchMetadata.INITIAL). */
  reset (): void {
    this.sessionId = INVALID_SESSION_ID
    this.failed()
  }

  /** Records what an answer said of a partition of the session; an error leaves its marks unknown, as the broker does. */
  record (key: string, errorCode: number, marks: PartitionMarks): void {
    const e = this.partitions.get(key)
    if (e === undefined) return
    if (errorCode !== ErrorCode.NONE) { e.marks = undefined; return }
    // Updated in place: one object per partition for the session's life, not one per answer.
    if (e.marks === undefined) e.marks = { highWatermark: marks.highWatermark, lastStableOffset: marks.lastStableOffset, logStartOffset: marks.logStartOffset }
    else { e.marks.highWatermark = marks.highWatermark; e.marks.lastStableOffset = marks.lastStableOffset; e.marks.logStartOffset = marks.logStartOffset }
  }

  /** The last marks the broker sent for a partition in this session, if it has sent any since the session began. */
  marks (key: string): PartitionMarks | undefined {
    return this.partitions.get(key)?.marks
  }
}

/** Whether a partition's request parameters are unchanged (FetchRequest.PartitionData.equals, topic ids aside). */
function sameParameters (a: SessionPartition, b: SessionPartition): boolean {
  return a.fetchOffset === b.fetchOffset && a.partitionMaxBytes === b.partitionMaxBytes &&
    a.currentLeaderEpoch === b.currentLeaderEpoch && a.lastFetchedEpoch === b.lastFetchedEpoch &&
    a.logStartOffset === b.logStartOffset
}
