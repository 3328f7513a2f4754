import t from 'tap'
import { CreateTopics, Metadata, OffsetForLeaderEpoch, Produce, Fetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { runControlCommand } from '../../../tools/fake-broker/control-commands.js'
import { RawClient } from './raw-client.js'

// Replicas and ISR on the fake broker (cluster-state.ts, replica-faults.ts): where replicas go, what a stopped
// broker does to the ISR and to leadership, acks=all against min.insync.replicas, and the replica faults.

async function start (t: any, brokers = 3): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: 't', partitions: 3 }] })
  t.teardown(() => cluster.stop())
  return cluster
}

async function client (t: any, cluster: FakeCluster, brokerId?: number): Promise<RawClient> {
  const addr = brokerId === undefined ? cluster.bootstrap : (() => { const b = cluster.state.broker(brokerId)!; return `${b.host}:${b.port}` })()
  const c = await RawClient.connect(addr)
  t.teardown(() => c.close())
  return c
}

async function partitionMeta (c: RawClient, topic: string, partition: number): Promise<any> {
  const md = await c.request(Metadata, 12, { topics: [{ name: topic, topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  return md.topics[0].partitions.find((p: any) => p.partitionIndex === partition)
}

async function produce (c: RawClient, topic: string, partition: number, acks: number, values: string[]): Promise<any> {
  const res = await c.request(Produce, 9, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeRecordBatch(values.map(value => ({ value }))) }] }] })
  return res.responses[0].partitionResponses[0]
}

t.test('every partition has min(3, brokers) replicas spread over the brokers, all in sync, the first leading', async t => {
  const cluster = await start(t, 4)
  const c = await client(t, cluster)
  for (let p = 0; p < 3; p++) {
    const m = await partitionMeta(c, 't', p)
    t.equal(m.replicaNodes.length, 3)
    t.equal(new Set(m.replicaNodes).size, 3)
    t.same(m.isrNodes, m.replicaNodes)
    t.same(m.offlineReplicas, [])
    t.equal(m.leaderId, m.replicaNodes[0])
  }
  const leaders = new Set(cluster.state.topics.get('t')!.partitions.map(p => p.leaderId))
  t.equal(leaders.size, 3, 'leadership is spread')
})

t.test('CreateTopics: replication factor given, -1 for the default, manual assignments, and refusals', async t => {
  const cluster = await start(t, 3)
  const c = await client(t, cluster)
  const create = async (topics: unknown[]): Promise<any[]> => (await c.request(CreateTopics, 7, { topics, timeoutMs: 1000, validateOnly: false })).topics
  const [one, dflt, manual, tooMany, badAssign] = await create([
    { name: 'rf1', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
    { name: 'rfd', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] },
    { name: 'man', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [3, 1] }, { partitionIndex: 1, brokerIds: [2, 3] }], configs: [] },
    { name: 'rf4', numPartitions: 1, replicationFactor: 4, assignments: [], configs: [] },
    { name: 'bad', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 9] }], configs: [] }
  ])
  t.same([one.errorCode, one.replicationFactor], [0, 1])
  t.same([dflt.errorCode, dflt.replicationFactor], [0, 3])
  t.same([manual.errorCode, manual.replicationFactor, manual.numPartitions], [0, 2, 2])
  t.equal(tooMany.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR)
  t.equal(badAssign.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT)
  t.equal((await partitionMeta(c, 'rf1', 1)).replicaNodes.length, 1)
  const m0 = await partitionMeta(c, 'man', 0)
  t.same([m0.replicaNodes, m0.leaderId], [[3, 1], 3], 'the first assigned broker leads')
  t.same((await partitionMeta(c, 'man', 1)).replicaNodes, [2, 3])
})

t.test('a stopped broker leaves the ISR and shows as offline; it rejoins when it comes back; leaders move within the ISR', async t => {
  const cluster = await start(t, 3)
  const p0 = cluster.state.partition('t', 0)!
  const [leader, f1, f2] = p0.replicas
  const c = await client(t, cluster, f2)
  await cluster.faults.brokerDown(f1)
  let m = await partitionMeta(c, 't', 0)
  t.same([m.isrNodes, m.offlineReplicas, m.leaderId], [[leader, f2], [f1], leader])
  await cluster.faults.brokerDown(leader)
  m = await partitionMeta(c, 't', 0)
  t.same([m.isrNodes, m.leaderId, m.leaderEpoch], [[f2], f2, 1], 'the last in-sync replica leads')
  await cluster.faults.brokerDown(f2)
  t.same([p0.isr, p0.leaderId], [[f2], -1], 'the ISR keeps its last member; no leader')
  await cluster.faults.brokerUp(f1)
  const c3 = await client(t, cluster, f1)
  m = await partitionMeta(c3, 't', 0)
  t.same([m.errorCode, m.leaderId, m.isrNodes, m.offlineReplicas.sort()], [ErrorCode.LEADER_NOT_AVAILABLE, -1, [f2], [leader, f2].sort()],
    'an out-of-sync replica does not lead (clean election); the ISR still names its last member')
  await cluster.faults.brokerUp(f2)
  m = await partitionMeta(c3, 't', 0)
  t.same([m.errorCode, m.leaderId, m.leaderEpoch], [ErrorCode.NONE, f2, 3], 'the last in-sync replica leads again (epoch 2 was "no leader")')
  t.same(cluster.state.partition('t', 0)!.isr, [f2, f1], 'the replica that waited catches up from the new leader')
  await cluster.faults.brokerUp(leader)
  t.same(cluster.state.partition('t', 0)!.isr, [f2, f1, leader])
})

