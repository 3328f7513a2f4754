import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlterPartitionReassignments, ApiVersions, DescribeLogDirs, DescribeQuorum, ElectLeaders, ListPartitionReassignments, Metadata, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// DescribeLogDirs (35), ElectLeaders (43), AlterPartitionReassignments (45), ListPartitionReassignments (46) and
// DescribeQuorum (55) over the wire, at every version the fake broker advertises. Brokers are 1..n; topic t's
// partition i has replicas starting at broker i+1 (p0 [1,2,3], p1 [2,3,1], p2 [3,1,2]).

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 't', partitions: 3 }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

async function connectTo (t: any, cluster: FakeCluster, id: number): Promise<RawClient> {
  const b = cluster.state.broker(id)!
  const c = await RawClient.connect(`${b.host}:${b.port}`)
  t.teardown(() => { c.close() })
  return c
}

const partition = (cluster: FakeCluster, i: number, topic = 't') => cluster.state.partition(topic, i)!
const codes = (res: any): number[][] => res.replicaElectionResults.map((r: any) => r.partitionResult.map((p: any) => p.errorCode))

t.test('ApiVersions advertises the replica APIs with Kafka 4.4\'s ranges', async t => {
  const { client } = await setup(t)
  const res = await client.request(ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
  const range = (key: number) => ((k: any) => k === undefined ? undefined : [k.minVersion, k.maxVersion])(res.apiKeys.find((k: any) => k.apiKey === key))
  t.same([range(35), range(43), range(45), range(46), range(55)], [[1, 5], [0, 2], [0, 1], [0, 0], [0, 2]])
})

t.test('DescribeLogDirs v1-5: the broker\'s directory, the partitions it holds and their sizes', async t => {
  const { cluster, client } = await setup(t, { brokers: 2, topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }] })
  await cluster.state.createTopic('solo', 1, 'create', { assignments: [[2]] })
  const produced = await client.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: 'hello' }, { value: 'world' }]) }] }] })
  t.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE)
  const size = partition(cluster, 0).log.sizeBytes
  t.ok(size > 0)
  for (let v = 1; v <= 5; v++) {
    const res = await client.request(DescribeLogDirs, v, { topics: null })
    t.equal(res.results.length, 1, `v${v}: one directory`)
    const [dir] = res.results
    t.same([dir.errorCode, dir.logDir], [ErrorCode.NONE, '/var/lib/kafka-direct/broker-1'])
    t.same(dir.topics.map((x: any) => x.name), ['t', 'u'], 'solo lives on broker 2 only')
    const p0 = dir.topics[0].partitions.find((p: any) => p.partitionIndex === 0)
    t.same([p0.partitionSize, p0.offsetLag, p0.isFutureKey], [BigInt(size), 0n, false])
    t.equal(dir.topics[0].partitions.find((p: any) => p.partitionIndex === 1).partitionSize, 0n)
    if (v >= 4) {
      t.ok(dir.totalBytes > 0n && dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes, `v${v}: volume bytes`)
    } else {
      t.same([dir.totalBytes, dir.usableBytes], [-1n, -1n], `v${v}: no volume bytes`)
    }
    t.equal(dir.isCordoned, false)
  }
  const some = await client.request(DescribeLogDirs, 4, { topics: [{ topic: 't', partitions: [1, 7] }, { topic: 'nope', partitions: [0] }, { topic: 't', partitions: [1] }, { topic: 'solo', partitions: [0] }] })
  t.same(some.results[0].topics.map((x: any) => [x.name, x.partitions.map((p: any) => p.partitionIndex)]), [['t', [1]]], 'unknown topics, partitions and other brokers\' replicas are left out')
  const onTwo = await connectTo(t, cluster, 2)
  const two = await onTwo.request(DescribeLogDirs, 5, { topics: [{ topic: 'solo', partitions: [0] }] })
  t.same([two.results[0].logDir, two.results[0].topics.map((x: any) => x.name)], ['/var/lib/kafka-direct/broker-2', ['solo']])
})

t.test('DescribeLogDirs with a data directory reports it and its volume', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-logdirs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const { client } = await setup(t, { dataDir: dir, brokers: 1, topics: [{ name: 't' }] })
  const res = await client.request(DescribeLogDirs, 4, { topics: null })
  t.equal(res.results[0].logDir, dir)
  t.ok(res.results[0].totalBytes > 0n && res.results[0].usableBytes >= 0n)
})

