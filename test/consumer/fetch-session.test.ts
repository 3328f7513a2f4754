import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { sessionCacheFor } from '../../tools/fake-broker/fetch-sessions.js'
import { SimpleConsumer, parseConsumerConfig, tpKey, type FetchedPartition } from '../../consumer/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError } from '../../protocol/errors.js'
import { encodeRecordBatch } from '../../protocol/records/index.js'
import { FetchSession, nextEpoch, type SessionPartition } from '../../consumer/fetch-session.js'
import { replyClusterOfOne, startRawBroker, type RawRequest } from './raw-broker.js'

// Incremental fetch sessions (KIP-227) in the SimpleConsumer, against the fake broker (which serves them as Kafka
// 4.x does), checked on the wire through the fake's request hook: the first fetch to a broker is full (epoch 0), the
// next ones name only new or changed partitions and forget the rest, an answer that leaves a partition out still
// gives the caller a result with the partition's marks, and every way a session ends (evicted, wrong epoch, lost
// connection, recreated topic) starts over with a full fetch without losing a record.

const FAST = { retryBackoffMs: 5, retryBackoffMaxMs: 20, reconnectBackoffMs: 5, reconnectBackoffMaxMs: 20, fetchWaitMaxMs: 20, requestTimeoutMs: 5000 }

/** One Fetch as the broker got it: session fields, "t-0@5" per named partition, "t-2" per forgotten one. */
interface SeenFetch { version: number, sessionId: number, sessionEpoch: number, named: string[], forgotten: string[] }

async function setup (t: any, opts: { partitions?: number, perPartition?: number, consumer?: Record<string, unknown> } = {}) {
  const partitions = opts.partitions ?? 3
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 't', partitions }] })
  t.teardown(async () => await cluster.stop())
  for (let p = 0; p < partitions && opts.perPartition !== 0; p++) {
    cluster.produce('t', p, Array.from({ length: opts.perPartition ?? 5 }, (_, i) => ({ value: `p${p}-${i}` })))
  }
  // Topic ids to names, kept across a topic's deletion (its old id still appears in requests).
  const names = new Map<string, string>()
  const remember = (): void => { for (const [name, topic] of cluster.state.topics) names.set(topic.id, name) }
  remember()
  const seen: SeenFetch[] = []
  cluster.faults.intercept(req => {
    if (req.apiName !== 'Fetch') return undefined
    remember()
    const body = req.body as { sessionId: number, sessionEpoch: number, topics: any[], forgottenTopicsData: any[] }
    const nameOf = (x: { topic: string, topicId: string }): string => req.version >= 13 ? names.get(x.topicId) ?? '?' : x.topic
    seen.push({
      version: req.version,
      sessionId: body.sessionId,
      sessionEpoch: body.sessionEpoch,
      named: body.topics.flatMap(x => x.partitions.map((p: any) => `${nameOf(x)}-${String(p.partition)}@${String(p.fetchOffset)}`)),
      forgotten: (body.forgottenTopicsData ?? []).flatMap(x => x.partitions.map((p: number) => `${nameOf(x)}-${p}`))
    })
    return undefined
  })
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, ...opts.consumer })
  t.teardown(async () => await consumer.close())
  return { cluster, consumer, seen }
}

const pos = (partition: number, fromOffset: bigint, untilOffset?: bigint) => ({ topic: 't', partition, fromOffset, untilOffset })

function values (got: FetchedPartition | undefined): string[] {
  return (got?.records ?? []).map(r => String(r.value))
}

function marks (got: FetchedPartition | undefined): bigint[] {
  return got === undefined ? [] : [got.nextOffset, got.highWatermark, got.lastStableOffset, got.logStartOffset]
}

