import t from 'tap'
import { ConsumerGroupDescribe, ConsumerGroupHeartbeat, DescribeGroups, Heartbeat, JoinGroup, LeaveGroup, OffsetCommit, SyncGroup } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { decodeAssignment, encodeAssignment, encodeSubscription } from '../../../protocol/group/consumer-protocol.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Mixed groups (Kafka 4): classic members (JoinGroup/SyncGroup/Heartbeat with the embedded consumer protocol) in a
// consumer-protocol group, assigned by the server; and the online migration of a whole group between the
// protocols (group.consumer.migration.policy).

const GROUP = 'mixed'
type Owned = Array<{ topic: string, partitions: number[] }>

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, c: RawClient, id: string }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 4 }], groupConsumerHeartbeatIntervalMs: 250, ...opts })
  t.teardown(() => cluster.stop())
  const c = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor(GROUP)!.port}`)
  t.teardown(() => { c.close() })
  return { cluster, c, id: cluster.state.topics.get('t')!.id }
}

interface JoinArgs { memberId: string, owned?: Owned, instanceId?: string | null, protocols?: Array<{ name: string, metadata: Buffer }>, protocolType?: string, rebalanceTimeoutMs?: number, version?: number }

function join (c: RawClient, a: JoinArgs): Promise<any> {
  const metadata = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: a.owned ?? [], generationId: -1, rackId: null }, 1)
  return c.request(JoinGroup, a.version ?? 7, {
    groupId: GROUP, sessionTimeoutMs: 10000, rebalanceTimeoutMs: a.rebalanceTimeoutMs ?? 10000, memberId: a.memberId, groupInstanceId: a.instanceId ?? null,
    protocolType: a.protocolType ?? 'consumer', protocols: a.protocols ?? [{ name: 'cooperative-sticky', metadata }]
  })
}

/** JoinGroup twice (MEMBER_ID_REQUIRED first, KIP-394): the answer of the second. */
async function joinNew (c: RawClient, a: Omit<JoinArgs, 'memberId'> = {}): Promise<any> {
  const first = await join(c, { ...a, memberId: '' })
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) return first
  return join(c, { ...a, memberId: first.memberId })
}

async function sync (c: RawClient, generationId: number, memberId: string, protocolName: string | null = 'cooperative-sticky', assignments: Array<{ memberId: string, assignment: Buffer }> = []): Promise<{ errorCode: number, partitions: number[], raw: any }> {
  const r = await c.request(SyncGroup, 5, { groupId: GROUP, generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName, assignments })
  const partitions = r.errorCode === 0 ? decodeAssignment(Buffer.from(r.assignment)).assignedPartitions.flatMap(tp => tp.partitions).sort((x, y) => x - y) : []
  return { errorCode: r.errorCode, partitions, raw: r }
}

const heartbeat = async (c: RawClient, generationId: number, memberId: string, instanceId: string | null = null): Promise<number> =>
  (await c.request(Heartbeat, 4, { groupId: GROUP, generationId, memberId, groupInstanceId: instanceId })).errorCode

function hb (c: RawClient, memberId: string, memberEpoch: number, owned: number[] | null, topicId: string): Promise<any> {
  return c.request(ConsumerGroupHeartbeat, 1, {
    groupId: GROUP, memberId, memberEpoch, instanceId: null, rackId: null,
    rebalanceTimeoutMs: memberEpoch === 0 ? 30000 : -1,
    subscribedTopicNames: memberEpoch === 0 ? ['t'] : null,
    subscribedTopicRegex: null, serverAssignor: null,
    topicPartitions: owned === null ? null : owned.length === 0 && memberEpoch !== 0 ? [] : [{ topicId, partitions: owned }].filter(x => x.partitions.length > 0)
  })
}

const parts = (r: any): number[] => (r.assignment?.topicPartitions ?? []).flatMap((tp: any) => tp.partitions).sort((a: number, b: number) => a - b)
const tp = (partitions: number[]): Owned => [{ topic: 't', partitions }]

t.test('a classic member joins a consumer group: a follower at the member epoch, assigned by the server, partitions move once released', async t => {
  const { cluster, c, id } = await setup(t)
  const a1 = await hb(c, 'a', 0, [], id)
  t.same([a1.errorCode, a1.memberEpoch, parts(a1)], [0, 2, [0, 1, 2, 3]])
  await hb(c, 'a', 2, [0, 1, 2, 3], id)

  // The classic member: MEMBER_ID_REQUIRED first, then joined at the new group epoch, as a follower with no
  // member list, under its own first protocol.
  const first = await join(c, { memberId: '' })
  t.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
  t.match(first.memberId, /^[0-9a-f-]{36}$/)
  const j = await join(c, { memberId: first.memberId })
  t.same([j.errorCode, j.generationId, j.protocolType, j.protocolName, j.leader, j.members], [0, 3, 'consumer', 'cooperative-sticky', '', []])
  const b = first.memberId
  // Its partitions are still a's: nothing yet.
  const s1 = await sync(c, 3, b)
  t.same([s1.errorCode, s1.partitions, s1.raw.protocolType, s1.raw.protocolName], [0, [], 'consumer', 'cooperative-sticky'])
  t.equal(await heartbeat(c, 3, b), ErrorCode.NONE, 'waiting: the partitions are not released yet')

  // a revokes two and reports them released.
  const a2 = await hb(c, 'a', 2, [0, 1, 2, 3], id)
  const kept = parts(a2)
  t.equal(kept.length, 2)
  await hb(c, 'a', 2, kept, id)
  // Now the classic member is told to rejoin, and gets the other two.
  t.equal(await heartbeat(c, 3, b), ErrorCode.REBALANCE_IN_PROGRESS)
  const j2 = await join(c, { memberId: b })
  t.equal(j2.generationId, 3)
  const s2 = await sync(c, 3, b)
  t.same(s2.partitions, [0, 1, 2, 3].filter(p => !kept.includes(p)))
  t.equal(await heartbeat(c, 3, b), ErrorCode.NONE)
  const d = cluster.state.consumerGroups.describe(GROUP)!
  t.same([d.groupState, d.members.length], ['Stable', 2])
  // ConsumerGroupDescribe v1 tells the classic member (memberType 0) from the consumer one (1), as Kafka 4.4;
  // DescribeGroups, which looks for a classic group, does not find it (v6) or calls it Dead (before v6).
  const described = (await c.request(ConsumerGroupDescribe, 1, { groupIds: [GROUP], includeAuthorizedOperations: false })).groups[0]
  t.same(described.members.map((m: any) => [m.memberId === b ? 'b' : m.memberId, m.memberType, m.subscribedTopicNames, m.subscribedTopicRegex]).sort(),
    [['a', 1, ['t'], ''], ['b', 0, ['t'], '']])
  const v6 = (await c.request(DescribeGroups, 6, { groups: [GROUP], includeAuthorizedOperations: false })).groups[0]
  t.same([v6.errorCode, v6.errorMessage, v6.groupState, v6.members], [ErrorCode.GROUP_ID_NOT_FOUND, `Group ${GROUP} is not a classic group.`, 'Dead', []])
  const v5 = (await c.request(DescribeGroups, 5, { groups: [GROUP], includeAuthorizedOperations: false })).groups[0]
  t.same([v5.errorCode, v5.groupState, v5.protocolType, v5.members], [0, 'Dead', '', []])

  // Its generation is its member epoch for commits too; another is ILLEGAL_GENERATION.
  const commit = async (generation: number, memberId: string): Promise<number> => (await c.request(OffsetCommit, 8, {
    groupId: GROUP, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, retentionTimeMs: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: s2.partitions[0], committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })).topics[0].partitions[0].errorCode
  t.equal(await commit(3, b), ErrorCode.NONE)
  t.equal(await commit(2, b), ErrorCode.ILLEGAL_GENERATION)

  // Requests the classic member gets wrong.
  t.equal(await heartbeat(c, 2, b), ErrorCode.ILLEGAL_GENERATION)
  t.equal(await heartbeat(c, 3, 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID)
  t.equal(await heartbeat(c, 3, 'a'), ErrorCode.UNKNOWN_MEMBER_ID, 'a consumer-protocol member cannot use the classic heartbeat')
  t.equal((await sync(c, 2, b)).errorCode, ErrorCode.ILLEGAL_GENERATION)
  t.equal((await sync(c, 3, b, 'range')).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  t.equal((await sync(c, 3, 'nobody')).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)

  // The classic member leaves with LeaveGroup: the group epoch moves and a gets everything back.
  const left = await c.request(LeaveGroup, 3, { groupId: GROUP, members: [{ memberId: b, groupInstanceId: null }, { memberId: 'a', groupInstanceId: null }] })
  t.same(left.members.map((m: any) => m.errorCode), [0, ErrorCode.UNKNOWN_MEMBER_ID])
  const a3 = await hb(c, 'a', 3, kept, id)
  t.same([a3.memberEpoch, parts(a3)], [4, [0, 1, 2, 3]])
})

t.test('a cooperative classic member gives partitions up in two rounds: the old generation until it no longer owns them', async t => {
  const { cluster, c, id } = await setup(t)
  await hb(c, '-a', 0, [], id)
  const j = await joinNew(c)
  const b = j.memberId
  // a holds everything until it reports releasing; the classic member gets its half after that.
  const a2 = await hb(c, '-a', 2, [0, 1, 2, 3], id)
  await hb(c, '-a', 2, parts(a2), id)
  t.equal(await heartbeat(c, j.generationId, b), ErrorCode.REBALANCE_IN_PROGRESS)
  const j2 = await join(c, { memberId: b })
  const mine = (await sync(c, j2.generationId, b)).partitions
  t.equal(mine.length, 2)

  // A third member (consumer protocol) joins: the group epoch moves; b must give a partition up (the uniform
  // assignor keeps the extra partition with the member first in id order, '-a', which sorts before any UUID).
  await hb(c, '-c', 0, [], id)
  t.equal(await heartbeat(c, j2.generationId, b), ErrorCode.REBALANCE_IN_PROGRESS)
  // b rejoins still owning both: it stays at its epoch, and SyncGroup gives it what it keeps.
  const j3 = await join(c, { memberId: b, owned: tp(mine) })
  t.equal(j3.generationId, j2.generationId, 'old generation while revoking')
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.groupEpoch, j2.generationId + 1)
  const keep = await sync(c, j3.generationId, b)
  t.equal(keep.errorCode, ErrorCode.NONE, 'no REBALANCE_IN_PROGRESS while revoking')
  t.ok(keep.partitions.length < mine.length)
  t.equal(await heartbeat(c, j3.generationId, b), ErrorCode.REBALANCE_IN_PROGRESS, 'told to finish revoking')
  // Revoked: it rejoins owning only what it keeps, and moves to the new epoch.
  const j4 = await join(c, { memberId: b, owned: tp(keep.partitions) })
  t.equal(j4.generationId, j2.generationId + 1)
  t.same((await sync(c, j4.generationId, b)).partitions, keep.partitions)
})

t.test('the join checks: protocol type, protocols the classic members share, readable subscriptions, static members', async t => {
  const { cluster, c, id } = await setup(t)
  await hb(c, 'a', 0, [], id)
  t.equal((await join(c, { memberId: '', protocolType: 'connect' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  t.equal((await join(c, { memberId: 'x', protocols: [{ name: 'range', metadata: Buffer.from([0, 9]) }] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, 'unreadable subscription')
  const b = await joinNew(c)
  t.equal(b.errorCode, 0)
  // The next classic member must share a protocol with b.
  const range = [{ name: 'range', metadata: encodeSubscription({ topics: ['t'], userData: null }, 0) }]
  t.equal((await join(c, { memberId: '', protocols: range })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)

  // A static classic member: no MEMBER_ID_REQUIRED; a restart under a new id replaces it and fences the old id.
  const s1 = await join(c, { memberId: '', instanceId: 'i1' })
  t.equal(s1.errorCode, 0)
  t.equal((await join(c, { memberId: 'other', instanceId: 'i1' })).errorCode, ErrorCode.FENCED_INSTANCE_ID)
  t.equal((await join(c, { memberId: 'other', instanceId: 'i2' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  const s2 = await join(c, { memberId: '', instanceId: 'i1' })
  t.equal(s2.errorCode, 0)
  t.not(s2.memberId, s1.memberId)
  t.equal(await heartbeat(c, s2.generationId, s1.memberId, 'i1'), ErrorCode.FENCED_INSTANCE_ID)
  t.equal(await heartbeat(c, s2.generationId, s2.memberId, 'i1'), await heartbeat(c, s2.generationId, s2.memberId, 'i1'))
  // LeaveGroup by instance id alone (an admin removal), and of an unknown instance.
  const left = await c.request(LeaveGroup, 3, { groupId: GROUP, members: [{ memberId: '', groupInstanceId: 'i1' }, { memberId: '', groupInstanceId: 'i9' }, { memberId: 'x', groupInstanceId: 'i9' }] })
  t.same(left.members.map((m: any) => [m.memberId, m.errorCode]), [[s2.memberId, 0], ['', ErrorCode.UNKNOWN_MEMBER_ID], ['x', ErrorCode.UNKNOWN_MEMBER_ID]])
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.members.length, 2)
  // LeaveGroup v0-2 answers with the one member's error.
  const old = await c.request(LeaveGroup, 1, { groupId: GROUP, memberId: 'nobody' })
  t.equal(old.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
})

t.test('a classic member that does not sync, or does not rejoin, within its rebalance timeout is fenced', async t => {
  const { cluster, c, id } = await setup(t)
  await hb(c, 'a', 0, [], id)
  const j = await joinNew(c, { rebalanceTimeoutMs: 100 })
  t.equal(j.errorCode, 0)
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.members.length, 1, 'no SyncGroup: fenced')
  t.equal(await heartbeat(c, j.generationId, j.memberId), ErrorCode.UNKNOWN_MEMBER_ID)

  const k = await joinNew(c, { rebalanceTimeoutMs: 100 })
  t.equal((await sync(c, k.generationId, k.memberId)).errorCode, 0)
  await hb(c, 'z', 0, [], id)
  t.equal(await heartbeat(c, k.generationId, k.memberId), ErrorCode.REBALANCE_IN_PROGRESS)
  t.equal((await sync(c, k.generationId, k.memberId)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
  await new Promise(resolve => setTimeout(resolve, 300))
  t.notOk(cluster.state.consumerGroups.describe(GROUP)!.members.some(m => m.memberId === k.memberId), 'no rejoin: fenced')
})

/**
 * A classic group of two members, stable, the leader assigning partitions 0-1 and 2-3. The cluster waits
 * group.initial.rebalance.delay.ms for both joins (see CLASSIC_START).
 */
async function classicGroup (c: RawClient, cluster: FakeCluster): Promise<{ m1: any, m2: any, generation: number }> {
  // A second connection: a broker answers one connection's requests in order, and the first join waits.
  const c2 = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor(GROUP)!.port}`)
  const p1 = joinNew(c)
  const p2 = joinNew(c2)
  const [m1, m2] = await Promise.all([p1, p2])
  const leader = m1.leader === m1.memberId ? m1 : m2
  const follower = leader === m1 ? m2 : m1
  const assignments = [
    { memberId: leader.memberId, assignment: encodeAssignment({ assignedPartitions: tp([0, 1]), userData: null }, 1) },
    { memberId: follower.memberId, assignment: encodeAssignment({ assignedPartitions: tp([2, 3]), userData: null }, 1) }
  ]
  const followerClient = follower === m1 ? c : c2
  await Promise.all([sync(leader === m1 ? c : c2, leader.generationId, leader.memberId, 'cooperative-sticky', assignments), sync(followerClient, follower.generationId, follower.memberId)])
  c2.close()
  return { m1: leader, m2: follower, generation: leader.generationId }
}

