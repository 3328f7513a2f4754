import t from 'tap'
import { cluster, eventually, member } from './helpers.js'
import type { GroupConsumer } from '../../../consumer/group/index.js'
import type { TopicPartition } from '../../../consumer/simple-consumer.js'

// Rebalances seen from the members: who owns what, what the listener is told, and that no record is handed to two
// members while the group is stable (auto-commit commits what was processed before a partition moves).

interface Log { events: string[], seen: Map<string, string[]> }

function reader (m: GroupConsumer, name: string, log: Log): Promise<void> {
  return (async () => {
    for await (const r of m) {
      const k = `${r.partition}:${r.offset}`
      const who = log.seen.get(k) ?? []
      who.push(name)
      log.seen.set(k, who)
    }
  })()
}

const names = (tps: TopicPartition[]): string => tps.map(tp => tp.partition).sort().join(',')

function listener (name: string, log: Log): { onPartitionsAssigned: (tps: TopicPartition[]) => void, onPartitionsRevoked: (tps: TopicPartition[]) => void, onPartitionsLost: (tps: TopicPartition[]) => void } {
  return {
    onPartitionsAssigned: tps => { log.events.push(`${name} assigned [${names(tps)}]`) },
    onPartitionsRevoked: tps => { log.events.push(`${name} revoked [${names(tps)}]`) },
    onPartitionsLost: tps => { log.events.push(`${name} lost [${names(tps)}]`) }
  }
}

for (const strategy of ['range', 'roundrobin', 'cooperative-sticky']) {
  t.test(`${strategy}: a second member joins a member that is reading; no record goes to both`, async t => {
    const c = await cluster(t, 4, 400)
    const log: Log = { events: [], seen: new Map() }
    const a = member(t, c, { 'partition.assignment.strategy': strategy, 'auto.commit.interval.ms': 20 }, { rebalanceListener: listener('a', log) })
    a.subscribe(['t'])
    const loopA = reader(a, 'a', log)
    await eventually(() => log.seen.size >= 50, 20_000, 'a reading')
    const b = member(t, c, { 'partition.assignment.strategy': strategy, 'auto.commit.interval.ms': 20 }, { rebalanceListener: listener('b', log) })
    b.subscribe(['t'])
    const loopB = reader(b, 'b', log)
    await eventually(() => log.seen.size === 400 && a.assignment().length === 2 && b.assignment().length === 2, 30_000, 'every record, 2+2')
    const twice = [...log.seen].filter(([, who]) => who.length > 1).map(([k]) => k)
    t.same(twice, [], 'no record read twice')
    if (strategy === 'cooperative-sticky') {
      // KIP-429: a keeps two of its four partitions throughout; only the two that move are revoked.
      t.ok(log.events.includes('a assigned [0,1,2,3]'))
      t.ok(log.events.some(e => /^a revoked \[\d,\d\]$/.test(e)), 'a revoked exactly two')
      t.notOk(log.events.includes('a revoked [0,1,2,3]'), 'a never gave up everything')
    } else {
      t.ok(log.events.includes('a revoked [0,1,2,3]'), 'eager: a gives up everything before rejoining')
    }
    t.notOk(log.events.some(e => e.includes('lost')), 'nothing lost in an orderly rebalance')
    await Promise.all([a.close(), b.close()])
    await Promise.all([loopA, loopB])
  })
}

t.test('a member that stops heartbeating loses its partitions to the others after session.timeout.ms', async t => {
  const c = await cluster(t, 2, 0)
  const log: Log = { events: [], seen: new Map() }
  const a = member(t, c, { 'session.timeout.ms': 500, 'heartbeat.interval.ms': 50, 'partition.assignment.strategy': 'range' })
  const b = member(t, c, { 'session.timeout.ms': 500, 'heartbeat.interval.ms': 50, 'partition.assignment.strategy': 'range', 'client.id': 'doomed', retries: 1, 'outage.max.ms': 2000 })
  a.subscribe(['t'])
  b.subscribe(['t'])
  const loops = [reader(a, 'a', log), reader(b, 'b', log)]
  await eventually(() => a.assignment().length === 1 && b.assignment().length === 1, 20_000, '1+1')
  // b's heartbeats and requests now go unanswered for a long time: as good as a dead process to the coordinator.
  c.faults.intercept(req => req.clientId === 'doomed' ? { delayMs: 60_000 } : undefined)
  await eventually(() => a.assignment().length === 2, 20_000, 'a takes both partitions')
  for (let i = 0; i < 20; i++) c.produce('t', i % 2, [{ value: `after-${i}` }])
  await eventually(() => log.seen.size === 20, 20_000, 'a reads the new records of both partitions')
  t.same([...new Set([...log.seen.values()].flat())], ['a'])
  await a.close()
  await loops[0]
  // Stopping the cluster fails b's held requests at once; its close gives up on the gone cluster after outage.max.ms.
  await c.stop()
  await b.close()
  await loops[1]?.catch(() => {})
})

t.test('cooperative-sticky: no record of a partition is handed out after its onPartitionsRevoked', async t => {
  const c = await cluster(t, 4, 800)
  // One ordered log of records and callbacks for the member that gives partitions up.
  const events: string[] = []
  const a = member(t, c, { 'partition.assignment.strategy': 'cooperative-sticky', 'auto.commit.interval.ms': 20 }, {
    rebalanceListener: {
      onPartitionsAssigned: tps => { events.push(...tps.map(tp => `assigned ${tp.partition}`)) },
      onPartitionsRevoked: tps => { events.push(...tps.map(tp => `revoked ${tp.partition}`)) }
    }
  })
  a.subscribe(['t'])
  let read = 0
  const loopA = (async () => {
    for await (const r of a) {
      events.push(`record ${r.partition}`)
      // Slow enough that a is still reading every partition when the rebalance comes.
      if (++read % 20 === 0) await new Promise(resolve => setTimeout(resolve, 2))
    }
  })()
  await eventually(() => read >= 50, 20_000, 'a reading')
  const b = member(t, c, { 'partition.assignment.strategy': 'cooperative-sticky', 'auto.commit.interval.ms': 20 })
  b.subscribe(['t'])
  const loopB = (async () => { for await (const r of b) void r })()
  await eventually(() => a.assignment().length === 2 && b.assignment().length === 2 && events.some(e => e.startsWith('revoked')), 30_000, '2+2')
  // Then a reads on from what it kept: new records on every partition, since a slow rebalance (a loaded machine) may
  // let a finish the first ones before it.
  const after = read
  for (let i = 0; i < 40; i++) c.produce('t', i % 4, [{ value: `late-${i}` }])
  await eventually(() => read > after, 20_000, 'a reading after the rebalance')
  const owned = new Set<string>()
  const late: string[] = []
  for (const [i, e] of events.entries()) {
    const [what, p] = e.split(' ')
    if (what === 'assigned') owned.add(p)
    else if (what === 'revoked') owned.delete(p)
    else if (!owned.has(p)) late.push(`#${i} ${e}`)
  }
  t.equal(events.filter(e => e.startsWith('revoked')).length, 2, 'two partitions revoked')
  t.same(late, [], 'every record of a came from a partition it owned at that moment')
  await Promise.all([a.close(), b.close()])
  await Promise.all([loopA, loopB])
})
