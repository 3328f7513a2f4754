import t from 'tap'
import { Admin } from '../../../consumer/admin/index.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { KafkaDirectError, UnsupportedVersionError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { drain, eventually, member } from '../group/helpers.js'

// The Admin client's group calls against the fake broker: list (with state and type filters), describe (classic
// and consumer-protocol groups), delete, and a group's offsets: listed with lag, reset, deleted.

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z

async function setup (t: Tap.Test): Promise<{ cluster: FakeCluster, admin: Admin, offsets: GroupOffsets }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }], groupMinSessionTimeoutMs: 100, groupConsumerHeartbeatIntervalMs: 100 })
  // t[0] holds offsets 0-9 with timestamps T0, T0+1000, ...; t[1] offsets 0-4; u[0] is empty.
  for (let i = 0; i < 10; i++) cluster.produce('t', 0, [{ value: `a${i}`, timestamp: T0 + i * 1000 }])
  for (let i = 0; i < 5; i++) cluster.produce('t', 1, [{ value: `b${i}`, timestamp: T0 + i * 1000 }])
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap })
  t.teardown(async () => { await admin.close(); await client.close(); await cluster.stop() })
  return { cluster, admin, offsets: new GroupOffsets(client) }
}

t.test('listGroups lists classic, empty and consumer-protocol groups, filtered by state and type', async t => {
  const { cluster, admin, offsets } = await setup(t)
  await offsets.commit('idle', [{ topic: 't', partition: 0, offset: 3n }])
  const classic = member(t, cluster, { 'group.id': 'live' })
  classic.subscribe(['t'])
  await drain(classic, seen => seen.length === 15)
  const modern = member(t, cluster, { 'group.id': 'kip848', 'group.protocol': 'consumer' })
  modern.subscribe(['u'])
  const reading = drain(modern, () => false)
  await eventually(() => cluster.state.consumerGroups.describe('kip848')?.groupState === 'Stable', 20_000, 'a stable KIP-848 group')
  t.same((await admin.listGroups()).map(g => [g.groupId, g.protocolType, g.state, g.type]), [
    ['idle', '', 'Empty', 'classic'], ['kip848', 'consumer', 'Stable', 'consumer'], ['live', 'consumer', 'Stable', 'classic']
  ])
  t.same((await admin.listGroups({ states: ['Empty'] })).map(g => g.groupId), ['idle'])
  t.same((await admin.listGroups({ types: ['consumer'] })).map(g => g.groupId), ['kip848'])
  t.same((await admin.listGroups({ states: ['Stable'], types: ['classic'] })).map(g => g.groupId), ['live'])
  await modern.close()
  await reading.catch(() => {})
})

t.test('listGroups refuses a filter the broker cannot apply', async t => {
  const { cluster } = await setup(t)
  // ListGroups pinned to v3 (no state filter) and v4 (no type filter).
  const v3 = await Admin.connect({ bootstrapServers: cluster.bootstrap, maxVersions: { ListGroups: 3 } })
  const v4 = await Admin.connect({ bootstrapServers: cluster.bootstrap, maxVersions: { ListGroups: 4 } })
  t.teardown(async () => { await v3.close(); await v4.close() })
  await t.rejects(v3.listGroups({ states: ['Empty'] }), UnsupportedVersionError)
  await t.rejects(v4.listGroups({ types: ['consumer'] }), UnsupportedVersionError)
  t.same(await v3.listGroups(), [])
  t.same(await v4.listGroups({ states: ['Empty'] }), [])
})

