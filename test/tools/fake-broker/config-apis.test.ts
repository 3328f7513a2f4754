import t from 'tap'
import { AlterConfigs, ApiVersions, CreatePartitions, DescribeConfigs, DescribeTopicPartitions, IncrementalAlterConfigs } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// DescribeConfigs (32), AlterConfigs (33), IncrementalAlterConfigs (44), CreatePartitions (37) and
// DescribeTopicPartitions (75) over the wire, at every version the fake broker advertises.

const TOPIC = 2
const BROKER = 4
const DEFAULT_CONFIG = 5
const DYNAMIC_TOPIC_CONFIG = 1
const DYNAMIC_BROKER_CONFIG = 2

async function setup (t: any, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start(opts)
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

t.test('ApiVersions advertises the config and partition APIs with Kafka 4.x\'s ranges', async t => {
  const { client } = await setup(t)
  const res = await client.request(ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
  const range = (key: number) => ((k: any) => k === undefined ? undefined : [k.minVersion, k.maxVersion])(res.apiKeys.find((k: any) => k.apiKey === key))
  t.same([range(32), range(33), range(37), range(44), range(75)], [[0, 4], [0, 2], [0, 3], [0, 1], [0, 0]], 'DescribeConfigs from v0, which Kafka 4.0 removed but Sarama 1.2x sends')
})

t.test('DescribeConfigs v1-4 lists topic configs with values, sources, synonyms, types and documentation', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'a' }], brokerConfigs: { 'log.retention.hours': '24' } })
  cluster.state.configs.setTopicConfigs('a', [{ name: 'cleanup.policy', value: 'compact' }])
  for (let v = 1; v <= 4; v++) {
    const res = await client.request(DescribeConfigs, v, {
      resources: [{ resourceType: TOPIC, resourceName: 'a', configurationKeys: null }, { resourceType: TOPIC, resourceName: 'nope', configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: true
    })
    const [a, nope] = res.results
    t.same([a.errorCode, nope.errorCode], [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], `v${v}`)
    const row = (name: string) => a.configs.find((c: any) => c.name === name)
    t.same([row('cleanup.policy').value, row('cleanup.policy').configSource], ['compact', DYNAMIC_TOPIC_CONFIG])
    t.same([row('retention.ms').value, row('retention.ms').configSource], ['86400000', 4], 'from static log.retention.hours=24')
    t.same(row('retention.ms').synonyms.map((s: any) => [s.name, s.value, s.source]), [['log.retention.hours', '24', 4]])
    t.same([row('max.message.bytes').value, row('max.message.bytes').configSource], ['1048588', DEFAULT_CONFIG])
    t.equal(a.configs.length, 37, 'every Kafka 4.4 topic config')
    if (v >= 3) {
      t.equal(row('max.message.bytes').configType, 3, 'INT')
      t.type(row('max.message.bytes').documentation, 'string')
    }
  }
  const some = await client.request(DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'a', configurationKeys: ['segment.ms', 'not.a.key'] }], includeSynonyms: false, includeDocumentation: false })
  t.same(some.results[0].configs.map((c: any) => [c.name, c.value, c.synonyms.length, c.documentation]), [['segment.ms', '604800000', 0, null]])
})

t.test('DescribeConfigs v0 (Sarama 1.2x) answers isDefault: true for built-in defaults only', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'a' }], brokerConfigs: { 'log.retention.hours': '24' } })
  cluster.state.configs.setTopicConfigs('a', [{ name: 'cleanup.policy', value: 'compact' }])
  const res = await client.request(DescribeConfigs, 0, {
    resources: [{ resourceType: TOPIC, resourceName: 'a', configurationKeys: ['cleanup.policy', 'retention.ms', 'segment.ms'] }, { resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.hours', 'log.retention.bytes'] }]
  })
  const [topic, broker] = res.results
  t.same([topic.errorCode, topic.errorMessage], [0, ''], 'a success carries the message "", as Kafka 3.9 answers v0')
  t.same(topic.configs.map((c: any) => [c.name, c.value, c.isDefault]), [['cleanup.policy', 'compact', false], ['retention.ms', '86400000', false], ['segment.ms', '604800000', true]], 'a topic override and a static broker config are not defaults')
  t.same(broker.configs.map((c: any) => [c.name, c.value, c.isDefault]).sort(), [['log.retention.bytes', '-1', true], ['log.retention.hours', '24', false]])
})

