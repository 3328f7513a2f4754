import { KafkaDirectError, KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { OffsetDelete } from '../../protocol/apis/offset-delete.js'
import type { KafkaClient } from '../cluster.js'
import { CoordinatorCache } from '../coordinator/find-coordinator.js'
import { GroupOffsets, SIMPLE_COMMIT } from '../coordinator/offsets.js'
import { isRetriable } from '../retry.js'
import { tpKey } from '../simple-consumer.js'
import { allCommitted } from './group-lag.js'
import { UNKNOWN_STATE, describeGroups } from './groups.js'
import { listOffsets, type PartitionOffset } from './records.js'
import { resourceError } from './resource-error.js'

// Moving and removing a group's committed offsets, as kafka-consumer-groups.sh --reset-offsets and
// --delete-offsets do. A reset commits "outside the group" (generation -1, no member id, as Kafka's tool and the
// Java AdminClient's alterConsumerGroupOffsets do); Kafka's coordinator accepts that only while the group has no
// members (ClassicGroup.validateOffsetCommit answers UNKNOWN_MEMBER_ID otherwise), so the state is checked first
// and a group with members is refused with NON_EMPTY_GROUP, as the tool refuses ("Assignments can only be reset
// if the group is inactive").

/**
 * Where to move each partition: the log start or end, the first offset at or after a time (the log end when no
 * record is that new), the committed offset moved by `shiftBy`, or one `offset` for every partition (shifted and
 * such offsets outside the log are moved to its nearest end, as Kafka's tool does); or exactly the given
 * `offsets`, committed as they are (the Java AdminClient's alterConsumerGroupOffsets).
 */
export type GroupOffsetSpec = 'earliest' | 'latest' | { timestampMs: bigint } | { shiftBy: bigint } | { offset: bigint } | { offsets: readonly PartitionOffset[] }

export interface AlterGroupOffsetsOptions {
  /** The partitions to move; default every partition the group has committed to (the tool's --all-topics). */
  partitions?: ReadonlyArray<{ topic: string, partition: number }>
  /** Compute the new offsets without committing them (the tool's --dry-run). */
  dryRun?: boolean
}

export interface GroupOffsetResult {
  topic: string
  partition: number
  /** The new committed offset (planned, with dryRun). */
  offset: bigint
  /** This partition's ListOffsets or OffsetCommit error; its offset did not move. */
  error: KafkaError | null
}

type Tp = { topic: string, partition: number }

/** States in which a group has no members, so that offsets may be committed for it from outside. */
const INACTIVE_STATES = new Set(['Empty', 'Dead'])

/**
 * Moves the group's committed offsets and answers the new offset of each partition, sorted. Throws NON_EMPTY_GROUP while the group has members.
 */
export async function alterGroupOffsets (client: KafkaClient, groupId: string, target: GroupOffsetSpec, opts: AlterGroupOffsetsOptions = {}): Promise<GroupOffsetResult[]> {
  const coordinators = new CoordinatorCache(client)
  const [group] = await describeGroups(client, [groupId], coordinators)
  if (group.error !== null && group.error.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw group.error
  // As Kafka's tool: any state but Empty and Dead is refused. Unknown: a broker without DescribeGroups (librdkafka's
  // mock); its coordinator still refuses a commit from outside while the group has members.
  if (group.error === null && group.state !== UNKNOWN_STATE && !INACTIVE_STATES.has(group.state)) {
    throw new KafkaError(ErrorCode.NON_EMPTY_GROUP, `alterGroupOffsets ${groupId}: offsets can only be reset while the group is inactive, but it is ${group.state} with ${group.members.length} member${group.members.length === 1 ? '' : 's'}; stop them first`)
  }
  const offsets = new GroupOffsets(client, coordinators)
  const planned: GroupOffsetResult[] = typeof target === 'object' && 'offsets' in target
    ? target.offsets.map(p => ({ topic: p.topic, partition: p.partition, offset: p.offset, error: null }))
    : await plan(client, offsets, groupId, target, opts.partitions)
  const ok = planned.filter(p => p.error === null)
  if (opts.dryRun !== true && ok.length > 0) {
    const errors = new Map((await offsets.commitEach(groupId, ok)).map(r => [tpKey(r.topic, r.partition), r.errorCode]))
    for (const p of planned) {
      const code = errors.get(tpKey(p.topic, p.partition)) ?? ErrorCode.NONE
      // UNKNOWN_MEMBER_ID to a commit without a member id: a member joined since the state was checked.
      const why = code === ErrorCode.UNKNOWN_MEMBER_ID ? 'the group has active members' : undefined
      if (p.error === null) p.error = resourceError(code, `OffsetCommit ${groupId} ${p.topic}[${p.partition}]`, why)
    }
  }
  return planned.sort((a, b) => a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)
}

async function plan (client: KafkaClient, offsets: GroupOffsets, groupId: string, spec: Exclude<GroupOffsetSpec, { offsets: readonly PartitionOffset[] }>, partitions: readonly Tp[] | undefined): Promise<GroupOffsetResult[]> {
  const needCommitted = partitions === undefined || (typeof spec === 'object' && 'shiftBy' in spec)
  const committed = needCommitted ? await allCommitted(client, offsets, groupId) : new Map()
  const tps = partitions ?? [...committed.keys()].map(key => { const i = key.lastIndexOf(':'); return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) } })
  if (tps.length === 0) return []
  const lookup = async (s: 'earliest' | 'latest' | { timestampMs: bigint }): Promise<Map<string, { offset: bigint, error: KafkaError | null }>> =>
    new Map((await listOffsets(client, tps, s)).map(r => [tpKey(r.topic, r.partition), r]))
  if (spec === 'earliest' || spec === 'latest') return fromLookup(tps, await lookup(spec), () => undefined)
  if ('timestampMs' in spec) {
    // No record at or after the time: the log end (the tool: "Falling back to latest known offset").
    const latest = await lookup('latest')
    return fromLookup(tps, await lookup(spec), key => latest.get(key))
  }
  const starts = await lookup('earliest')
  const ends = await lookup('latest')
  return tps.map(tp => {
    const key = tpKey(tp.topic, tp.partition)
    const start = starts.get(key)
    const end = ends.get(key)
    const error = start?.error ?? end?.error ?? null
    let offset: bigint
    if ('shiftBy' in spec) {
      const current = committed.get(key)
      if (current === undefined) throw new KafkaDirectError('ERR_NO_COMMITTED_OFFSET', `alterGroupOffsets ${groupId}: cannot shift ${tp.topic}[${tp.partition}], which has no committed offset`)
      offset = current.offset + spec.shiftBy
    } else {
      offset = spec.offset
    }
    if (error !== null || start === undefined || end === undefined) return { ...tp, offset, error }
    return { ...tp, offset: offset > end.offset ? end.offset : offset < start.offset ? start.offset : offset, error: null }
  })
}