for (const fetchVersion of [7, 12, 17]) {
  t.test(`Fetch v${fetchVersion}: the second fetch names only what changed; left-out partitions keep their marks; forgotten ones leave`, async t => {
    const { cluster, consumer, seen } = await setup(t, { consumer: { maxVersions: { Fetch: fetchVersion } } })
    const first = await consumer.fetchOnce([pos(0, 0n), pos(1, 0n), pos(2, 0n)])
    t.same([0, 1, 2].map(p => values(first.get(tpKey('t', p))).length), [5, 5, 5])
    t.match(seen[0], { version: fetchVersion, sessionId: 0, sessionEpoch: 0, named: ['t-0@0', 't-1@0', 't-2@0'], forgotten: [] }, 'a full fetch asks for a session')
    await consumer.fetchOnce([pos(0, 5n), pos(1, 0n), pos(2, 5n)])
    const sessionId = seen[1].sessionId
    t.not(sessionId, 0, 'the next fetch is in the session the broker gave')
    t.match(seen[1], { sessionEpoch: 1, named: ['t-0@5', 't-2@5'], forgotten: [] }, 'p1 did not move: not named')

    // p1 is asked again from 0: nothing changed in the request, but the session still reads it, and the broker
    // answers it (records); p0 and p2 had nothing new and are left out of the answer, yet come back with marks.
    const third = await consumer.fetchOnce([pos(0, 5n), pos(1, 0n), pos(2, 5n)])
    t.match(seen[2], { sessionId, sessionEpoch: 2, named: [], forgotten: [] }, 'nothing changed: nothing named')
    t.same(values(third.get(tpKey('t', 1))), ['p1-0', 'p1-1', 'p1-2', 'p1-3', 'p1-4'])
    for (const p of [0, 2]) {
      t.same(marks(third.get(tpKey('t', p))), [5n, 5n, 5n, 0n], `p${p}: left out, answered empty with the last marks`)
      t.same(values(third.get(tpKey('t', p))), [])
      t.equal(third.get(tpKey('t', p))?.raw, undefined)
      t.equal(third.get(tpKey('t', p))?.broker, 1)
    }

    // p2 is no longer wanted: forgotten; records on it are not read any more.
    cluster.produce('t', 2, [{ value: 'p2-5' }])
    cluster.produce('t', 0, [{ value: 'p0-5' }])
    const fourth = await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
    t.match(seen[3], { sessionId, sessionEpoch: 3, named: ['t-1@5'], forgotten: ['t-2'] })
    t.same(values(fourth.get(tpKey('t', 0))), ['p0-5'], 'a record produced meanwhile is answered')
    t.same(marks(fourth.get(tpKey('t', 1))), [5n, 5n, 5n, 0n])
    t.notOk(fourth.has(tpKey('t', 2)))
    t.equal(sessionCacheFor(cluster.state, 1).size, 1, 'one session on the broker')
  })
}

t.test('fetch() over several rounds reads every record once, in order, with incremental requests', async t => {
  const { cluster, consumer, seen } = await setup(t, { perPartition: 0, consumer: { maxPartitionFetchBytes: 200 } })
  for (let p = 0; p < 3; p++) {
    for (let i = 0; i < 20; i++) cluster.produce('t', p, [{ value: `p${p}-${i}`.padEnd(60, '.') }])
  }
  const got = await consumer.fetch([0, 1, 2].map(p => pos(p, 0n, 20n)))
  for (let p = 0; p < 3; p++) {
    t.same(got.get(tpKey('t', p))?.map(r => String(r.value).replace(/\.+$/, '')), Array.from({ length: 20 }, (_, i) => `p${p}-${i}`))
  }
  t.ok(seen.length > 3)
  t.same(seen.map(s => s.sessionEpoch), seen.map((_, i) => i), 'one session: epochs 0, 1, 2, ...')
  t.ok(seen.slice(1).every(s => s.sessionId === seen[1].sessionId && s.sessionId !== 0))
})

t.test('an evicted session (FETCH_SESSION_ID_NOT_FOUND) is retried at once as a full fetch, losing nothing', async t => {
  const { cluster, consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n)])
  await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  const sessionId = seen[1].sessionId
  // The broker's cache evicts it (another client's full fetch naming it closes it, as Kafka's newContext does).
  sessionCacheFor(cluster.state, 1).newContext(sessionId, -1, true, [], [], Date.now())
  cluster.produce('t', 1, [{ value: 'p1-5' }])
  const round = await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  t.same(values(round.get(tpKey('t', 1))), ['p1-5'])
  t.same(marks(round.get(tpKey('t', 0))), [5n, 5n, 5n, 0n])
  t.match(seen.slice(2), [
    { sessionId, sessionEpoch: 2, named: [] },
    { sessionId: 0, sessionEpoch: 0, named: ['t-0@5', 't-1@5'] }
  ], 'the refused incremental fetch, then a full one asking for a new session')
  await consumer.fetchOnce([pos(0, 5n), pos(1, 6n)])
  t.match(seen[4], { sessionEpoch: 1, named: ['t-1@6'] }, 'and incremental in the new one')
  t.not(seen[4].sessionId, sessionId)
})

