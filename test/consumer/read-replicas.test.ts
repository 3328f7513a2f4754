import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { RACK_AWARE_REPLICA_SELECTOR } from '../../tools/fake-broker/replica-selector.js'
import { GroupConsumer, SimpleConsumer, tpKey, type FetchedPartition } from '../../consumer/index.js'
import { ReadReplicas } from '../../consumer/read-replicas.js'
import type { PartitionInfo } from '../../consumer/cluster-metadata.js'
import { ErrorCode } from '../../protocol/error-codes.js'

// Fetching from the closest replica (KIP-392) against the fake broker: brokers 1, 2, 3 in racks a, b, c with Kafka's
// RackAwareReplicaSelector; "orders" has 3 partitions with replicas [1,2,3], [2,3,1], [3,1,2] (leaders 1, 2, 3). A
// consumer in rack b is sent to broker 2 for every partition; which broker served each Fetch is read off the wire
// (an interceptor sees every request), and every record must come back exactly once.

const FAST = { retryBackoffMs: 5, retryBackoffMaxMs: 20, reconnectBackoffMs: 5, reconnectBackoffMaxMs: 20, fetchWaitMaxMs: 50, requestTimeoutMs: 5000, log: () => {} }
const PER_PARTITION = 30

async function setup (t: any, consumer: Record<string, unknown> = { clientRack: 'b' }): Promise<{ cluster: FakeCluster, consumer: SimpleConsumer, fetches: Array<{ broker: number, rackId: string }> }> {
  const cluster = await FakeCluster.start({ brokers: 3, racks: ['a', 'b', 'c'], topics: [{ name: 'orders', partitions: 3 }], brokerConfigs: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR } })
  t.teardown(async () => await cluster.stop())
  for (let p = 0; p < 3; p++) produce(cluster, p, 0, PER_PARTITION)
  const fetches: Array<{ broker: number, rackId: string }> = []
  cluster.faults.intercept(req => {
    if (req.apiName === 'Fetch') fetches.push({ broker: req.brokerId, rackId: (req.body as { rackId: string }).rackId })
    return undefined
  })
  const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, ...consumer })
  t.teardown(async () => await c.close())
  return { cluster, consumer: c, fetches }
}

function produce (cluster: FakeCluster, p: number, from: number, until: number): void {
  cluster.produce('orders', p, Array.from({ length: until - from }, (_, i) => ({ value: `p${p}-${from + i}` })))
}

function expected (p: number, from: number, until: number): string[] {
  return Array.from({ length: until - from }, (_, i) => `p${p}-${from + i}`)
}

/** Reads partition p from `from` to `until` one round at a time; returns the values and the broker of each round. */
async function readRounds (consumer: SimpleConsumer, p: number, from: number, until: number): Promise<{ values: string[], brokers: number[] }> {
  const values: string[] = []
  const brokers: number[] = []
  let pos = BigInt(from)
  for (let round = 0; pos < BigInt(until) && round < 100; round++) {
    const got = (await consumer.fetchOnce([{ topic: 'orders', partition: p, fromOffset: pos, untilOffset: BigInt(until) }])).get(tpKey('orders', p)) as FetchedPartition
    for (const r of got.records) values.push(String(r.value))
    brokers.push(got.broker)
    pos = got.nextOffset
  }
  return { values, brokers }
}

