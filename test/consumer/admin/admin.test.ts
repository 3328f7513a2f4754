import t from 'tap'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { Admin } from '../../../consumer/admin/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// The Admin client against the fake broker: each call, its per-resource results and errors.

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, admin: Admin }> {
  const cluster = await FakeCluster.start(opts)
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  return { cluster, admin }
}

t.test('createTopics, listTopics, describeTopics and deleteTopics, with per-topic errors', async t => {
  const { cluster, admin } = await setup(t, { brokers: 3 })
  const created = await admin.createTopics([
    { name: 'orders', partitions: 3, replicationFactor: 2, configs: { 'cleanup.policy': 'compact' } },
    { name: 'bad', partitions: 1, configs: { 'retention.ms': 'never' } }
  ])
  t.same(created.map(c => [c.name, c.error?.errorCode ?? 0]), [['orders', 0], ['bad', ErrorCode.INVALID_CONFIG]])
  t.equal(created[0].partitions, 3)
  t.equal(created[0].configs['cleanup.policy'], 'compact')
  t.match(created[1].error?.message, /Invalid value never for configuration retention\.ms/)
  t.same(await admin.listTopics(), ['orders'])
  const [orders] = await admin.describeTopics(['orders'])
  t.same(orders.partitions.map(p => p.leader), cluster.state.topics.get('orders')!.partitions.map(p => p.leaderId))
  t.equal((await admin.createTopics([{ name: 'orders' }]))[0].error?.errorName, 'TOPIC_ALREADY_EXISTS')
  t.equal((await admin.createTopics([{ name: 'dry' }], { validateOnly: true }))[0].error, null)
  t.notOk(cluster.state.topics.has('dry'))
  const deleted = await admin.deleteTopics(['orders', 'ghost'])
  t.same(deleted.map(d => d.error?.errorCode ?? 0), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  t.same(await admin.listTopics(), [])
})

t.test('createPartitions raises counts and the next describeTopics sees them', async t => {
  const { admin } = await setup(t, { topics: [{ name: 'a', partitions: 1 }] })
  t.equal((await admin.describeTopics(['a']))[0].partitions.length, 1)
  const res = await admin.createPartitions({ a: 4, ghost: 2 })
  t.same(res.map(r => r.error?.errorCode ?? 0), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  t.equal((await admin.describeTopics(['a']))[0].partitions.length, 4)
  t.equal((await admin.createPartitions({ a: 2 }))[0].error?.errorName, 'INVALID_PARTITIONS')
})

t.test('describeConfigs, alterConfigs and incrementalAlterConfigs on topics and brokers', async t => {
  const { admin } = await setup(t, { brokers: 2, topics: [{ name: 'a' }] })
  const inc = await admin.incrementalAlterConfigs([
    { type: 'topic', name: 'a', ops: [{ name: 'retention.ms', op: 'set', value: '60000' }, { name: 'cleanup.policy', op: 'append', value: 'compact' }] },
    { type: 'broker', name: '2', ops: [{ name: 'log.retention.bytes', op: 'set', value: '1000' }] }
  ])
  t.same(inc.map(r => r.error), [null, null])
  const [topic, broker2, ghost] = await admin.describeConfigs([{ type: 'topic', name: 'a' }, { type: 'broker', name: '2' }, { type: 'topic', name: 'ghost' }], { synonyms: true, documentation: true })
  const entry = (d: typeof topic, name: string) => d.entries.find(e => e.name === name)!
  t.same([entry(topic, 'retention.ms').value, entry(topic, 'retention.ms').source], ['60000', 'DYNAMIC_TOPIC_CONFIG'])
  t.equal(entry(topic, 'cleanup.policy').value, 'delete,compact')
  t.equal(entry(topic, 'cleanup.policy').type, 'LIST')
  t.same([entry(broker2, 'log.retention.bytes').value, entry(broker2, 'log.retention.bytes').source], ['1000', 'DYNAMIC_BROKER_CONFIG'], 'broker 2 answered for itself')
  t.equal(entry(broker2, 'broker.id').value, '2')
  t.equal(ghost.error?.errorName, 'UNKNOWN_TOPIC_OR_PARTITION')
  const alter = await admin.alterConfigs([{ type: 'topic', name: 'a', configs: { 'segment.ms': '1000' } }, { type: 'topic', name: 'a2', configs: {} }])
  t.same(alter.map(r => r.error?.errorName ?? null), [null, 'UNKNOWN_TOPIC_OR_PARTITION'])
  const [after] = await admin.describeConfigs([{ type: 'topic', name: 'a' }], { keys: ['segment.ms', 'retention.ms'] })
  t.same(after.entries.map(e => [e.name, e.value, e.source]), [['segment.ms', '1000', 'DYNAMIC_TOPIC_CONFIG'], ['retention.ms', '604800000', 'DEFAULT_CONFIG']], 'in the order asked')
  const invalid = await admin.incrementalAlterConfigs([{ type: 'topic', name: 'a', ops: [{ name: 'max.message.bytes', op: 'set', value: '-1' }] }], true)
  t.equal(invalid[0].error?.errorName, 'INVALID_CONFIG')
})

t.test('deleteRecords, listOffsets and describeCluster', async t => {
  const { cluster, admin } = await setup(t, { brokers: 2, topics: [{ name: 'r', partitions: 2 }] })
  cluster.produce('r', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }])
  cluster.produce('r', 1, [{ value: 'x' }])
  const tps = [{ topic: 'r', partition: 0 }, { topic: 'r', partition: 1 }]
  t.same((await admin.listOffsets(tps, 'latest')).map(r => [r.partition, r.offset]).sort(), [[0, 3n], [1, 1n]])
  const del = await admin.deleteRecords([{ topic: 'r', partition: 0, offset: 2n }, { topic: 'r', partition: 1, offset: 5n }])
  t.same(del.map(r => [r.partition, r.offset, r.error?.errorName ?? null]).sort(), [[0, 2n, null], [1, -1n, 'OFFSET_OUT_OF_RANGE']])
  t.same((await admin.listOffsets(tps, 'earliest')).map(r => [r.partition, r.offset]).sort(), [[0, 2n], [1, 0n]])
  const d = await admin.describeCluster()
  t.equal(d.clusterId, cluster.state.clusterId)
  t.same(d.brokers.map(b => b.nodeId).sort(), [1, 2])
})

