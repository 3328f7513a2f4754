import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer, tpKey } from '../../consumer/simple-consumer.js'
import { produce } from '../../consumer/producer.js'
import { killAndRecover } from '../../test/streaming/crash-run.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// The direct stream's exactly-once proof (test/streaming/crash-run.ts) against real Kafka 4.x instead of the fake
// broker: the word count is SIGKILLed at random moments while our producer keeps writing to Kafka, then a final
// run catches up; every acknowledged word is counted exactly once and the output's offset ranges tile each log.
// Fewer kills than on the fake broker (each run's start-up against a JVM broker costs more); the same scenario.

// JVM brokers on a shared 2-core machine: more than tap's default 120 s per file (tap's parent is told).
t.setTimeout(600_000)
const skip = await realKafkaSkip()
const PARTITIONS = 3
const KILLS = 6

t.test('direct stream: SIGKILLed at random moments and restarted over real Kafka, every word counted exactly once', { skip }, async t => {
  const kafka = await realKafkaFor(t, { config: { 'num.partitions': PARTITIONS } })
  const client = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  const consumer = new SimpleConsumer({ bootstrapServers: kafka.bootstrap })
  t.teardown(async () => { await client.close(); await consumer.close() })
  const topic = await client.withRetries('Metadata', async () => await client.topic('text', { allowAutoTopicCreation: true }), ['text'])
  t.equal(topic.partitions.length, PARTITIONS)
  const tps = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'text', partition }))
  await killAndRecover(t, {
    bootstrap: kafka.bootstrap,
    partitions: PARTITIONS,
    produce: async (partition, value) => { await produce(client, 'text', partition, [{ value }]) },
    highWatermarks: async () => {
      const latest = await consumer.latestOffsets(tps)
      return tps.map(tp => latest.get(tpKey('text', tp.partition)) ?? -1n)
    },
  }, { kills: KILLS })
})
