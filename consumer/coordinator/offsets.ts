import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import type { KafkaClient } from '../cluster.js'
import { ZERO_UUID } from '../cluster-metadata.js'
import { tpKey } from '../simple-consumer.js'
import { backoffMs, delay, isRetriable } from '../retry.js'
import { CoordinatorCache } from './find-coordinator.js'

// A group's committed offsets, read (OffsetFetch) and written (OffsetCommit) at its coordinator. Two callers: a
// group member, which commits with its generation and member id so that the coordinator fences a member that was
// dropped from the group (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID); and a "simple" committer outside any membership
// (generation -1, empty member id), which brokers accept only while the group has no active members: the streaming
// sources and Kafka's own offset-reset tool commit this way.
//
// OffsetCommit v10 and OffsetFetch v10 name topics by id instead of name (KIP-848). As Kafka's consumer does, a
// request goes by id when the coordinator speaks v10 and every topic's id is known from the metadata, else by name
// (v9): a broker older than Metadata v10 gives no ids, and a topic Metadata cannot find has none. The answer names
// topics by the ids the request gave; they are mapped back, so callers only ever see names. A coordinator that does
// not know an id (the topic was deleted, or recreated under a new id, since our metadata was fetched) answers
// UNKNOWN_TOPIC_ID: the topic's metadata is refreshed and the request retried, by the new id or, if the topic is
// gone, by name, which the coordinator then answers for itself (UNKNOWN_TOPIC_OR_PARTITION).

export interface OffsetToCommit { topic: string, partition: number, offset: bigint, leaderEpoch?: number, metadata?: string | null }

/** Who commits: a group member (its generation or, with KIP-848, member epoch) or nobody in particular. */
export interface CommitIdentity {
  generationIdOrMemberEpoch: number
  memberId: string
  groupInstanceId: string | null
}

export const SIMPLE_COMMIT: CommitIdentity = { generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null }

/**
 * A KIP-848 member reading its group's offsets: OffsetFetch v9+ carries its id and epoch, so the coordinator can
 * refuse a member that left or was fenced (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH).
 */
export interface FetchingMember { memberId: string, memberEpoch: number }

/** The first OffsetCommit and OffsetFetch version that names topics by id (KIP-848). */
const OFFSETS_TOPIC_ID_VERSION = 10

/** A committed offset as OffsetFetch returns it; offset -1 where the group has none. */
export interface CommittedOffset { offset: bigint, leaderEpoch: number, metadata: string | null }

export class GroupOffsets {
  readonly coordinators: CoordinatorCache

  constructor (private readonly client: KafkaClient, coordinators?: CoordinatorCache) {
    this.coordinators = coordinators ?? new CoordinatorCache(client)
  }