t.test('SCRAM users: added, described, used to log in, deleted', async t => {
  // Not setup(): its admin client connects without SASL, which this cluster refuses.
  const c = await FakeCluster.start({ sasl: { users: { alice: 'a-secret' } }, topics: [{ name: 't' }] })
  t.teardown(() => c.stop())
  const sasl = (user: string, password: string, mechanism = 'SCRAM-SHA-256') => ({ 'bootstrap.servers': c.bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': mechanism, 'sasl.username': user, 'sasl.password': password, retries: 0 })
  const admin = await Admin.connect(sasl('alice', 'a-secret'))
  t.teardown(() => admin.close())
  const added = await admin.alterScramUsers([{ user: 'bob', mechanism: 'SCRAM-SHA-512', password: 'b-secret', iterations: 8192 }, { user: 'alice', mechanism: 'SCRAM-SHA-256', delete: true }])
  t.same(added.map(r => [r.user, r.error]), [['alice', null], ['bob', null]])
  t.same((await admin.describeScramUsers()).map(u => [u.user, u.credentials]), [
    ['alice', [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }]], ['bob', [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }]]
  ])
  t.equal((await admin.describeScramUsers(['nobody']))[0].error?.errorName, 'RESOURCE_NOT_FOUND')
  const bob = await Admin.connect(sasl('bob', 'b-secret', 'SCRAM-SHA-512'))
  t.same(await bob.listTopics(), ['t'], 'bob logs in with the credential the admin client sent')
  await bob.close()
  await t.rejects(Admin.connect(sasl('alice', 'a-secret', 'SCRAM-SHA-256')), 'alice\'s deleted SCRAM-SHA-256 credential no longer works')
})
