import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer, tpKey } from '../../consumer/simple-consumer.js'
import { produce } from '../../consumer/producer.js'
import { KAFKA_3_VERSION, realKafkaFor, realKafkaSkip } from './start-kafka.js'

// The harness itself: a single node answers on every listener it was asked for, and a 3-node cluster keeps
// answering while one node is stopped, and lists that node again once it is started. Kafka 3.x is started too
// when it resolves, so that line stays usable for later work.

// JVM brokers on a shared 2-core machine: more than tap's default 120 s per file (tap's parent is told).
t.setTimeout(600_000)
const skip = await realKafkaSkip()

async function brokerIds (bootstrap: string): Promise<number[]> {
  const client = new KafkaClient({ bootstrapServers: bootstrap, retries: 2 })
  try {
    return (await client.metadata([])).brokers.map(b => b.nodeId).sort()
  } finally {
    await client.close()
  }
}

t.test('a 3-node cluster: a node stops, the others answer; it starts again and is listed', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 3 })
  t.same(await brokerIds(kafka.bootstrap), [1, 2, 3])
  await kafka.createTopic('replicated', { partitions: 3, config: { 'min.insync.replicas': 2 } })
  const client = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  t.teardown(async () => await client.close())
  t.same((await client.topic('replicated')).partitions.map(p => p.replicas.length), [3, 3, 3], 'createTopic: 3 partitions, 3 replicas each')
  const pid = kafka.brokers[1].pid!
  await kafka.stopBroker(1)
  t.equal(kafka.brokers[1].pid, undefined)
  t.throws(() => process.kill(pid, 0), 'the JVM is gone')
  const others = kafka.brokers.filter((_b, i) => i !== 1).map(b => `127.0.0.1:${b.port}`).join(',')
  t.ok((await brokerIds(others)).length >= 2, 'the other two still answer Metadata')
  await kafka.startBroker(1)
  t.not(kafka.brokers[1].pid, undefined)
  t.same(await brokerIds(kafka.bootstrap), [1, 2, 3])
})

t.test(`Kafka ${KAFKA_3_VERSION} (KRaft) starts from the same harness`, { skip: skip !== false ? skip : await realKafkaSkip(KAFKA_3_VERSION) }, async t => {
  const kafka = await realKafkaFor(t, { version: KAFKA_3_VERSION })
  t.same(await brokerIds(kafka.bootstrap), [1])
  // And our client speaks to it: the versions negotiated differ from 4.x's (3.9 tops out lower, keeps v0-v2).
  const consumer = new SimpleConsumer({ bootstrapServers: kafka.bootstrap })
  t.teardown(async () => await consumer.close())
  await kafka.createTopic('three-nine', { partitions: 2 })
  const at = await produce(consumer.client, 'three-nine', 0, [{ key: 'k', value: 'on 3.9' }], { compression: 'zstd' })
  const got = await consumer.fetch([{ topic: 'three-nine', partition: 0, fromOffset: at, untilOffset: at + 1n }])
  t.equal(String(got.get(tpKey('three-nine', 0))?.[0]?.value), 'on 3.9', 'produced and fetched back')
})
