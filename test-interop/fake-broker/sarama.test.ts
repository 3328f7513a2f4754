import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { buildGoProgram, IBM_SARAMA_VERSION, SARAMA_VERSION } from '../peers/go.js'

// Sarama 1.22 (github.com/Shopify/sarama) against the fake broker, through our Go program
// test-interop/go/sarama-admin: every ClusterAdmin call it has for topics, configs, records and groups, a sync
// producer and partition consumer at its default protocol version (Kafka 0.8.2) and at 2.1, and a group consumer.
// Then today's Sarama (github.com/IBM/sarama, test-interop/go/sarama-groups) at Kafka 4.0's versions for the
// group calls 1.22 lacks: DeleteConsumerGroup and DeleteConsumerGroupOffset.

t.setTimeout(600_000)

t.test('Sarama 1.22\'s ClusterAdmin, producer, consumer and group consumer work against the fake broker', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('sarama-admin', [join(import.meta.dirname, '..', 'go', 'sarama-admin', 'main.go')], [`github.com/Shopify/sarama@${SARAMA_VERSION}`])
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const r = await runProcess(bin, [cluster.bootstrap], { timeoutMs: 120_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[])
  const memberAt = lines.findIndex(l => l[0] === 'describeGroup')
  const stable = lines[memberAt] as [string, string, number, string, string, string, Array<[string, string[], Record<string, number[]>]>]
  t.same(lines.filter((_, i) => i !== memberAt), [
    ['create', null],
    ['createAgain', 'kafka server: Topic with this name already exists. - Topic \'s1\' already exists.'],
    // ListTopics: Metadata, then DescribeConfigs v0 for every topic, keeping the configs whose isDefault is false
    // (min.insync.replicas is a static broker config in the fake, as in Kafka's server.properties).
    ['list', 's1', 2, 1, { 'cleanup.policy': 'compact', 'min.insync.replicas': '1' }],
    ['partitions', null],
    ['describeTopic', 's1', 0, 3],
    ['describeTopic', 'ghost', 3, 0],
    ['alter', null],
    // AlterConfigs replaces the whole set: cleanup.policy is back to its default.
    ['describeConfig', { 'cleanup.policy': ['delete', true, false], 'retention.ms': ['1000', false, false], 'segment.ms': ['604800000', true, false] }],
    ['roundTripDefaultVersion', [0, 1, 2, 3, 4], ['0:k0=v0', '1:k1=v1', '2:k2=v2', '3:k3=v3', '4:k4=v4']],
    ['roundTrip', [5, 6, 7, 8, 9], ['0:k0=v0', '1:k1=v1', '2:k2=v2', '3:k3=v3', '4:k4=v4']],
    ['listGroups', { sg: 'consumer' }],
    ['describeGroup', 'sg', 0, 'Empty', 'consumer', '', null],
    // The member read partition 0 to its end (offset 9) and committed 10; partition 1 has nothing.
    ['groupOffsets', [[0, 10, 0], [1, -1, 0]]],
    ['deleteRecords', null],
    ['offsets', 3, 10],
    ['delete', null],
    ['listAfter', null],
    // Sarama 1.22's DescribeCluster asks Metadata v0, which has no controller id.
    ['cluster', 1, -1]
  ])
  t.same(stable.slice(0, 6), ['describeGroup', 'sg', 0, 'Stable', 'consumer', 'range'])
  t.same(stable[6], [['sarama-member', ['s1'], { s1: [0, 1, 2] }]], 'the member\'s subscription and assignment, decoded by Sarama')
})

t.test('today\'s Sarama (IBM/sarama) lists, describes and deletes a group and its offsets on the fake broker', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('sarama-groups', [join(import.meta.dirname, '..', 'go', 'sarama-groups', 'main.go')], [`github.com/IBM/sarama@${IBM_SARAMA_VERSION}`])
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const r = await runProcess(bin, [cluster.bootstrap], { timeoutMs: 120_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[])
  t.same(lines, [
    ['create', null],
    ['listGroups', { sg: 'consumer' }],
    ['describeGroup', 'sg', 0, 'Stable', 'consumer', 'range', [['sarama-member', { g1: [0, 1] }]]],
    ['offsets', [[0, 2], [1, 2]]],
    ['deleteOffsetSubscribed', 'kafka server: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it'],
    ['deleteBusy', 'kafka server: The group is not empty'],
    ['deleteOffset', null],
    ['offsetsAfter', [[0, -1], [1, 2]]],
    ['delete', null],
    ['deleteAgain', 'kafka server: The group id does not exist'],
    ['listAfter', {}]
  ])
})
