import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { CORPUS } from './corpus.js'
import { REPLICA_CORPUS } from './replica-corpus.js'
import { runCorpus } from './run-corpus.js'
import { TXN_CORPUS } from './txn-corpus.js'

// The differential test: every case of the corpus runs against one real Kafka 4.x node and against the fake broker
// configured alike (one broker, topics auto-created by Metadata as Kafka's default auto.create.topics.enable=true
// does), and the normalized answers must be equal field by field, except for the differences deliberate.ts lists
// with their reasons (docs/fake-broker.md explains them). One Kafka for the whole file: starting one takes seconds.

const skip = await realKafkaSkip()

t.test('the fake broker answers as real Kafka 4 does', { skip }, async t => {
  const kafka = await realKafkaFor(t)
  // The real broker's static log.segment.bytes (server-properties.ts) is the fake's too, so topic configs compare.
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true, brokerConfigs: { 'log.segment.bytes': String(16 * 1024 * 1024) } })
  t.teardown(() => fake.stop())
  await runCorpus(t, [...CORPUS, ...REPLICA_CORPUS, ...TXN_CORPUS], kafka.bootstrap, fake.bootstrap)
})
