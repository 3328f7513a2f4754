import t from 'tap'
import { apiVersionsBody, startRawBroker, type RawRequest } from '../raw-broker.js'
import { GroupConsumer } from '../../../consumer/group/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { eventually } from './helpers.js'

// The consumer protocol (KIP-848) against a hand-driven coordinator: ConsumerGroupHeartbeat joins with epoch 0 and
// a member id made by the client, the assignment arrives by topic id and is acknowledged at once, a fenced epoch
// loses the partitions (no commit) and the member joins again with epoch 0 under the same id, and close leaves
// with epoch -1. (Real Kafka 4.x with Java members: test-interop/group/real-kafka-kip848.test.ts.)

const TOPIC_ID = '9b2c6a2e-5a1e-4a8e-9d56-0c5f1b3e7a11'

interface Beat { memberId: string, memberEpoch: number, owned: number[] | null, subscribed: string[] | null, assignor: string | null }

t.test('join, assignment by topic id, acknowledgement, fencing and leave', async t => {
  const beats: Beat[] = []
  let epoch = 0
  let fenceNext = false
  const commitEpochs: number[] = []
  const answer = (req: RawRequest): void => {
    const b = req.body as { memberId: string, memberEpoch: number, topicPartitions: Array<{ topicId: string, partitions: number[] }> | null, subscribedTopicNames: string[] | null, serverAssignor: string | null }
    beats.push({ memberId: b.memberId, memberEpoch: b.memberEpoch, owned: b.topicPartitions === null ? null : b.topicPartitions.flatMap(tp => tp.partitions).sort(), subscribed: b.subscribedTopicNames, assignor: b.serverAssignor })
    const base = { throttleTimeMs: 0, errorMessage: null, memberId: b.memberId, heartbeatIntervalMs: 30 }
    if (b.memberEpoch === -1) { req.reply({ ...base, errorCode: 0, memberEpoch: -1, assignment: null }); return }
    if (fenceNext && b.memberEpoch > 0) { fenceNext = false; req.reply({ ...base, errorCode: ErrorCode.FENCED_MEMBER_EPOCH, errorMessage: 'fenced', memberEpoch: 0, assignment: null }); return }
    if (b.memberEpoch === 0) {
      epoch += 1
      // The first join gets both partitions, the rejoin after the fence only partition 1.
      const partitions = epoch === 1 ? [0, 1] : [1]
      req.reply({ ...base, errorCode: 0, memberEpoch: epoch, assignment: { topicPartitions: [{ topicId: TOPIC_ID, partitions }] } })
      return
    }
    req.reply({ ...base, errorCode: 0, memberEpoch: epoch, assignment: null })
  }
  const broker = await startRawBroker(req => {
    switch (req.api.name) {
      case 'ApiVersions': req.reply(apiVersionsBody([[18, 0, 3], [3, 0, 12], [1, 4, 12], [2, 1, 7], [10, 0, 6], [68, 0, 1], [8, 0, 9], [9, 0, 9]])); return
      case 'Metadata':
        req.reply({
          brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null }],
          controllerId: 1,
          topics: [{ errorCode: 0, name: 't', topicId: TOPIC_ID, partitions: [0, 1].map(p => ({ errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] })) }]
        })
        return
      case 'FindCoordinator': req.reply({ throttleTimeMs: 0, coordinators: [{ key: 'g', nodeId: 1, host: '127.0.0.1', port: broker.port, errorCode: 0, errorMessage: null }] }); return
      case 'ConsumerGroupHeartbeat': answer(req); return
      case 'OffsetFetch': {
        const g = (req.body as { groups: Array<{ groupId: string, topics: Array<{ name: string, partitionIndexes: number[] }> }> }).groups[0]
        req.reply({ throttleTimeMs: 0, groups: [{ groupId: g.groupId, errorCode: 0, topics: g.topics.map(tp => ({ name: tp.name, partitions: tp.partitionIndexes.map(p => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: null, errorCode: 0 })) })) }] })
        return
      }
      case 'OffsetCommit': {
        const body = req.body as { generationIdOrMemberEpoch: number, topics: Array<{ name: string, partitions: Array<{ partitionIndex: number }> }> }
        commitEpochs.push(body.generationIdOrMemberEpoch)
        req.reply({ throttleTimeMs: 0, topics: body.topics.map(tp => ({ name: tp.name, partitions: tp.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })) })
        return
      }
      case 'ListOffsets': {
        const body = req.body as { topics: Array<{ name: string, partitions: Array<{ partitionIndex: number }> }> }
        req.reply({ throttleTimeMs: 0, topics: body.topics.map(tp => ({ name: tp.name, partitions: tp.partitions.map(p => ({ partitionIndex: p.partitionIndex, errorCode: 0, timestamp: -1n, offset: 0n, leaderEpoch: 0 })) })) })
        return
      }
      case 'Fetch': {
        const body = req.body as { topics: Array<{ topic: string, partitions: Array<{ partition: number }> }> }
        // An empty log: answer after a short wait, as a broker's long poll would.
        setTimeout(() => req.reply({
          throttleTimeMs: 0, errorCode: 0, sessionId: 0,
          responses: body.topics.map(tp => ({ topic: tp.topic, partitions: tp.partitions.map(p => ({ partitionIndex: p.partition, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: null })) }))
        }), 20)
      }
    }
  })
  t.teardown(() => broker.close())
  const events: string[] = []
  const m = new GroupConsumer({
    bootstrapServers: broker.address, 'group.id': 'g', 'group.protocol': 'consumer', 'group.remote.assignor': 'uniform',
    'fetch.wait.max.ms': 20, retryBackoffMs: 5, 'auto.offset.reset': 'earliest'
  }, {
    rebalanceListener: {
      onPartitionsAssigned: tps => { events.push(`assigned ${tps.map(tp => tp.partition).join(',')}`) },
      onPartitionsRevoked: tps => { events.push(`revoked ${tps.map(tp => tp.partition).join(',')}`) },
      onPartitionsLost: tps => { events.push(`lost ${tps.map(tp => tp.partition).join(',')}`) }
    }
  })
  t.teardown(() => m.close())
  m.subscribe(['t'])
  const loop = m.eachBatch(() => {}, { emptyBatches: true })
  await eventually(() => m.assignment().length === 2, 20_000, 'the first assignment')
  t.equal(m.generationId, 1, 'member epoch 1')
  t.same(beats[0], { memberId: m.memberId, memberEpoch: 0, owned: [], subscribed: ['t'], assignor: 'uniform' }, 'joins with epoch 0 and a client-made id')
  t.match(m.memberId, /^[A-Za-z0-9_-]{22}$/, 'a UUID in Kafka\'s base64 form')
  await eventually(() => beats.some(b => b.memberEpoch === 1 && b.owned?.join(',') === '0,1'), 20_000, 'the acknowledgement')

  fenceNext = true
  await eventually(() => events.length >= 3, 20_000, 'lost and assigned again')
  t.same(events, ['assigned 0,1', 'lost 0,1', 'assigned 1'])
  const rejoin = beats.filter(b => b.memberEpoch === 0)
  t.equal(rejoin.length, 2, 'joined again with epoch 0')
  t.equal(rejoin[1].memberId, m.memberId, 'under the same member id')
  t.equal(m.generationId, 2)
  await m.close()
  await loop
  t.equal(beats[beats.length - 1].memberEpoch, -1, 'left with epoch -1')
  t.same(commitEpochs, [2], 'the commit on close carries the member epoch (the lost partitions were not committed)')
})
