import t from 'tap'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { KafkaError, UnsupportedVersionError } from '../../../protocol/errors.js'
import { Admin } from '../../../consumer/admin/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { apiVersionsBody, replyClusterOfOne, startRawBroker, type RawRequest } from '../raw-broker.js'

// The Admin client's replica calls: describeLogDirs, electLeaders, alterPartitionReassignments,
// listPartitionReassignments and describeQuorum, against the fake broker (what they do) and against a hand-driven
// broker (old versions and top-level errors, which the fake broker never answers).

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, admin: Admin }> {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 't', partitions: 3 }], ...opts })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  return { cluster, admin }
}

t.test('describeLogDirs asks every broker, or the ones named, for the partitions asked', async t => {
  const { admin } = await setup(t)
  const all = await admin.describeLogDirs()
  t.same(all.map(d => [d.broker, d.error, d.logDir, d.partitions.length]), [
    [1, null, '/var/lib/kafka-direct/broker-1', 3], [2, null, '/var/lib/kafka-direct/broker-2', 3], [3, null, '/var/lib/kafka-direct/broker-3', 3]
  ])
  t.ok(all[0].totalBytes > 0n && all[0].isCordoned === false)
  t.same(all[0].partitions[0], { topic: 't', partition: 0, size: 0n, offsetLag: 0n, isFuture: false })
  const some = await admin.describeLogDirs([2], [{ topic: 't', partition: 1 }, { topic: 'ghost', partition: 0 }])
  t.same(some.map(d => [d.broker, d.partitions.map(p => `${p.topic}-${p.partition}`)]), [[2, ['t-1']]])
})

t.test('electLeaders: preferred and unclean, per-partition errors, and all partitions', async t => {
  const { cluster, admin } = await setup(t)
  cluster.state.moveLeader('t', 0, 2)
  const res = await admin.electLeaders('preferred', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 'ghost', partition: 0 }])
  t.same(res.map(r => [r.topic, r.partition, r.error?.errorName ?? null]), [['t', 0, null], ['t', 1, 'ELECTION_NOT_NEEDED'], ['ghost', 0, 'UNKNOWN_TOPIC_OR_PARTITION']])
  t.match(res[2].error?.message, /No such topic as ghost/)
  t.equal((await admin.describeTopics(['t']))[0].partitions[0].leader, 1, 'the metadata cache was refreshed')
  t.same(await admin.electLeaders('preferred'), [], 'nothing needs an election')
  t.same((await admin.electLeaders('unclean', [{ topic: 't', partition: 2 }])).map(r => r.error?.errorName), ['ELECTION_NOT_NEEDED'])
})

t.test('alterPartitionReassignments and listPartitionReassignments: a move in progress, then cancelled', async t => {
  const { cluster, admin } = await setup(t, { brokers: 4, reassignmentDelayMs: 60_000 })
  const res = await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [4, 2, 3] }, { topic: 't', partition: 1, replicas: [9] }])
  t.same(res.map(r => [r.partition, r.error?.errorName ?? null]), [[0, null], [1, 'INVALID_REPLICA_ASSIGNMENT']])
  t.same(await admin.listPartitionReassignments(), [{ topic: 't', partition: 0, replicas: [4, 2, 3, 1], adding: [4], removing: [1] }])
  t.same(await admin.listPartitionReassignments([{ topic: 't', partition: 1 }]), [])
  t.same((await admin.describeTopics(['t']))[0].partitions[0].replicas, [4, 2, 3, 1], 'Metadata shows old and new replicas while moving')
  const forbidden = await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [4, 2] }], { allowReplicationFactorChange: false })
  t.equal(forbidden[0].error?.errorName, 'INVALID_REPLICATION_FACTOR')
  const cancelled = await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: null }, { topic: 't', partition: 2, replicas: null }])
  t.same(cancelled.map(r => r.error?.errorName ?? null), [null, 'NO_REASSIGNMENT_IN_PROGRESS'])
  t.same([...cluster.state.partition('t', 0)!.replicas], [2, 3, 1])
})

