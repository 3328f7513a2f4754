import t from 'tap'
import { cluster, committed, eventually, member } from './helpers.js'
import type { GroupConsumer } from '../../../consumer/group/index.js'
import type { TopicPartition } from '../../../consumer/simple-consumer.js'

// Our group consumer with group.protocol=consumer (KIP-848) against the fake broker's coordinator: the server
// assigns, members reconcile, a partition never has two owners, commits carry the member epoch, and a member
// that goes silent loses its partitions after the session timeout. (Against real Kafka 4.x:
// test-interop/group/real-kafka-kip848.test.ts.)

function reader (m: GroupConsumer, name: string, seen: Map<string, string[]>): Promise<void> {
  return (async () => {
    for await (const r of m) {
      const k = `${r.partition}:${r.offset}`
      seen.set(k, [...(seen.get(k) ?? []), name])
    }
  })()
}

for (const assignor of ['uniform', 'range']) {
  t.test(`${assignor}: a second member joins a reading member; the split is 2+2 and no record goes to both`, async t => {
    const c = await cluster(t, 4, 400, { groupConsumerHeartbeatIntervalMs: 50 })
    const seen = new Map<string, string[]>()
    const events: string[] = []
    const cfg = { 'group.protocol': 'consumer', 'group.remote.assignor': assignor, 'auto.commit.interval.ms': 20 }
    const names = (tps: TopicPartition[]): string => tps.map(tp => tp.partition).sort().join(',')
    const listener = (name: string): { onPartitionsAssigned: (tps: TopicPartition[]) => void, onPartitionsRevoked: (tps: TopicPartition[]) => void, onPartitionsLost: (tps: TopicPartition[]) => void } => ({
      onPartitionsAssigned: tps => { events.push(`${name} assigned [${names(tps)}]`) },
      onPartitionsRevoked: tps => { events.push(`${name} revoked [${names(tps)}]`) },
      onPartitionsLost: tps => { events.push(`${name} lost [${names(tps)}]`) }
    })
    const a = member(t, c, cfg, { rebalanceListener: listener('a') })
    a.subscribe(['t'])
    const loopA = reader(a, 'a', seen)
    await eventually(() => seen.size >= 50, 20_000, 'a reading')
    const b = member(t, c, cfg, { rebalanceListener: listener('b') })
    b.subscribe(['t'])
    const loopB = reader(b, 'b', seen)
    await eventually(() => seen.size === 400 && a.assignment().length === 2 && b.assignment().length === 2, 30_000, 'every record, 2+2')
    t.same([...seen].filter(([, who]) => who.length > 1).map(([k]) => k), [], 'no record read twice')
    // Incremental: a keeps two partitions throughout, only the two that move are revoked.
    t.ok(events.includes('a assigned [0,1,2,3]'))
    t.ok(events.some(e => /^a revoked \[\d,\d\]$/.test(e)), 'a revoked exactly two')
    t.notOk(events.some(e => e.includes('lost')), 'nothing lost in an orderly rebalance')
    const d = c.state.consumerGroups.describe('g')!
    t.same([d.groupState, d.assignorName, d.members.length], ['Stable', assignor, 2])
    await Promise.all([a.close(), b.close()])
    await Promise.all([loopA, loopB])
    t.equal(c.state.consumerGroups.describe('g')!.members.length, 0, 'both left with epoch -1')
    t.same(await committed(c, 4), [100n, 100n, 100n, 100n], 'commits with the member epoch were accepted')
  })
}

t.test('a member that goes silent loses its partitions to the other after the session timeout', async t => {
  const c = await cluster(t, 2, 0, { groupConsumerSessionTimeoutMs: 500, groupConsumerHeartbeatIntervalMs: 50 })
  const seen = new Map<string, string[]>()
  const cfg = { 'group.protocol': 'consumer' }
  const a = member(t, c, cfg)
  const b = member(t, c, { ...cfg, 'client.id': 'doomed', retries: 1 })
  a.subscribe(['t'])
  b.subscribe(['t'])
  const loops = [reader(a, 'a', seen), reader(b, 'b', seen)]
  await eventually(() => a.assignment().length === 1 && b.assignment().length === 1, 20_000, '1+1')
  c.faults.intercept(req => req.clientId === 'doomed' ? { delayMs: 60_000 } : undefined)
  await eventually(() => a.assignment().length === 2, 20_000, 'a takes both partitions')
  for (let i = 0; i < 20; i++) c.produce('t', i % 2, [{ value: `after-${i}` }])
  await eventually(() => seen.size === 20, 20_000, 'a reads the new records of both partitions')
  t.same([...new Set([...seen.values()].flat())], ['a'])
  await a.close()
  await loops[0]
  await c.stop()
  await b.close()
  await loops[1]?.catch(() => {})
})
