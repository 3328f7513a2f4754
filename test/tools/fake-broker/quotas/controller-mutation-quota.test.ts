import t from 'tap'
import { AlterClientQuotas, CreatePartitions, CreateTopics, DeleteTopics, Metadata } from '../../../../protocol/apis/index.js'
import { ErrorCode } from '../../../../protocol/error-codes.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { TokenBucket } from '../../../../tools/fake-broker/quotas/controller-mutation-quota.js'
import { RawClient } from '../raw-client.js'

// The controller mutation quota (KIP-599) on virtual time: a token bucket of rate × 11 s per (user, client id),
// one token per partition created or deleted. Expected values are Kafka's arithmetic (TokenBucket, and
// round(-tokens / rate × 1000) for the throttle time): with a rate of 1 the bucket holds 11; a 12-partition topic
// empties it to -1, and until it refills to 0 (1000 ms) a strict request is refused.

async function setup (t: Tap.Test): Promise<{ cluster: FakeCluster, client: RawClient, other: RawClient, waits: number[], clock: { now: number } }> {
  const clock = { now: 1_700_000_000_000 }
  // A muted connection's wait is recorded and over at once: the clock is the test's.
  const waits: number[] = []
  const cluster = await FakeCluster.start({
    topics: [{ name: 'existing', partitions: 2 }],
    clock: () => clock.now,
    throttleWait: async ms => { waits.push(ms) }
  })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const other = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { other.close() })
  const res = await client.request(AlterClientQuotas, 1, {
    entries: [{ entity: [{ entityType: 'client-id', entityName: 'admin' }], ops: [{ key: 'controller_mutation_rate', value: 1, remove: false }] }],
    validateOnly: false
  })
  t.equal(res.entries[0].errorCode, ErrorCode.NONE)
  return { cluster, client, other, waits, clock }
}

function topic (name: string, numPartitions: number): unknown {
  return { name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }
}

async function create (client: RawClient, version: number, topics: unknown[], clientId = 'admin', validateOnly = false): Promise<{ throttleTimeMs: number, codes: Array<[string, number, string | null]> }> {
  const res = await client.request(CreateTopics, version, { topics, timeoutMs: 1000, validateOnly }, clientId)
  return { throttleTimeMs: res.throttleTimeMs, codes: res.topics.map((x: any) => [x.name, x.errorCode, x.errorMessage]) }
}

/** Kafka's ApiError leaves out a message that only repeats the error's own text (checked against Kafka 4.4). */
const THROTTLED = null

t.test('the token bucket: starts full, refills at the rate up to the burst, and may go below zero', async t => {
  const b = new TokenBucket()
  const now = 1_700_000_000_000
  t.equal(b.measure(2, 22, now), 22, 'the first refill (from time 0) fills it')
  b.record(30, 2, 22, now)
  t.equal(b.measure(2, 22, now), -8)
  t.equal(b.measure(2, 22, now + 1500), -5, '2 tokens a second')
  t.equal(b.measure(2, 22, now + 100_000), 22, 'never above the burst')
})

t.test('strict CreateTopics (v6+): a full bucket takes one large topic; an empty one refuses, until it refills', async t => {
  const { client, clock } = await setup(t)
  const first = await create(client, 7, [topic('big', 12), topic('next', 1)])
  t.same(first.codes, [['big', ErrorCode.NONE, null], ['next', ErrorCode.THROTTLING_QUOTA_EXCEEDED, THROTTLED]], 'the bucket held 11: 12 go through, then it is empty')
  t.equal(first.throttleTimeMs, 1000, 'the time to come back to 0 tokens')
  clock.now += 400
  const second = await create(client, 6, [topic('later', 1)])
  t.same(second, { throttleTimeMs: 600, codes: [['later', ErrorCode.THROTTLING_QUOTA_EXCEEDED, THROTTLED]] })
  clock.now += 600
  const third = await create(client, 7, [topic('later', 1), topic('again', 1)])
  t.same(third.codes.map(c => c[1]), [ErrorCode.NONE, ErrorCode.THROTTLING_QUOTA_EXCEEDED])
  t.equal(third.throttleTimeMs, 1000)
})

t.test('a refused topic costs nothing; errors found before the quota do not take from it; validateOnly does', async t => {
  const { client, clock } = await setup(t)
  const bad = await create(client, 7, [topic('existing', 5), topic('zero', 0)])
  t.same(bad.codes.map(c => c[1]), [ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_PARTITIONS])
  const dry = await create(client, 7, [topic('dry', 12)], 'admin', true)
  t.same(dry, { throttleTimeMs: 0, codes: [['dry', ErrorCode.NONE, null]] })
  const after = await create(client, 7, [topic('one', 1)])
  t.same(after.codes.map(c => c[1]), [ErrorCode.THROTTLING_QUOTA_EXCEEDED], 'the dry run took 12 tokens, as a real creation would')
  clock.now += 1000
  t.same((await create(client, 7, [topic('one', 1)])).codes.map(c => c[1]), [ErrorCode.NONE])
})

t.test('permissive versions (CreateTopics v5) go through and are answered with the throttle time, and the channel is muted', async t => {
  const { client, waits } = await setup(t)
  const res = await create(client, 5, [topic('a', 12), topic('b', 3)])
  t.same(res.codes.map(c => c[1]), [ErrorCode.NONE, ErrorCode.NONE])
  t.equal(res.throttleTimeMs, 4000, 'recorded, then measured: -4 tokens at 1 a second')
  while (waits.length === 0) await new Promise(resolve => setImmediate(resolve))
  t.same(waits, [4000], 'the connection waits that long before it is read again')
})

