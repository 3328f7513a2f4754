import t from 'tap'
import { parseGroupConfig, GROUP_DEFAULTS } from '../../../consumer/group/group-config.js'
import { GroupConsumer } from '../../../consumer/group/index.js'
import { ConfigError } from '../../../protocol/errors.js'

// Group settings under the Java client's names: validated when given, a ConfigError naming the key.

const key = (fn: () => unknown): string | undefined => {
  try { fn() } catch (err) { if (err instanceof ConfigError) return err.key; throw err }
  return undefined
}

t.test('defaults follow the Java client; the rest of the configuration passes through', async t => {
  const { group, rest } = parseGroupConfig({ 'group.id': 'g', 'bootstrap.servers': 'b:1', 'fetch.max.bytes': 5 })
  t.equal(group.groupId, 'g')
  t.equal(group.sessionTimeoutMs, GROUP_DEFAULTS.sessionTimeoutMs)
  t.equal(group.rebalanceTimeoutMs, GROUP_DEFAULTS.maxPollIntervalMs, 'rebalance.timeout.ms defaults to max.poll.interval.ms')
  t.same(group.partitionAssignmentStrategy, ['range', 'cooperative-sticky'])
  t.same(rest, { 'bootstrap.servers': 'b:1', 'fetch.max.bytes': 5 })
})

t.test('dotted and camelCase names, strings from a command line, Java class names and librdkafka reset words', async t => {
  const { group } = parseGroupConfig({
    groupId: 'g', 'session.timeout.ms': '10000', heartbeatIntervalMs: 100, 'enable.auto.commit': 'false', 'auto.offset.reset': 'smallest',
    'partition.assignment.strategy': 'org.apache.kafka.clients.consumer.RoundRobinAssignor, range', 'group.instance.id': 'i', 'group.protocol': 'CONSUMER',
    'group.remote.assignor': 'uniform'
  })
  t.equal(group.sessionTimeoutMs, 10000)
  t.equal(group.enableAutoCommit, false)
  t.equal(group.autoOffsetReset, 'earliest')
  t.same(group.partitionAssignmentStrategy, ['roundrobin', 'range'])
  t.equal(group.groupInstanceId, 'i')
  t.equal(group.groupProtocol, 'consumer')
  t.equal(group.groupRemoteAssignor, 'uniform')
})

t.test('bad values name their key', async t => {
  t.equal(key(() => parseGroupConfig({})), 'group.id')
  t.equal(key(() => parseGroupConfig({ 'group.id': '' })), 'group.id')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'session.timeout.ms': 'soon' })), 'session.timeout.ms')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'auto.offset.reset': 'sideways' })), 'auto.offset.reset')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'group.protocol': 'gossip' })), 'group.protocol')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'enable.auto.commit': 'yes' })), 'enable.auto.commit')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'partition.assignment.strategy': ' , ' })), 'partition.assignment.strategy')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', groupId: 'h' })), 'groupId', 'one setting given twice')
  t.equal(key(() => parseGroupConfig({ 'group.id': 'g', 'heartbeat.interval.ms': 5000, 'session.timeout.ms': 5000 })), 'heartbeat.interval.ms')
  t.equal(key(() => new GroupConsumer({ 'bootstrap.servers': 'b:1', 'group.id': 'g', 'partition.assignment.strategy': 'sticky-ish' })), 'partition.assignment.strategy')
  t.equal(key(() => new GroupConsumer({ 'bootstrap.servers': 'b:1', 'group.id': 'g', 'fetch.max.bytes': -1 })), 'fetch.max.bytes', 'the consumer keys are checked too')
  const m = new GroupConsumer({ 'bootstrap.servers': 'b:1', 'group.id': 'g' })
  t.equal(key(() => { m.subscribe([]) }), 'subscribe')
  t.equal(key(() => { m.seek('t', 0, 0n) }), 'seek', 'seek on a partition not assigned')
  await m.close()
})
