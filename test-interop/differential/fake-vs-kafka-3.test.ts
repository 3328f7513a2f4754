import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KAFKA_3_VERSION, realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { OLD_VERSIONS_CORPUS } from './old-versions-corpus.js'
import { runCorpus } from './run-corpus.js'

// The differential test for the versions Kafka 4 removed (KIP-896) and the fake still serves: against Kafka 3.9,
// the last line that served them. One Kafka 3.9 node for the file.

const skip = await realKafkaSkip(KAFKA_3_VERSION)

t.test(`the fake broker answers old versions as Kafka ${KAFKA_3_VERSION} does`, { skip }, async t => {
  const kafka = await realKafkaFor(t, { version: KAFKA_3_VERSION })
  // The real broker's static log.segment.bytes (server-properties.ts) is the fake's too, so topic configs compare.
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true, brokerConfigs: { 'log.segment.bytes': String(16 * 1024 * 1024) } })
  t.teardown(() => fake.stop())
  await runCorpus(t, OLD_VERSIONS_CORPUS, kafka.bootstrap, fake.bootstrap)
})
