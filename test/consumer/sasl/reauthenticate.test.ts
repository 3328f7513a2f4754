import t from 'tap'
import { BrokerConnection, type Authenticate } from '../../../consumer/connection.js'
import { ReauthenticationError } from '../../../consumer/errors.js'
import { saslAuthenticator } from '../../../consumer/sasl/authenticate.js'
import { SimpleConsumer, tpKey } from '../../../consumer/index.js'
import { Metadata } from '../../../protocol/apis/index.js'
import { ConnectionError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// KIP-368 on the client's side (consumer/connection.ts): a session with a lifetime is renewed on the same
// connection by the first request sent after 85-95% of it, once the requests in flight are answered; requests made
// meanwhile wait and then go. Against the fake broker, whose clock is the client's: virtual time.

const METADATA = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }

interface Setup {
  cluster: FakeCluster
  conn: BrokerConnection
  clock: { now: number }
  logs: string[]
  users: Record<string, string>
  /** conn.inFlight each time the authentication step began. */
  inFlightAtAuth: number[]
  closedWith: Array<Error | undefined>
}

async function setup (t: any, reauthMs: string, opts: { random?: () => number, mechanism?: 'PLAIN' | 'SCRAM-SHA-256' } = {}): Promise<Setup> {
  const clock = { now: 5_000_000 }
  const logs: string[] = []
  const users: Record<string, string> = { alice: 's3cret' }
  const cluster = await FakeCluster.start({
    topics: [{ name: 't', partitions: 1 }],
    sasl: { users },
    clock: () => clock.now,
    brokerConfigs: { 'connections.max.reauth.ms': reauthMs },
    log: l => logs.push(l),
    verbose: true
  })
  t.teardown(async () => await cluster.stop())
  const sasl = saslAuthenticator({ mechanism: opts.mechanism ?? 'PLAIN', username: 'alice', password: 's3cret' })
  const inFlightAtAuth: number[] = []
  const authenticate: Authenticate = async c => { inFlightAtAuth.push(c.inFlight); return await sasl(c) }
  const closedWith: Array<Error | undefined> = []
  const [host, port] = cluster.bootstrap.split(',')[0].split(':')
  const conn = await BrokerConnection.open({
    host,
    port: Number(port),
    authenticate,
    now: () => clock.now,
    random: opts.random ?? (() => 0.5),
    requestTimeoutMs: 5000,
    onClose: err => closedWith.push(err)
  })
  t.teardown(async () => await conn.close())
  return { cluster, conn, clock, logs, users, inFlightAtAuth, closedWith }
}

/** The APIs the broker handled, in order (its verbose log), SASL and Metadata only. */
function handled (logs: string[]): string[] {
  return logs.map(l => / (SaslHandshake|SaslAuthenticate|Metadata) v/.exec(l)?.[1]).filter((x): x is string => x !== undefined)
}

t.test('the session is renewed by the first request after 90% of its lifetime (random 0.5), not before', async t => {
  const { conn, clock, logs } = await setup(t, '10000')
  const start = clock.now
  clock.now = start + 8999
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 0, 'not yet at 89.99%')
  clock.now = start + 9000
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 1, 'renewed at 90%')
  t.same(handled(logs), ['SaslHandshake', 'SaslAuthenticate', 'Metadata', 'SaslHandshake', 'SaslAuthenticate', 'Metadata'])
  // The new session runs from the renewal: next renewal at 9000 + 9000.
  clock.now = start + 17999
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 1)
  clock.now = start + 18000
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 2)
})

t.test('the renewal point lies between 85% and 95% of the lifetime, by the random draw', async t => {
  for (const [random, due] of [[0, 8500], [0.999, 9499]] as const) {
    const { conn, clock } = await setup(t, '10000', { random: () => random })
    const start = clock.now
    clock.now = start + due - 1
    await conn.request(Metadata, 12, METADATA)
    t.equal(conn.reauthentications, 0, `random ${random}: not at ${due - 1} ms`)
    clock.now = start + due
    await conn.request(Metadata, 12, METADATA)
    t.equal(conn.reauthentications, 1, `random ${random}: at ${due} ms`)
  }
})

t.test('requests in flight are answered first; requests made meanwhile wait for the renewal, none is lost', async t => {
  const { cluster, conn, clock, logs, inFlightAtAuth } = await setup(t, '10000')
  const start = clock.now
  const removeLatency = cluster.faults.addLatency(200, 'Metadata')
  t.teardown(removeLatency)
  const slow = conn.request(Metadata, 12, METADATA)
  clock.now = start + 9500
  const later = Array.from({ length: 5 }, async () => await conn.request(Metadata, 12, METADATA))
  const all = await Promise.all([slow, ...later])
  t.equal(all.length, 6)
  for (const r of all) t.ok(Array.isArray(r.body.brokers))
  t.same(inFlightAtAuth, [0, 0], 'nothing was in flight when either authentication began')
  t.same(handled(logs).slice(2), ['Metadata', 'SaslHandshake', 'SaslAuthenticate', 'Metadata', 'Metadata', 'Metadata', 'Metadata', 'Metadata'])
  t.equal(conn.reauthentications, 1, 'one renewal for all the requests that waited')
})

