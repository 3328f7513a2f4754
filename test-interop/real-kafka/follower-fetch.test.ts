import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer, tpKey } from '../../consumer/simple-consumer.js'
import { produce } from '../../consumer/producer.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { RACK_AWARE_REPLICA_SELECTOR } from '../../tools/fake-broker/replica-selector.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// Fetching from the closest replica (KIP-392) against a 3-node real Kafka 4.x: node n has broker.rack=rack-n and
// replica.selector.class is Kafka's RackAwareReplicaSelector. Our SimpleConsumer with client.rack=rack-2 must be sent
// by every leader to node 2 and read every record of every partition exactly once, each served by node 2
// (FetchedPartition.broker). Kafka's own answer to a redirected fetch is compared with the fake broker's, field by
// field, for the same request to a leader in another rack.

t.setTimeout(900_000)
const skip = await realKafkaSkip()
const TOPIC = 'nearby'
const PER_PARTITION = 300

/** What a leader answers a consumer in rack-2 for partition p at `offset`: the fields KIP-392 decides. */
async function redirectAnswer (bootstrap: string, p: number, offset: bigint): Promise<unknown> {
  const client = new KafkaClient({ bootstrapServers: bootstrap, log: () => {} })
  try {
    const topic = await client.topic(TOPIC)
    const info = topic.partitions[p]
    const res = await client.request(info.leader, Fetch, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: TOPIC, topicId: topic.topicId, partitions: [{ partition: p, currentLeaderEpoch: info.leaderEpoch, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [],
      rackId: 'rack-2'
    })
    const part = res.body.responses[0].partitions[0]
    return { errorCode: part.errorCode, preferredReadReplica: part.preferredReadReplica, records: part.records?.length ?? 0, highWatermark: part.highWatermark, abortedTransactions: part.abortedTransactions }
  } finally {
    await client.close()
  }
}

t.test('our consumer with client.rack reads from the follower in its rack on Kafka 4.x', { skip }, async t => {
  const kafka = await realKafkaFor(t, {
    brokers: 3,
    config: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR },
    nodeConfig: id => ({ 'broker.rack': `rack-${id}` })
  })
  await kafka.createTopic(TOPIC, { partitions: 3 })
  const producer = new KafkaClient({ bootstrapServers: kafka.bootstrap, log: () => {} })
  t.teardown(async () => await producer.close())
  const md = await producer.metadata([TOPIC])
  t.same(md.brokers.map(b => [b.nodeId, b.rack]).sort(), [[1, 'rack-1'], [2, 'rack-2'], [3, 'rack-3']], 'Metadata answers each node\'s rack')
  const expected: string[][] = [[], [], []]
  for (let p = 0; p < 3; p++) {
    for (let start = 0; start < PER_PARTITION; start += 50) {
      const records = Array.from({ length: 50 }, (_, i) => ({ key: `k${start + i}`, value: `p${p}-${start + i}` }))
      await produce(producer, TOPIC, p, records, { acks: -1 })
      expected[p].push(...records.map(r => r.value))
    }
  }

  // Kafka's own answer to a redirected fetch, next to the fake's: preferredReadReplica, no records, the leader's
  // high watermark, and no aborted transactions list.
  const topic = md.topics.find(x => x.name === TOPIC)!
  const p = topic.partitions.findIndex(x => x.leader !== 2 && x.isr.includes(2))
  t.ok(p >= 0, 'a partition led elsewhere with node 2 in its ISR')
  const real = await redirectAnswer(kafka.bootstrap, p, 0n)
  t.match(real, { errorCode: 0, preferredReadReplica: 2, records: 0, highWatermark: BigInt(PER_PARTITION) }, 'Kafka redirects rack-2 to node 2')
  const fake = await FakeCluster.start({ brokers: 3, firstBrokerId: 1, racks: ['rack-1', 'rack-2', 'rack-3'], brokerConfigs: { 'replica.selector.class': RACK_AWARE_REPLICA_SELECTOR } })
  t.teardown(() => fake.stop())
  fake.state.createTopic(TOPIC, 3, 'create', { assignments: topic.partitions.map(x => [x.leader, ...x.replicas.filter(r => r !== x.leader)]) })
  for (let q = 0; q < 3; q++) fake.produce(TOPIC, q, expected[q].map(value => ({ value })))
  t.same(await redirectAnswer(fake.bootstrap, p, 0n), real, 'the fake answers as Kafka does')

  const consumer = new SimpleConsumer({ bootstrapServers: kafka.bootstrap, clientRack: 'rack-2', log: () => {} })
  t.teardown(async () => await consumer.close())
  const ranges = [0, 1, 2].map(q => ({ topic: TOPIC, partition: q, fromOffset: 0n, untilOffset: BigInt(PER_PARTITION) }))
  const got = await consumer.fetch(ranges)
  for (let q = 0; q < 3; q++) t.same(got.get(tpKey(TOPIC, q))!.map(r => String(r.value)), expected[q], `partition ${q}: every record once, in order`)
  const again = await consumer.fetchOnce([0, 1, 2].map(q => ({ topic: TOPIC, partition: q, fromOffset: 0n, untilOffset: 10n })))
  t.same([0, 1, 2].map(q => again.get(tpKey(TOPIC, q))!.broker), [2, 2, 2], 'every partition served by node 2, the rack-2 replica')
  t.same([0, 1, 2].map(q => again.get(tpKey(TOPIC, q))!.records.length), [10, 10, 10])

  // Without client.rack, the leaders serve.
  const plain = new SimpleConsumer({ bootstrapServers: kafka.bootstrap, log: () => {} })
  t.teardown(async () => await plain.close())
  const fromLeaders = await plain.fetchOnce([0, 1, 2].map(q => ({ topic: TOPIC, partition: q, fromOffset: 0n, untilOffset: 10n })))
  t.same([0, 1, 2].map(q => fromLeaders.get(tpKey(TOPIC, q))!.broker), topic.partitions.map(x => x.leader))
})
