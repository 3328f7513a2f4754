import t from 'tap'
import { ConsumerGroupDescribe, ConsumerGroupHeartbeat, DeleteGroups, DescribeGroups, JoinGroup, ListGroups, OffsetCommit, OffsetFetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// The KIP-848 coordinator, driven by raw ConsumerGroupHeartbeat requests: epochs, server-side assignment,
// reconciliation (a partition moves only once its owner has reported it released), fencing, timeouts, leaving,
// and the member epoch in OffsetCommit/OffsetFetch v9.

const GROUP = 'cg'

interface Hb {
  errorCode: number
  errorMessage: string | null
  memberId: string | null
  memberEpoch: number
  heartbeatIntervalMs: number
  assignment: { topicPartitions: Array<{ topicId: string, partitions: number[] }> } | null
}

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, c: RawClient, id: (topic: string) => string }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 4 }], groupConsumerHeartbeatIntervalMs: 250, ...opts })
  t.teardown(() => cluster.stop())
  const c = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor(GROUP)!.port}`)
  t.teardown(() => { c.close() })
  return { cluster, c, id: (topic: string) => cluster.state.topics.get(topic)!.id }
}

interface HbArgs { memberId: string, memberEpoch: number, owned?: Array<{ topicId: string, partitions: number[] }> | null, topics?: string[] | null, instanceId?: string | null, assignor?: string | null, regex?: string | null, rebalanceTimeoutMs?: number }

function hb (c: RawClient, a: HbArgs, version = 1): Promise<Hb> {
  return c.request(ConsumerGroupHeartbeat, version, {
    groupId: GROUP,
    memberId: a.memberId,
    memberEpoch: a.memberEpoch,
    instanceId: a.instanceId ?? null,
    rackId: null,
    rebalanceTimeoutMs: a.rebalanceTimeoutMs ?? (a.memberEpoch === 0 ? 30000 : -1),
    subscribedTopicNames: a.topics !== undefined ? a.topics : (a.memberEpoch === 0 && a.regex == null ? ['t'] : null),
    subscribedTopicRegex: a.regex ?? null,
    serverAssignor: a.assignor ?? null,
    topicPartitions: a.owned !== undefined ? a.owned : (a.memberEpoch === 0 ? [] : null)
  })
}

const parts = (r: Hb): number[] | undefined => r.assignment === null ? undefined : r.assignment.topicPartitions.flatMap(tp => tp.partitions).sort((a, b) => a - b)
const own = (topicId: string, partitions: number[]): Array<{ topicId: string, partitions: number[] }> => [{ topicId, partitions }]
const tick = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

t.test('a first member joins with epoch 0 and gets every partition, by topic id, at group epoch 2 (a new group is at epoch 1)', async t => {
  const { c, id } = await setup(t)
  const r = await hb(c, { memberId: 'a', memberEpoch: 0 })
  t.same([r.errorCode, r.memberId, r.memberEpoch, r.heartbeatIntervalMs], [0, 'a', 2, 250])
  t.same(r.assignment, { topicPartitions: [{ topicId: id('t'), partitions: [0, 1, 2, 3] }] })
  // Nothing changed: the assignment is not repeated.
  const again = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(id('t'), [0, 1, 2, 3]) })
  t.same([again.errorCode, again.memberEpoch, again.assignment], [0, 2, null])
  // Only a full request (what a client sends after an error: every field a join needs) gets the assignment
  // again; a partial one whose owned partitions differ does not (Kafka's consumerGroupHeartbeat).
  const partial = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(id('t'), [0]) })
  t.equal(partial.assignment, null)
  const full = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(id('t'), [0]), topics: ['t'], rebalanceTimeoutMs: 30000 })
  t.same(parts(full), [0, 1, 2, 3])
})

t.test('reconciliation: a partition moves to a new member only after its owner has released it', async t => {
  const { cluster, c, id } = await setup(t)
  const t0 = id('t')
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 0 })).memberEpoch, 2)
  await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })

  // b joins: group epoch 3, target 2 + 2, but a still owns everything, so b gets nothing yet (UNRELEASED).
  const b1 = await hb(c, { memberId: 'b', memberEpoch: 0 })
  t.same([b1.errorCode, b1.memberEpoch, parts(b1)], [0, 3, []])
  let d = cluster.state.consumerGroups.describe(GROUP)!
  t.same([d.groupEpoch, d.assignmentEpoch, d.groupState], [3, 3, 'Reconciling'])

  // a is told to keep two partitions; it stays at epoch 2 until it reports the other two released.
  const a2 = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })
  t.same([a2.memberEpoch, parts(a2)?.length], [2, 2])
  const kept = parts(a2)!
  const given = [0, 1, 2, 3].filter(p => !kept.includes(p))
  // Still revoking: b gets nothing; a heartbeating again with the old partitions stays at epoch 2.
  t.same(parts(await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []) })) ?? [], [])
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })).memberEpoch, 2)

  // a releases: it moves to epoch 3; then b's next heartbeat hands it the freed partitions.
  const a3 = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, kept) })
  t.same([a3.errorCode, a3.memberEpoch], [0, 3])
  const b2 = await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []) })
  t.same([b2.memberEpoch, parts(b2)], [3, given])
  await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, given) })
  d = cluster.state.consumerGroups.describe(GROUP)!
  t.equal(d.groupState, 'Stable')
  t.same(d.members.map(m => m.memberEpoch), [3, 3])
})

t.test('fencing: wrong epochs, unknown members, and a static instance id still in use', async t => {
  const { c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 6, owned: own(t0, []) })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH)
  t.equal((await hb(c, { memberId: 'zz', memberEpoch: 2, owned: own(t0, []) })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  // Epochs below -2 mean nothing:
  t.equal((await hb(c, { memberId: 'a', memberEpoch: -3 })).errorCode, ErrorCode.INVALID_REQUEST)

  // Joining requires a rebalance timeout, an empty owned list and a subscription.
  const bad = await hb(c, { memberId: 'n', memberEpoch: 0, owned: own(t0, [1]) })
  t.same([bad.errorCode, bad.errorMessage], [ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.'])
  t.equal((await hb(c, { memberId: '', memberEpoch: 0 })).errorCode, ErrorCode.INVALID_REQUEST)
  t.equal((await hb(c, { memberId: 'n', memberEpoch: 0, assignor: 'sticky' })).errorCode, ErrorCode.UNSUPPORTED_ASSIGNOR)
  t.equal((await hb(c, { memberId: 'n', memberEpoch: 0, regex: '([' })).errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION)
  // RE2/J (Kafka's engine) has no backreferences or lookarounds; nested quantifiers could backtrack for ever here.
  for (const regex of ['(a)\\1', '(?=t)t', '(a+)+b', '(?:t*)*']) {
    t.equal((await hb(c, { memberId: 'n', memberEpoch: 0, regex })).errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION, regex)
  }
  t.equal((await hb(c, { memberId: 'n', memberEpoch: 0, regex: '(?:t|u)+' })).errorCode, 0, 'a quantified group without a quantifier inside is fine')

  // Static members: the instance id can only be taken over once its member left with epoch -2.
  const s1 = await hb(c, { memberId: 's1', memberEpoch: 0, instanceId: 'i1' })
  t.equal(s1.errorCode, 0)
  t.equal((await hb(c, { memberId: 's2', memberEpoch: 0, instanceId: 'i1' })).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID)
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, []), instanceId: 'i1' })).errorCode, ErrorCode.FENCED_INSTANCE_ID)
})

t.test('a member one epoch behind is accepted while what it owns is within its assignment (a lost answer)', async t => {
  const { c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })
  // A topic is created that a subscribes to: group epoch 3, a moves to it with nothing to revoke.
  await hb(c, { memberId: 'a', memberEpoch: 2, topics: ['t', 'u'], owned: own(t0, [0, 1, 2, 3]) })
  const r = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })
  t.same([r.errorCode, r.memberEpoch], [0, 3])
  // The answer carrying epoch 3 was "lost": epoch 2 again is still fine, epoch 0 with owned partitions is not.
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1]) })).errorCode, 0)
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 4, owned: own(t0, [0, 1]) })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH)
})

t.test('static leave (-2) keeps the assignment for the next incarnation; leave (-1) hands it to the others', async t => {
  const { cluster, c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 's1', memberEpoch: 0, instanceId: 'i1' })
  await hb(c, { memberId: 's1', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]), instanceId: 'i1' })
  const left = await hb(c, { memberId: 's1', memberEpoch: -2, instanceId: 'i1', owned: null })
  t.same([left.errorCode, left.memberEpoch], [0, -2])
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.groupEpoch, 2, 'a static leave does not rebalance')
  const back = await hb(c, { memberId: 's1-new', memberEpoch: 0, instanceId: 'i1' })
  t.same([back.errorCode, back.memberEpoch, parts(back)], [0, 2, [0, 1, 2, 3]])
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.groupEpoch, 2)
  t.equal((await hb(c, { memberId: 's1', memberEpoch: 2, owned: own(t0, []) })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)

  await hb(c, { memberId: 'b', memberEpoch: 0 })
  const gone = await hb(c, { memberId: 's1-new', memberEpoch: -1, instanceId: 'i1', owned: null })
  t.same([gone.errorCode, gone.memberEpoch], [0, -1])
  const b = await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []) })
  t.same([b.memberEpoch, parts(b)], [4, [0, 1, 2, 3]])
})

t.test('a silent member is removed after the session timeout and its partitions go to the others', async t => {
  const { cluster, c, id } = await setup(t, { groupConsumerSessionTimeoutMs: 1000 })
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  await hb(c, { memberId: 'b', memberEpoch: 0 })
  // b keeps heartbeating (every 20 ms, far inside its session, even on a slow machine) while a falls silent.
  while (cluster.state.consumerGroups.describe(GROUP)!.members.length > 1) {
    await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []) })
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  t.same(cluster.state.consumerGroups.describe(GROUP)!.members.map(m => m.memberId), ['b'])
  // A full request: the answer carries the assignment whether or not the loop's last heartbeat already moved it.
  const b = await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []), topics: ['t'], rebalanceTimeoutMs: 30000 })
  t.same([b.errorCode, b.memberEpoch, parts(b)], [0, 4, [0, 1, 2, 3]])
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, []) })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
})

t.test('a member that does not revoke within its rebalance timeout is removed', async t => {
  const { cluster, c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0, rebalanceTimeoutMs: 30 })
  await hb(c, { memberId: 'b', memberEpoch: 0 })
  const a = await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })
  t.equal(parts(a)?.length, 2)
  while (cluster.state.consumerGroups.describe(GROUP)!.members.length > 1) await tick()
  t.equal((await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  t.same(parts(await hb(c, { memberId: 'b', memberEpoch: 3, owned: own(t0, []) })), [0, 1, 2, 3])
})

t.test('assignors: uniform balances across topics, range gives contiguous runs per topic; regex subscriptions', async t => {
  const { c, id } = await setup(t, { topics: [{ name: 't', partitions: 3 }, { name: 'u', partitions: 3 }, { name: 'x', partitions: 1 }] })
  const r1 = await hb(c, { memberId: 'm1', memberEpoch: 0, topics: ['t', 'u'], assignor: 'range' })
  const r2 = await hb(c, { memberId: 'm2', memberEpoch: 0, topics: ['t', 'u'], assignor: 'range' })
  t.same(parts(r1), [0, 1, 2, 0, 1, 2].sort())
  // m1 revokes what range moves to m2: per topic m1 keeps 0-1, m2 gets 2.
  const m1 = await hb(c, { memberId: 'm1', memberEpoch: 2, owned: [{ topicId: id('t'), partitions: [0, 1, 2] }, { topicId: id('u'), partitions: [0, 1, 2] }] })
  const byTopic = (r: Hb): Record<string, number[]> => Object.fromEntries(r.assignment!.topicPartitions.map(tp => [tp.topicId === id('t') ? 't' : 'u', tp.partitions]))
  t.same(byTopic(m1), { t: [0, 1], u: [0, 1] })
  await hb(c, { memberId: 'm1', memberEpoch: 2, owned: [{ topicId: id('t'), partitions: [0, 1] }, { topicId: id('u'), partitions: [0, 1] }] })
  const m2 = await hb(c, { memberId: 'm2', memberEpoch: 3, owned: [] })
  t.same(byTopic(m2), { t: [2], u: [2] })
  t.equal(r2.errorCode, 0)

  // A regex subscription (v1): matches whole names, so 'x' is not caught by '[tu]'.
  const g = await FakeCluster.start({ topics: [{ name: 'orders-1', partitions: 1 }, { name: 'orders-2', partitions: 1 }, { name: 'other', partitions: 1 }] })
  t.teardown(() => g.stop())
  const c2 = await RawClient.connect(`127.0.0.1:${g.state.coordinatorFor(GROUP)!.port}`)
  t.teardown(() => { c2.close() })
  const rx = await hb(c2, { memberId: 'r', memberEpoch: 0, topics: null, regex: 'orders-.*' })
  const ids = new Set(rx.assignment!.topicPartitions.map(tp => tp.topicId))
  t.same(ids, new Set([g.state.topics.get('orders-1')!.id, g.state.topics.get('orders-2')!.id]))
  // v0 lets the coordinator make the member id.
  const v0 = await c2.request(ConsumerGroupHeartbeat, 0, { groupId: 'v0', memberId: '', memberEpoch: 0, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['other'], topicPartitions: [] })
  t.equal(v0.errorCode, 0)
  t.ok(v0.memberId.length > 0)
})

t.test('OffsetCommit/OffsetFetch v9 check the member epoch: STALE_MEMBER_EPOCH, FENCED_MEMBER_EPOCH, UNKNOWN_MEMBER_ID', async t => {
  const { c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  await hb(c, { memberId: 'a', memberEpoch: 2, owned: own(t0, [0, 1, 2, 3]) })
  await hb(c, { memberId: 'b', memberEpoch: 0 })
  const commit = async (version: number, memberId: string, epoch: number): Promise<number> => {
    const r = await c.request(OffsetCommit, version, {
      groupId: GROUP, generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null }] }]
    })
    return r.topics[0].partitions[0].errorCode
  }
  t.equal(await commit(9, 'a', 2), 0)
  t.equal(await commit(9, 'b', 2), ErrorCode.STALE_MEMBER_EPOCH)
  t.equal(await commit(9, 'b', 4), ErrorCode.FENCED_MEMBER_EPOCH)
  t.equal(await commit(8, 'b', 2), ErrorCode.ILLEGAL_GENERATION)
  t.equal(await commit(9, 'nobody', 2), ErrorCode.UNKNOWN_MEMBER_ID)
  t.equal(await commit(9, '', -1), ErrorCode.UNKNOWN_MEMBER_ID, 'an admin commit while members are in the group')
  const fetch = (memberId: string | null, memberEpoch: number): Promise<any> => c.request(OffsetFetch, 9, {
    groups: [{ groupId: GROUP, memberId, memberEpoch, topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: false
  })
  const ok = (await fetch('a', 2)).groups[0]
  t.same([ok.errorCode, ok.topics[0].partitions[0].committedOffset], [0, 7n])
  t.equal((await fetch('b', 2)).groups[0].errorCode, ErrorCode.STALE_MEMBER_EPOCH)
  t.equal((await fetch(null, -1)).groups[0].errorCode, 0, 'an admin read')
  t.equal((await fetch('a', 4)).groups[0].errorCode, ErrorCode.STALE_MEMBER_EPOCH, 'a newer epoch is stale too for a read (Kafka 4.4)')
  t.equal((await fetch('', -1)).groups[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'an empty member id is no member')
  t.equal((await fetch('nobody', 2)).groups[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  t.equal((await fetch(null, 2)).groups[0].errorCode, ErrorCode.UNKNOWN_SERVER_ERROR, 'no member id with an epoch: Kafka 4.4 fails the lookup')
})

t.test('ConsumerGroupDescribe shows epochs, assignor, subscriptions and assignments with topic names', async t => {
  const { c, id } = await setup(t)
  const t0 = id('t')
  await hb(c, { memberId: 'a', memberEpoch: 0, instanceId: 'ia' })
  await hb(c, { memberId: 'b', memberEpoch: 0 })
  for (const version of [0, 1]) {
    const r = await c.request(ConsumerGroupDescribe, version, { groupIds: [GROUP, 'nope', ''], includeAuthorizedOperations: false })
    const [g, missing, empty] = r.groups
    t.same([g.errorCode, g.groupState, g.groupEpoch, g.assignmentEpoch, g.assignorName], [0, 'Reconciling', 3, 3, 'uniform'])
    const a = g.members.find((m: any) => m.memberId === 'a')
    // Subscribed by names: Kafka 4.4 describes the regex as "", not null.
    t.same([a.instanceId, a.memberEpoch, a.clientId, a.subscribedTopicNames, a.subscribedTopicRegex, a.memberType], ['ia', 2, 'raw-client', ['t'], '', version >= 1 ? 1 : -1])
    t.same(a.assignment.topicPartitions, [{ topicId: t0, topicName: 't', partitions: [0, 1, 2, 3] }])
    t.equal(a.targetAssignment.topicPartitions[0].partitions.length, 2)
    t.same([missing.errorCode, missing.errorMessage], [ErrorCode.GROUP_ID_NOT_FOUND, 'Group nope not found.'])
    t.equal(empty.errorCode, ErrorCode.INVALID_GROUP_ID)
  }
})

t.test('a consumer group is not a classic group, nor a classic group a consumer group: the two describe APIs, as Kafka 4.4', async t => {
  const { c } = await setup(t)
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  // A classic group that only has committed offsets (no member ever joined) is a classic group too.
  const commit = await c.request(OffsetCommit, 8, {
    groupId: 'classic', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }]
  })
  t.equal(commit.topics[0].partitions[0].errorCode, 0)
  const cgd = (await c.request(ConsumerGroupDescribe, 1, { groupIds: ['classic'], includeAuthorizedOperations: false })).groups[0]
  t.same([cgd.errorCode, cgd.errorMessage, cgd.groupState, cgd.members], [ErrorCode.GROUP_ID_NOT_FOUND, 'Group classic is not a consumer group.', '', []])
  t.equal((await c.request(DescribeGroups, 6, { groups: ['classic'], includeAuthorizedOperations: false })).groups[0].groupState, 'Empty')
  // DescribeGroups looks for a classic group: a consumer group, with members or empty, is Dead before v6 (with the
  // caller's operations when asked, as for any group answered without an error) and not found at v6.
  for (const when of ['with a member', 'empty']) {
    for (const version of [0, 3, 5]) {
      const g = (await c.request(DescribeGroups, version, { groups: [GROUP], includeAuthorizedOperations: true })).groups[0]
      t.same([g.errorCode, g.groupState, g.protocolType, g.protocolData, g.members], [0, 'Dead', '', '', []], `${when}, v${version}`)
      if (version >= 3) t.not(g.authorizedOperations, -2147483648)
    }
    const v6 = (await c.request(DescribeGroups, 6, { groups: [GROUP], includeAuthorizedOperations: true })).groups[0]
    t.same([v6.errorCode, v6.errorMessage, v6.groupState, v6.authorizedOperations], [ErrorCode.GROUP_ID_NOT_FOUND, `Group ${GROUP} is not a classic group.`, 'Dead', -2147483648], when)
    await hb(c, { memberId: 'a', memberEpoch: -1, owned: null })
  }
})

t.test('ListGroups shows consumer groups with type "consumer"; DeleteGroups removes an empty one; joins of another protocol type are refused', async t => {
  const { c, id } = await setup(t)
  await hb(c, { memberId: 'a', memberEpoch: 0 })
  const list = await c.request(ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })
  t.same(list.groups, [{ groupId: GROUP, protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }])
  t.same((await c.request(ListGroups, 5, { statesFilter: [], typesFilter: ['classic'] })).groups, [])
  // A classic member of another protocol type cannot join (classic consumers can: mixed-groups.test.ts).
  const join = await c.request(JoinGroup, 9, {
    groupId: GROUP, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null,
    protocolType: 'connect', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: null
  })
  t.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
  t.equal((await c.request(DeleteGroups, 2, { groupsNames: [GROUP] })).results[0].errorCode, ErrorCode.NON_EMPTY_GROUP)
  await hb(c, { memberId: 'a', memberEpoch: -1, owned: null })
  t.same((await c.request(DeleteGroups, 2, { groupsNames: [GROUP] })).results[0].errorCode, 0)
  t.same((await c.request(ListGroups, 5, { statesFilter: [], typesFilter: [] })).groups, [])
  t.equal(id('t').length, 36)
})

t.test('a group holds at most 200 members (group.consumer.max.size): the next gets GROUP_MAX_SIZE_REACHED', async t => {
  const { cluster, c } = await setup(t)
  for (let i = 0; i < 200; i++) t.equal((await hb(c, { memberId: `m${i}`, memberEpoch: 0 })).errorCode, 0)
  t.equal((await hb(c, { memberId: 'one-too-many', memberEpoch: 0 })).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
  t.equal(cluster.state.consumerGroups.describe(GROUP)!.members.length, 200)
})