t.test('describeQuorum: the controller is the one voter', async t => {
  const { admin } = await setup(t)
  const q = await admin.describeQuorum()
  t.same([q.leaderId, q.leaderEpoch, q.voters.map(v => v.replicaId), q.observers.map(o => o.replicaId)], [1, 1, [1], [2, 3]])
  t.equal(q.voters[0].logEndOffset, q.highWatermark)
  t.type(q.voters[0].directoryId, 'string')
  t.equal(q.nodes[0].nodeId, 1)
})

/** A one-broker cluster speaking only the given ranges of the replica APIs; `answer` gives the other bodies. */
async function rawAdmin (t: any, ranges: Array<[number, number, number]>, answer: (req: RawRequest) => object): Promise<Admin> {
  const broker = await startRawBroker(req => {
    if (req.api.name === 'ApiVersions') return req.reply(apiVersionsBody([[18, 0, 3], [3, 0, 12], ...ranges]))
    if (replyClusterOfOne(req, broker.port)) return
    req.reply(answer(req))
  })
  t.teardown(() => broker.close())
  const admin = await Admin.connect({ 'bootstrap.servers': broker.address })
  t.teardown(() => admin.close())
  return admin
}

t.test('against a broker speaking v0: no unclean elections, no forbidding replication factor changes', async t => {
  const admin = await rawAdmin(t, [[43, 0, 0], [45, 0, 0]], req => req.api.name === 'ElectLeaders'
    ? { throttleTimeMs: 0, replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }] }] }
    : { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [] })
  await t.rejects(admin.electLeaders('unclean', [{ topic: 't', partition: 0 }]), UnsupportedVersionError)
  t.same(await admin.electLeaders('preferred', [{ topic: 't', partition: 0 }]), [{ topic: 't', partition: 0, error: null }])
  await t.rejects(admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [1] }], { allowReplicationFactorChange: false }), UnsupportedVersionError)
  t.same(await admin.alterPartitionReassignments([{ topic: 't', partition: 0, replicas: [1] }]), [])
})

t.test('top-level errors throw; a broker\'s DescribeLogDirs error is its entry\'s', async t => {
  const admin = await rawAdmin(t, [[35, 1, 3], [43, 0, 2], [45, 0, 1], [46, 0, 0], [55, 0, 1]], req => {
    switch (req.api.name) {
      case 'DescribeLogDirs': return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] }
      case 'ElectLeaders': return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, replicaElectionResults: [] }
      case 'AlterPartitionReassignments': return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: 'moved', responses: [] }
      case 'ListPartitionReassignments': return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null, topics: [] }
      default: return { errorCode: 0, topics: [] }
    }
  })
  const [dir] = await admin.describeLogDirs()
  t.same([dir.broker, dir.error?.errorName, dir.logDir, dir.totalBytes], [1, 'CLUSTER_AUTHORIZATION_FAILED', '', -1n])
  await t.rejects(admin.electLeaders('preferred'), { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })
  await t.rejects(admin.alterPartitionReassignments([]), { errorCode: ErrorCode.NOT_CONTROLLER, message: /moved/ })
  await t.rejects(admin.listPartitionReassignments(), KafkaError)
  await t.rejects(admin.describeQuorum(), UnsupportedVersionError, 'an answer without the metadata partition')
})

t.test('describeQuorum: v1 answers have no directory ids; errors throw', async t => {
  let answer: object = {}
  const admin = await rawAdmin(t, [[55, 0, 1]], () => answer)
  const replica = { replicaId: 1, logEndOffset: 5n, lastFetchTimestamp: -1n, lastCaughtUpTimestamp: 7n }
  answer = { errorCode: 0, topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0, errorCode: 0, leaderId: 1, leaderEpoch: 4, highWatermark: 5n, currentVoters: [replica], observers: [] }] }] }
  t.same(await admin.describeQuorum(), { leaderId: 1, leaderEpoch: 4, highWatermark: 5n, voters: [replica], observers: [], nodes: [] })
  answer = { errorCode: 0, topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentVoters: [], observers: [] }] }] }
  await t.rejects(admin.describeQuorum(), { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER })
  answer = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, topics: [] }
  await t.rejects(admin.describeQuorum(), { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })
})