  /**
   * Commits offsets (each the next offset to read) for the group. A partition error fails the whole commit with
   * that partition's KafkaError; coordinator errors re-find the coordinator and retry, member errors
   * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID) are thrown for the caller.
   */
  async commit (groupId: string, offsets: Iterable<OffsetToCommit>, who: CommitIdentity = SIMPLE_COMMIT): Promise<void> {
    for (const p of await this.commitEach(groupId, offsets, who)) {
      if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `OffsetCommit ${groupId} ${p.topic}[${p.partition}]`)
    }
  }

  /**
   * Commits offsets and answers each partition's error code, for callers that report per partition (the admin
   * client); a retriable partition error (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, ...) still retries the
   * whole commit, re-finding the coordinator when it moved.
   */
  async commitEach (groupId: string, offsets: Iterable<OffsetToCommit>, who: CommitIdentity = SIMPLE_COMMIT): Promise<Array<{ topic: string, partition: number, errorCode: number }>> {
    const byTopic = groupByTopic(offsets, o => o)
    if (byTopic.size === 0) return []
    return await this.coordinators.withCoordinator(groupId, 'OffsetCommit', async nodeId => {
      const ids = await this.client.topicIds(byTopic.keys())
      const res = await this.client.request(nodeId, OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: who.generationIdOrMemberEpoch,
        memberId: who.memberId,
        groupInstanceId: who.groupInstanceId,
        topics: [...byTopic].map(([name, parts]) => ({
          name,
          topicId: ids.get(name),
          partitions: parts.map(p => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: p.leaderEpoch ?? -1, committedMetadata: p.metadata ?? null }))
        }))
      }, { maxVersion: byIdVersionCap(ids) })
      const names = namesOf(ids, res.version)
      const results = res.body.topics.flatMap(t => t.partitions.map(p => ({ topic: names(t), partition: p.partitionIndex, errorCode: p.errorCode })))
      await this.refreshUnknownIds(results)
      for (const p of results) {
        const err = p.errorCode === ErrorCode.NONE ? null : new KafkaError(p.errorCode, `OffsetCommit ${groupId} ${p.topic}[${p.partition}]`)
        if (err !== null && isRetriable(err)) throw err
      }
      return results
    })
  }

  /**
   * The group's committed offsets for the partitions (all of the group's when `tps` is null), keyed by tpKey.
   * `requireStable` (KIP-447) makes the broker answer UNSTABLE_OFFSET_COMMIT (retried) while a transaction's
   * offsets are pending, as a read_committed consumer needs. `member` gives a KIP-848 member's id and current epoch
   * (undefined while it is not in the group), sent from OffsetFetch v9 and read again for each retry.
   */
  async fetch (groupId: string, tps: ReadonlyArray<{ topic: string, partition: number }> | null, requireStable = false, member?: () => FetchingMember | undefined): Promise<Map<string, CommittedOffset>> {
    const cfg = this.client.config
    for (let stale = 0; ; stale++) {
      try {
        return await this.fetchOnce(groupId, tps, requireStable, member?.())
      } catch (err) {
        // As Java's new consumer (CommitRequestManager): STALE_MEMBER_EPOCH while the member is still in the group
        // is retried with its latest epoch, which its heartbeat brings; a member that is no longer in the group,
        // or UNKNOWN_MEMBER_ID, fails the fetch.
        const retry = err instanceof KafkaError && err.errorCode === ErrorCode.STALE_MEMBER_EPOCH && member?.() !== undefined && stale < cfg.retries
        if (!retry) throw err
        await delay(backoffMs(stale, cfg.retryBackoffMs, cfg.retryBackoffMaxMs))
      }
    }
  }

  private async fetchOnce (groupId: string, tps: ReadonlyArray<{ topic: string, partition: number }> | null, requireStable: boolean, member: FetchingMember | undefined): Promise<Map<string, CommittedOffset>> {
    const byTopic = tps === null ? null : groupByTopic(tps, tp => tp.partition)
    // The ids the coordinator answered UNKNOWN_TOPIC_ID for, by topic. Java's new consumer retries such a fetch
    // until its deadline and then takes the partition for one with no committed offset, so auto.offset.reset
    // moves a consumer that may well have a committed offset (re-reading or skipping records); throwing, as we
    // did, stops the consumer over a coordinator whose metadata lags. Kafka keeps committed offsets by topic
    // name, so when the refreshed metadata still gives the id the coordinator did not know, the topic is asked for
    // by name (v9) instead: the answer is the group's real committed offset, or -1 where there is none.
    const unknownIds = new Map<string, string>()
    return await this.coordinators.withCoordinator(groupId, 'OffsetFetch', async nodeId => {
      // Every topic (a null list) is asked for by name: the answer would name topics by ids we may never have seen.
      const known = byTopic === null ? new Map<string, string>() : await this.client.topicIds(byTopic.keys())
      const ids = new Map([...known].map(([name, id]) => [name, unknownIds.get(name) === id ? ZERO_UUID : id]))
      const topics = byTopic === null ? null : [...byTopic].map(([name, partitionIndexes]) => ({ name, topicId: ids.get(name), partitionIndexes }))
      // v8 asks for many groups at once (KIP-709); before, for one. v0-1 cannot ask for "all topics".
      const res = await this.client.request(nodeId, OffsetFetch, (v: number) => v >= 8
        ? { groups: [{ groupId, memberId: member?.memberId ?? null, memberEpoch: member?.memberEpoch ?? -1, topics }], requireStable }
        : { groupId, topics: topics ?? (v < 2 ? [] : null), requireStable }, { maxVersion: byTopic === null ? OFFSETS_TOPIC_ID_VERSION - 1 : byIdVersionCap(ids) })
      const answer = res.version >= 8 ? res.body.groups[0] : res.body
      if (answer === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `OffsetFetch ${groupId}: empty answer`)
      if (answer.errorCode !== ErrorCode.NONE) throw new KafkaError(answer.errorCode, `OffsetFetch ${groupId}`)
      const names = namesOf(ids, res.version)
      const results = answer.topics.flatMap(t => t.partitions.map(p => ({ topic: names(t), partition: p.partitionIndex, errorCode: p.errorCode, p })))
      for (const r of results) if (r.errorCode === ErrorCode.UNKNOWN_TOPIC_ID) unknownIds.set(r.topic, ids.get(r.topic) ?? ZERO_UUID)
      await this.refreshUnknownIds(results)
      const out = new Map<string, CommittedOffset>()
      for (const { topic, partition, errorCode, p } of results) {
        if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, `OffsetFetch ${groupId} ${topic}[${partition}]`)
        out.set(tpKey(topic, partition), { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata })
      }
      return out
    })
  }

  /**
   * UNKNOWN_TOPIC_ID: the coordinator does not know the id our metadata gave (the topic was deleted, or recreated
   * under a new id). The topic's metadata is looked up again, so the retry that follows uses the new id, or the name.
   */
  private async refreshUnknownIds (results: ReadonlyArray<{ topic: string, errorCode: number }>): Promise<void> {
    const stale = [...new Set(results.filter(r => r.errorCode === ErrorCode.UNKNOWN_TOPIC_ID).map(r => r.topic))]
    if (stale.length === 0) return
    for (const name of stale) this.client.invalidate(name)
    await this.client.topicIds(stale)
  }
}

/** Items grouped by topic, in order of first appearance. */
function groupByTopic<T extends { topic: string }, U> (items: Iterable<T>, pick: (item: T) => U): Map<string, U[]> {
  const byTopic = new Map<string, U[]>()
  for (const item of items) {
    let list = byTopic.get(item.topic)
    if (list === undefined) byTopic.set(item.topic, list = [])
    list.push(pick(item))
  }
  return byTopic
}

/** The highest version to send: any when every topic's id is known (v10 by id), else v9 (by name). */
function byIdVersionCap (ids: ReadonlyMap<string, string>): number {
  return [...ids.values()].every(id => id !== ZERO_UUID) ? Infinity : OFFSETS_TOPIC_ID_VERSION - 1
}

/** How an answer's topic is named: by the request's id -> name map from v10, by its own name before. */
function namesOf (ids: ReadonlyMap<string, string>, version: number): (t: { name: string, topicId?: string }) => string {
  if (version < OFFSETS_TOPIC_ID_VERSION) return t => t.name
  const byId = new Map([...ids].map(([name, id]) => [id, name]))
  // An id the request did not give (a broker's mistake) keeps the id: it can match none of the caller's topics.
  return t => byId.get(t.topicId ?? ZERO_UUID) ?? t.topicId ?? ZERO_UUID
}