t.test('the quota is per entity: other client ids are not limited; a user quota covers all its clients', async t => {
  const { client, other } = await setup(t)
  t.same((await create(client, 7, [topic('x', 12)])).codes.map(c => c[1]), [ErrorCode.NONE])
  t.same((await create(other, 7, [topic('y', 50)], 'someone-else')).codes.map(c => c[1]), [ErrorCode.NONE], 'no quota for this client')
  t.same((await create(other, 7, [topic('z', 1)], 'admin')).codes.map(c => c[1]), [ErrorCode.THROTTLING_QUOTA_EXCEEDED], 'the same client id on another connection shares the bucket')
})

t.test('DeleteTopics takes its topics\' partitions: strict from v5, permissive before', async t => {
  const { client, clock } = await setup(t)
  await create(client, 7, [topic('d1', 6), topic('d2', 6), topic('d3', 1)], 'setup')
  const strict = await client.request(DeleteTopics, 5, { topicNames: ['existing', 'd1', 'd2', 'd3'], timeoutMs: 1000 }, 'admin')
  t.same(strict.responses.map((r: any) => [r.name, r.errorCode, r.errorMessage]), [
    ['existing', ErrorCode.NONE, null], ['d1', ErrorCode.NONE, null], ['d2', ErrorCode.NONE, null], ['d3', ErrorCode.THROTTLING_QUOTA_EXCEEDED, THROTTLED]
  ], '2 + 6 + 6 from 11 tokens: the third deletion empties the bucket to -3')
  t.equal(strict.throttleTimeMs, 3000)
  const permissive = await client.request(DeleteTopics, 4, { topicNames: ['d3'], timeoutMs: 1000 }, 'admin')
  t.same(permissive.responses.map((r: any) => r.errorCode), [ErrorCode.NONE])
  t.equal(permissive.throttleTimeMs, 4000)
  clock.now += 4000
})

t.test('CreatePartitions takes the partitions it adds: strict from v3, permissive before; size checks come first', async t => {
  const { client } = await setup(t)
  const res = await client.request(CreatePartitions, 3, {
    topics: [
      { name: 'existing', count: 4, assignments: [{ brokerIds: [1] }] },
      { name: 'existing', count: 13, assignments: null }
    ],
    timeoutMs: 1000,
    validateOnly: false
  }, 'admin')
  t.same(res.results.map((r: any) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST], 'a name given twice is refused before the quota')
  const sized = await client.request(CreatePartitions, 3, { topics: [{ name: 'existing', count: 4, assignments: [{ brokerIds: [1] }] }], timeoutMs: 1000, validateOnly: false }, 'admin')
  t.equal(sized.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'one assignment for two new partitions')
  const grown = await client.request(CreatePartitions, 3, { topics: [{ name: 'existing', count: 14, assignments: null }], timeoutMs: 1000, validateOnly: false }, 'admin')
  t.same([grown.results[0].errorCode, grown.throttleTimeMs], [ErrorCode.NONE, 0], '12 new partitions from a full bucket')
  const refused = await client.request(CreatePartitions, 3, { topics: [{ name: 'existing', count: 15, assignments: null }], timeoutMs: 1000, validateOnly: false }, 'admin')
  t.same([refused.results[0].errorCode, refused.results[0].errorMessage, refused.throttleTimeMs], [ErrorCode.THROTTLING_QUOTA_EXCEEDED, THROTTLED, 1000])
  const permissive = await client.request(CreatePartitions, 2, { topics: [{ name: 'existing', count: 15, assignments: null }], timeoutMs: 1000, validateOnly: false }, 'admin')
  t.same([permissive.results[0].errorCode, permissive.throttleTimeMs], [ErrorCode.NONE, 2000])
})

t.test('auto-created topics (Metadata) are charged to the asker and refused while its bucket is empty, as Kafka 4.4', async t => {
  const clock = { now: 1_700_000_000_000 }
  const waits: number[] = []
  const cluster = await FakeCluster.start({ autoCreateTopics: true, defaultPartitions: 20, clock: () => clock.now, throttleWait: async ms => { waits.push(ms) } })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  await client.request(AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'client-id', entityName: 'admin' }], ops: [{ key: 'controller_mutation_rate', value: 1, remove: false }] }], validateOnly: false })
  const autoCreate = async (name: string, version = 12, clientId = 'admin'): Promise<{ throttleTimeMs: number, errorCode: number, partitions: number }> => {
    const res = await client.request(Metadata, version, { topics: [{ name }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }, clientId)
    return { throttleTimeMs: res.throttleTimeMs ?? 0, errorCode: res.topics[0].errorCode, partitions: res.topics[0].partitions.length }
  }
  // A full bucket (11) takes the 20 partitions, whatever the Metadata version: the controller's CreateTopics is strict.
  t.same(await autoCreate('first', 1), { throttleTimeMs: 0, errorCode: ErrorCode.NONE, partitions: 20 })
  // Now at -9: the same client's CreateTopics v7 is refused, and so is its next auto-creation, unthrottled.
  t.same((await create(client, 7, [topic('explicit', 1)])).codes, [['explicit', ErrorCode.THROTTLING_QUOTA_EXCEEDED, THROTTLED]])
  t.same(await autoCreate('second'), { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: 0 })
  t.notOk(cluster.state.topics.has('second'), 'not created')
  t.same(await autoCreate('elsewhere', 12, 'another-client'), { throttleTimeMs: 0, errorCode: ErrorCode.NONE, partitions: 20 }, 'another client id has its own bucket')
  // Refilled to 0 after 9 s: asked again, it is created.
  clock.now += 9000
  t.same(await autoCreate('second'), { throttleTimeMs: 0, errorCode: ErrorCode.NONE, partitions: 20 })
  t.same(waits, [1000 * 9], 'only the CreateTopics answer muted the connection')
})