t.test('DescribeConfigs for brokers: its own id, the cluster default, and another id refused', async t => {
  const { cluster, client } = await setup(t, { brokers: 2 })
  cluster.state.configs.alterBroker('1', [{ name: 'log.retention.ms', op: 0, value: '1000' }], false, false)
  const res = await client.request(DescribeConfigs, 4, {
    resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: null }, { resourceType: BROKER, resourceName: '2', configurationKeys: null }, { resourceType: BROKER, resourceName: '', configurationKeys: null }, { resourceType: 99, resourceName: 'x', configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false
  })
  const [own, other, dflt, bad] = res.results
  const row = (name: string) => own.configs.find((c: any) => c.name === name)
  t.same([row('log.retention.ms').value, row('log.retention.ms').configSource, row('log.retention.ms').readOnly], ['1000', DYNAMIC_BROKER_CONFIG, false])
  t.same([row('broker.id').value, row('broker.id').readOnly], ['1', true])
  t.same([row('log.retention.hours').readOnly, row('num.partitions').readOnly], [true, true])
  t.equal(other.errorCode, ErrorCode.INVALID_REQUEST)
  t.same([dflt.errorCode, dflt.configs.map((c: any) => [c.name, c.value, c.configSource])], [0, [['min.insync.replicas', '1', 3]]], 'only what a new Kafka 4.x cluster sets cluster-wide (KIP-966)')
  t.equal(bad.errorCode, ErrorCode.INVALID_REQUEST)
})