function fromLookup (tps: readonly Tp[], found: Map<string, { offset: bigint, error: KafkaError | null }>, fallback: (key: string) => { offset: bigint, error: KafkaError | null } | undefined): GroupOffsetResult[] {
  return tps.map(tp => {
    const key = tpKey(tp.topic, tp.partition)
    let r = found.get(key)
    if (r !== undefined && r.error === null && r.offset < 0n) r = fallback(key) ?? r
    if (r === undefined) return { ...tp, offset: -1n, error: new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `ListOffsets ${tp.topic}[${tp.partition}]: no answer`) }
    return { ...tp, offset: r.offset, error: r.error }
  })
}

/**
 * Removes the group's committed offsets for the partitions (OffsetDelete, KIP-496); refused per partition with
 * GROUP_SUBSCRIBED_TO_TOPIC while a member subscribes to its topic. A group-level error (GROUP_ID_NOT_FOUND) is
 * every partition's error.
 */
export async function deleteGroupOffsets (client: KafkaClient, groupId: string, partitions: readonly Tp[], coordinators = new CoordinatorCache(client)): Promise<Array<Tp & { error: KafkaError | null }>> {
  const byTopic = new Map<string, number[]>()
  for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
  const res = await coordinators.withCoordinator(groupId, 'OffsetDelete', async nodeId => {
    const r = await client.request(nodeId, OffsetDelete, { groupId, topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map(partitionIndex => ({ partitionIndex })) })) })
    const error = resourceError(r.body.errorCode, `OffsetDelete ${groupId}`)
    if (error !== null && isRetriable(error)) throw error
    return { error, topics: r.body.topics }
  })
  const codes = new Map(res.topics.flatMap(t => t.partitions.map(p => [tpKey(t.name, p.partitionIndex), p.errorCode])))
  return partitions.map(tp => ({
    ...tp,
    error: res.error ?? resourceError(codes.get(tpKey(tp.topic, tp.partition)) ?? ErrorCode.NONE, `OffsetDelete ${groupId} ${tp.topic}[${tp.partition}]`)
  }))
}