t.test('acks=all below min.insync.replicas answers NOT_ENOUGH_REPLICAS and appends nothing; acks=1 still writes', async t => {
  const cluster = await start(t, 3)
  cluster.state.configs.setTopicConfigs('t', [{ name: 'min.insync.replicas', value: '2' }])
  const p0 = cluster.state.partition('t', 0)!
  const c = await client(t, cluster, p0.leaderId)
  t.equal((await produce(c, 't', 0, -1, ['a'])).errorCode, 0, 'three in sync')
  cluster.faults.shrinkIsr('t', 0, [p0.replicas[1]])
  t.equal((await produce(c, 't', 0, -1, ['b'])).errorCode, 0, 'two in sync')
  t.same(cluster.faults.shrinkIsr('t', 0), [p0.leaderId], 'all followers out')
  const refused = await produce(c, 't', 0, -1, ['c'])
  t.equal(refused.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS)
  t.match(refused.errorMessage, /ISR 1 is insufficient .* min.isr requirement of 2/)
  t.equal(cluster.highWatermark('t', 0), 2n, 'nothing appended')
  t.equal((await produce(c, 't', 0, 1, ['d'])).errorCode, 0, 'acks=1 does not wait for the ISR')
  t.same(cluster.faults.expandIsr('t', 0).sort(), [...p0.replicas].sort())
  t.equal((await produce(c, 't', 0, -1, ['e'])).errorCode, 0, 'back in sync')
  t.equal(cluster.highWatermark('t', 0), 4n)
  t.throws(() => cluster.faults.shrinkIsr('t', 0, [p0.leaderId]), { name: 'ConfigError', message: /leader/ })
  await cluster.faults.brokerDown(p0.replicas[2])
  t.throws(() => cluster.faults.expandIsr('t', 0, [p0.replicas[2]]), { name: 'ConfigError', message: /down/ })
})

t.test('a leader moved to a lagging replica truncates the log, and OffsetForLeaderEpoch answers the diverging epoch', async t => {
  const cluster = await start(t, 3)
  const p0 = cluster.state.partition('t', 0)!
  cluster.produce('t', 0, [{ value: '0' }, { value: '1' }])
  cluster.produce('t', 0, [{ value: '2' }, { value: '3' }])
  cluster.produce('t', 0, [{ value: '4' }])
  const follower = p0.replicas[1]
  // The follower had the first two batches only: offsets 0..3; 4 is lost.
  t.equal(cluster.faults.moveLeaderToLaggingReplica('t', 0, follower, 4n), 4n)
  t.same([p0.leaderId, p0.leaderEpoch], [follower, 1])
  const c = await client(t, cluster, follower)
  const ofle = await c.request(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }] }] })
  t.same([ofle.topics[0].partitions[0].errorCode, ofle.topics[0].partitions[0].leaderEpoch, ofle.topics[0].partitions[0].endOffset], [0, 0, 4n], 'epoch 0 ends at 4: a consumer at 5 must truncate')
  // A fetch from the lost offset is out of range; new records take the lost offsets in the new epoch.
  const f = await c.request(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 1, fetchOffset: 5n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' })
  t.equal(f.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
  t.equal(cluster.produce('t', 0, [{ value: 'new' }]), 4n)
  const again = await c.request(OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 }] }] })
  t.equal(again.topics[0].partitions[0].endOffset, 4n)
  // An end inside a batch cuts the whole batch: the follower never holds part of one.
  t.equal(cluster.faults.moveLeaderToLaggingReplica('t', 0, p0.replicas[2], 3n), 2n)
  t.equal(cluster.highWatermark('t', 0), 2n)
})

