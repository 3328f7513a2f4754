import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { DESCRIBE_GROUPS_CORPUS } from './describe-groups-corpus.js'
import { runCorpus } from './run-corpus.js'

// Describing and listing groups across Kafka 4's two coordinators (describe-groups-corpus.ts), against one real
// Kafka 4.x node and the fake broker, compared field by field with error messages word for word.

const skip = await realKafkaSkip()

t.test('DescribeGroups, ConsumerGroupDescribe and ListGroups of classic, consumer and mixed groups answer as real Kafka 4 does', { skip }, async t => {
  // As in fake-vs-kafka-groups.test.ts: the target assignment on the heartbeat that needs it, so epochs are deterministic.
  const kafka = await realKafkaFor(t, { config: { 'group.consumer.assignment.interval.ms': 0, 'group.consumer.assignor.offload.enable': false } })
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true })
  t.teardown(() => fake.stop())
  await runCorpus(t, DESCRIBE_GROUPS_CORPUS, kafka.bootstrap, fake.bootstrap)
})