t.test('AlterConfigs v0-2 replaces a topic\'s overrides, checks values, and honours validateOnly', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'a' }] })
  for (let v = 0; v <= 2; v++) {
    cluster.state.configs.setTopicConfigs('a', [{ name: 'segment.ms', value: '5000' }])
    const alter = (configs: unknown[], validateOnly = false, name = 'a'): Promise<any> =>
      client.request(AlterConfigs, v, { resources: [{ resourceType: TOPIC, resourceName: name, configs }], validateOnly })
    const bad = (await alter([{ name: 'retention.ms', value: 'x' }])).responses[0]
    t.same([bad.errorCode, bad.errorMessage, bad.resourceName], [ErrorCode.INVALID_CONFIG, 'Invalid value x for configuration retention.ms: Not a number of type LONG', 'a'], `v${v}`)
    t.equal((await alter([{ name: 'bogus', value: '1' }])).responses[0].errorCode, ErrorCode.INVALID_CONFIG)
    t.equal((await alter([{ name: 'retention.ms', value: '1' }], false, 'nope')).responses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    t.equal((await alter([{ name: 'retention.ms', value: '100' }], true)).responses[0].errorCode, 0)
    t.same(Object.fromEntries(cluster.state.configs.topicOverridesOf('a')), { 'segment.ms': '5000' }, 'validateOnly changed nothing')
    t.equal((await alter([{ name: 'retention.ms', value: '100' }])).responses[0].errorCode, 0)
    t.same(Object.fromEntries(cluster.state.configs.topicOverridesOf('a')), { 'retention.ms': '100' }, 'segment.ms went back to its default')
  }
  const dup = await client.request(AlterConfigs, 2, { resources: [{ resourceType: TOPIC, resourceName: 'a', configs: [] }, { resourceType: TOPIC, resourceName: 'a', configs: [] }], validateOnly: false })
  t.same(dup.responses.map((r: any) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
})

t.test('IncrementalAlterConfigs v0-1 sets, deletes, appends and subtracts, on topics and brokers', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'a' }] })
  for (let v = 0; v <= 1; v++) {
    cluster.state.configs.setTopicConfigs('a', [])
    const alter = (resourceType: number, resourceName: string, configs: unknown[], validateOnly = false): Promise<any> =>
      client.request(IncrementalAlterConfigs, v, { resources: [{ resourceType, resourceName, configs }], validateOnly })
    const ok = await alter(TOPIC, 'a', [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }, { name: 'retention.ms', configOperation: 0, value: '60000' }])
    t.equal(ok.responses[0].errorCode, 0, `v${v}`)
    t.same(Object.fromEntries(cluster.state.configs.topicOverridesOf('a')), { 'cleanup.policy': 'delete,compact', 'retention.ms': '60000' })
    await alter(TOPIC, 'a', [{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }, { name: 'retention.ms', configOperation: 1, value: null }])
    t.same(Object.fromEntries(cluster.state.configs.topicOverridesOf('a')), { 'cleanup.policy': 'compact' })
    const append = (await alter(TOPIC, 'a', [{ name: 'retention.ms', configOperation: 2, value: '1' }])).responses[0]
    t.same([append.errorCode, append.errorMessage], [ErrorCode.INVALID_CONFIG, 'Config value append is not allowed for config key: retention.ms'])
    t.equal((await alter(BROKER, '1', [{ name: 'log.retention.ms', configOperation: 0, value: '1000' }], true)).responses[0].errorCode, 0)
    t.equal(cluster.state.configs.brokerOverridesOf('1').size, 0, 'validateOnly')
    t.equal((await alter(BROKER, '', [{ name: 'log.retention.ms', configOperation: 0, value: '1000' }])).responses[0].errorCode, 0)
    t.equal(cluster.state.configs.topicValue('a', 'retention.ms', 1), '1000', 'the cluster default reaches topics')
    await alter(BROKER, '', [{ name: 'log.retention.ms', configOperation: 1, value: null }])
    const ro = (await alter(BROKER, '1', [{ name: 'broker.id', configOperation: 0, value: '7' }])).responses[0]
    t.same([ro.errorCode, ro.errorMessage], [ErrorCode.INVALID_REQUEST, 'Cannot update these configs dynamically: Set(broker.id)'])
    t.equal((await alter(BROKER, 'one', [])).responses[0].errorCode, ErrorCode.INVALID_REQUEST)
  }
})

