import t from 'tap'
import { DescribeCluster, Fetch, Metadata } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { ConfigError } from '../../../protocol/errors.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { checkRacks, checkReplicaSelector, LEADER_SELECTOR, RACK_AWARE_REPLICA_SELECTOR } from '../../../tools/fake-broker/replica-selector.js'
import { RawClient } from './raw-client.js'

// Fetching from the closest replica (KIP-392) on the fake broker, with a raw client so every field is the test's:
// brokers 1, 2, 3 in racks a, b, c; topic "t" has replicas [1, 2, 3] with leader 1. Kafka's rules
// (ReplicaManager.findPreferredReadReplica, RackAwareReplicaSelector): the leader answers a consumer in another rack
// with an in-sync replica of that rack and no records; a follower serves consumer fetches v11+.

function fetchBody (opts: { rackId?: string, fetchOffset?: bigint, maxWaitMs?: number, minBytes?: number, epoch?: number, sessionId?: number, sessionEpoch?: number, replicaId?: number, topic?: string, topicId?: string }): unknown {
  return {
    replicaId: opts.replicaId ?? -1,
    replicaState: { replicaId: opts.replicaId ?? -1, replicaEpoch: -1n },
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: opts.sessionId ?? 0,
    sessionEpoch: opts.sessionEpoch ?? -1,
    topics: [{ topic: opts.topic ?? 't', topicId: opts.topicId ?? '', partitions: [{ partition: 0, currentLeaderEpoch: opts.epoch ?? -1, fetchOffset: opts.fetchOffset ?? 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [],
    rackId: opts.rackId ?? ''
  }
}

async function setup (t: any, brokerConfigs: Record<string, string> = { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR }): Promise<{ cluster: FakeCluster, to: (id: number) => Promise<RawClient> }> {
  const cluster = await FakeCluster.start({ brokers: 3, racks: ['a', 'b', 'c'], topics: [{ name: 't', partitions: 1 }], brokerConfigs })
  t.teardown(() => cluster.stop())
  cluster.produce('t', 0, [{ value: 'r0' }, { value: 'r1' }])
  const clients: RawClient[] = []
  t.teardown(() => { for (const c of clients) c.close() })
  const to = async (id: number): Promise<RawClient> => {
    const c = await RawClient.connect(`127.0.0.1:${cluster.state.broker(id)!.port}`)
    clients.push(c)
    return c
  }
  return { cluster, to }
}

const part = (res: any): any => res.responses[0].partitions[0]

t.test('Metadata and DescribeCluster answer each broker\'s rack', async t => {
  const { to } = await setup(t)
  const c = await to(1)
  const md = await c.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.same(md.brokers.map((b: any) => [b.nodeId, b.rack]), [[1, 'a'], [2, 'b'], [3, 'c']])
  t.same(md.topics[0].partitions[0].replicaNodes, [1, 2, 3], 'replicas as the tests below assume')
  t.equal(md.topics[0].partitions[0].leaderId, 1)
  const dc = await c.request(DescribeCluster, 0, { includeClusterAuthorizedOperations: false })
  t.same(dc.brokers.map((b: any) => b.rack), ['a', 'b', 'c'])
})

t.test('the leader sends a consumer in rack b to the rack-b follower, at once and with no records', async t => {
  const { cluster, to } = await setup(t)
  const topicId = cluster.state.topics.get('t')!.id
  const leader = await to(1)
  const started = Date.now()
  // minBytes 1 at the log end would wait 5 s; a preferred read replica answers at once.
  const atEnd = part(await leader.request(Fetch, 12, fetchBody({ rackId: 'b', fetchOffset: 2n, maxWaitMs: 5000, minBytes: 1 })))
  t.ok(Date.now() - started < 2000, 'answered without waiting')
  t.same([atEnd.errorCode, atEnd.preferredReadReplica, atEnd.records.length, atEnd.highWatermark, atEnd.abortedTransactions], [0, 2, 0, 2n, null])
  const fromStart = part(await leader.request(Fetch, 16, fetchBody({ rackId: 'b', topicId })))
  t.same([fromStart.preferredReadReplica, fromStart.records.length, fromStart.highWatermark, fromStart.logStartOffset], [2, 0, 2n, 0n])
  for (const [rack, why] of [['a', 'the leader is in rack a'], ['', 'no rack'], ['z', 'no replica in rack z']]) {
    const p = part(await leader.request(Fetch, 12, fetchBody({ rackId: rack })))
    t.same([p.preferredReadReplica, p.records.length > 0], [-1, true], why)
  }
  // A follower replica's own fetch (replicaId >= 0) is never redirected, at v11-14 nor in replicaState (v15+).
  for (const v of [11, 15]) t.equal(part(await leader.request(Fetch, v, fetchBody({ rackId: 'b', replicaId: 2, topicId }))).preferredReadReplica, -1, `replica fetch v${v}`)
})

t.test('a follower serves consumer fetches v11+ up to the high watermark; older versions and non-replicas are refused', async t => {
  const { cluster, to } = await setup(t)
  const follower = await to(2)
  const p = part(await follower.request(Fetch, 12, fetchBody({ rackId: 'b' })))
  t.same([p.errorCode, p.preferredReadReplica, p.records.length > 0, p.highWatermark], [0, -1, true, 2n], 'a follower never redirects')
  t.equal(part(await follower.request(Fetch, 11, fetchBody({}))).errorCode, 0, 'v11 without a rack is still a consumer with client metadata')
  t.equal(part(await follower.request(Fetch, 10, fetchBody({}))).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'before v11 only the leader answers')
  t.equal(part(await follower.request(Fetch, 12, fetchBody({ replicaId: 3 }))).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'a replica\'s fetch needs the leader')
  t.equal(part(await follower.request(Fetch, 12, fetchBody({ fetchOffset: 3n }))).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
  t.equal(part(await follower.request(Fetch, 12, fetchBody({ epoch: 5 }))).errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH, 'a follower fences epochs as the leader does')
  cluster.state.createTopic('two', 1, 'create', { assignments: [[1, 2]] })
  const third = await to(3)
  const notReplica = part(await third.request(Fetch, 16, fetchBody({ topic: 'two', topicId: cluster.state.topics.get('two')!.id })))
  t.same([notReplica.errorCode, notReplica.currentLeader.leaderId], [ErrorCode.NOT_LEADER_OR_FOLLOWER, 1], 'not a replica: NOT_LEADER_OR_FOLLOWER with the leader hint')
})

t.test('only an in-sync, live follower is chosen', async t => {
  const { cluster, to } = await setup(t)
  const leader = await to(1)
  cluster.faults.shrinkIsr('t', 0, [2])
  t.equal(part(await leader.request(Fetch, 12, fetchBody({ rackId: 'b' }))).preferredReadReplica, -1, 'out of the ISR: the leader serves')
  cluster.faults.expandIsr('t', 0)
  t.equal(part(await leader.request(Fetch, 12, fetchBody({ rackId: 'b' }))).preferredReadReplica, 2, 'back in the ISR')
  await cluster.faults.brokerDown(2)
  t.equal(part(await leader.request(Fetch, 12, fetchBody({ rackId: 'b' }))).preferredReadReplica, -1, 'stopped: it left the ISR')
  await cluster.faults.brokerDown(1)
  const newLeader = await to(3)
  t.same(part(await newLeader.request(Fetch, 12, fetchBody({ rackId: 'c' }))).preferredReadReplica, -1, 'the new leader is in rack c')
})

t.test('an incremental fetch session answers the preferred replica every time, as Kafka\'s sessions must', async t => {
  const { to } = await setup(t)
  const leader = await to(1)
  const full = await leader.request(Fetch, 12, fetchBody({ rackId: 'b', sessionId: 0, sessionEpoch: 0 }))
  t.equal(part(full).preferredReadReplica, 2)
  const inc = await leader.request(Fetch, 12, { ...(fetchBody({ rackId: 'b', sessionId: full.sessionId, sessionEpoch: 1 }) as object), topics: [] })
  t.equal(inc.responses.length, 1, 'nothing changed, but the redirect is answered again')
  t.equal(part(inc).preferredReadReplica, 2)
})

t.test('without the rack-aware selector nothing changes', async t => {
  for (const configs of [{}, { 'replica.selector.class': LEADER_SELECTOR }]) {
    const { to } = await setup(t, configs)
    const p = part(await (await to(1)).request(Fetch, 12, fetchBody({ rackId: 'b' })))
    t.same([p.preferredReadReplica, p.records.length > 0], [-1, true], JSON.stringify(configs))
  }
})

t.test('racks and the selector class are checked', async t => {
  t.equal(checkRacks(undefined, 3), undefined)
  t.same(checkRacks(['a', null], 2), ['a', null])
  t.throws(() => checkRacks(['a'], 2), /one rack per broker: 2 brokers, 1 racks/)
  t.throws(() => checkRacks(['a', ''], 2), /broker 1's rack must be a non-empty string or null, got ""/)
  t.throws(() => checkRacks(['a', 7 as unknown as string], 2), ConfigError)
  for (const ok of [undefined, '', RACK_AWARE_REPLICA_SELECTOR, LEADER_SELECTOR]) t.doesNotThrow(() => { checkReplicaSelector(ok) })
  t.throws(() => { checkReplicaSelector('x.Y') }, /replica\.selector\.class.*got "x\.Y"/)
  await t.rejects(FakeCluster.start({ brokers: 2, racks: ['a'] }), /racks/)
})