/** Two classic members joining together land in one generation. */
const CLASSIC_START = { groupInitialRebalanceDelayMs: 200 }

t.test('online upgrade and downgrade: a KIP-848 member turns a classic group into a consumer group, and its leaving turns it back', async t => {
  const { cluster, c, id } = await setup(t, CLASSIC_START)
  const { m1, m2, generation } = await classicGroup(c, cluster)
  t.equal(cluster.state.groups.describe(GROUP).groupState, 'Stable')

  // A consumer-protocol member joins: the classic members become members of a consumer group, keeping their
  // partitions; the group epoch moves past their generation.
  const n = await hb(c, 'n', 0, [], id)
  t.same([n.errorCode, n.memberEpoch, parts(n)], [0, generation + 1, []], 'everything is still held by the classic members')
  t.ok(cluster.state.consumerGroups.has(GROUP))
  t.equal(cluster.state.groups.describe(GROUP).members.length, 0, 'the classic group is left empty (its offsets stay)')
  const d = cluster.state.consumerGroups.describe(GROUP)!
  t.same(d.members.find(m => m.memberId === m1.memberId)!.assignment, [{ topicId: id, partitions: [0, 1] }])
  t.same(d.members.find(m => m.memberId === m2.memberId)!.memberEpoch, generation)

  // The classic members rejoin (cooperatively) and give a partition up between them; n collects it.
  for (const m of [m1, m2]) {
    t.equal(await heartbeat(c, generation, m.memberId), ErrorCode.REBALANCE_IN_PROGRESS)
    const owned = m === m1 ? [0, 1] : [2, 3]
    const j = await join(c, { memberId: m.memberId, owned: tp(owned) })
    const kept = (await sync(c, j.generationId, m.memberId)).partitions
    if (kept.length < owned.length) {
      const j2 = await join(c, { memberId: m.memberId, owned: tp(kept) })
      t.equal(j2.generationId, generation + 1)
    }
  }
  const n2 = await hb(c, 'n', generation + 1, [], id)
  t.equal(parts(n2).length, 1)
  const all = cluster.state.consumerGroups.describe(GROUP)!.members.flatMap(m => m.assignment.flatMap(x => x.partitions)).sort()
  t.same(all, [0, 1, 2, 3], 'each partition has one owner')

  // n leaves: only classic members remain, so the group is classic again, rebalancing at the consumer group's epoch.
  const left = await hb(c, 'n', -1, null, id)
  t.equal(left.errorCode, 0)
  t.notOk(cluster.state.consumerGroups.has(GROUP))
  const classic = cluster.state.groups.describe(GROUP)
  t.same([classic.groupState, classic.protocolType, classic.members.length], ['PreparingRebalance', 'consumer', 2])
  t.equal(await heartbeat(c, generation + 1, m1.memberId), ErrorCode.REBALANCE_IN_PROGRESS)
  const c2 = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor(GROUP)!.port}`)
  t.teardown(() => { c2.close() })
  const [r1, r2] = await Promise.all([join(c, { memberId: m1.memberId }), join(c2, { memberId: m2.memberId })])
  t.same([r1.errorCode, r2.errorCode, r1.generationId], [0, 0, generation + 2])
  t.equal([r1, r2].filter(r => r.leader === r.memberId).length, 1, 'a classic leader again')
})

t.test('the migration policy: disabled refuses the upgrade; upgrade-only keeps a consumer group when its last KIP-848 member leaves', async t => {
  const off = await setup(t, { ...CLASSIC_START, groupConsumerMigrationPolicy: 'disabled' })
  await classicGroup(off.c, off.cluster)
  const refused = await hb(off.c, 'n', 0, [], off.id)
  t.same([refused.errorCode, refused.errorMessage], [ErrorCode.GROUP_ID_NOT_FOUND, `Group ${GROUP} is not a consumer group.`])
  // A member epoch other than 0 never converts.
  t.equal((await hb(off.c, 'n', 3, [], off.id)).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)

  const up = await setup(t, { ...CLASSIC_START, groupConsumerMigrationPolicy: 'upgrade' })
  const { m1 } = await classicGroup(up.c, up.cluster)
  t.equal((await hb(up.c, 'n', 0, [], up.id)).errorCode, 0)
  await hb(up.c, 'n', -1, null, up.id)
  t.ok(up.cluster.state.consumerGroups.has(GROUP), 'still a consumer group')
  t.equal(up.cluster.state.consumerGroups.describe(GROUP)!.members.length, 2)
  t.equal(await heartbeat(up.c, 1, m1.memberId), ErrorCode.REBALANCE_IN_PROGRESS)
})

t.test('a classic group of another protocol type, or with an unreadable assignment, is not upgraded', async t => {
  const { c, id } = await setup(t)
  const other = await joinNew(c, { protocolType: 'connect', protocols: [{ name: 'v1', metadata: Buffer.from('x') }] })
  t.equal(other.errorCode, 0)
  t.equal((await hb(c, 'n', 0, [], id)).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  await c.request(LeaveGroup, 3, { groupId: GROUP, members: [{ memberId: other.memberId, groupInstanceId: null }] })

  const m = await joinNew(c)
  await c.request(SyncGroup, 5, {
    groupId: GROUP, generationId: m.generationId, memberId: m.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'cooperative-sticky',
    assignments: [{ memberId: m.memberId, assignment: Buffer.from([0, 0, 0, 9]) }]
  })
  t.equal((await hb(c, 'n', 0, [], id)).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  t.equal(await heartbeat(c, m.generationId, m.memberId), ErrorCode.NONE, 'the classic group is untouched')
})

t.test('a JoinGroup in flight when the group is upgraded is answered REBALANCE_IN_PROGRESS; the member then rejoins the consumer group', async t => {
  const { cluster, c, id } = await setup(t)
  const a = await joinNew(c)
  t.equal((await sync(c, a.generationId, a.memberId, 'cooperative-sticky', [{ memberId: a.memberId, assignment: encodeAssignment({ assignedPartitions: tp([0, 1, 2, 3]), userData: null }, 1) }])).errorCode, 0)
  // b joins from another connection: the group waits (PreparingRebalance) for a to rejoin.
  const c2 = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor(GROUP)!.port}`)
  t.teardown(() => { c2.close() })
  const bId = (await join(c2, { memberId: '' })).memberId
  const pending = join(c2, { memberId: bId })
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(cluster.state.groups.describe(GROUP).groupState, 'PreparingRebalance')
  const n = await hb(c, 'n', 0, [], id)
  t.equal(n.errorCode, 0, 'upgraded')
  t.equal((await pending).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
  // Every classic member is carried over, b too (with nothing assigned yet), as ConsumerGroup.fromClassicGroup does.
  const d = cluster.state.consumerGroups.describe(GROUP)!
  t.same(d.members.map(m => m.memberId).sort(), [a.memberId, bId, 'n'].sort())
  t.same(d.members.find(m => m.memberId === bId)!.assignment, [])
  const b = await join(c2, { memberId: bId })
  t.same([b.errorCode, b.leader], [0, ''], 'b joins the consumer group as a classic member')
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.members.length, 3)
})

