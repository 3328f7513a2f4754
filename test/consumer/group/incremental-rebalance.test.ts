import t, { type Test } from 'tap'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { CommitFailedError, type GroupConsumer } from '../../../consumer/group/index.js'
import type { FakeCluster } from '../../../tools/fake-broker/index.js'
import type { TopicPartition } from '../../../consumer/simple-consumer.js'
import { cluster, committed, eventually, member } from './helpers.js'

// Incremental rebalancing (KIP-429 over the classic protocol, KIP-848's consumer protocol): while the group
// rebalances, a member goes on reading the partitions it keeps, and only the revoked ones stop, after
// onPartitionsRevoked. Each rebalance here is held open by a slow member (the fake broker delays its JoinGroup, or
// its heartbeats) so that records produced meanwhile can be seen delivered before the rebalance has completed.

const JOIN_GROUP = 11
const HEARTBEAT = 12
const LEAVE_GROUP = 13
const CONSUMER_GROUP_HEARTBEAT = 68

interface Member { m: GroupConsumer, loop: Promise<void> }

/** One ordered log for a member: "assigned p", "revoked p", "lost p", "record p offset state", where state is the group's when the record was handed out. */
function reading (t: Test, c: FakeCluster, name: string, config: Record<string, unknown>, events: string[], groupState: () => string): Member {
  const log = (what: string) => (tps: TopicPartition[]) => { events.push(...tps.map(tp => `${what} ${tp.partition}`)) }
  const m = member(t, c, { 'client.id': name, 'auto.commit.interval.ms': 20, ...config }, {
    rebalanceListener: { onPartitionsAssigned: log('assigned'), onPartitionsRevoked: log('revoked'), onPartitionsLost: log('lost') }
  })
  m.subscribe(['t'])
  const loop = (async () => {
    for await (const r of m) events.push(`record ${r.partition} ${r.offset} ${groupState()}`)
  })()
  return { m, loop }
}

/** A member alone on topic t, reading; `events` counts what each callback was given ("assigned 2"). */
function counting (t: Test, c: FakeCluster, config: Record<string, unknown>): { m: GroupConsumer, events: string[], read: () => number, loop: Promise<void> } {
  const events: string[] = []
  const log = (what: string) => (tps: TopicPartition[]) => { events.push(`${what} ${tps.length}`) }
  const m = member(t, c, { 'partition.assignment.strategy': 'cooperative-sticky', ...config }, {
    rebalanceListener: { onPartitionsAssigned: log('assigned'), onPartitionsRevoked: log('revoked'), onPartitionsLost: log('lost') }
  })
  m.subscribe(['t'])
  let count = 0
  const loop = (async () => { for await (const r of m) { void r; count++ } })()
  return { m, events, read: () => count, loop }
}

/** Records handed out while the member did not own their partition (per its own callbacks): must be none. */
function unowned (events: string[]): string[] {
  const owned = new Set<string>()
  const out: string[] = []
  for (const e of events) {
    const [what, p] = e.split(' ')
    if (what === 'assigned') owned.add(p)
    else if (what === 'revoked' || what === 'lost') owned.delete(p)
    else if (!owned.has(p)) out.push(e)
  }
  return out
}

const records = (events: string[]): string[] => events.filter(e => e.startsWith('record ')).map(e => e.split(' ').slice(1, 3).join(':'))

