import t from 'tap'
import { Fetch, Metadata, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

const fetchBody = (partition: number) => ({
  maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic: 't', partitions: [{ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
  forgottenTopicsData: [], rackId: ''
})

async function setup (t: any, brokers = 1): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: 't', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

t.test('failNext fails the next N requests of an API, optionally for one partition only', async t => {
  const { cluster, client } = await setup(t)
  cluster.faults.failNext('Fetch', 2, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 't', partition: 1 })
  const codes = async (): Promise<number[]> => {
    const res = await client.request(Fetch, 11, { ...fetchBody(0), topics: [{ topic: 't', partitions: [0, 1].map(p => ({ partition: p, fetchOffset: 0n, partitionMaxBytes: 1000 })) }] })
    return res.responses[0].partitions.map((p: any) => p.errorCode)
  }
  t.same(await codes(), [0, ErrorCode.NOT_LEADER_OR_FOLLOWER])
  t.same(await codes(), [0, ErrorCode.NOT_LEADER_OR_FOLLOWER])
  t.same(await codes(), [0, 0], 'used up')
  cluster.faults.failNext(3, 1, ErrorCode.LEADER_NOT_AVAILABLE)
  const md = await client.request(Metadata, 1, { topics: null })
  t.equal(md.topics[0].errorCode, ErrorCode.LEADER_NOT_AVAILABLE)
  t.equal((await client.request(Metadata, 1, { topics: null })).topics[0].errorCode, 0)
})

t.test('addLatency delays requests without changing their answers', async t => {
  const { cluster, client } = await setup(t)
  const remove = cluster.faults.addLatency(20, 'Metadata')
  t.equal((await client.request(Metadata, 1, { topics: null })).topics.length, 1)
  remove()
})

t.test('dropConnectionMidResponse cuts a response short and closes only that connection', async t => {
  const { cluster, client } = await setup(t)
  const other = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { other.close() })
  cluster.faults.dropConnectionMidResponse('Metadata')
  client.sendRequest(Metadata, 1, { topics: null })
  t.equal(await client.nextFrame(), undefined, 'no whole frame arrives')
  await client.closed
  t.equal((await other.request(Metadata, 1, { topics: null })).topics.length, 1)
})

t.test('a broker taken down closes its connections, loses its leaderships, and comes back on its port', async t => {
  const { cluster } = await setup(t, 2)
  const [b1, b2] = cluster.state.brokers
  const before = cluster.bootstrap
  const c1 = await RawClient.connect(`127.0.0.1:${b1.port}`)
  t.teardown(() => { c1.close() })
  await cluster.faults.brokerDown(1)
  await c1.closed
  const c2 = await RawClient.connect(`127.0.0.1:${b2.port}`)
  t.teardown(() => { c2.close() })
  const md = await c2.request(Metadata, 5, { topics: null, allowAutoTopicCreation: false })
  t.same(md.brokers.map((b: any) => b.nodeId), [2])
  t.ok(md.topics[0].partitions.every((p: any) => p.leaderId === 2), 'leaders moved to the live replica')
  t.ok(md.topics[0].partitions.every((p: any) => p.offlineReplicas.includes(1)))
  await cluster.faults.brokerUp(1)
  t.equal(cluster.bootstrap, before)
  const again = await RawClient.connect(`127.0.0.1:${b1.port}`)
  t.teardown(() => { again.close() })
  t.equal((await again.request(Metadata, 1, { topics: null })).brokers.length, 2)
})

t.test('moveLeader bumps the leader epoch and redirects produce', async t => {
  const { cluster } = await setup(t, 2)
  const p = cluster.state.partition('t', 0)!
  const [oldLeader, epoch] = [p.leaderId, p.leaderEpoch]
  const newLeader = oldLeader === 1 ? 2 : 1
  cluster.faults.moveLeader('t', 0, newLeader)
  t.equal(p.leaderEpoch, epoch + 1)
  const c = await RawClient.connect(`127.0.0.1:${cluster.state.broker(oldLeader)!.port}`)
  t.teardown(() => { c.close() })
  const res = await c.request(Produce, 7, { acks: 1, timeoutMs: 100, topicData: [{ name: 't', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'x' }]) }] }] })
  t.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  const stale = { ...fetchBody(0), topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 100, currentLeaderEpoch: epoch }] }] }
  const notLeader = await c.request(Fetch, 10, stale)
  t.equal(notLeader.responses[0].partitions[0].errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  // From v11 a follower serves consumers (KIP-392), after the epoch check, as Kafka's Partition.readRecords does.
  const fenced = await c.request(Fetch, 11, stale)
  t.equal(fenced.responses[0].partitions[0].errorCode, ErrorCode.FENCED_LEADER_EPOCH)
})

t.test('a custom interceptor sees every request', async t => {
  const { cluster, client } = await setup(t)
  const seen: string[] = []
  cluster.faults.intercept(req => { seen.push(`${req.apiName} v${req.version}`); return undefined })
  await client.request(Metadata, 1, { topics: null })
  t.same(seen, ['Metadata v1'])
})