/** A static KIP-848 member's join (instance id 'i1') and its steady heartbeat owning everything: its epoch. */
async function staticKip848Member (c: RawClient, id: string): Promise<number> {
  const req = (memberEpoch: number, owned: number[]): Promise<any> => c.request(ConsumerGroupHeartbeat, 1, {
    groupId: GROUP, memberId: 'static-848', memberEpoch, instanceId: 'i1', rackId: null, rebalanceTimeoutMs: 30000,
    subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: owned.length === 0 ? [] : [{ topicId: id, partitions: owned }]
  })
  const joined = await req(0, [])
  await req(joined.memberEpoch, parts(joined))
  return joined.memberEpoch
}

t.test('a static classic member replacing the last KIP-848 static member downgrades the group, stable when the assignment is current', async t => {
  const { cluster, c, id } = await setup(t)
  const epoch = await staticKip848Member(c, id)
  // The same instance restarts as a classic consumer: no MEMBER_ID_REQUIRED for a static member, no release needed.
  const j = await join(c, { memberId: '', instanceId: 'i1', owned: tp([0, 1, 2, 3]) })
  t.same([j.errorCode, j.generationId, j.protocolType, j.leader, j.members], [0, epoch, 'consumer', '', []], 'answered at the member epoch')
  t.notOk(cluster.state.consumerGroups.has(GROUP), 'no longer a consumer group')
  const classic = cluster.state.groups.describe(GROUP)
  t.same([classic.groupState, classic.protocolType, classic.members.map(m => m.memberId)], ['Stable', 'consumer', [j.memberId]])
  const s = await sync(c, j.generationId, j.memberId)
  t.same([s.errorCode, s.partitions], [0, [0, 1, 2, 3]], 'the predecessor\'s partitions, without a rebalance')
  t.equal(await heartbeat(c, j.generationId, j.memberId, 'i1'), ErrorCode.NONE)
})