t.test('a connection kept busy across many lifetimes (SCRAM) is never closed by the broker', async t => {
  const { conn, clock, closedWith } = await setup(t, '3000', { mechanism: 'SCRAM-SHA-256' })
  for (let i = 0; i < 40; i++) {
    clock.now += 500
    await Promise.all([conn.request(Metadata, 12, METADATA), conn.request(Metadata, 12, METADATA)])
  }
  t.equal(conn.closed, false)
  t.same(closedWith, [])
  t.ok(conn.reauthentications >= 6, `renewed ${conn.reauthentications} times in 20 s of 3 s sessions`)
})

t.test('an idle connection is not renewed by a timer; used again after expiry, it renews before its request', async t => {
  const { conn, clock, logs } = await setup(t, '10000')
  // Past the renewal point and past expiry: the next request renews first, so it still works.
  clock.now += 20_000
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 1)
  t.notMatch(logs.join('\n'), /expired/)
})

t.test('a refused renewal closes the connection with a ReauthenticationError; waiting requests fail retriably', async t => {
  const { conn, clock, users, closedWith } = await setup(t, '10000')
  users.alice = 'changed'
  clock.now += 9500
  const results = await Promise.allSettled([conn.request(Metadata, 12, METADATA), conn.request(Metadata, 12, METADATA)])
  for (const r of results) {
    t.equal(r.status, 'rejected')
    const err = (r as PromiseRejectedResult).reason
    t.ok(err instanceof ConnectionError, 'a ConnectionError, which callers retry on a new connection')
    t.ok(err.cause instanceof ReauthenticationError)
  }
  t.equal(conn.closed, true)
  const reason = closedWith[0]
  t.ok(reason instanceof ReauthenticationError)
  t.ok(reason instanceof ConnectionError)
  const cause = (reason as ReauthenticationError).reason
  t.ok(cause instanceof KafkaError)
  t.equal((cause as KafkaError).errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.match(reason?.message, /SASL re-authentication failed: SASL PLAIN as "alice"/)
})

t.test('closing the connection while a renewal waits for requests in flight fails them all, without a renewal', async t => {
  const { cluster, conn, clock, inFlightAtAuth } = await setup(t, '10000')
  const removeLatency = cluster.faults.addLatency(300, 'Metadata')
  t.teardown(removeLatency)
  const slow = conn.request(Metadata, 12, METADATA)
  clock.now += 9500
  const waiting = conn.request(Metadata, 12, METADATA)
  const failed = [t.rejects(slow, ConnectionError), t.rejects(waiting, ConnectionError)]
  await new Promise(resolve => setTimeout(resolve, 50))
  await conn.close()
  await Promise.all(failed)
  t.same(inFlightAtAuth, [0], 'the renewal never began')
  t.equal(conn.reauthentications, 0)
})

t.test('a lifetime of 0 (connections.max.reauth.ms unset on the broker) never renews', async t => {
  const { conn, clock } = await setup(t, '0')
  clock.now += 10 * 24 * 3600 * 1000
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 0)
})

t.test('a step without a result (a custom authenticate) schedules nothing', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 't' }] })
  t.teardown(async () => await cluster.stop())
  const [host, port] = cluster.bootstrap.split(':')
  let calls = 0
  const conn = await BrokerConnection.open({ host, port: Number(port), authenticate: async () => { calls++ }, now: () => Date.now() + 1e9 })
  t.teardown(async () => await conn.close())
  await conn.request(Metadata, 12, METADATA)
  t.equal(calls, 1)
  t.equal(conn.reauthentications, 0)
})

t.test('end to end in real time: our consumer reads across several 1.2 s sessions with no error and no reconnection', async t => {
  const logs: string[] = []
  const cluster = await FakeCluster.start({
    topics: [{ name: 't', partitions: 1 }],
    sasl: { users: { alice: 's3cret' } },
    brokerConfigs: { 'connections.max.reauth.ms': '1200' },
    log: l => logs.push(l),
    verbose: true
  })
  t.teardown(async () => await cluster.stop())
  const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, retries: 0, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 's3cret' })
  t.teardown(async () => await c.close())
  const started = Date.now()
  let offset = 0n
  let produced = 0
  while (Date.now() - started < 3500) {
    cluster.produce('t', 0, [{ value: `v${produced++}` }])
    const round = await c.fetchOnce([{ topic: 't', partition: 0, fromOffset: offset }])
    const records = round.get(tpKey('t', 0))?.records ?? []
    for (const r of records) {
      t.equal(String(r.value), `v${offset}`)
      offset++
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.ok(offset > 0n && offset >= BigInt(produced - 1), `read ${offset} of ${produced} records in order`)
  t.notMatch(logs.join('\n'), /expired|closing connection/)
  const handshakes = logs.filter(l => / SaslHandshake v/.test(l)).length
  const connections = new Set(logs.map(l => / (127\.0\.0\.1:\d+) .*SaslHandshake v/.exec(l)?.[1]).filter(x => x !== undefined)).size
  t.ok(handshakes >= connections + 2, `${handshakes} handshakes on ${connections} connection(s): renewed at least twice`)
})