t.test('after truncation, a Fetch v12+ naming its lastFetchedEpoch gets the diverging epoch instead of records (KIP-595)', async t => {
  const cluster = await start(t, 3)
  const p0 = cluster.state.partition('t', 0)!
  cluster.produce('t', 0, [{ value: '0' }, { value: '1' }, { value: '2' }])
  cluster.produce('t', 0, [{ value: '3' }, { value: '4' }])
  // A reader got offsets 0..4 in epoch 0; the new leader had 0..2 only, and writes 3..5 in epoch 1.
  cluster.faults.moveLeaderToLaggingReplica('t', 0, p0.replicas[1], 3n)
  cluster.produce('t', 0, [{ value: 'x' }, { value: 'y' }, { value: 'z' }])
  const c = await client(t, cluster, p0.replicas[1])
  const fetch = async (version: number, lastFetchedEpoch: number, fetchOffset: bigint, session: [number, number] = [0, -1]): Promise<any> => (await c.request(Fetch, version, {
    replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: session[0], sessionEpoch: session[1],
    topics: [{ topic: 't', topicId: cluster.state.topics.get('t')!.id, partitions: [{ partition: 0, currentLeaderEpoch: 1, fetchOffset, lastFetchedEpoch, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: ''
  }))
  const diverged = (await fetch(12, 0, 5n)).responses[0].partitions[0]
  // Answered at once although minBytes is not met, with the marks and no records.
  t.same([diverged.errorCode, diverged.divergingEpoch, diverged.records.length, diverged.highWatermark], [ErrorCode.NONE, { epoch: 0, endOffset: 3n }, 0, 6n])
  t.same((await fetch(17, 0, 5n)).responses[0].partitions[0].divergingEpoch, { epoch: 0, endOffset: 3n }, 'by topic id too')
  // In step: epoch 0 ends at 3 and the reader is at 3; epoch 1 is current, so any offset up to its end is fine.
  const inStep = (await fetch(12, 0, 3n)).responses[0].partitions[0]
  t.same([inStep.errorCode, inStep.divergingEpoch, inStep.records.length > 0], [ErrorCode.NONE, { epoch: -1, endOffset: -1n }, true])
  t.same((await fetch(12, 1, 4n)).responses[0].partitions[0].divergingEpoch, { epoch: -1, endOffset: -1n })
  t.equal((await fetch(12, 1, 7n)).responses[0].partitions[0].divergingEpoch.endOffset, 6n, 'past the current epoch\'s end')
  t.equal((await fetch(12, 4, 2n)).responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE, 'an epoch the leader never had')
  const v11 = (await fetch(11, 0, 5n)).responses[0].partitions[0]
  t.same([v11.errorCode, v11.records.length > 0], [ErrorCode.NONE, true], 'v11 has no lastFetchedEpoch: the new epoch\'s records, unnoticed')
  // In a session, a diverging partition is answered every time, though nothing else about it changes.
  const full = await fetch(12, 0, 5n, [0, 0])
  t.ok(full.sessionId > 0)
  const again = await c.request(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 1, topics: [], forgottenTopicsData: [], rackId: '' })
  t.same(again.responses[0]?.partitions[0].divergingEpoch, { epoch: 0, endOffset: 3n })
})

t.test('unclean leader election: an out-of-sync replica leads alone and what it lacked is lost', async t => {
  const cluster = await start(t, 3)
  const p0 = cluster.state.partition('t', 0)!
  cluster.produce('t', 0, [{ value: 'a' }])
  cluster.produce('t', 0, [{ value: 'b' }])
  const [, f1] = p0.replicas
  t.throws(() => cluster.faults.uncleanLeaderElection('t', 0, f1), { name: 'ConfigError', message: /in the ISR/ })
  cluster.faults.shrinkIsr('t', 0, [f1])
  t.equal(cluster.faults.uncleanLeaderElection('t', 0, f1, 1n), 1n)
  t.same([p0.leaderId, p0.isr, p0.leaderEpoch], [f1, [f1], 1])
  const c = await client(t, cluster, f1)
  const m = await partitionMeta(c, 't', 0)
  t.same([m.leaderId, m.isrNodes], [f1, [f1]])
})

t.test('--control: shrink-isr, expand-isr, unclean-leader-election, lagging-leader', async t => {
  const cluster = await start(t, 3)
  const p0 = cluster.state.partition('t', 0)!
  const [l, f1, f2] = p0.replicas
  cluster.produce('t', 0, [{ value: 'a' }])
  cluster.produce('t', 0, [{ value: 'b' }])
  t.equal(await runControlCommand(cluster, `shrink-isr t 0 ${f1}`), `ok t 0 isr ${l},${f2}`)
  t.equal(await runControlCommand(cluster, 'expand-isr t 0'), `ok t 0 isr ${l},${f2},${f1}`)
  t.equal(await runControlCommand(cluster, 'shrink-isr t 0'), `ok t 0 isr ${l}`)
  t.equal(await runControlCommand(cluster, `unclean-leader-election t 0 ${f2}`), `ok t 0 leader ${f2} log end 2`)
  t.equal(await runControlCommand(cluster, `lagging-leader t 0 ${l} 1`), `ok t 0 leader ${l} log end 1`)
  await t.rejects(runControlCommand(cluster, 'lagging-leader t 0 99 1'), { name: 'ConfigError' })
  await t.rejects(runControlCommand(cluster, 'shrink-isr nope 0'), { name: 'ConfigError' })
})