t.test('ElectLeaders PREFERRED (v0-2): moves leadership back, or says why not', async t => {
  const { cluster, client } = await setup(t)
  for (let v = 0; v <= 2; v++) {
    cluster.state.moveLeader('t', 0, 2)
    const epoch = partition(cluster, 0).leaderEpoch
    const res = await client.request(ElectLeaders, v, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1, 9] }, { topic: 'nope', partitions: [0] }], timeoutMs: 1000 })
    t.equal(res.errorCode, ErrorCode.NONE)
    t.same(codes(res), [[ErrorCode.NONE, ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]], `v${v}`)
    t.same(res.replicaElectionResults.map((r: any) => r.partitionResult.map((p: any) => p.errorMessage)), [[null, 'Leader election not needed for topic partition.', 'No such partition as t-9'], ['No such topic as nope']])
    t.same([partition(cluster, 0).leaderId, partition(cluster, 0).leaderEpoch], [1, epoch + 1], 'the preferred replica leads, in a new epoch')
  }
  // The preferred replica out of the ISR: the current leader stays.
  cluster.state.moveLeader('t', 0, 2)
  cluster.faults.shrinkIsr('t', 0, [1])
  const stuck = await client.request(ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 })
  t.same(codes(stuck), [[ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE]])
  t.equal(partition(cluster, 0).leaderId, 2)
})

t.test('ElectLeaders for all partitions leaves out those that need no election', async t => {
  const { cluster, client } = await setup(t)
  cluster.state.moveLeader('t', 2, 1)
  const res = await client.request(ElectLeaders, 1, { electionType: 0, topicPartitions: null, timeoutMs: 1000 })
  t.same(res.replicaElectionResults.map((r: any) => [r.topic, r.partitionResult.map((p: any) => [p.partitionId, p.errorCode])]), [['t', [[2, ErrorCode.NONE]]]])
  t.equal(partition(cluster, 2).leaderId, 3)
})

t.test('ElectLeaders UNCLEAN (v1-2): only a leaderless partition, clean when it can be, else the first live replica', async t => {
  const { cluster } = await setup(t)
  const client = await connectTo(t, cluster, 3)
  const unclean = async (v: number, p: number): Promise<number> => codes(await client.request(ElectLeaders, v, { electionType: 1, topicPartitions: [{ topic: 't', partitions: [p] }], timeoutMs: 1000 }))[0][0]
  t.equal(await unclean(1, 0), ErrorCode.ELECTION_NOT_NEEDED, 'p0 has a leader')
  // p0 [1,2,3]: only the leader in sync, then its broker stops: no leader.
  cluster.faults.shrinkIsr('t', 0)
  await cluster.faults.brokerDown(1)
  t.same([partition(cluster, 0).leaderId, partition(cluster, 0).isr], [-1, [1]])
  const epoch = partition(cluster, 0).leaderEpoch
  t.equal(await unclean(2, 0), ErrorCode.NONE)
  t.same([partition(cluster, 0).leaderId, partition(cluster, 0).isr, partition(cluster, 0).leaderEpoch], [2, [2], epoch + 1], 'out-of-sync broker 2 leads alone')
  // Every replica down: nothing to elect.
  cluster.faults.shrinkIsr('t', 1)
  await cluster.faults.brokerDown(2)
  await cluster.faults.brokerDown(3)
  const last = await RawClient.connect((() => { const b = cluster.state.broker(2)!; return `${b.host}:${b.port}` })()).catch(() => undefined)
  t.equal(last, undefined, 'broker 2 is down')
  await cluster.faults.brokerUp(1)
  const c1 = await connectTo(t, cluster, 1)
  // p1 [2,3,1]: its ISR was [2] (down), broker 1 is live but out of sync.
  t.equal(partition(cluster, 1).leaderId, -1)
  const res = await c1.request(ElectLeaders, 1, { electionType: 1, topicPartitions: [{ topic: 't', partitions: [1] }], timeoutMs: 1000 })
  t.same(codes(res), [[ErrorCode.NONE]])
  t.same([partition(cluster, 1).leaderId, partition(cluster, 1).isr], [1, [1]])
  await cluster.faults.brokerDown(1)
  await cluster.faults.brokerUp(3)
  const c3 = await connectTo(t, cluster, 3)
  // p0 now [1,2,3] with ISR [2] and brokers 1 and 2 down; broker 3 is live: unclean election picks it.
  t.equal(codes(await c3.request(ElectLeaders, 2, { electionType: 1, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 }))[0][0], ErrorCode.NONE)
  t.equal(partition(cluster, 0).leaderId, 3)
  // A partition whose replicas are all down.
  await cluster.state.createTopic('lonely', 1, 'create', { assignments: [[1]] })
  t.equal(partition(cluster, 0, 'lonely').leaderId, -1)
  t.equal(codes(await c3.request(ElectLeaders, 2, { electionType: 1, topicPartitions: [{ topic: 'lonely', partitions: [0] }], timeoutMs: 1000 }))[0][0], ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE)
  t.equal(codes(await c3.request(ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'lonely', partitions: [0] }], timeoutMs: 1000 }))[0][0], ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE)
  const bad = await c3.request(ElectLeaders, 2, { electionType: 7, topicPartitions: null, timeoutMs: 1000 })
  t.same([bad.errorCode, bad.replicaElectionResults], [ErrorCode.INVALID_REQUEST, []])
})