t.test('a wrong epoch (INVALID_FETCH_SESSION_EPOCH) closes the session and opens a new one in one full fetch', async t => {
  const { cluster, consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n)])
  await consumer.fetchOnce([pos(0, 5n)])
  const sessionId = seen[1].sessionId
  // A request the client never saw answered moved the broker's epoch on (epoch 2 taken by someone else).
  t.equal(sessionCacheFor(cluster.state, 1).newContext(sessionId, 2, true, [], [], Date.now()).kind, 'incremental')
  cluster.produce('t', 0, [{ value: 'p0-5' }])
  const round = await consumer.fetchOnce([pos(0, 5n)])
  t.same(values(round.get(tpKey('t', 0))), ['p0-5'])
  t.match(seen.slice(2), [{ sessionId, sessionEpoch: 2 }, { sessionId, sessionEpoch: 0, named: ['t-0@5'] }])
  t.equal(sessionCacheFor(cluster.state, 1).size, 1, 'the old session was closed, not left to eviction')
})

t.test('a new connection starts a new session (the old one is closed by the full fetch that names it)', async t => {
  const { consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n)])
  await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  const sessionId = seen[1].sessionId
  await (await consumer.client.connection(1)).close()
  const round = await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  t.same(marks(round.get(tpKey('t', 0))), [5n, 5n, 5n, 0n])
  t.match(seen[2], { sessionId, sessionEpoch: 0, named: ['t-0@5', 't-1@5'] })
})

t.test('a connection dropped mid-answer: the fetch is retried full on a new connection, every record once', async t => {
  const { cluster, consumer, seen } = await setup(t, { perPartition: 0 })
  for (let i = 0; i < 30; i++) cluster.produce('t', i % 3, [{ value: `v${i}` }])
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n), pos(2, 0n)])
  cluster.faults.dropConnectionMidResponse('Fetch', 1)
  const got = await consumer.fetch([0, 1, 2].map(p => pos(p, 0n, 10n)))
  for (let p = 0; p < 3; p++) t.same(got.get(tpKey('t', p))?.map(r => String(r.value)), Array.from({ length: 10 }, (_, i) => `v${i * 3 + p}`))
  const sessionId = seen[1].sessionId
  t.not(sessionId, 0)
  t.match(seen.slice(1), [{ sessionId, sessionEpoch: 1 }, { sessionId, sessionEpoch: 0 }], 'the lost answer\'s session is closed and a new one opened')
})

t.test('a recreated topic (UNKNOWN_TOPIC_ID for the session\'s old id) starts a new session with the new id', async t => {
  const { cluster, consumer, seen } = await setup(t, { partitions: 1 })
  await consumer.fetchOnce([pos(0, 0n)])
  await consumer.fetchOnce([pos(0, 5n)])
  const oldId = cluster.state.topics.get('t')?.id
  cluster.state.deleteTopic('t')
  cluster.createTopic('t', 1)
  cluster.produce('t', 0, [{ value: 'new-0' }])
  t.not(cluster.state.topics.get('t')?.id, oldId)
  const round = await consumer.fetchOnce([pos(0, 0n)])
  t.same(values(round.get(tpKey('t', 0))), ['new-0'])
  const last = seen[seen.length - 1]
  t.match(last, { sessionId: seen[1].sessionId, sessionEpoch: 0, named: ['t-0@0'] }, 'full, naming the new id')
})

t.test('a partition error keeps the session; the partition is retried in it', async t => {
  const { cluster, consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n)])
  cluster.faults.failNext('Fetch', 1, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 't', partition: 1 })
  cluster.produce('t', 0, [{ value: 'p0-5' }])
  const round = await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  t.same(values(round.get(tpKey('t', 0))), ['p0-5'])
  t.same(marks(round.get(tpKey('t', 1))), [5n, 5n, 5n, 0n], 'answered by the retry')
  t.ok(seen.slice(1).every(s => s.sessionEpoch > 0), 'every later fetch incremental')
})

