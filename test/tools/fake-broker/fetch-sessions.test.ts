import t from 'tap'
import { Fetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { FetchSessionCache, SESSION_CACHE_SLOTS } from '../../../tools/fake-broker/fetch-sessions.js'
import { RawClient } from './raw-client.js'

// Fetch sessions (KIP-227) on the fake broker, driven by a raw client so that every field is the test's choice:
// a full fetch opens a session, incremental fetches carry only changes both ways, forgotten partitions leave, and
// the session errors are Kafka's. kcat/librdkafka (sessionless) keeps working: test-interop/fake-broker/kcat.test.ts.

interface P { partition: number, fetchOffset: bigint }

function fetchBody (version: number, sessionId: number, sessionEpoch: number, topics: Array<{ topic: string, topicId: string, partitions: P[] }>, forgotten: Array<{ topic: string, topicId: string, partitions: number[] }> = []): unknown {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics: topics.map(x => ({ ...x, partitions: x.partitions.map(p => ({ ...p, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) })),
    forgottenTopicsData: forgotten,
    rackId: ''
  }
}

/** "topic/partition:records" for each answered partition, to compare answers in one line. */
function summary (res: any): string[] {
  return res.responses.flatMap((t: any) => t.partitions.map((p: any) => `${String(t.topic || t.topicId)}/${String(p.partitionIndex)}:${String(p.errorCode)}:${p.records?.length > 0 ? 'data' : 'empty'}`))
}

async function setup (t: any): Promise<{ cluster: FakeCluster, c: RawClient, ids: Record<string, string> }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'a', partitions: 2 }, { name: 'b', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const c = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => c.close())
  const ids = { a: cluster.state.topics.get('a')!.id, b: cluster.state.topics.get('b')!.id }
  return { cluster, c, ids }
}

t.test('a full fetch (epoch 0) opens a session; incremental fetches answer only partitions with news', async t => {
  const { cluster, c } = await setup(t)
  cluster.produce('a', 0, [{ value: 'a0' }])
  const all = [{ topic: 'a', topicId: '', partitions: [{ partition: 0, fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }] }, { topic: 'b', topicId: '', partitions: [{ partition: 0, fetchOffset: 0n }] }]
  const full = await c.request(Fetch, 12, fetchBody(12, 0, 0, all))
  t.equal(full.errorCode, 0)
  t.ok(full.sessionId > 0, 'a session id')
  t.same(summary(full), ['a/0:0:data', 'a/1:0:empty', 'b/0:0:empty'], 'a full answer lists every partition')
  const id = full.sessionId

  // Epoch 1: the client moved a-0 to offset 1; nothing new anywhere, so nothing is answered.
  const inc1 = await c.request(Fetch, 12, fetchBody(12, id, 1, [{ topic: 'a', topicId: '', partitions: [{ partition: 0, fetchOffset: 1n }] }]))
  t.same([inc1.errorCode, inc1.sessionId, summary(inc1)], [0, id, []], 'an incremental answer with no news is empty')

  // A record on b-0 (not named in the request: the session remembers it) is answered alone.
  cluster.produce('b', 0, [{ value: 'b0' }])
  const inc2 = await c.request(Fetch, 12, fetchBody(12, id, 2, []))
  t.same(summary(inc2), ['b/0:0:data'])
  t.equal(inc2.responses[0].partitions[0].highWatermark, 1n)

  // The client did not advance b-0 (it forgot to): the same data again, as Kafka re-reads from the cached offset.
  const inc3 = await c.request(Fetch, 12, fetchBody(12, id, 3, []))
  t.same(summary(inc3), ['b/0:0:data'])

  // Forgotten partitions leave the session: a record on a-1 is no longer answered once a-1 is forgotten.
  const inc4 = await c.request(Fetch, 12, fetchBody(12, id, 4, [{ topic: 'b', topicId: '', partitions: [{ partition: 0, fetchOffset: 1n }] }], [{ topic: 'a', topicId: '', partitions: [1] }]))
  t.same(summary(inc4), [])
  cluster.produce('a', 1, [{ value: 'a1' }])
  t.same(summary(await c.request(Fetch, 12, fetchBody(12, id, 5, []))), [], 'a forgotten partition is not fetched')

  // A partition added incrementally joins the session.
  const inc6 = await c.request(Fetch, 12, fetchBody(12, id, 6, [{ topic: 'a', topicId: '', partitions: [{ partition: 1, fetchOffset: 0n }] }]))
  t.same(summary(inc6), ['a/1:0:data'])
})