t.test('CreatePartitions v0-3 adds partitions, with or without an assignment, and refuses what Kafka refuses', async t => {
  const { cluster, client } = await setup(t, { brokers: 3, topics: [{ name: 'a', partitions: 2 }] })
  for (let v = 0; v <= 3; v++) {
    const current = cluster.state.topics.get('a')!.partitions.length
    const create = (topics: unknown[], validateOnly = false): Promise<any> => client.request(CreatePartitions, v, { topics, timeoutMs: 1000, validateOnly })
    t.equal((await create([{ name: 'a', count: current + 1, assignments: null }], true)).results[0].errorCode, 0, `v${v} validateOnly`)
    t.equal(cluster.state.topics.get('a')!.partitions.length, current)
    t.equal((await create([{ name: 'a', count: current + 1, assignments: null }])).results[0].errorCode, 0)
    t.equal(cluster.state.topics.get('a')!.partitions.length, current + 1)
    const refused = await create([
      { name: 'a', count: current, assignments: null },
      { name: 'nope', count: 5, assignments: null },
      { name: 'a2', count: 5, assignments: null }
    ])
    t.same(refused.results.map((r: any) => r.errorCode), [ErrorCode.INVALID_PARTITIONS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  }
  const n = cluster.state.topics.get('a')!.partitions.length
  const placed = await client.request(CreatePartitions, 3, { topics: [{ name: 'a', count: n + 1, assignments: [{ brokerIds: [3, 1, 2] }] }], timeoutMs: 1000, validateOnly: false })
  t.equal(placed.results[0].errorCode, 0)
  t.same([cluster.state.partition('a', n)!.replicas, cluster.state.partition('a', n)!.leaderId], [[3, 1, 2], 3])
  const wrong = await client.request(CreatePartitions, 3, {
    topics: [{ name: 'a', count: n + 3, assignments: [{ brokerIds: [1, 2, 3] }] }],
    timeoutMs: 1000,
    validateOnly: false
  })
  t.same([wrong.results[0].errorCode, wrong.results[0].errorMessage], [ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.'])
  const badBroker = await client.request(CreatePartitions, 3, { topics: [{ name: 'a', count: n + 2, assignments: [{ brokerIds: [9, 1, 2] }] }], timeoutMs: 1000, validateOnly: false })
  t.equal(badBroker.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT)
})

t.test('DescribeTopicPartitions v0 pages through topics sorted by name with a cursor', async t => {
  const { cluster, client } = await setup(t, { brokers: 2, topics: [{ name: 'b', partitions: 3 }, { name: 'a', partitions: 2 }] })
  const describe = (topics: string[], responsePartitionLimit: number, cursor: unknown = null): Promise<any> =>
    client.request(DescribeTopicPartitions, 0, { topics: topics.map(name => ({ name })), responsePartitionLimit, cursor })
  const first = await describe([], 3)
  t.same(first.topics.map((x: any) => [x.name, x.partitions.map((p: any) => p.partitionIndex)]), [['a', [0, 1]], ['b', [0]]])
  t.same(first.nextCursor, { topicName: 'b', partitionIndex: 1 })
  const second = await describe([], 3, first.nextCursor)
  t.same(second.topics.map((x: any) => [x.name, x.partitions.map((p: any) => p.partitionIndex)]), [['b', [1, 2]]])
  t.equal(second.nextCursor, null)
  const p = second.topics[0].partitions[0]
  t.same([p.replicaNodes, p.isrNodes, p.leaderId, second.topics[0].topicId], [cluster.state.partition('b', 1)!.replicas, cluster.state.partition('b', 1)!.replicas, cluster.state.partition('b', 1)!.leaderId, cluster.state.topics.get('b')!.id])
  const missing = await describe(['zz', 'a'], 100)
  t.same(missing.topics.map((x: any) => [x.name, x.errorCode]), [['a', 0], ['zz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
})

t.test('with a data directory, topic overrides and broker configs survive a restart', async t => {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const dataDir = mkdtempSync(join(tmpdir(), 'fake-broker-configs-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const first = await FakeCluster.start({ dataDir, topics: [{ name: 'a' }] })
  first.state.configs.setTopicConfigs('a', [{ name: 'retention.ms', value: '1234' }])
  first.state.configs.alterBroker('', [{ name: 'log.retention.bytes', op: 0, value: '99' }], false, false)
  await first.stop()
  const second = await FakeCluster.start({ dataDir })
  t.teardown(() => second.stop())
  t.ok(second.state.topics.has('a'))
  t.same(Object.fromEntries(second.state.configs.topicOverridesOf('a')), { 'retention.ms': '1234' })
  t.same(Object.fromEntries(second.state.configs.brokerOverridesOf('')), { 'min.insync.replicas': '1', 'log.retention.bytes': '99' })
})

t.test('CreatePartitions within the cluster\'s partition cap (maxPartitions): beyond it POLICY_VIOLATION, nothing allocated', async t => {
  const { cluster, client } = await setup(t, { topics: [{ name: 'a', partitions: 2 }], maxPartitions: 10 })
  const create = async (count: number, validateOnly = false): Promise<any> => (await client.request(CreatePartitions, 3, { topics: [{ name: 'a', count, assignments: null }], timeoutMs: 1000, validateOnly })).results[0]
  t.same(await create(640_020_066, true), { name: 'a', errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: 'The fake broker holds at most 10 partitions (maxPartitions); 640020064 more would exceed it.' }, 'a count found by the fuzz test')
  t.equal((await create(11)).errorCode, ErrorCode.POLICY_VIOLATION)
  t.equal(cluster.state.topics.get('a')!.partitions.length, 2, 'nothing added')
  t.equal((await create(10)).errorCode, ErrorCode.NONE, 'up to the cap')
  t.equal(cluster.state.partitionCount, 10)
})
