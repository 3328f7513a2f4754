import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { OffsetCommit } from '../../protocol/apis/offset-commit.js'
import { OffsetFetch } from '../../protocol/apis/offset-fetch.js'
import type { KafkaClient } from '../cluster.js'
import { tpKey } from '../simple-consumer.js'
import { isRetriable } from '../retry.js'
import { CoordinatorCache } from './find-coordinator.js'

// A group's committed offsets, read (OffsetFetch) and written (OffsetCommit) at its coordinator. Two callers: a
// group member, which commits with its generation and member id so that the coordinator fences a member that was
// dropped from the group (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID); and a "simple" committer outside any membership
// (generation -1, empty member id), which brokers accept only while the group has no active members: the streaming
// sources and Kafka's own offset-reset tool commit this way.

export interface OffsetToCommit { topic: string, partition: number, offset: bigint, leaderEpoch?: number, metadata?: string | null }

/** Who commits: a group member (its generation or, with KIP-848, member epoch) or nobody in particular. */
export interface CommitIdentity {
  generationIdOrMemberEpoch: number
  memberId: string
  groupInstanceId: string | null
}

export const SIMPLE_COMMIT: CommitIdentity = { generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null }

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
    const byTopic = new Map<string, OffsetToCommit[]>()
    for (const o of offsets) {
      let list = byTopic.get(o.topic)
      if (list === undefined) byTopic.set(o.topic, list = [])
      list.push(o)
    }
    if (byTopic.size === 0) return []
    const topics = [...byTopic].map(([name, parts]) => ({
      name,
      partitions: parts.map(p => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: p.leaderEpoch ?? -1, committedMetadata: p.metadata ?? null }))
    }))
    return await this.coordinators.withCoordinator(groupId, 'OffsetCommit', async nodeId => {
      const res = await this.client.request(nodeId, OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: who.generationIdOrMemberEpoch,
        memberId: who.memberId,
        groupInstanceId: who.groupInstanceId,
        topics
      })
      const results = res.body.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode })))
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
   * offsets are pending, as a read_committed consumer needs.
   */
  async fetch (groupId: string, tps: ReadonlyArray<{ topic: string, partition: number }> | null, requireStable = false): Promise<Map<string, CommittedOffset>> {
    let topics: Array<{ name: string, partitionIndexes: number[] }> | null = null
    if (tps !== null) {
      const byTopic = new Map<string, number[]>()
      for (const tp of tps) {
        let list = byTopic.get(tp.topic)
        if (list === undefined) byTopic.set(tp.topic, list = [])
        list.push(tp.partition)
      }
      topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
    }
    const wanted = topics
    return await this.coordinators.withCoordinator(groupId, 'OffsetFetch', async nodeId => {
      // v8 asks for many groups at once (KIP-709); before, for one. v0-1 cannot ask for "all topics".
      const res = await this.client.request(nodeId, OffsetFetch, (v: number) => v >= 8
        ? { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: wanted }], requireStable }
        : { groupId, topics: wanted ?? (v < 2 ? [] : null), requireStable })
      const answer = res.version >= 8 ? res.body.groups[0] : res.body
      if (answer === undefined) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `OffsetFetch ${groupId}: empty answer`)
      if (answer.errorCode !== ErrorCode.NONE) throw new KafkaError(answer.errorCode, `OffsetFetch ${groupId}`)
      const out = new Map<string, CommittedOffset>()
      for (const t of answer.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, `OffsetFetch ${groupId} ${t.name}[${p.partitionIndex}]`)
          out.set(tpKey(t.name, p.partitionIndex), { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata })
        }
      }
      return out
    })
  }
}