t.test('ElectLeaders PREFERRED on a leaderless partition takes another in-sync replica', async t => {
  const { cluster, client } = await setup(t)
  // p1 [2,3,1]: broker 2 down moves leadership to 3; then 3's leadership is dropped by hand.
  await cluster.faults.brokerDown(2)
  partition(cluster, 1).leaderId = -1
  const res = await client.request(ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [1] }], timeoutMs: 1000 })
  t.same(codes(res), [[ErrorCode.NONE]])
  t.equal(partition(cluster, 1).leaderId, 3)
})

t.test('AlterPartitionReassignments v0-1 moves replicas at once by default; the leader moves if removed', async t => {
  const { cluster, client } = await setup(t, { brokers: 4 })
  const c = client
  for (let v = 0; v <= 1; v++) {
    const p = partition(cluster, v)
    const before = { leader: p.leaderId, epoch: p.leaderEpoch, replicas: [...p.replicas] }
    const spare = [1, 2, 3, 4].find(id => !before.replicas.includes(id))!
    const target = [spare, ...before.replicas.slice(1)]
    const res = await c.request(AlterPartitionReassignments, v, { timeoutMs: 1000, allowReplicationFactorChange: true, topics: [{ name: 't', partitions: [{ partitionIndex: v, replicas: target }] }] })
    t.same([res.errorCode, res.errorMessage, res.responses[0].partitions[0].errorCode, res.responses[0].partitions[0].errorMessage], [ErrorCode.NONE, null, ErrorCode.NONE, null], `v${v}`)
    t.equal(res.allowReplicationFactorChange, true)
    t.same([...p.replicas], target, 'the replicas are the target')
    t.same([...p.isr].sort(), [...target].sort(), 'the new replica caught up and the old one left the ISR')
    t.equal(p.leaderId, target.find(id => p.isr.includes(id)), 'the removed leader gave way to the first in-sync target replica')
    t.equal(p.leaderEpoch, before.epoch + 1)
    t.equal(p.reassignment, undefined)
    const md = await c.request(Metadata, 12, { topics: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    const mp = md.topics[0].partitions.find((x: any) => x.partitionIndex === v)
    t.same([mp.replicaNodes, mp.leaderEpoch], [target, before.epoch + 1], 'Metadata shows the move')
  }
  // Reordering only: no leader change, no epoch bump, nothing in progress.
  const p2 = partition(cluster, 2)
  const epoch = p2.leaderEpoch
  const reordered = [...p2.replicas].reverse()
  await c.request(AlterPartitionReassignments, 1, { timeoutMs: 1000, allowReplicationFactorChange: true, topics: [{ name: 't', partitions: [{ partitionIndex: 2, replicas: reordered }] }] })
  t.same([[...p2.replicas], p2.leaderEpoch, p2.leaderId], [reordered, epoch, 3])
})

t.test('AlterPartitionReassignments refuses what Kafka refuses, each partition on its own', async t => {
  const { cluster, client } = await setup(t)
  const res = await client.request(AlterPartitionReassignments, 1, {
    timeoutMs: 1000,
    allowReplicationFactorChange: false,
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, replicas: [] }, { partitionIndex: 1, replicas: [1, 9, 7] }, { partitionIndex: 2, replicas: [2, 2, 1] }, { partitionIndex: 5, replicas: [1] }, { partitionIndex: 0, replicas: [1, 2] }, { partitionIndex: 1, replicas: null }] },
      { name: 'nope', partitions: [{ partitionIndex: 0, replicas: [1] }] }
    ]
  })
  t.equal(res.allowReplicationFactorChange, false)
  t.same(res.responses.map((r: any) => r.partitions.map((p: any) => [p.errorCode, p.errorMessage])), [[
    [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.'],
    [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
    [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes the broker 2 more than once.'],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find partition t:5.'],
    [ErrorCode.INVALID_REPLICATION_FACTOR, 'The replication factor is changed from 3 to 2'],
    [ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, null]
  ], [[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'Unable to find a topic named nope.']]])
  t.same([...partition(cluster, 0).replicas], [1, 2, 3], 'nothing moved')
  cluster.faults.failNext('AlterPartitionReassignments', 1, ErrorCode.NOT_CONTROLLER, { topic: 't' })
  const injected = await client.request(AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1] }] }] })
  t.equal(injected.responses[0].partitions[0].errorCode, ErrorCode.NOT_CONTROLLER)
})