t.test('session errors: unknown id, wrong epoch, ids vs names; epoch -1 closes the session', async t => {
  const { c, ids } = await setup(t)
  const a0 = (fetchOffset: bigint): Array<{ topic: string, topicId: string, partitions: P[] }> => [{ topic: 'a', topicId: ids.a, partitions: [{ partition: 0, fetchOffset }] }]
  const unknown = await c.request(Fetch, 12, fetchBody(12, 12345, 1, []))
  t.same([unknown.errorCode, unknown.sessionId, unknown.responses.length], [ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0, 0])

  const full = await c.request(Fetch, 13, fetchBody(13, 0, 0, a0(0n)))
  const id = full.sessionId
  t.ok(id > 0)
  t.same(summary(full), [`${ids.a}/0:0:empty`], 'v13 names topics by id')
  const wrong = await c.request(Fetch, 13, fetchBody(13, id, 2, []))
  t.same([wrong.errorCode, wrong.sessionId], [ErrorCode.INVALID_FETCH_SESSION_EPOCH, 0])
  t.equal((await c.request(Fetch, 13, fetchBody(13, id, 1, []))).errorCode, 0, 'the right epoch still works after a wrong one')
  const byName = await c.request(Fetch, 12, fetchBody(12, id, 2, []))
  t.equal(byName.errorCode, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, 'a session made with ids cannot go on with names')

  // Epoch -1: a sessionless full fetch that also closes the session.
  const closing = await c.request(Fetch, 13, fetchBody(13, id, -1, a0(0n)))
  t.same([closing.errorCode, closing.sessionId, summary(closing)], [0, 0, [`${ids.a}/0:0:empty`]])
  t.equal((await c.request(Fetch, 13, fetchBody(13, id, 2, []))).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 'closed')
  // Epoch 0 with an old id replaces it with a new session.
  const s1 = (await c.request(Fetch, 13, fetchBody(13, 0, 0, a0(0n)))).sessionId
  const s2 = (await c.request(Fetch, 13, fetchBody(13, s1, 0, a0(0n)))).sessionId
  t.not(s2, s1)
  t.equal((await c.request(Fetch, 13, fetchBody(13, s1, 1, []))).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
  t.equal((await c.request(Fetch, 13, fetchBody(13, s2, 1, []))).errorCode, 0)
  // An empty full fetch opens no session.
  t.equal((await c.request(Fetch, 13, fetchBody(13, 0, 0, []))).sessionId, 0)
})

t.test('an incremental fetch long-polls on the session\'s partitions and wakes on an append to one of them', async t => {
  const { cluster, c } = await setup(t)
  const full = await c.request(Fetch, 12, fetchBody(12, 0, 0, [{ topic: 'b', topicId: '', partitions: [{ partition: 0, fetchOffset: 0n }] }]))
  const body: any = fetchBody(12, full.sessionId, 1, [])
  body.maxWaitMs = 30_000
  body.minBytes = 1
  const pending = c.request(Fetch, 12, body)
  setTimeout(() => { cluster.produce('b', 0, [{ value: 'late' }]) }, 50)
  const res = await pending
  t.same(summary(res), ['b/0:0:data'])
})

t.test('the session cache evicts its least recently used session when full', async t => {
  const cache = new FetchSessionCache()
  const topics = [{ topic: 't', topicId: '', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 }] }]
  const first = cache.create(false, topics, 0)!
  const second = cache.create(false, topics, 0)!
  t.equal(cache.newContext(first.id, 1, false, [], [], 1).kind, 'incremental', 'first is now the most recently used')
  for (let i = 2; i < SESSION_CACHE_SLOTS; i++) cache.create(false, topics, 0)
  t.equal(cache.size, SESSION_CACHE_SLOTS)
  cache.create(false, topics, 0)
  t.equal(cache.size, SESSION_CACHE_SLOTS)
  t.same(cache.newContext(second.id, 1, false, [], [], 2), { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND }, 'the least recently used went')
  t.equal(cache.newContext(first.id, 2, false, [], [], 2).kind, 'incremental')
})

t.test('a partition answered with an error is answered again once the error is gone, as Kafka does (cached high watermark -1)', async t => {
  const { cluster, c } = await setup(t)
  const b0 = [{ topic: 'b', topicId: '', partitions: [{ partition: 0, fetchOffset: 0n }] }]
  const full = await c.request(Fetch, 12, fetchBody(12, 0, 0, b0))
  t.same(summary(full), ['b/0:0:empty'])
  cluster.faults.failNext('Fetch', 1, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 'b', partition: 0 })
  t.same(summary(await c.request(Fetch, 12, fetchBody(12, full.sessionId, 1, []))), [`b/0:${ErrorCode.NOT_LEADER_OR_FOLLOWER}:empty`])
  // Nothing new on b-0 and its high watermark unchanged, yet answered: the client could not keep marks from an error.
  t.same(summary(await c.request(Fetch, 12, fetchBody(12, full.sessionId, 2, []))), ['b/0:0:empty'])
  t.same(summary(await c.request(Fetch, 12, fetchBody(12, full.sessionId, 3, []))), [], 'and then left out again')
})

t.test('an incremental answer leaves out a partition whose last stable offset alone moved, as Kafka compares only the high watermark and log start', async t => {
  const { FetchSession } = await import('../../../tools/fake-broker/fetch-sessions.js')
  const s = new FetchSession(7, false)
  s.update([{ topic: 'a', topicId: '', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 100 }] }], [])
  const key = FetchSession.key(false, 'a', '', 0)
  const sent = { errorCode: 0, highWatermark: 5n, logStartOffset: 0n, records: null, preferredReadReplica: -1, diverging: false }
  t.ok(s.mustRespond(key, sent, true), 'first marks: answered')
  t.notOk(s.mustRespond(key, sent, true), 'nothing new: left out')
  t.ok(s.wouldRespond(key, { ...sent, diverging: true }, true), 'a diverging epoch is always answered')
  t.ok(s.wouldRespond(key, { ...sent, preferredReadReplica: 2 }, true), 'so is a preferred read replica')
  t.ok(s.wouldRespond(key, { ...sent, logStartOffset: 1n }, true), 'and a moved log start')
})