t.test('a consumer in rack b reads every partition from broker 2, every record exactly once', async t => {
  const { consumer, fetches } = await setup(t)
  const ranges = [0, 1, 2].map(p => ({ topic: 'orders', partition: p, fromOffset: 0n, untilOffset: BigInt(PER_PARTITION) }))
  const got = await consumer.fetch(ranges)
  for (let p = 0; p < 3; p++) t.same(got.get(tpKey('orders', p))!.map(r => String(r.value)), expected(p, 0, PER_PARTITION), `partition ${p}`)
  t.ok(fetches.every(f => f.rackId === 'b'), 'every Fetch names the rack')
  const firstRound = fetches.length
  const more = await consumer.fetchOnce([0, 1, 2].map(p => ({ topic: 'orders', partition: p, fromOffset: 0n, untilOffset: 5n })))
  t.same([...more.values()].map(f => f.broker), [2, 2, 2], 'served by the rack-b replica')
  t.same(fetches.slice(firstRound).map(f => f.broker), [2], 'one Fetch, to broker 2, for all three partitions')
  t.same(fetches.slice(0, firstRound).map(f => f.broker).filter(b => b !== 2).sort(), [1, 3], 'leaders 1 and 3 were asked once, and redirected')
})

t.test('a redirect is followed within the same call: the records iterator gets records from its first round', async t => {
  const { cluster, consumer, fetches } = await setup(t)
  const it = consumer.records('orders', 0, 0n)
  const values: string[] = []
  const first = await it.next()
  values.push(String(first.value?.value))
  t.same(fetches.map(f => f.broker), [1, 2], 'the leader redirected, the follower served, in one fetchOnce')
  for (let i = 1; i < PER_PARTITION; i++) values.push(String((await it.next()).value?.value))
  produce(cluster, 0, PER_PARTITION, PER_PARTITION + 10)
  for (let i = 0; i < 10; i++) values.push(String((await it.next()).value?.value))
  await it.return()
  t.same(values, expected(0, 0, PER_PARTITION + 10))
  t.ok(fetches.slice(1).every(f => f.broker === 2), 'following the log at the follower')
})

t.test('when the follower stops, the partition goes back to its leader without losing a record', async t => {
  const { cluster, consumer } = await setup(t)
  const first = await readRounds(consumer, 0, 0, 10)
  t.same(first.values, expected(0, 0, 10))
  t.equal(first.brokers[first.brokers.length - 1], 2)
  await cluster.faults.brokerDown(2)
  const after = await readRounds(consumer, 0, 10, PER_PARTITION)
  t.same(after.values, expected(0, 10, PER_PARTITION))
  t.same([...new Set(after.brokers)], [1], 'the leader serves: the stopped follower left the ISR, so it is not chosen again')
})

t.test('a follower that leaves the ISR is used until the choice expires (metadata.max.age.ms), then the leader serves', async t => {
  const { cluster, consumer } = await setup(t, { 'client.rack': 'b', 'metadata.max.age.ms': '300' })
  t.equal((await readRounds(consumer, 0, 0, 5)).brokers.at(-1), 2)
  cluster.faults.shrinkIsr('orders', 0, [2])
  t.same((await readRounds(consumer, 0, 5, 10)).brokers, [2], 'still the follower: Kafka lets an out-of-sync follower serve')
  await new Promise(resolve => setTimeout(resolve, 350))
  const later = await readRounds(consumer, 0, 10, PER_PARTITION)
  t.same(later.values, expected(0, 10, PER_PARTITION))
  t.same(later.brokers, [1], 'expired: the leader is asked, keeps the partition, and serves it')
})

t.test('an error from the follower sends the partition back to the leader, which may choose it again', async t => {
  const { cluster, consumer, fetches } = await setup(t)
  await readRounds(consumer, 0, 0, 5)
  for (const errorCode of [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.OFFSET_OUT_OF_RANGE]) {
    let injected = false
    const off = cluster.faults.intercept(req => {
      if (req.apiName !== 'Fetch' || req.brokerId !== 2 || injected) return undefined
      injected = true
      return { errorFor: topic => topic === undefined ? ErrorCode.NONE : errorCode }
    })
    const from = fetches.length
    const got = await readRounds(consumer, 0, 5, 10)
    off()
    t.same(got.values, expected(0, 5, 10), `${errorCode}: nothing lost`)
    t.same(fetches.slice(from).map(f => f.broker), [2, 1, 2], `${errorCode}: follower (error), leader (redirect), follower`)
  }
})