t.test('a reassignment in progress: listed, cancelled, replaced, completed after the delay or when its broker starts', async t => {
  const { cluster, client } = await setup(t, { brokers: 4, reassignmentDelayMs: 150 })
  const alter = async (partitions: unknown[]): Promise<any> => (await client.request(AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 't', partitions }] })).responses[0].partitions
  const list = async (topics: unknown = null): Promise<any> => (await client.request(ListPartitionReassignments, 0, { timeoutMs: 1000, topics }))
  t.same((await list()).topics, [], 'nothing in progress')
  const p0 = partition(cluster, 0)
  const epoch = p0.leaderEpoch
  await alter([{ partitionIndex: 0, replicas: [4, 3, 2] }])
  const listed = await list()
  t.same([listed.errorCode, listed.errorMessage], [ErrorCode.NONE, null])
  t.same(listed.topics, [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [4, 3, 2, 1], addingReplicas: [4], removingReplicas: [1] }] }])
  t.same([p0.leaderId, p0.leaderEpoch], [1, epoch], 'the old leader leads until the move completes')
  t.same((await list([{ name: 't', partitionIndexes: [1, 0, 8] }, { name: 'nope', partitionIndexes: [0] }])).topics.map((x: any) => x.partitions.map((p: any) => p.partitionIndex)), [[0]])
  t.same((await list([{ name: 't', partitionIndexes: [1] }])).topics, [])
  // Cancelled: back to the original replicas, in the order the reassignment left them (Kafka's
  // PartitionReassignmentRevert removes the adding ones from the current list), the new one gone (epoch bumped:
  // the replica set shrank).
  t.same((await alter([{ partitionIndex: 0, replicas: null }])).map((p: any) => p.errorCode), [ErrorCode.NONE])
  t.same([[...p0.replicas], p0.isr.includes(4), p0.leaderId, p0.leaderEpoch, p0.reassignment], [[3, 2, 1], false, 1, epoch + 1, undefined])
  // Completed once the delay is over.
  await alter([{ partitionIndex: 0, replicas: [4, 3, 2] }])
  await alter([{ partitionIndex: 0, replicas: [4, 2, 3] }])
  // Computed from the current list, which already holds 4: nothing left to add, only 1 to remove (as Kafka does).
  t.same((await list()).topics[0].partitions[0], { partitionIndex: 0, replicas: [4, 2, 3, 1], addingReplicas: [], removingReplicas: [1] }, 'a new target replaces the one in progress')
  await new Promise(resolve => setTimeout(resolve, 250))
  t.same((await list()).topics, [])
  t.same([[...p0.replicas], p0.leaderId, p0.leaderEpoch], [[4, 2, 3], 4, epoch + 2])
  // A new replica on a stopped broker holds the move until the broker starts.
  await cluster.state.createTopic('m', 1, 'create', { assignments: [[2, 3]] })
  await cluster.faults.brokerDown(4)
  const m = partition(cluster, 0, 'm')
  const moved = await client.request(AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 'm', partitions: [{ partitionIndex: 0, replicas: [2, 3, 4] }] }] })
  t.equal(moved.responses[0].partitions[0].errorCode, ErrorCode.NONE)
  await new Promise(resolve => setTimeout(resolve, 250))
  t.same((await list()).topics.map((x: any) => [x.name, x.partitions.map((p: any) => [p.addingReplicas, p.removingReplicas])]), [['m', [[[4], []]]]], 'still waiting for broker 4')
  await cluster.faults.brokerUp(4)
  t.same([(await list()).topics, [...m.replicas], m.isr.includes(4)], [[], [2, 3, 4], true])
})