t.test('two fetches to one broker at once: one uses the session, the other goes without', async t => {
  const { consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n)])
  const [a, b] = await Promise.all([consumer.fetchOnce([pos(0, 5n)]), consumer.fetchOnce([pos(1, 0n)])])
  t.same(marks(a.get(tpKey('t', 0))), [5n, 5n, 5n, 0n])
  t.same(values(b.get(tpKey('t', 1))).length, 5)
  t.same(seen.slice(1).map(s => [s.sessionEpoch, s.named]).sort(), [[-1, ['t-1@0']], [1, ['t-0@5']]].sort())
})

t.test('enable.fetch.sessions=false: every fetch is full and sessionless, as before', async t => {
  t.equal(parseConsumerConfig({ bootstrapServers: 'x:1' }).enableFetchSessions, true, 'on by default')
  t.equal(parseConsumerConfig({ bootstrapServers: 'x:1', 'enable.fetch.sessions': 'false' }).enableFetchSessions, false)
  t.throws(() => parseConsumerConfig({ bootstrapServers: 'x:1', 'enable.fetch.sessions': 'maybe' }), { code: 'ERR_CONFIG', key: 'enable.fetch.sessions' })
  const { consumer, seen, cluster } = await setup(t, { consumer: { 'enable.fetch.sessions': false } })
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n)])
  await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  t.same(seen.map(s => [s.sessionId, s.sessionEpoch, s.named]), [[0, -1, ['t-0@0', 't-1@0']], [0, -1, ['t-0@5', 't-1@5']]])
  t.equal(sessionCacheFor(cluster.state, 1).size, 0)
})

t.test('a partition error that is not retried fails the fetch; the next fetch starts the session over', async t => {
  const { cluster, consumer, seen } = await setup(t, { consumer: { retries: 0 } })
  await consumer.fetchOnce([pos(0, 0n)])
  const remove = cluster.faults.intercept(req => req.apiName === 'Fetch' ? { errorFor: () => ErrorCode.TOPIC_AUTHORIZATION_FAILED } : undefined)
  await t.rejects(consumer.fetchOnce([pos(0, 5n)]), KafkaError)
  remove()
  await consumer.fetchOnce([pos(0, 5n)])
  t.match(seen.slice(1), [{ sessionEpoch: 1 }, { sessionId: seen[1].sessionId, sessionEpoch: 0 }], 'a failed answer\'s marks are not trusted: full again')
})

// What a broker may do that the fake broker does not: close a session in an incremental answer, refuse a full fetch
// with a session error, answer in bytes that do not decode. A hand-driven broker (Fetch v4-12) plays each.

type FetchAnswer = (req: RawRequest, n: number) => object | Buffer
async function rawSetup (t: any, answer: FetchAnswer, consumer: Record<string, unknown> = {}) {
  const fetches: Array<[number, number, number]> = []
  let port = 0
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, port)) return
    if (req.api.name !== 'Fetch') return
    fetches.push([req.header.apiVersion, req.body.sessionId, req.body.sessionEpoch])
    const reply = answer(req, fetches.length)
    if (Buffer.isBuffer(reply)) req.socket.write(reply)
    else req.reply(reply)
  })
  port = broker.port
  t.teardown(async () => await broker.close())
  const c = new SimpleConsumer({ bootstrapServers: broker.address, ...FAST, ...consumer })
  t.teardown(async () => await c.close())
  return { consumer: c, fetches }
}

const BATCH = encodeRecordBatch([{ value: 'a' }, { value: 'b' }], { baseOffset: 0n })
const partitionAnswer = (records: Buffer) => ({ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 2n, lastStableOffset: 2n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records }] })

t.test('a broker that closes the session in an incremental answer (session id 0): full fetches from then on', async t => {
  const { consumer, fetches } = await rawSetup(t, (req, n) => ({
    errorCode: 0,
    // Opens session 77, then closes it with an answer naming nothing; later full fetches are declined.
    sessionId: n === 1 ? 77 : 0,
    responses: n === 2 ? [] : [partitionAnswer(req.body.topics[0]?.partitions[0].fetchOffset === 0n ? BATCH : Buffer.alloc(0))]
  }))
  t.same((await consumer.fetchOnce([pos(0, 0n)])).get(tpKey('t', 0))?.records.map(r => String(r.value)), ['a', 'b'])
  const round = await consumer.fetchOnce([pos(0, 2n)])
  t.same(marks(round.get(tpKey('t', 0))), [2n, 2n, 2n, 0n], 'answered by the full fetch that followed')
  await consumer.fetchOnce([pos(0, 2n)])
  t.same(fetches, [[12, 0, 0], [12, 77, 1], [12, 0, 0], [12, 0, 0]], 'each full fetch asks for a session again')
})