t.test('a range past the end, read at a follower, is checked against the leader\'s end', async t => {
  const { cluster, consumer, fetches } = await setup(t)
  await readRounds(consumer, 0, 0, 5)
  // Past the end everywhere: the error names the leader's high watermark.
  const err = await consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 5n, untilOffset: BigInt(PER_PARTITION + 5) }]).catch((e: unknown) => e)
  t.match(err, { name: 'OffsetOutOfRangeError', highWatermark: BigInt(PER_PARTITION) })
  // A follower behind its leader (here: records appended as the leader is asked for its end) is waited for.
  let listOffsets = 0
  cluster.faults.intercept(req => {
    if (req.apiName === 'ListOffsets' && listOffsets++ === 0) produce(cluster, 0, PER_PARTITION, PER_PARTITION + 5)
    return undefined
  })
  const from = fetches.length
  const got = await consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: BigInt(PER_PARTITION), untilOffset: BigInt(PER_PARTITION + 5) }])
  t.same(got.get(tpKey('orders', 0))!.map(r => String(r.value)), expected(0, PER_PARTITION, PER_PARTITION + 5))
  t.equal(listOffsets, 1, 'the leader was asked once')
  t.ok(fetches.slice(from).every(f => f.broker === 2), 'and the follower kept serving')
  const it = consumer.records('orders', 1, BigInt(PER_PARTITION), BigInt(PER_PARTITION + 1))
  await t.rejects(it.next(), { name: 'OffsetOutOfRangeError' }, 'the records iterator checks the same way')
})

t.test('without client.rack every fetch goes to the leaders, naming no rack', async t => {
  const { consumer, fetches } = await setup(t, {})
  const got = await consumer.fetch([0, 1, 2].map(p => ({ topic: 'orders', partition: p, fromOffset: 0n, untilOffset: BigInt(PER_PARTITION) })))
  for (let p = 0; p < 3; p++) t.equal(got.get(tpKey('orders', p))!.length, PER_PARTITION)
  t.same([...new Set(fetches.map(f => f.broker))].sort(), [1, 2, 3])
  t.ok(fetches.every(f => f.rackId === ''))
})

t.test('a group consumer fetches with its client.rack too', async t => {
  const g = new GroupConsumer({ bootstrapServers: '127.0.0.1:1', groupId: 'g', 'client.rack': 'b' })
  t.equal(g.client.config.clientRack, 'b')
  t.equal(new GroupConsumer({ bootstrapServers: '127.0.0.1:1', groupId: 'g' }).client.config.clientRack, '')
})

t.test('ReadReplicas: a choice holds until it expires or its broker is no longer a usable replica', async t => {
  let now = 1000
  const rr = new ReadReplicas(100, () => now)
  const info = (over: Partial<PartitionInfo> = {}): PartitionInfo => ({ partition: 0, errorCode: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr: [1, 2, 3], offlineReplicas: [], ...over })
  const known = (): boolean => true
  t.equal(rr.target('k', info(), known), 1, 'no choice: the leader')
  const again = (): void => { rr.set('k', 2) }
  again()
  t.equal(rr.size, 1)
  t.equal(rr.target('k', info(), known), 2)
  now += 99
  t.equal(rr.target('k', info(), known), 2, 'not yet expired')
  now += 1
  t.equal(rr.target('k', info(), known), 1, 'expired after metadata.max.age.ms')
  t.equal(rr.size, 0, 'and forgotten')
  for (const [why, i, k] of [['not a replica', info({ replicas: [1, 3] }), known], ['offline', info({ offlineReplicas: [2] }), known], ['not in the metadata', info(), () => false]] as const) {
    again()
    t.equal(rr.target('k', i, k), 1, why)
  }
  again()
  t.notOk(rr.clear('k', 3), 'another broker\'s failure leaves the choice')
  t.ok(rr.clear('k', 2))
  t.notOk(rr.clear('k', 2))
  t.ok(new ReadReplicas(10).size === 0)
})
