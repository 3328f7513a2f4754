import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { KafkaError } from '../../../protocol/errors.js'

// OffsetCommit v10 and OffsetFetch v10 name topics by id (KIP-848). GroupOffsets (behind the group consumer's
// commits, the admin's group offsets and the streaming sources) uses them when the coordinator speaks v10 and every
// topic's id is known, else v9 by name, as Kafka's consumer does; answers are mapped back to names. An id gone stale
// (the topic deleted, or recreated under a new id) is answered UNKNOWN_TOPIC_ID: the topic's metadata is refreshed
// and the request resent with the new id, or by name when the topic is gone. Which version went out is read from
// the fake broker's request log ("OffsetCommit v10 #...").

interface Setup { cluster: FakeCluster, client: KafkaClient, lines: string[], offsets: GroupOffsets }

async function setup (t: any, extra: Record<string, unknown> = {}): Promise<Setup> {
  const lines: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }], verbose: true, log: line => { lines.push(line) } })
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 1, retryBackoffMaxMs: 5, ...extra })
  t.teardown(async () => { await client.close(); await cluster.stop() })
  return { cluster, client, lines, offsets: new GroupOffsets(client) }
}

/** The "Api vN" of every logged request of `api`, in order. */
const sent = (lines: string[], api: string): string[] =>
  lines.map(l => new RegExp(` (${api} v\\d+) #`).exec(l)).filter(m => m !== null).map(m => m[1])

function recreate (cluster: FakeCluster, topic: string, partitions: number): void {
  cluster.state.deleteTopic(topic)
  cluster.createTopic(topic, partitions)
}

const tps = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 'u', partition: 0 }]

t.test('commits and reads by topic id (v10) when every id is known; callers see topic names', async t => {
  const { cluster, lines, offsets } = await setup(t)
  const results = await offsets.commitEach('g', [{ topic: 't', partition: 1, offset: 4n }, { topic: 'u', partition: 0, offset: 2n, metadata: 'm' }])
  t.same(results, [{ topic: 't', partition: 1, errorCode: ErrorCode.NONE }, { topic: 'u', partition: 0, errorCode: ErrorCode.NONE }])
  const got = await offsets.fetch('g', tps)
  t.same([...got].map(([k, c]) => [k, c.offset, c.metadata]), [['t:0', -1n, ''], ['t:1', 4n, ''], ['u:0', 2n, 'm']])
  t.same(sent(lines, 'OffsetCommit'), ['OffsetCommit v10'])
  t.same(sent(lines, 'OffsetFetch'), ['OffsetFetch v10'])
  const id = cluster.state.topics.get('t')?.id ?? 'none'
  t.ok(lines.some(l => l.includes(' OffsetCommit v10 #') && l.includes(`${id}[1]`)), 'the request named the topic by its id')
})

t.test('without topic ids (Metadata below v10, as from an old broker) both go by name (v9)', async t => {
  const { lines, offsets } = await setup(t, { maxVersions: { Metadata: 9 } })
  await offsets.commit('g', [{ topic: 't', partition: 0, offset: 1n }])
  t.same([...await offsets.fetch('g', tps)].map(([k, c]) => [k, c.offset]), [['t:0', 1n], ['t:1', -1n], ['u:0', -1n]])
  t.same(sent(lines, 'OffsetCommit'), ['OffsetCommit v9'])
  t.same(sent(lines, 'OffsetFetch'), ['OffsetFetch v9'])
})

t.test('a coordinator that speaks v9 at most is asked by name', async t => {
  const { lines, offsets } = await setup(t, { maxVersions: { OffsetCommit: 9, OffsetFetch: 9 } })
  await offsets.commit('g', [{ topic: 'u', partition: 0, offset: 6n }])
  t.equal((await offsets.fetch('g', [{ topic: 'u', partition: 0 }])).get('u:0')?.offset, 6n)
  t.same([...sent(lines, 'OffsetCommit'), ...sent(lines, 'OffsetFetch')], ['OffsetCommit v9', 'OffsetFetch v9'])
})

t.test('every committed offset (a null topic list) is asked for by name: the answer would name unknown ids', async t => {
  const { lines, offsets } = await setup(t)
  await offsets.commit('g', [{ topic: 'u', partition: 0, offset: 3n }])
  t.same([...await offsets.fetch('g', null)].map(([k, c]) => [k, c.offset]), [['u:0', 3n]])
  t.same(sent(lines, 'OffsetFetch'), ['OffsetFetch v9'])
})