t.test('... a rebalance when the join moves the group epoch past the assignment; and not at all unless the policy allows downgrades', async t => {
  const { cluster, c, id } = await setup(t, { topics: [{ name: 't', partitions: 4 }, { name: 'u', partitions: 1 }] })
  await staticKip848Member(c, id)
  // Another subscription: the group epoch moves, the target assignment is stale, the member is not reconciled
  // (its epoch is 0, as Kafka's replacement member's) and the classic group rebalances.
  const metadata = encodeSubscription({ topics: ['t', 'u'], userData: null, ownedPartitions: [], generationId: -1, rackId: null }, 1)
  const j = await join(c, { memberId: '', instanceId: 'i1', protocols: [{ name: 'cooperative-sticky', metadata }] })
  t.same([j.errorCode, j.generationId], [0, 0])
  t.notOk(cluster.state.consumerGroups.has(GROUP))
  t.equal(cluster.state.groups.describe(GROUP).groupState, 'PreparingRebalance')

  const up = await setup(t, { groupConsumerMigrationPolicy: 'upgrade' })
  const epoch = await staticKip848Member(up.c, up.id)
  const k = await join(up.c, { memberId: '', instanceId: 'i1', owned: tp([0, 1, 2, 3]) })
  t.same([k.errorCode, k.generationId], [0, epoch])
  t.ok(up.cluster.state.consumerGroups.has(GROUP), 'upgrade only: still a consumer group, with the classic member in it')
})
