import t from 'tap'
import { cluster, drain, eventually, member } from './helpers.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { CommitFailedError, FencedInstanceIdError } from '../../../consumer/group/index.js'
import type { TopicPartition } from '../../../consumer/simple-consumer.js'

// The membership protocol as the coordinator drives it: KIP-394's member-id round trip, coordinator moves, the
// fencing errors (handled as the Java client does) and static membership (KIP-345).

t.test('a new member joins twice: an empty id gets MEMBER_ID_REQUIRED and an id, the second join uses it (KIP-394)', async t => {
  const c = await cluster(t, 1, 1)
  const joins: Array<{ version: number, memberId: string }> = []
  c.faults.intercept(req => {
    if (req.apiName === 'JoinGroup') joins.push({ version: req.version, memberId: (req.body as { memberId: string }).memberId })
    return undefined
  })
  const m = member(t, c)
  m.subscribe(['t'])
  await drain(m, s => s.length === 1)
  t.ok(joins.length >= 2)
  t.ok(joins[0].version >= 4, `JoinGroup v${joins[0].version}`)
  t.equal(joins[0].memberId, '')
  t.equal(joins[1].memberId, m.memberId)
  t.not(m.memberId, '')
})

for (const code of ['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'] as const) {
  t.test(`JoinGroup answered ${code}: the member finds the coordinator again and joins`, async t => {
    const c = await cluster(t, 1, 3)
    let finds = 0
    c.faults.intercept(req => { if (req.apiName === 'FindCoordinator') finds++; return undefined })
    c.faults.failNext('JoinGroup', 1, ErrorCode[code])
    const m = member(t, c)
    m.subscribe(['t'])
    t.equal((await drain(m, s => s.length === 3)).length, 3)
    t.equal(finds, 2, 'FindCoordinator asked again')
  })
}

t.test('SyncGroup answered INVALID_REQUEST (librdkafka\'s mock, a follower syncing late): rejoined up to 3 times, then fatal', async t => {
  const c = await cluster(t, 1, 3)
  let syncs = 0
  c.faults.intercept(req => { if (req.apiName === 'SyncGroup') syncs++; return undefined })
  c.faults.failNext('SyncGroup', 3, ErrorCode.INVALID_REQUEST)
  const m = member(t, c)
  m.subscribe(['t'])
  t.equal((await drain(m, s => s.length === 3)).length, 3, 'joined after three refused rounds')
  t.equal(syncs, 4)

  const c2 = await cluster(t, 1, 3)
  c2.faults.failNext('SyncGroup', 4, ErrorCode.INVALID_REQUEST)
  const m2 = member(t, c2)
  m2.subscribe(['t'])
  await t.rejects(drain(m2, s => s.length === 3), { errorCode: ErrorCode.INVALID_REQUEST }, 'a fourth refusal is fatal')
})

function recorder (): { events: string[], listener: { onPartitionsAssigned: (tps: TopicPartition[]) => void, onPartitionsRevoked: (tps: TopicPartition[]) => void, onPartitionsLost: (tps: TopicPartition[]) => void } } {
  const events: string[] = []
  const list = (tps: TopicPartition[]): string => tps.map(tp => tp.partition).join(',')
  return {
    events,
    listener: {
      onPartitionsAssigned: tps => { events.push(`assigned ${list(tps)}`) },
      onPartitionsRevoked: tps => { events.push(`revoked ${list(tps)}`) },
      onPartitionsLost: tps => { events.push(`lost ${list(tps)}`) }
    }
  }
}