t.test('describeGroups decodes classic members, describes consumer-protocol groups, and names unknown ones', async t => {
  const { cluster, admin } = await setup(t)
  const classic = member(t, cluster, { 'group.id': 'live', 'client.id': 'classic-member' })
  classic.subscribe(['t', 'u'])
  await drain(classic, seen => seen.length === 15)
  const modern = member(t, cluster, { 'group.id': 'kip848', 'client.id': 'kip848-member', 'group.protocol': 'consumer' })
  modern.subscribe(['t'])
  const reading = drain(modern, () => false)
  await eventually(() => modern.assignment().length === 2 && cluster.state.consumerGroups.describe('kip848')?.groupState === 'Stable', 20_000, 'a stable KIP-848 group')
  const [live, kip848, ghost] = await admin.describeGroups(['live', 'kip848', 'ghost'])
  t.same([live.error, live.type, live.state, live.protocolType, live.protocol, live.groupEpoch], [null, 'classic', 'Stable', 'consumer', 'range', -1])
  t.equal(live.members.length, 1)
  t.same([live.members[0].memberId, live.members[0].clientId, live.members[0].topics.sort(), live.members[0].memberEpoch], [classic.memberId, 'classic-member', ['t', 'u'], -1])
  t.same(live.members[0].assignment.map(tp => `${tp.topic}:${tp.partition}`).sort(), ['t:0', 't:1', 'u:0'])
  t.same([kip848.error, kip848.type, kip848.state, kip848.protocolType, kip848.protocol], [null, 'consumer', 'Stable', 'consumer', 'uniform'])
  t.ok(kip848.groupEpoch > 0)
  t.same([kip848.members[0].memberId, kip848.members[0].clientId, kip848.members[0].topics], [modern.memberId, 'kip848-member', ['t']])
  t.ok(kip848.members[0].memberEpoch > 0)
  t.same(kip848.members[0].assignment.map(tp => `${tp.topic}:${tp.partition}`).sort(), ['t:0', 't:1'])
  t.equal(ghost.error?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  t.same(ghost.members, [])
  await modern.close()
  await reading.catch(() => {})
})

t.test('deleteGroups deletes an empty group and its offsets; a group with members and an unknown one are refused', async t => {
  const { cluster, admin, offsets } = await setup(t)
  await offsets.commit('idle', [{ topic: 't', partition: 0, offset: 3n }])
  const live = member(t, cluster, { 'group.id': 'live' })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 15)
  const res = await admin.deleteGroups(['idle', 'live', 'ghost'])
  t.same(res.map(r => [r.groupId, r.error?.errorName ?? null]), [['idle', null], ['live', 'NON_EMPTY_GROUP'], ['ghost', 'GROUP_ID_NOT_FOUND']])
  t.same((await admin.listGroups()).map(g => g.groupId), ['live'])
  t.same(await admin.listGroupOffsets('idle'), [])
})

t.test('listGroupOffsets answers committed offsets, log ends and lag', async t => {
  const { admin, offsets } = await setup(t)
  await offsets.commit('g1', [{ topic: 't', partition: 0, offset: 3n }, { topic: 't', partition: 1, offset: 5n }])
  t.same((await admin.listGroupOffsets('g1')).map(p => [p.topic, p.partition, p.committed, p.logEndOffset, p.lag, p.error]), [
    ['t', 0, 3n, 10n, 7n, null], ['t', 1, 5n, 5n, 0n, null]
  ])
  t.same((await admin.listGroupOffsets('g1', [{ topic: 't', partition: 1 }, { topic: 'u', partition: 0 }])).map(p => [p.topic, p.partition, p.committed, p.logEndOffset, p.lag]), [
    ['t', 1, 5n, 5n, 0n], ['u', 0, null, 0n, null]
  ], 'asked partitions, with and without a commit')
  t.same(await admin.listGroupOffsets('nobody'), [])
})