for (const strategy of ['cooperative-sticky', 'range']) {
  t.test(`${strategy}: records produced while the rebalance is held open by a slow member`, async t => {
    const c = await cluster(t, 4, 0)
    const state = (): string => c.state.groups.describe('g').groupState
    const cfg = { 'partition.assignment.strategy': strategy }
    const events: Record<string, string[]> = { a: [], slow: [], c: [] }
    const a = reading(t, c, 'a', cfg, events.a, state)
    await eventually(() => a.m.assignment().length === 4, 20_000, 'a owns everything')
    const slow = reading(t, c, 'slow', cfg, events.slow, state)
    await eventually(() => state() === 'Stable' && a.m.assignment().length === 2 && slow.m.assignment().length === 2, 20_000, '2+2')
    const kept = a.m.assignment().map(tp => tp.partition)
    const generation = a.m.generationId
    const mark = events.a.length

    // From now on the slow member's JoinGroup waits 1.5 s at the broker; a's is seen arriving.
    let aJoined = false
    c.faults.intercept(req => {
      if (req.apiKey !== JOIN_GROUP) return undefined
      if (req.clientId === 'a') aJoined = true
      return req.clientId === 'slow' ? { delayMs: 1500 } : undefined
    })
    const third = reading(t, c, 'c', cfg, events.c, state)
    await eventually(() => aJoined, 20_000, 'a rejoining')
    t.equal(state(), 'PreparingRebalance', 'the rebalance is held open by the slow member')
    // Processed before the rebalance came: with auto-commit, committed before a rejoined (Java's onJoinPrepare).
    const during = a.m.commit().then(() => 'committed', (err: unknown) => err)
    for (const p of kept) c.produce('t', p, [{ value: 'during-1' }, { value: 'during-2' }])

    if (strategy === 'cooperative-sticky') {
      await eventually(() => records(events.a).length === 2 * kept.length, 20_000, 'a delivers its new records')
      t.equal(state(), 'PreparingRebalance', 'all delivered before the rebalance completed')
      t.equal(a.m.generationId, generation, 'a is still in its old generation')
      t.same(a.m.assignment().map(tp => tp.partition), kept, 'a still owns its partitions')
      t.notOk(events.a.slice(mark).some(e => !e.startsWith('record ')), 'no callback yet')
      const err = await during
      // As Java's RebalanceInProgressException: a commit while the member rejoins is refused, not fatal.
      t.ok(err instanceof CommitFailedError && err.errorCode === ErrorCode.REBALANCE_IN_PROGRESS, 'commit() during the rejoin: REBALANCE_IN_PROGRESS')
    } else {
      await eventually(() => events.a.slice(mark).filter(e => e.startsWith('revoked')).length === 2, 20_000, 'a revokes before rejoining')
      await new Promise(resolve => setTimeout(resolve, 300))
      t.equal(state(), 'PreparingRebalance')
      t.same(a.m.assignment(), [], 'eager: a owns nothing while it rejoins')
      t.same(records(events.a), [], 'eager: nothing delivered during the rebalance')
      t.ok(await during instanceof CommitFailedError)
    }

    // After the rebalance (both rounds for cooperative-sticky): 2+1+1, and the records once each.
    await eventually(() => state() === 'Stable' && [a, slow, third].every(x => x.m.assignment().length >= 1) &&
      records([...events.a, ...events.slow, ...events.c]).length === 2 * kept.length, 30_000, 'the group stable again')
    const all = records([...events.a, ...events.slow, ...events.c])
    t.same(all.sort(), kept.flatMap(p => [`${p}:0`, `${p}:1`]).sort(), 'each record handed out once')
    for (const [name, ev] of Object.entries(events)) t.same(unowned(ev), [], `${name}: no record of a partition it did not own`)
    if (strategy === 'cooperative-sticky') {
      t.notOk(events.a.some(e => e.startsWith('lost')), 'nothing lost')
      t.ok(events.a.slice(mark).filter(e => e.startsWith('revoked')).length <= 1, 'a gives up at most one of its two partitions')
    }
    // A commit in the new generation is accepted, once a has applied the join's result (as with Java's
    // RebalanceInProgressException, a refused commit is retried after the loop has gone on).
    for (let tries = 0; ; tries++) {
      const err = await a.m.commit().then(() => undefined, (err: unknown) => err)
      if (err === undefined) break
      if (!(err instanceof CommitFailedError) || err.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS || tries > 200) throw err
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    await Promise.all([a.m.close(), slow.m.close(), third.m.close()])
    await Promise.all([a.loop, slow.loop, third.loop])
    const ends = [0, 1, 2, 3].map(p => kept.includes(p) ? 2n : -99n)
    t.same((await committed(c, 4)).map((o, p) => kept.includes(p) ? o : -99n), ends, 'every record committed as processed')
  })
}

t.test('cooperative-sticky: a member closed while its rejoin is held reports its partitions lost and leaves at once', async t => {
  const c = await cluster(t, 2, 0)
  const state = (): string => c.state.groups.describe('g').groupState
  const cfg = { 'partition.assignment.strategy': 'cooperative-sticky' }
  const events: Record<string, string[]> = { a: [], slow: [], c: [] }
  const a = reading(t, c, 'a', cfg, events.a, state)
  const slow = reading(t, c, 'slow', cfg, events.slow, state)
  await eventually(() => state() === 'Stable' && a.m.assignment().length === 1 && slow.m.assignment().length === 1, 20_000, '1+1')
  let aJoined = false
  let aLeft = false
  c.faults.intercept(req => {
    if (req.clientId === 'a' && req.apiKey === JOIN_GROUP) aJoined = true
    if (req.clientId === 'a' && req.apiKey === LEAVE_GROUP) aLeft = true
    return req.clientId === 'slow' && req.apiKey === JOIN_GROUP ? { delayMs: 1500 } : undefined
  })
  const third = reading(t, c, 'c', cfg, events.c, state)
  await eventually(() => aJoined, 20_000, 'a rejoining')
  const owned = a.m.assignment().map(tp => `lost ${tp.partition}`)
  await a.m.close()
  await a.loop
  t.ok(aLeft, 'LeaveGroup sent while the JoinGroup was held')
  t.same(events.a.slice(-owned.length), owned, 'onPartitionsLost, as Java reports partitions during a rebalance')
  await eventually(() => state() === 'Stable' && c.state.groups.describe('g').members.length === 2, 20_000, 'the others go on')
  await Promise.all([slow.m.close(), third.m.close()])
  await Promise.all([slow.loop, third.loop])
})

t.test('consumer protocol (KIP-848): kept partitions are read on while the group reconciles', async t => {
  const c = await cluster(t, 6, 0, { groupConsumerHeartbeatIntervalMs: 50 })
  const group = (): string => c.state.consumerGroups.describe('g')?.groupState ?? 'none'
  const cfg = { 'group.protocol': 'consumer', 'group.remote.assignor': 'uniform' }
  const events: Record<string, string[]> = { a: [], slow: [], c: [] }
  const a = reading(t, c, 'a', cfg, events.a, group)
  await eventually(() => a.m.assignment().length === 6, 20_000, 'a owns everything')
  const slow = reading(t, c, 'slow', cfg, events.slow, group)
  await eventually(() => group() === 'Stable' && a.m.assignment().length === 3 && slow.m.assignment().length === 3, 20_000, '3+3')
  // The slow member's heartbeats now take 1.5 s each: the partition it must release reaches c late.
  c.faults.intercept(req => req.clientId === 'slow' && req.apiKey === CONSUMER_GROUP_HEARTBEAT ? { delayMs: 1500 } : undefined)
  const before = events.a.length
  const third = reading(t, c, 'c', cfg, events.c, group)
  await eventually(() => a.m.assignment().length === 2, 20_000, 'a gives one partition up')
  const kept = a.m.assignment().map(tp => tp.partition)
  for (const p of kept) c.produce('t', p, [{ value: 'during-1' }, { value: 'during-2' }])
  await eventually(() => records(events.a).length === 2 * kept.length, 20_000, 'a delivers its new records')
  t.equal(group(), 'Reconciling', 'delivered while the group still reconciles')
  t.ok(third.m.assignment().length < 2, 'c does not have everything yet')
  t.same(events.a.slice(before).filter(e => !e.startsWith('record ')).map(e => e.split(' ')[0]), ['revoked'], 'a only revoked one, kept the rest')
  await eventually(() => group() === 'Stable' && third.m.assignment().length === 2, 30_000, 'the group stable again')
  t.same(records([...events.a, ...events.slow, ...events.c]).sort(), kept.flatMap(p => [`${p}:0`, `${p}:1`]).sort(), 'each record handed out once')
  for (const [name, ev] of Object.entries(events)) t.same(unowned(ev), [], `${name}: no record of a partition it did not own`)
  c.faults.clear()
  await Promise.all([a.m.close(), slow.m.close(), third.m.close()])
  await Promise.all([a.loop, slow.loop, third.loop])
})

t.test('cooperative-sticky: before rejoining, what was processed is committed and topics no longer subscribed are revoked', async t => {
  const c = await cluster(t, 2, 0)
  c.createTopic('u', 2)
  for (const topic of ['t', 'u']) for (const p of [0, 1]) c.produce(topic, p, [{ value: '1' }, { value: '2' }, { value: '3' }])
  const events: string[] = []
  // No automatic commit within the test: what is committed comes from the rejoin.
  const m = member(t, c, { 'partition.assignment.strategy': 'cooperative-sticky', 'auto.commit.interval.ms': 600_000 }, {
    rebalanceListener: { onPartitionsRevoked: tps => { events.push(...tps.map(tp => `revoked ${tp.topic}:${tp.partition}`)) } }
  })
  m.subscribe(['t', 'u'])
  let count = 0
  const loop = (async () => { for await (const r of m) { events.push(`record ${r.topic}:${r.partition}`); count++ } })()
  await eventually(() => count === 12, 20_000, 'every record')
  m.subscribe(['t'])
  await eventually(() => events.filter(e => e.startsWith('revoked')).length === 2, 20_000, 'u revoked')
  t.same(events.filter(e => e.startsWith('revoked')).sort(), ['revoked u:0', 'revoked u:1'], 'only the unsubscribed topic\'s partitions')
  t.same([...await committed(c, 2, 't'), ...await committed(c, 2, 'u')], [3n, 3n, 3n, 3n], 'everything processed was committed before the join')
  for (const topic of ['t', 'u']) for (const p of [0, 1]) c.produce(topic, p, [{ value: 'later' }])
  await eventually(() => count === 14, 20_000, 't\'s new records')
  const revokedAt = events.findIndex(e => e.startsWith('revoked'))
  t.same(events.slice(revokedAt).filter(e => e.startsWith('record u')), [], 'nothing of u after its revocation')
  t.same(m.assignment().map(tp => tp.topic), ['t', 't'])
  await m.close()
  await loop
})

t.test('cooperative-sticky: a pre-join commit answered ILLEGAL_GENERATION means the partitions are lost, not revoked', async t => {
  const c = await cluster(t, 2, 4)
  const { m, events, read, loop } = counting(t, c, { 'auto.commit.interval.ms': 600_000 })
  await eventually(() => read() === 4, 20_000, 'every record')
  // The generation ended under the member: its commit before rejoining is refused, so it owns nothing any more.
  c.faults.failNext('OffsetCommit', 1, ErrorCode.ILLEGAL_GENERATION)
  m.subscribe(['t'])
  await eventually(() => events.includes('lost 2') && m.assignment().length === 2, 20_000, 'lost, then assigned again')
  t.same(events, ['assigned 2', 'lost 2', 'assigned 2'])
  await m.close()
  await loop
})

t.test('the answer to a heartbeat sent in the generation before a rejoin does not fence the new one (as Java ignores it)', async t => {
  const c = await cluster(t, 2, 0)
  const { m, events, loop } = counting(t, c, { 'client.id': 'a' })
  await eventually(() => m.assignment().length === 2, 20_000, 'assigned')
  // Every heartbeat now reaches the coordinator 400 ms late: one is in flight with generation 1 while the member
  // rejoins (its own subscribe()), and is answered ILLEGAL_GENERATION once generation 2 exists.
  let stale = 0
  const generation = m.generationId
  c.faults.intercept(req => {
    if (req.clientId !== 'a' || req.apiKey !== HEARTBEAT) return undefined
    const body = req.body
    if (typeof body === 'object' && body !== null && 'generationId' in body && body.generationId === generation) stale++
    return { delayMs: 400 }
  })
  await new Promise(resolve => setTimeout(resolve, 100))
  m.subscribe(['t'])
  await eventually(() => m.generationId > generation, 20_000, 'rejoined')
  await new Promise(resolve => setTimeout(resolve, 1000))
  t.ok(stale > 0, 'a heartbeat of the old generation was answered late')
  t.same(events, ['assigned 2', 'assigned 0'], 'nothing lost, no further rebalance')
  t.equal(m.generationId, generation + 1)
  await m.close()
  await loop
})
