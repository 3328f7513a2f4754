import t from 'tap'
import { cluster, eventually, ManualTimers, member } from './helpers.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { NoOffsetForPartitionError } from '../../../consumer/group/index.js'
import type { FakeCluster } from '../../../tools/fake-broker/index.js'

// Positions and commits: what the iterator counts as processed, auto-commit on its (virtual) timer, explicit
// commits, seek, pause and resume, auto.offset.reset, and the max.poll.interval.ms check.

async function committedOf (c: FakeCluster, partition: number): Promise<bigint> {
  const client = new KafkaClient({ bootstrapServers: c.bootstrap })
  try {
    return (await new GroupOffsets(client).fetch('g', [{ topic: 't', partition }])).get(`t:${partition}`)?.offset ?? -99n
  } finally { await client.close() }
}

t.test('auto-commit commits, every auto.commit.interval.ms, only the records the iterator moved past', async t => {
  const c = await cluster(t, 1, 5)
  const timers = new ManualTimers()
  const m = member(t, c, { 'auto.commit.interval.ms': 5000, 'session.timeout.ms': 60_000, 'heartbeat.interval.ms': 1000 }, { timers })
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  for (let i = 0; i < 3; i++) t.equal((await it.next()).value?.offset, BigInt(i))
  timers.advance(4999)
  t.equal(await committedOf(c, 0), -1n, 'nothing before the interval')
  timers.advance(1)
  // Records 0 and 1 are processed; record 2 is still in the application's hands.
  let got = await committedOf(c, 0)
  for (let i = 0; i < 500 && got !== 2n; i++) got = await committedOf(c, 0)
  t.equal(got, 2n)
  await it.return(undefined)
})

t.test('commit() with explicit offsets, and commitAsync with a callback', async t => {
  const c = await cluster(t, 2, 4)
  const m = member(t, c, { 'enable.auto.commit': false })
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  await it.next()
  await m.commit({ offsets: [{ topic: 't', partition: 1, offset: 7n }] })
  t.equal(await committedOf(c, 1), 7n)
  const err = await new Promise<Error | undefined>(resolve => { m.commitAsync({ offsets: [{ topic: 't', partition: 0, offset: 1n }] }, resolve) })
  t.equal(err, undefined)
  t.equal(await committedOf(c, 0), 1n)
  await it.return(undefined)
})

t.test('pause stops a partition\'s records, resume brings them back, seek re-reads', async t => {
  const c = await cluster(t, 2, 0)
  for (let i = 0; i < 3; i++) { c.produce('t', 0, [{ value: `a${i}` }]); c.produce('t', 1, [{ value: `b${i}` }]) }
  const m = member(t, c, { 'enable.auto.commit': false })
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  const first = (await it.next()).value
  t.ok(first !== undefined)
  m.pause([{ topic: 't', partition: 0 }])
  t.same(m.paused(), [{ topic: 't', partition: 0 }])
  const seen: string[] = []
  for (let i = 0; i < 3; i++) { const r = (await it.next()).value; seen.push(`${r?.partition}:${r?.offset}`) }
  // Partition 1's three records (the first may have been partition 1's already, then partition 1 re-reads none).
  t.ok(seen.every(s => s.startsWith('1:')) || first?.partition === 1, seen.join(' '))
  m.resume([{ topic: 't', partition: 0 }])
  m.seek('t', 1, 0n)
  const after: string[] = []
  while (after.length < 5) { const r = (await it.next()).value; after.push(`${r?.partition}:${r?.offset}`) }
  t.ok(after.includes('1:0'), 'partition 1 read again from 0 after the seek')
  t.ok(after.some(s => s.startsWith('0:')), 'partition 0 flows again after resume')
  t.throws(() => { m.seek('t', 9, 0n) }, /not assigned/)
  await it.return(undefined)
})

t.test('auto.offset.reset latest starts after the existing records; none fails with NoOffsetForPartitionError', async t => {
  const c = await cluster(t, 1, 3)
  const m = member(t, c, { 'auto.offset.reset': 'latest' })
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  const next = it.next()
  await eventually(() => m.position('t', 0) !== undefined, 20_000, 'a position')
  t.equal(m.position('t', 0), 3n)
  c.produce('t', 0, [{ value: 'new' }])
  t.equal((await next).value?.offset, 3n)
  await it.return(undefined)
  await m.close()
  const n = member(t, c, { 'auto.offset.reset': 'none', 'group.id': 'fresh' })
  n.subscribe(['t'])
  const err = await n[Symbol.asyncIterator]().next().then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof NoOffsetForPartitionError, String(err))
})

t.test('an application that stops asking for records for max.poll.interval.ms is taken out of the group', async t => {
  const c = await cluster(t, 1, 2)
  const timers = new ManualTimers()
  const events: string[] = []
  const m = member(t, c, { 'max.poll.interval.ms': 10_000, 'session.timeout.ms': 60_000, 'heartbeat.interval.ms': 1000 }, {
    timers,
    rebalanceListener: { onPartitionsAssigned: () => { events.push('assigned') }, onPartitionsLost: () => { events.push('lost') } }
  })
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  await it.next()
  const generation = m.generationId
  // The first heartbeat is due at 1000 ms; by the time it runs, the application has been silent for 10001 ms.
  timers.advance(10_001)
  await eventually(() => c.state.groups.describe('g').groupState === 'Empty', 20_000, 'the coordinator to see it leave')
  t.equal(m.generationId, -1)
  // In a new generation, after the listener heard of the loss, reading starts again from the committed offset:
  // none was committed (a lost partition is not), so record 0 comes again: at least once, nothing skipped.
  t.equal((await it.next()).value?.offset, 0n)
  t.same(events, ['assigned', 'lost', 'assigned'])
  t.ok(m.generationId > generation)
  await it.return(undefined)
})

t.test('a RegExp subscription takes every matching topic', async t => {
  const c = await cluster(t, 1, 1)
  c.state.createTopic('t-other', 1, 'create')
  c.state.createTopic('unrelated', 1, 'create')
  c.produce('t-other', 0, [{ value: 'x' }])
  const m = member(t, c)
  m.subscribe(/^t/)
  const it = m[Symbol.asyncIterator]()
  const topics = new Set<string>()
  for (let i = 0; i < 2; i++) topics.add((await it.next()).value?.topic ?? '')
  t.same([...topics].sort(), ['t', 't-other'])
  t.same(m.assignment().map(tp => tp.topic).sort(), ['t', 't-other'])
  await it.return(undefined)
})
