import t from 'tap'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { GroupOffsets } from '../../consumer/coordinator/index.js'
import { ConsumerGroupHeartbeat, CreateTopics } from '../../protocol/apis/index.js'
import { KafkaError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/error-codes.js'

// GroupOffsets.fetch for a KIP-848 member (OffsetFetch v9+ with its member id and epoch), against real Kafka 4.4 and
// the fake broker: the current epoch reads; a stale epoch is retried with the latest one (as Java's new consumer
// does) and reads; one that stays wrong fails with STALE_MEMBER_EPOCH; a member not in the group (no epoch) reads
// as nobody in particular; an unknown member fails with UNKNOWN_MEMBER_ID. The outcomes must be the same on both.

const skip = await realKafkaSkip()

async function scenario (bootstrap: string, createTopic: boolean): Promise<unknown[]> {
  const client = new KafkaClient({ bootstrapServers: bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 50 })
  try {
    if (createTopic) {
      const md = await client.metadata([])
      const any = await client.connection(md.brokers[0].nodeId)
      await any.request(CreateTopics, undefined, { topics: [{ name: 'ofm', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
    }
    const offsets = new GroupOffsets(client)
    await offsets.commit('ofm-g', [{ topic: 'ofm', partition: 0, offset: 4n }])
    // Join with the consumer protocol; Kafka's coordinator may still be loading, which only says "not yet".
    const joined = await client.withRetries('join', async () => {
      const r = await client.request(await offsets.coordinators.get('ofm-g'), ConsumerGroupHeartbeat, {
        groupId: 'ofm-g', memberId: 'ofm-member-a', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: ['ofm'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
      })
      if (r.body.errorCode !== ErrorCode.NONE) throw new KafkaError(r.body.errorCode, 'ConsumerGroupHeartbeat')
      return r.body
    })
    const epoch = joined.memberEpoch
    const tps = [{ topic: 'ofm', partition: 0 }]
    const read = async (member: () => { memberId: string, memberEpoch: number } | undefined): Promise<unknown> =>
      await offsets.fetch('ofm-g', tps, false, member).then(m => String(m.get('ofm:0')?.offset), (e: unknown) => e instanceof KafkaError ? e.errorName : String(e))
    let calls = 0
    return [
      ['joined', epoch > 0],
      ['current epoch', await read(() => ({ memberId: 'ofm-member-a', memberEpoch: epoch }))],
      ['stale, then the latest', await read(() => ({ memberId: 'ofm-member-a', memberEpoch: calls++ === 0 ? epoch - 1 : epoch }))],
      ['stays newer', await read(() => ({ memberId: 'ofm-member-a', memberEpoch: epoch + 1 }))],
      ['not in the group', await read(() => undefined)],
      ['unknown member', await read(() => ({ memberId: 'ofm-member-z', memberEpoch: epoch }))]
    ]
  } finally {
    await client.close()
  }
}

t.test('GroupOffsets.fetch as a KIP-848 member: the same outcomes on real Kafka 4.4 and the fake broker', { skip }, async t => {
  const kafka = await realKafkaFor(t, { config: { 'group.consumer.assignment.interval.ms': 0 } })
  const cluster = await FakeCluster.start({ topics: [{ name: 'ofm', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const real = await scenario(kafka.bootstrap, true)
  t.comment(JSON.stringify(real))
  t.same(real, [['joined', true], ['current epoch', '4'], ['stale, then the latest', '4'], ['stays newer', 'STALE_MEMBER_EPOCH'], ['not in the group', '4'], ['unknown member', 'UNKNOWN_MEMBER_ID']])
  t.same(await scenario(cluster.bootstrap, false), real)
})
