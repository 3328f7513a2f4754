import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { SimpleConsumer } from '../../consumer/simple-consumer.js'
import { findPartition, type TopicInfo } from '../../consumer/cluster-metadata.js'
import { replyClusterOfOne, startRawBroker } from './raw-broker.js'

// Cost that grows with the work: replies are matched to requests by key, and many topics' metadata comes in one
// request. (How the time grows is measured in tools/bench/partitions.bench.ts, not asserted here.)

const part = (partition: number): TopicInfo['partitions'][number] =>
  ({ partition, errorCode: 0, leader: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [] })

t.test('a partition is found by index in a dense list and by search in a list with gaps', async t => {
  const dense: TopicInfo = { name: 'd', topicId: '', errorCode: 0, isInternal: false, partitions: [0, 1, 2, 3].map(part) }
  const gaps: TopicInfo = { name: 'g', topicId: '', errorCode: 0, isInternal: false, partitions: [0, 2, 5, 9, 40].map(part) }
  t.equal(findPartition(dense, 3)?.partition, 3)
  t.equal(findPartition(dense, 4), undefined)
  for (const p of [0, 2, 5, 9, 40]) t.equal(findPartition(gaps, p)?.partition, p)
  for (const p of [-1, 1, 3, 6, 10, 41]) t.equal(findPartition(gaps, p), undefined)
})

t.test('offsets for partitions of many topics take one Metadata request, not one per topic', async t => {
  const topics = Array.from({ length: 50 }, (_, i) => ({ name: `t${i}`, partitions: 2 }))
  const lines: string[] = []
  const cluster = await FakeCluster.start({ topics, verbose: true, log: l => { lines.push(l) } })
  t.teardown(() => cluster.stop())
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap })
  t.teardown(() => consumer.close())
  const tps = topics.flatMap(x => [0, 1].map(partition => ({ topic: x.name, partition })))
  const latest = await consumer.latestOffsets(tps)
  t.equal(latest.size, 100)
  t.equal(lines.filter(l => /\bMetadata\b/.test(l)).length, 1, 'one Metadata request for all 50 topics')
})

t.test('a ListOffsets reply in another order, with a partition repeated and one left out, is matched by key', async t => {
  let calls = 0
  const broker = await startRawBroker(req => {
    if (req.api.name === 'Metadata') {
      req.reply({
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null }],
        controllerId: 1,
        topics: [{ errorCode: 0, name: 't', partitions: [0, 1, 2].map(p => ({ errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] })) }]
      })
      return
    }
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'ListOffsets') {
      calls++
      const answer = (p: number): object => ({ partitionIndex: p, errorCode: 0, timestamp: -1n, offset: BigInt(100 + p), leaderEpoch: 0 })
      // First: 2, then 0 twice (the second must not count), and no 1; the retry asks for 1 alone.
      const parts = calls === 1 ? [answer(2), answer(0), { ...answer(0), offset: 999n }] : [answer(1)]
      req.reply({ topics: [{ name: 't', partitions: parts }] })
    }
  })
  t.teardown(() => broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, retryBackoffMs: 1, log: () => {} })
  t.teardown(() => consumer.close())
  const latest = await consumer.latestOffsets([0, 1, 2].map(partition => ({ topic: 't', partition })))
  t.same([...latest].sort(), [['t:0', 100n], ['t:1', 101n], ['t:2', 102n]])
  const second = broker.requests.filter(r => r.api.name === 'ListOffsets')[1]
  t.same((second.body as { topics: Array<{ partitions: Array<{ partitionIndex: number }> }> }).topics[0].partitions.map(p => p.partitionIndex), [1], 'only the missing partition is asked again')
})