t.test('cancelling when only new replicas are in sync needs unclean.leader.election.enable', async t => {
  const { cluster, client } = await setup(t, { brokers: 4, reassignmentDelayMs: 60_000 })
  const p0 = partition(cluster, 0)
  await client.request(AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [4] }] }] })
  p0.isr = [4]
  const cancel = async (): Promise<any> => (await client.request(AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: null }] }] })).responses[0].partitions[0]
  t.same(await cancel(), { partitionIndex: 0, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'Unable to revert partition assignment for t:0 because it would require an unclean leader election.' })
  cluster.state.configs.setTopicConfigs('t', [{ name: 'unclean.leader.election.enable', value: 'true' }])
  t.equal((await cancel()).errorCode, ErrorCode.NONE)
  t.same([[...p0.replicas], p0.isr], [[1, 2, 3], [1]])
})

t.test('DescribeQuorum v0-2: one voter, the controller; the other brokers observe', async t => {
  const { cluster, client } = await setup(t)
  const ask = { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }
  let lastHw = -1n
  for (let v = 0; v <= 2; v++) {
    const res = await client.request(DescribeQuorum, v, ask)
    t.equal(res.errorCode, ErrorCode.NONE)
    const p = res.topics[0].partitions[0]
    t.same([res.topics[0].topicName, p.partitionIndex, p.errorCode, p.leaderId, p.leaderEpoch], ['__cluster_metadata', 0, ErrorCode.NONE, 1, 1], `v${v}`)
    t.ok(p.highWatermark >= 1n && p.highWatermark >= lastHw)
    lastHw = p.highWatermark
    t.same(p.currentVoters.map((r: any) => [r.replicaId, r.logEndOffset]), [[1, p.highWatermark]])
    t.same(p.observers.map((r: any) => r.replicaId), [2, 3])
    if (v >= 1) {
      t.ok(p.currentVoters[0].lastFetchTimestamp > 0n && p.observers[0].lastFetchTimestamp > 0n && p.currentVoters[0].lastCaughtUpTimestamp > 0n)
    } else {
      t.equal(p.observers[0].lastFetchTimestamp, -1n, 'v0 has no timestamps')
    }
    if (v >= 2) {
      const b = cluster.state.broker(1)!
      t.same(res.nodes, [{ nodeId: 1, listeners: [{ name: 'PLAINTEXT', host: b.host, port: b.port }] }])
      t.match(p.currentVoters[0].replicaDirectoryId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/)
      t.not(p.currentVoters[0].replicaDirectoryId, p.observers[0].replicaDirectoryId)
      t.same([res.errorMessage, p.errorMessage], ['', ''], 'Kafka\'s default message, ""')
    }
  }
  await cluster.faults.brokerDown(1)
  const c2 = await connectTo(t, cluster, 2)
  const after = (await c2.request(DescribeQuorum, 2, ask)).topics[0].partitions[0]
  t.same([after.leaderId, after.leaderEpoch, after.observers.map((r: any) => r.replicaId)], [2, 2, [3]], 'the controller moved: a new epoch')
  const wrong = await c2.request(DescribeQuorum, 2, { topics: [{ topicName: 't', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }] })
  t.same(wrong.topics[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode, p.errorMessage]), [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'], [1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.']])
  t.same([wrong.errorCode, wrong.nodes], [ErrorCode.NONE, []])
})