t.test('alterGroupOffsets moves offsets to the earliest, the latest, a time, by a shift, to an offset, or as given', async t => {
  const { cluster, admin, offsets } = await setup(t)
  await offsets.commit('g1', [{ topic: 't', partition: 0, offset: 3n }, { topic: 't', partition: 1, offset: 4n }])
  cluster.faults.deleteRecordsBefore('t', 0, 2n)
  const plan = async (spec: Parameters<Admin['alterGroupOffsets']>[1], opts?: Parameters<Admin['alterGroupOffsets']>[2]): Promise<unknown[]> =>
    (await admin.alterGroupOffsets('g1', spec, { dryRun: true, ...opts })).map(p => [p.topic, p.partition, p.offset, p.error?.errorName ?? null])
  t.same(await plan('earliest'), [['t', 0, 2n, null], ['t', 1, 0n, null]], 'the log start, past deleted records')
  t.same(await plan('latest'), [['t', 0, 10n, null], ['t', 1, 5n, null]])
  t.same(await plan({ timestampMs: BigInt(T0 + 3500) }), [['t', 0, 4n, null], ['t', 1, 4n, null]], 'the first record at or after the time')
  t.same(await plan({ timestampMs: BigInt(T0 + 7000) }), [['t', 0, 7n, null], ['t', 1, 5n, null]], 'no record that new in t[1]: its log end')
  t.same(await plan({ shiftBy: -2n }), [['t', 0, 2n, null], ['t', 1, 2n, null]], 't[0]: 3-2 = 1 is below the log start 2')
  t.same(await plan({ shiftBy: 3n }), [['t', 0, 6n, null], ['t', 1, 5n, null]], 't[1]: 4+3 is past the log end 5')
  t.same(await plan({ offset: 7n }), [['t', 0, 7n, null], ['t', 1, 5n, null]])
  t.same(await plan('earliest', { partitions: [{ topic: 'u', partition: 0 }] }), [['u', 0, 0n, null]], 'named partitions, committed or not')
  t.same((await offsets.fetch('g1', [{ topic: 't', partition: 0 }])).get('t:0')?.offset, 3n, 'a dry run commits nothing')
  await t.rejects(admin.alterGroupOffsets('g1', { shiftBy: 1n }, { partitions: [{ topic: 'u', partition: 0 }] }), { code: 'ERR_NO_COMMITTED_OFFSET' })

  t.same((await admin.alterGroupOffsets('g1', 'latest')).map(p => [p.topic, p.partition, p.offset, p.error]), [['t', 0, 10n, null], ['t', 1, 5n, null]])
  t.same((await admin.listGroupOffsets('g1')).map(p => p.lag), [0n, 0n])
  const exact = await admin.alterGroupOffsets('g1', { offsets: [{ topic: 't', partition: 0, offset: 1n }, { topic: 'u', partition: 0, offset: 0n }] })
  t.same(exact.map(p => [p.topic, p.partition, p.offset, p.error]), [['t', 0, 1n, null], ['u', 0, 0n, null]], 'explicit offsets are committed as given')
  t.same((await admin.listGroupOffsets('g1')).map(p => [p.topic, p.partition, p.committed]), [['t', 0, 1n], ['t', 1, 5n], ['u', 0, 0n]])
  // A group nobody has used: its offsets can be set, as the tool does for a Dead group.
  t.same((await admin.alterGroupOffsets('fresh', 'earliest', { partitions: [{ topic: 't', partition: 1 }] })).map(p => [p.offset, p.error]), [[0n, null]])
  t.same((await admin.listGroupOffsets('fresh')).map(p => p.committed), [0n])
})

t.test('alterGroupOffsets refuses a group with members, as Kafka\'s tool does; the broker refuses a commit from outside too', async t => {
  const { cluster, admin } = await setup(t)
  const live = member(t, cluster, { 'group.id': 'live', 'enable.auto.commit': false })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 15)
  const refused = await admin.alterGroupOffsets('live', 'earliest', { dryRun: true }).catch((err: unknown) => err)
  t.ok(refused instanceof KafkaDirectError)
  t.match(refused, { errorCode: ErrorCode.NON_EMPTY_GROUP, message: /can only be reset while the group is inactive, but it is Stable with 1 member/ })
  // The broker's own answer to a commit without a member id into a live group (ClassicGroup.validateOffsetCommit).
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap })
  t.teardown(() => client.close())
  const each = await new GroupOffsets(client).commitEach('live', [{ topic: 't', partition: 0, offset: 0n }])
  t.same(each, [{ topic: 't', partition: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }])
  await live.close()
  t.same((await admin.alterGroupOffsets('live', 'earliest', { partitions: [{ topic: 't', partition: 0 }] })).map(p => [p.offset, p.error]), [[0n, null]], 'once the member has left')
})

t.test('deleteGroupOffsets removes offsets per partition; a subscribed topic and an unknown group are refused', async t => {
  const { cluster, admin } = await setup(t)
  const live = member(t, cluster, { 'group.id': 'live', 'enable.auto.commit': false })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 15)
  await live.commit({ offsets: [{ topic: 't', partition: 0, offset: 1n }, { topic: 'u', partition: 0, offset: 0n }] })
  const res = await admin.deleteGroupOffsets('live', [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }])
  t.same(res.map(r => [r.topic, r.partition, r.error?.errorName ?? null]), [['t', 0, 'GROUP_SUBSCRIBED_TO_TOPIC'], ['u', 0, null]])
  t.same((await admin.listGroupOffsets('live')).map(p => `${p.topic}:${p.partition}`), ['t:0'])
  const ghost = await admin.deleteGroupOffsets('ghost', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])
  t.same(ghost.map(r => r.error?.errorName), ['GROUP_ID_NOT_FOUND', 'GROUP_ID_NOT_FOUND'])
})
