import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { CoordinatorCache, GroupOffsets, SIMPLE_COMMIT } from '../../../consumer/coordinator/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { KafkaError } from '../../../protocol/errors.js'
import { ConsumerGroupHeartbeat } from '../../../protocol/apis/index.js'

async function setup (t: Tap.Test, brokers = 1): Promise<{ cluster: FakeCluster, client: KafkaClient }> {
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: 't', partitions: 3 }] })
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 1, retryBackoffMaxMs: 5 })
  t.teardown(async () => { await client.close(); await cluster.stop() })
  return { cluster, client }
}

t.test('a simple commit is read back by OffsetFetch, and partitions without a commit read -1', async t => {
  const { client } = await setup(t)
  const offsets = new GroupOffsets(client)
  await offsets.commit('g', [{ topic: 't', partition: 0, offset: 5n }, { topic: 't', partition: 2, offset: 7n, metadata: 'm' }], SIMPLE_COMMIT)
  const got = await offsets.fetch('g', [0, 1, 2].map(partition => ({ topic: 't', partition })))
  t.same([...got].map(([k, c]) => [k, c.offset]), [['t:0', 5n], ['t:1', -1n], ['t:2', 7n]])
  t.equal(got.get('t:2')?.metadata, 'm')
})

t.test('a null partition list reads every committed offset of the group', async t => {
  const { client } = await setup(t)
  const offsets = new GroupOffsets(client)
  await offsets.commit('g', [{ topic: 't', partition: 1, offset: 3n }])
  const got = await offsets.fetch('g', null)
  t.same([...got].map(([k, c]) => [k, c.offset]), [['t:1', 3n]])
})

for (const code of ['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'] as const) {
  t.test(`${code} forgets the coordinator, finds it again and retries`, async t => {
    const { cluster, client } = await setup(t)
    const offsets = new GroupOffsets(client)
    await offsets.commit('g', [{ topic: 't', partition: 0, offset: 1n }])
    const finds: number[] = []
    cluster.faults.intercept(req => { if (req.apiName === 'FindCoordinator') finds.push(req.brokerId); return undefined })
    cluster.faults.failNext('OffsetCommit', 1, ErrorCode[code])
    await offsets.commit('g', [{ topic: 't', partition: 0, offset: 2n }])
    t.equal(finds.length, 1, 'asked FindCoordinator once more')
    t.equal((await offsets.fetch('g', [{ topic: 't', partition: 0 }])).get('t:0')?.offset, 2n)
  })
}

t.test('the coordinator is cached: many commits, one FindCoordinator', async t => {
  const { cluster, client } = await setup(t, 3)
  let finds = 0
  cluster.faults.intercept(req => { if (req.apiName === 'FindCoordinator') finds++; return undefined })
  const offsets = new GroupOffsets(client, new CoordinatorCache(client))
  await Promise.all([1n, 2n, 3n].map(async o => { await offsets.commit('g', [{ topic: 't', partition: 0, offset: o }]) }))
  t.equal(finds, 1)
})

t.test('a member error is not retried: it reaches the caller as a KafkaError', async t => {
  const { client } = await setup(t)
  const offsets = new GroupOffsets(client)
  // A generation and member id the coordinator never handed out.
  const err = await offsets.commit('g2', [{ topic: 't', partition: 0, offset: 1n }], { generationIdOrMemberEpoch: 3, memberId: 'ghost', groupInstanceId: null }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof KafkaError)
  // Kafka 4 answers a generation for an unknown group with GROUP_ID_NOT_FOUND from OffsetCommit v9 (checked by the
  // differential test against real Kafka); either way a member error, not retried.
  t.equal((err as KafkaError).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
})

t.test('a KIP-848 member reads as itself: OffsetFetch v9+ carries its id and epoch, STALE_MEMBER_EPOCH is retried with the latest', async t => {
  const { cluster, client } = await setup(t)
  const offsets = new GroupOffsets(client)
  const node = await offsets.coordinators.get('g')
  const joined = await client.request(node, ConsumerGroupHeartbeat, {
    groupId: 'g', memberId: 'member-a', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
  })
  const epoch = joined.body.memberEpoch
  t.ok(epoch > 0)
  const sent: Array<[string | null, number]> = []
  cluster.faults.intercept(req => {
    if (req.apiName === 'OffsetFetch') {
      const g = (req.body as { groups: Array<{ memberId: string | null, memberEpoch: number }> }).groups[0]
      sent.push([g.memberId, g.memberEpoch])
    }
    return undefined
  })
  const tps = [{ topic: 't', partition: 0 }]
  t.equal((await offsets.fetch('g', tps, false, () => ({ memberId: 'member-a', memberEpoch: epoch }))).get('t:0')?.offset, -1n)
  t.same(sent, [['member-a', epoch]], 'the member id and epoch are sent')
  // The member's epoch moves on (its heartbeat would bring the new one): the stale read is retried with it.
  sent.length = 0
  let calls = 0
  await offsets.fetch('g', tps, false, () => ({ memberId: 'member-a', memberEpoch: calls++ === 0 ? epoch - 1 : epoch }))
  t.same(sent, [['member-a', epoch - 1], ['member-a', epoch]])
  // Still stale after every retry: thrown.
  const stale = await offsets.fetch('g', tps, false, () => ({ memberId: 'member-a', memberEpoch: epoch + 1 })).catch((e: unknown) => e)
  t.match(stale, { errorCode: ErrorCode.STALE_MEMBER_EPOCH })
  // Out of the group (no epoch): read as nobody in particular.
  sent.length = 0
  await offsets.fetch('g', tps, false, () => undefined)
  t.same(sent, [[null, -1]])
  // A member the coordinator does not know: not retried.
  sent.length = 0
  const unknown = await offsets.fetch('g', tps, false, () => ({ memberId: 'member-z', memberEpoch: epoch })).catch((e: unknown) => e)
  t.match(unknown, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID })
  t.equal(sent.length, 1)
})