for (const code of ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID'] as const) {
  t.test(`a heartbeat answered ${code}: the partitions are lost (no commit), and the member rejoins`, async t => {
    const c = await cluster(t, 1, 0)
    const { events, listener } = recorder()
    const m = member(t, c, {}, { rebalanceListener: listener })
    m.subscribe(['t'])
    const loop = drain(m, () => false)
    await eventually(() => events.length === 1, 20_000, 'assigned')
    const before = m.memberId
    const generation = m.generationId
    c.faults.failNext('Heartbeat', 1, ErrorCode[code])
    await eventually(() => events.length === 3, 20_000, 'lost and assigned again')
    t.same(events, ['assigned 0', 'lost 0', 'assigned 0'])
    t.ok(m.generationId > generation, 'a new generation')
    if (code === 'UNKNOWN_MEMBER_ID') t.not(m.memberId, before, 'the member id was forgotten')
    else t.equal(m.memberId, before, 'ILLEGAL_GENERATION keeps the member id')
    await m.close()
    await loop
  })
}

t.test('a heartbeat answered REBALANCE_IN_PROGRESS: the member rejoins; its partitions are revoked, not lost', async t => {
  const c = await cluster(t, 1, 0)
  const { events, listener } = recorder()
  const m = member(t, c, {}, { rebalanceListener: listener })
  m.subscribe(['t'])
  const loop = drain(m, () => false)
  await eventually(() => events.length === 1, 20_000, 'assigned')
  c.faults.failNext('Heartbeat', 1, ErrorCode.REBALANCE_IN_PROGRESS)
  await eventually(() => events.length === 3, 20_000, 'revoked and assigned again')
  t.same(events, ['assigned 0', 'revoked 0', 'assigned 0'])
  await m.close()
  await loop
})

t.test('a commit refused with ILLEGAL_GENERATION is a CommitFailedError, and the member rejoins', async t => {
  const c = await cluster(t, 1, 2)
  const m = member(t, c, { 'enable.auto.commit': false })
  m.subscribe(['t'])
  await drain(m, s => s.length === 2)
  c.faults.failNext('OffsetCommit', 1, ErrorCode.ILLEGAL_GENERATION)
  const err = await m.commit().then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof CommitFailedError, String(err))
  t.equal((err as CommitFailedError).errorCode, ErrorCode.ILLEGAL_GENERATION)
})

t.test('static members (KIP-345): a restart within the session timeout keeps the assignment, without a rebalance', async t => {
  const c = await cluster(t, 4, 0)
  const a = member(t, c, { 'group.instance.id': 'a', 'partition.assignment.strategy': 'range' })
  const bLog = recorder()
  const b = member(t, c, { 'group.instance.id': 'b', 'partition.assignment.strategy': 'range' }, { rebalanceListener: bLog.listener })
  a.subscribe(['t'])
  b.subscribe(['t'])
  const loops = [drain(a, () => false), drain(b, () => false)]
  await eventually(() => a.assignment().length === 2 && b.assignment().length === 2, 20_000, '2+2')
  const generation = b.generationId
  const aParts = a.assignment()
  const eventsBefore = bLog.events.length
  await a.close() // a static member sends no LeaveGroup
  await loops[0]
  const a2 = member(t, c, { 'group.instance.id': 'a', 'partition.assignment.strategy': 'range' })
  a2.subscribe(['t'])
  const loop2 = drain(a2, () => false)
  await eventually(() => a2.assignment().length === 2, 20_000, 'a2 assigned')
  t.same(a2.assignment(), aParts, 'the same partitions')
  t.equal(a2.generationId, generation, 'the same generation: no rebalance')
  t.equal(bLog.events.length, eventsBefore, 'b was not disturbed')
  await Promise.all([a2.close(), b.close()])
  await Promise.all([loop2, loops[1]])
})

t.test('two live instances with one group.instance.id: the older is fenced with FencedInstanceIdError', async t => {
  const c = await cluster(t, 1, 0)
  const a = member(t, c, { 'group.instance.id': 'same' })
  a.subscribe(['t'])
  const loop = drain(a, () => false).then(() => undefined, (e: unknown) => e)
  await eventually(() => a.assignment().length === 1, 20_000, 'a assigned')
  const a2 = member(t, c, { 'group.instance.id': 'same' })
  a2.subscribe(['t'])
  const loop2 = drain(a2, () => false)
  const err = await loop
  t.ok(err instanceof FencedInstanceIdError, String(err))
  await a2.close()
  await loop2
})
