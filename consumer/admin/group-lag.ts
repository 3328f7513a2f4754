import { ProtocolError, type KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { KafkaClient } from '../cluster.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { GroupOffsets, type CommittedOffset } from '../coordinator/offsets.js'
import { tpKey } from '../simple-consumer.js'
import { describeGroups, type DescribedGroup } from './groups.js'
import { listOffsets } from './records.js'

// A group's committed offsets (OffsetFetch at its coordinator) beside each partition's log end (ListOffsets at
// its leader), and the lag between them: the table kafka-consumer-groups.sh --describe prints.

export interface PartitionLag {
  topic: string
  partition: number
  /** null when the group has committed nothing for the partition. */
  committed: bigint | null
  /** -1n when ListOffsets failed for the partition (see `error`). */
  logEndOffset: bigint
  /** null without a committed offset or a log end. */
  lag: bigint | null
  /** The member assigned the partition, if any (describeGroup only). */
  memberId: string | null
  clientId: string | null
  clientHost: string | null
  /** The partition's ListOffsets error (UNKNOWN_TOPIC_OR_PARTITION for a deleted topic, ...). */
  error: KafkaError | null
}

export interface GroupDescription extends DescribedGroup {
  /** Every partition committed to or assigned, sorted by topic and partition. */
  partitions: PartitionLag[]
}

type Tp = { topic: string, partition: number }

function compareTp (a: Tp, b: Tp): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}

/**
 * The group's committed offsets with the log end and lag of each partition: of the given partitions, or of every
 * partition the group has committed to. Sorted by topic and partition.
 */
export async function listGroupOffsets (client: KafkaClient, groupId: string, partitions?: readonly Tp[], coordinators = new CoordinatorCache(client)): Promise<PartitionLag[]> {
  const offsets = new GroupOffsets(client, coordinators)
  const committed = partitions === undefined ? await allCommitted(client, offsets, groupId) : await offsets.fetch(groupId, partitions)
  const tps = partitions ?? [...committed.keys()].map(key => { const i = key.lastIndexOf(':'); return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) } })
  return await withLag(client, tps, committed)
}

async function withLag (client: KafkaClient, tps: readonly Tp[], committed: Map<string, CommittedOffset>): Promise<PartitionLag[]> {
  const ends = new Map((tps.length === 0 ? [] : await listOffsets(client, tps, 'latest')).map(r => [tpKey(r.topic, r.partition), r]))
  return tps.map(tp => {
    const key = tpKey(tp.topic, tp.partition)
    const c = committed.get(key)?.offset
    const end = ends.get(key)
    const logEndOffset = end === undefined || end.error !== null ? -1n : end.offset
    const has = c !== undefined && c >= 0n
    return {
      topic: tp.topic,
      partition: tp.partition,
      committed: has ? c : null,
      logEndOffset,
      lag: has && logEndOffset >= 0n ? (logEndOffset > c ? logEndOffset - c : 0n) : null,
      memberId: null,
      clientId: null,
      clientHost: null,
      error: end?.error ?? null
    }
  }).sort(compareTp)
}

/**
 * One group for `groups --describe`: its state, assignor and members (describeGroups), and per partition committed
 * to or assigned, the committed offset, log end and lag, and the member that owns it.
 */
export async function describeGroup (client: KafkaClient, groupId: string): Promise<GroupDescription> {
  const coordinators = new CoordinatorCache(client)
  // A group that does not exist (error GROUP_ID_NOT_FOUND) may still have offsets: a simple committer's.
  const [group] = await describeGroups(client, [groupId], coordinators)
  const committed = await allCommitted(client, new GroupOffsets(client, coordinators), groupId)
  const owner = new Map<string, DescribedGroup['members'][number]>()
  const tps = new Map<string, Tp>()
  for (const key of committed.keys()) { const i = key.lastIndexOf(':'); tps.set(key, { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) }) }
  for (const m of group.members) {
    for (const tp of m.assignment) { owner.set(tpKey(tp.topic, tp.partition), m); tps.set(tpKey(tp.topic, tp.partition), tp) }
  }
  const partitions = (await withLag(client, [...tps.values()], committed)).map(p => {
    const m = owner.get(tpKey(p.topic, p.partition))
    return { ...p, memberId: m?.memberId ?? null, clientId: m?.clientId ?? null, clientHost: m?.clientHost ?? null }
  })
  return { ...group, partitions }
}

/**
 * Every committed offset of the group: OffsetFetch with a null topic list ("all topics", v2+). librdkafka 2.0's
 * mock cluster answers that with a null topic array, which OffsetFetchResponse does not allow (a ProtocolError, or
 * an empty answer once the client has fallen back a version); then every partition of every topic is asked for
 * by name, and those without a commit are left out.
 */
export async function allCommitted (client: KafkaClient, offsets: GroupOffsets, groupId: string): Promise<Map<string, CommittedOffset>> {
  try {
    const committed = await offsets.fetch(groupId, null)
    // An empty answer may also be that null array read at a lower version (the client falls back a version when an
    // answer does not decode): ask by name then too; for a group with no commits it costs one Metadata request.
    if (committed.size > 0) return new Map([...committed].filter(([, c]) => c.offset >= 0n))
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
  }
  const md = await client.metadata()
  const all = md.topics.filter(t => t.errorCode === ErrorCode.NONE).flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partition })))
  const got = all.length === 0 ? new Map<string, CommittedOffset>() : await offsets.fetch(groupId, all)
  return new Map([...got].filter(([, c]) => c.offset >= 0n))
}