t.test('a recreated topic: UNKNOWN_TOPIC_ID refreshes its metadata and the commit and the fetch go again by the new id', async t => {
  const { cluster, client, lines, offsets } = await setup(t)
  const old = (await client.topicIds(['t'])).get('t')
  recreate(cluster, 't', 2)
  t.equal(client.cachedTopicId('t'), old, 'the cache still holds the old id')
  await offsets.commit('g', [{ topic: 't', partition: 0, offset: 8n }])
  t.same(sent(lines, 'OffsetCommit'), ['OffsetCommit v10', 'OffsetCommit v10'])
  t.equal(client.cachedTopicId('t'), cluster.state.topics.get('t')?.id, 'the new id was looked up')
  t.equal(cluster.state.groups.committed('g', 't', 0)?.offset, 8n)
  recreate(cluster, 't', 2)
  // The recreated topic keeps the group's offsets here (the fake keeps them by name); what matters is the retry.
  const got = await offsets.fetch('g', [{ topic: 't', partition: 0 }])
  t.ok(got.has('t:0'), 'answered under the topic name')
  t.same(sent(lines, 'OffsetFetch'), ['OffsetFetch v10', 'OffsetFetch v10'])
})

t.test('a deleted topic: after UNKNOWN_TOPIC_ID the commit names it (v9), and its error is the coordinator\'s', async t => {
  const { cluster, client, lines, offsets } = await setup(t, { retries: 2 })
  await client.topicIds(['u'])
  cluster.state.deleteTopic('u')
  const err = await offsets.commit('g', [{ topic: 'u', partition: 0, offset: 1n }]).catch((e: unknown) => e)
  t.ok(err instanceof KafkaError)
  t.equal((err as KafkaError).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  t.same(sent(lines, 'OffsetCommit').slice(0, 2), ['OffsetCommit v10', 'OffsetCommit v9'])
  t.equal(client.cachedTopicId('u'), '00000000-0000-0000-0000-000000000000', 'the deleted topic left the cache')
})

t.test('an id that stays unknown fails after the retries with UNKNOWN_TOPIC_ID', async t => {
  const { cluster, client, lines, offsets } = await setup(t, { retries: 1 })
  await client.topicIds(['u'])
  // Every OffsetCommit is answered as by a coordinator whose metadata lags: UNKNOWN_TOPIC_ID.
  cluster.faults.failNext('OffsetCommit', 10, ErrorCode.UNKNOWN_TOPIC_ID)
  const err = await offsets.commit('g', [{ topic: 'u', partition: 0, offset: 1n }]).catch((e: unknown) => e)
  t.ok(err instanceof KafkaError)
  t.equal((err as KafkaError).errorCode, ErrorCode.UNKNOWN_TOPIC_ID)
  t.match((err as KafkaError).message, /OffsetCommit g u\[0\]/, 'named by topic, not by id')
  t.same(sent(lines, 'OffsetCommit'), ['OffsetCommit v10', 'OffsetCommit v10'])
})

t.test('a fetch whose id stays unknown after the refresh asks by name (v9) and reads the offsets Kafka keeps by name', async t => {
  const { cluster, client, lines, offsets } = await setup(t, { retries: 2 })
  await offsets.commit('g', [{ topic: 'u', partition: 0, offset: 6n }])
  // A coordinator whose metadata lags answers UNKNOWN_TOPIC_ID for an id the cluster's metadata still gives.
  cluster.faults.failNext('OffsetFetch', 1, ErrorCode.UNKNOWN_TOPIC_ID, { topic: 'u', partition: 0 })
  const got = await offsets.fetch('g', [{ topic: 'u', partition: 0 }, { topic: 't', partition: 1 }])
  t.same([...got].map(([k, c]) => [k, c.offset]), [['u:0', 6n], ['t:1', -1n]], 'the committed offset, not an error and not "none"')
  t.same(sent(lines, 'OffsetFetch'), ['OffsetFetch v10', 'OffsetFetch v9'])
  // The next fetch tries by id again: the fallback is per call.
  await offsets.fetch('g', [{ topic: 'u', partition: 0 }])
  t.same(sent(lines, 'OffsetFetch').slice(2), ['OffsetFetch v10'])
})
