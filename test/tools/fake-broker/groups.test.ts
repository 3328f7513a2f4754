import t from 'tap'
import {
  DescribeGroups, FindCoordinator, Heartbeat, JoinGroup, LeaveGroup, ListGroups, OffsetCommit, OffsetFetch, SyncGroup
} from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

const GROUP = 'g1'
const meta = Buffer.from('subscription')

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, connect: () => Promise<RawClient> }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }], ...opts })
  t.teardown(() => cluster.stop())
  const coordinator = cluster.state.coordinatorFor(GROUP)!
  const connect = async (): Promise<RawClient> => {
    const c = await RawClient.connect(`127.0.0.1:${coordinator.port}`)
    t.teardown(() => { c.close() })
    return c
  }
  return { cluster, connect }
}

function join (c: RawClient, memberId: string, version = 5, sessionTimeoutMs = 10000): Promise<any> {
  return c.request(JoinGroup, version, {
    groupId: GROUP, sessionTimeoutMs, rebalanceTimeoutMs: 10000, memberId, groupInstanceId: null,
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: meta }]
  })
}

/** Joins with the KIP-394 two-step: MEMBER_ID_REQUIRED gives the id, the second join uses it. */
async function joinNew (c: RawClient, sessionTimeoutMs?: number): Promise<{ memberId: string, pending: Promise<any> }> {
  const first = await join(c, '', 5, sessionTimeoutMs)
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`)
  return { memberId: first.memberId, pending: join(c, first.memberId, 5, sessionTimeoutMs) }
}

const sync = (c: RawClient, generationId: number, memberId: string, assignments: Array<{ memberId: string, assignment: Buffer }> = []): Promise<any> =>
  c.request(SyncGroup, 3, { groupId: GROUP, generationId, memberId, groupInstanceId: null, assignments })
const heartbeat = (c: RawClient, generationId: number, memberId: string): Promise<any> =>
  c.request(Heartbeat, 3, { groupId: GROUP, generationId, memberId, groupInstanceId: null })

t.test('FindCoordinator names one broker; group requests elsewhere get NOT_COORDINATOR', async t => {
  const { cluster } = await setup(t, { brokers: 3 })
  const coordinator = cluster.state.coordinatorFor(GROUP)!
  const other = cluster.state.brokers.find(b => b.id !== coordinator.id)!
  const c = await RawClient.connect(`127.0.0.1:${other.port}`)
  t.teardown(() => { c.close() })
  const v3 = await c.request(FindCoordinator, 3, { key: GROUP, keyType: 0 })
  t.same([v3.errorCode, v3.nodeId, v3.port], [0, coordinator.id, coordinator.port])
  const v4 = await c.request(FindCoordinator, 4, { keyType: 0, coordinatorKeys: [GROUP, 'other'] })
  t.equal(v4.coordinators.length, 2)
  t.equal(v4.coordinators[0].nodeId, coordinator.id)
  t.equal((await heartbeat(c, 1, 'x')).errorCode, ErrorCode.NOT_COORDINATOR)
})

t.test('two members: the second join rebalances, the leader assigns, a leave rebalances again', async t => {
  const { connect } = await setup(t)
  const [c1, c2] = [await connect(), await connect()]
  const m1 = await joinNew(c1)
  const j1 = await m1.pending
  t.same([j1.errorCode, j1.generationId, j1.leader, j1.members.length], [0, 1, m1.memberId, 1], 'alone, generation 1')
  t.equal((await sync(c1, 1, m1.memberId, [{ memberId: m1.memberId, assignment: Buffer.from('all') }])).assignment.toString(), 'all')

  const m2 = await joinNew(c2)
  t.equal((await heartbeat(c1, 1, m1.memberId)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'member 1 learns of the rebalance')
  const [r1, r2] = await Promise.all([join(c1, m1.memberId), m2.pending])
  t.same([r1.generationId, r2.generationId], [2, 2])
  t.equal(r1.leader, m1.memberId, 'the leader stays the leader')
  t.equal(r1.members.length, 2, 'the leader sees every member')
  t.equal(r2.members.length, 0)
  const follower = sync(c2, 2, m2.memberId)
  const leader = await sync(c1, 2, m1.memberId, [{ memberId: m1.memberId, assignment: Buffer.from('p0') }, { memberId: m2.memberId, assignment: Buffer.from('p1') }])
  t.equal(leader.assignment.toString(), 'p0')
  t.equal((await follower).assignment.toString(), 'p1')
  t.equal((await heartbeat(c2, 2, m2.memberId)).errorCode, 0)
  t.equal((await heartbeat(c2, 1, m2.memberId)).errorCode, ErrorCode.ILLEGAL_GENERATION)

  const left = await c2.request(LeaveGroup, 3, { groupId: GROUP, members: [{ memberId: m2.memberId, groupInstanceId: null }] })
  t.same(left.members.map((m: any) => m.errorCode), [0])
  t.equal((await heartbeat(c1, 2, m1.memberId)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
  const r3 = await join(c1, m1.memberId)
  t.same([r3.generationId, r3.members.length], [3, 1])
  t.equal((await heartbeat(c2, 3, m2.memberId)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
})

t.test('a member that stops heartbeating is removed after its session timeout', async t => {
  const { cluster, connect } = await setup(t, { groupMinSessionTimeoutMs: 1 })
  const c = await connect()
  const m = await joinNew(c, 50)
  const j = await m.pending
  await sync(c, j.generationId, m.memberId, [])
  // Poll until the coordinator has dropped the member: no fixed sleep, the state is the event.
  while (cluster.state.groups.describe(GROUP).members.length > 0) await new Promise(resolve => setImmediate(resolve))
  t.equal((await heartbeat(c, j.generationId, m.memberId)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  t.equal(cluster.state.groups.describe(GROUP).groupState, 'Empty')
})

t.test('session timeouts outside the broker limits are refused, as are mismatched protocols', async t => {
  const { connect } = await setup(t)
  const c = await connect()
  t.equal((await join(c, '', 5, 10)).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
  const m = await joinNew(c)
  await m.pending
  const other = await c.request(JoinGroup, 1, {
    groupId: GROUP, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'roundrobin', metadata: meta }]
  })
  t.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
})

t.test('offsets committed by the current generation are fetched back; stale generations are refused', async t => {
  const { connect } = await setup(t)
  const c = await connect()
  const m = await joinNew(c)
  const j = await m.pending
  await sync(c, j.generationId, m.memberId, [])
  const commit = (generationIdOrMemberEpoch: number, offset: bigint): Promise<any> => c.request(OffsetCommit, 7, {
    groupId: GROUP, generationIdOrMemberEpoch, memberId: m.memberId, groupInstanceId: null,
    topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: 'meta' }] }]
  })
  t.equal((await commit(j.generationId, 42n)).topics[0].partitions[0].errorCode, 0)
  t.equal((await commit(j.generationId + 5, 43n)).topics[0].partitions[0].errorCode, ErrorCode.ILLEGAL_GENERATION)
  const v5 = await c.request(OffsetFetch, 5, { groupId: GROUP, topics: [{ name: 't', partitionIndexes: [0, 1] }] })
  t.same(v5.topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset, p.metadata]), [[0, -1n, ''], [1, 42n, 'meta']])
  const v8 = await c.request(OffsetFetch, 8, { groups: [{ groupId: GROUP, topics: null }], requireStable: false })
  t.same(v8.groups[0].topics[0].partitions.map((p: any) => [p.partitionIndex, p.committedOffset]), [[1, 42n]])
})

t.test('DescribeGroups and ListGroups report state, protocol and members', async t => {
  const { connect } = await setup(t)
  const c = await connect()
  const m = await joinNew(c)
  const j = await m.pending
  await sync(c, j.generationId, m.memberId, [{ memberId: m.memberId, assignment: Buffer.from('a') }])
  const d = await c.request(DescribeGroups, 5, { groups: [GROUP, 'missing'], includeAuthorizedOperations: false })
  t.same([d.groups[0].groupState, d.groups[0].protocolType, d.groups[0].protocolData], ['Stable', 'consumer', 'range'])
  t.equal(d.groups[0].members[0].memberAssignment.toString(), 'a')
  t.equal(d.groups[1].groupState, 'Dead')
  const v6 = await c.request(DescribeGroups, 6, { groups: ['missing'], includeAuthorizedOperations: false })
  t.equal(v6.groups[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  const l = await c.request(ListGroups, 4, { statesFilter: ['stable'] })
  t.same(l.groups.map((g: any) => [g.groupId, g.groupState]), [[GROUP, 'Stable']])
})
