import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { GROUP_CORPUS } from './group-corpus.js'
import { runCorpus } from './run-corpus.js'

// The differential test of group sequences (group-corpus.ts): classic joins, syncs, heartbeats, leaves and commits,
// static members, KIP-848 heartbeats and a classic member in a consumer group, each played against one real Kafka
// 4.x node and the fake broker with Kafka's group defaults, and compared field by field after normalization (member
// ids, topic ids), except for the differences deliberate.ts lists.

const skip = await realKafkaSkip()

t.test('the fake broker\'s group coordinators answer as real Kafka 4 does', { skip }, async t => {
  // Kafka 4.3+ computes a consumer group's target assignment at most once per group.consumer.assignment.interval.ms
  // (1 s), on a background thread; the fake computes it on the heartbeat that needs it, as Kafka 4.0-4.2 did and
  // as 4.3+ does with the interval at 0 and no offload: compared so, the epochs of a sequence are deterministic.
  const kafka = await realKafkaFor(t, { config: { 'group.consumer.assignment.interval.ms': 0, 'group.consumer.assignor.offload.enable': false } })
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true, brokerConfigs: { 'log.segment.bytes': String(16 * 1024 * 1024) } })
  t.teardown(() => fake.stop())
  await runCorpus(t, GROUP_CORPUS, kafka.bootstrap, fake.bootstrap)
})