t.test('a session error on the full fetch that follows one fails the fetch (bounded), as a KafkaError', async t => {
  const { consumer, fetches } = await rawSetup(t, (req, n) => n === 1
    ? { errorCode: 0, sessionId: 5, responses: [partitionAnswer(BATCH)] }
    : { errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] }, { retries: 0 })
  await consumer.fetchOnce([pos(0, 0n)])
  await t.rejects(consumer.fetchOnce([pos(0, 2n)]), { errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND })
  t.same(fetches, [[12, 0, 0], [12, 5, 1], [12, 0, 0]], 'one transparent retry, full, then the error')
})

t.test('another top-level error fails the fetch; the next fetch closes the session and opens a new one', async t => {
  const { consumer, fetches } = await rawSetup(t, (req, n) => n === 2
    ? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, sessionId: 0, responses: [] }
    : { errorCode: 0, sessionId: 5, responses: [partitionAnswer(BATCH)] }, { retries: 0 })
  await consumer.fetchOnce([pos(0, 0n)])
  await t.rejects(consumer.fetchOnce([pos(0, 2n)]), { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR })
  await consumer.fetchOnce([pos(0, 2n)])
  t.same(fetches, [[12, 0, 0], [12, 5, 1], [12, 5, 0]])
})

t.test('an answer that does not decode at the session\'s version: sent again lower without the session, then a new one', async t => {
  const { consumer, fetches } = await rawSetup(t, (req, n) => {
    const body = { errorCode: 0, sessionId: 9, responses: [partitionAnswer(BATCH)] }
    // Answer 2 is written as v4 while v12 was asked: it does not decode, and the client falls back to v11.
    if (n === 2) req.reply(body, 4)
    return n === 2 ? Buffer.alloc(0) : body
  }, { log: () => {} })
  await consumer.fetchOnce([pos(0, 0n)])
  t.same((await consumer.fetchOnce([pos(0, 0n)])).get(tpKey('t', 0))?.records.length, 2)
  await consumer.fetchOnce([pos(0, 2n)])
  t.same(fetches, [[12, 0, 0], [12, 9, 1], [11, 0, -1], [11, 9, 0]])
})

// The session's own table, without a broker.

const part = (partition: number, fetchOffset: bigint, topicId = 'id-1'): SessionPartition =>
  ({ topic: 't', topicId, partition, currentLeaderEpoch: 0, fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 100 })
const wantedOf = (...ps: SessionPartition[]) => new Map(ps.map(p => [tpKey(p.topic, p.partition), p]))

t.test('epochs run 1, 2, ... INT32_MAX, then wrap to 1; -1 stays -1 (FetchMetadata.nextEpoch)', async t => {
  t.same([nextEpoch(0), nextEpoch(1), nextEpoch(0x7ffffffe), nextEpoch(0x7fffffff), nextEpoch(-1)], [1, 2, 0x7fffffff, 1, -1])
})

t.test('a session starts over (full, naming its id) when topic ids change or the version stops using them', async t => {
  const conn = {}
  const s = new FetchSession()
  t.match(s.plan(wantedOf(part(0, 0n)), true, conn), { sessionId: 0, sessionEpoch: 0, incremental: false })
  t.equal(s.answered(s.plan(wantedOf(part(0, 0n)), true, conn), ErrorCode.NONE, 42), true)
  t.equal(s.id, 42)
  t.equal(s.nextEpoch, 1)
  t.match(s.plan(wantedOf(part(0, 1n)), true, conn), { sessionId: 42, sessionEpoch: 1, incremental: true, toSend: [{ fetchOffset: 1n }] })
  s.answered({ sessionId: 42, sessionEpoch: 1, incremental: true, toSend: [], toForget: [] }, ErrorCode.NONE, 42)
  t.equal(s.nextEpoch, 2)
  t.match(s.plan(wantedOf(part(0, 1n, 'id-2')), true, conn), { sessionId: 42, sessionEpoch: 0, incremental: false }, 'a recreated topic')
  s.answered({ sessionId: 42, sessionEpoch: 0, incremental: false, toSend: [], toForget: [] }, ErrorCode.NONE, 43)
  t.match(s.plan(wantedOf(part(0, 1n, 'id-2')), false, conn), { sessionId: 43, sessionEpoch: 0, incremental: false }, 'names instead of ids')
  s.answered({ sessionId: 43, sessionEpoch: 0, incremental: false, toSend: [], toForget: [] }, ErrorCode.NONE, 44)
  t.match(s.plan(wantedOf(part(0, 1n, 'id-2')), false, {}), { sessionId: 44, sessionEpoch: 0, incremental: false }, 'another connection')
  s.record('t:9', ErrorCode.NONE, { highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n })
  t.equal(s.marks('t:9'), undefined, 'marks of a partition outside the session are not kept')
})

// Closing: a consumer ends its sessions on the brokers it is connected to (a Fetch naming the session with epoch
// -1 and no partitions), as the Java consumer does, so they do not hold the broker's cache slots until evicted.

t.test('close() ends the session on the broker with a final-epoch fetch that names nothing', async t => {
  const { cluster, consumer, seen } = await setup(t)
  await consumer.fetchOnce([pos(0, 0n), pos(1, 0n)])
  await consumer.fetchOnce([pos(0, 5n), pos(1, 5n)])
  const sessionId = seen[1].sessionId
  t.equal(sessionCacheFor(cluster.state, 1).size, 1)
  await consumer.close()
  t.equal(seen.length, 3)
  t.match(seen[2], { sessionId, sessionEpoch: -1, named: [], forgotten: [] })
  t.equal(sessionCacheFor(cluster.state, 1).size, 0, 'the broker no longer keeps it')
  await consumer.close()
  t.equal(seen.length, 3, 'a second close sends nothing')
})

t.test('close() sends nothing without a session, with timeout 0, or to a broker it is no longer connected to', async t => {
  const off = await setup(t, { consumer: { enableFetchSessions: false } })
  await off.consumer.fetchOnce([pos(0, 0n)])
  await off.consumer.close()
  t.same(off.seen.map(s => s.sessionEpoch), [-1], 'sessionless fetches only, and no close')

  const zero = await setup(t)
  await zero.consumer.fetchOnce([pos(0, 0n)])
  await zero.consumer.close({ timeoutMs: 0 })
  t.equal(zero.seen.length, 1)
  t.equal(sessionCacheFor(zero.cluster.state, 1).size, 1, 'left to the broker to evict')

  const gone = await setup(t)
  await gone.consumer.fetchOnce([pos(0, 0n)])
  await (await gone.consumer.client.connection(1)).close()
  await gone.consumer.close()
  t.equal(gone.seen.length, 1, 'no new connection just to close a session')

  const bad = await setup(t)
  await t.rejects(bad.consumer.closeSessions(-1), { name: 'ConfigError' })
  await t.rejects(bad.consumer.close({ timeoutMs: 1.5 }), { name: 'ConfigError' })
})

t.test('a broker that does not answer the closing fetch: close() still ends, bounded by its timeout', async t => {
  const { consumer, fetches } = await rawSetup(t, (req, n) => n <= 2
    ? { errorCode: 0, sessionId: 5, responses: [partitionAnswer(BATCH)] }
    : Buffer.alloc(0))
  await consumer.fetchOnce([pos(0, 0n)])
  await consumer.fetchOnce([pos(0, 2n)])
  await consumer.close({ timeoutMs: 100 })
  t.same(fetches, [[12, 0, 0], [12, 5, 1], [12, 5, -1]])
})

t.test('a group consumer ends its fetch sessions when it closes', async t => {
  const { cluster, seen } = await setup(t)
  const { GroupConsumer } = await import('../../consumer/group/index.js')
  const member = new GroupConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, 'group.id': 'g', 'auto.offset.reset': 'earliest' })
  t.teardown(async () => await member.close())
  member.subscribe(['t'])
  let n = 0
  for await (const r of member) { void r; if (++n === 15) break }
  t.equal(sessionCacheFor(cluster.state, 1).size, 1, 'the member fetched in a session')
  await member.close()
  t.equal(sessionCacheFor(cluster.state, 1).size, 0)
  t.match(seen.at(-1), { sessionEpoch: -1, named: [] })
})
