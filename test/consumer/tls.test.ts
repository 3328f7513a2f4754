import t from 'tap'
import { isRetriable } from '../../consumer/retry.js'
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { BrokerConnection, SimpleConsumer, produce } from '../../consumer/index.js'
import { ConfigError, ConnectionError } from '../../protocol/errors.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { OPENSSL, selfSignedCert, type SelfSignedCert } from './tls-cert.js'
import { peerMissing } from '../../test-interop/peers/cache.js'

// TLS (issue 5): the connection speaks TLS through node:tls when given `tls` options. These tests run the fake
// cluster with a TLS listener and a self-signed certificate made by openssl at test time: a client trusting that
// certificate as its CA reads and writes; a client trusting another CA, or speaking plaintext, fails at once with
// a ConnectionError rather than hanging.

const skip = OPENSSL === undefined ? peerMissing('openssl is not installed') : false
/** The part of a tap test these helpers use. */
type Teardown = { teardown: (fn: () => unknown) => void }

const FAST = { retryBackoffMs: 5, retryBackoffMaxMs: 20, reconnectBackoffMs: 5, reconnectBackoffMaxMs: 20, fetchWaitMaxMs: 50, requestTimeoutMs: 5000 }

async function makeCert (t: Teardown, subjectAltName?: string | null): Promise<SelfSignedCert> {
  const { cert, cleanup } = await selfSignedCert({ subjectAltName })
  t.teardown(cleanup)
  return cert
}

async function tlsCluster (t: Teardown, cert: SelfSignedCert, brokers = 2): Promise<{ cluster: FakeCluster, logs: string[] }> {
  const logs: string[] = []
  const cluster = await FakeCluster.start({ brokers, topics: [{ name: 'secure', partitions: 2 }], tls: { key: cert.key, cert: cert.cert }, log: l => logs.push(l) })
  t.teardown(() => cluster.stop())
  return { cluster, logs }
}

function consumerFor (t: Teardown, cluster: FakeCluster, extra: Record<string, unknown>): SimpleConsumer {
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, ...extra })
  t.teardown(() => consumer.close())
  return consumer
}

t.test('a consumer trusting the broker certificate as its CA produces and fetches over TLS', { skip }, async t => {
  const cert = await makeCert(t)
  const { cluster } = await tlsCluster(t, cert)
  cluster.produce('secure', 0, [{ value: 'a' }, { value: 'b' }])
  const consumer = consumerFor(t, cluster, { tls: { ca: cert.cert } })
  const base = await produce(consumer.client, 'secure', 1, [{ key: 'k', value: 'x' }, { value: 'y' }, { value: 'z' }])
  t.equal(base, 0n)
  t.same([...(await consumer.latestOffsets([{ topic: 'secure', partition: 0 }, { topic: 'secure', partition: 1 }])).values()], [2n, 3n])
  const got = await consumer.fetch([
    { topic: 'secure', partition: 0, fromOffset: 0n, untilOffset: 2n },
    { topic: 'secure', partition: 1, fromOffset: 0n, untilOffset: 3n }
  ])
  t.same(got.get('secure:0')?.map(r => String(r.value)), ['a', 'b'])
  t.same(got.get('secure:1')?.map(r => String(r.value)), ['x', 'y', 'z'])
  t.equal(String(got.get('secure:1')?.[0].key), 'k')
})

t.test('the broker presents its certificate over TLS 1.2 or later, and the version handshake runs through it', { skip }, async t => {
  const cert = await makeCert(t)
  const { cluster } = await tlsCluster(t, cert, 1)
  const port = cluster.state.brokers[0].port
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port, tls: { ca: cert.cert } })
  t.teardown(() => conn.close())
  t.ok(conn.versionFor(Fetch) >= 4, 'ApiVersions answered over TLS')
  // What the broker offers, seen by a bare node:tls client (BrokerConnection keeps its socket to itself).
  const socket = tlsConnect({ host: '127.0.0.1', port, ca: cert.cert })
  t.teardown(() => socket.destroy())
  await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve).once('error', reject) })
  t.ok(socket.authorized, 'the certificate verifies against the CA')
  t.match(socket.getProtocol(), /^TLSv1\.[23]$/)
  t.equal(socket.getPeerCertificate().subject.CN, 'localhost')
})

t.test('servername localhost verifies a certificate that names only localhost; the bare IP does not', { skip }, async t => {
  const cert = await makeCert(t, null)
  const { cluster } = await tlsCluster(t, cert, 1)
  const good = consumerFor(t, cluster, { tls: { ca: cert.cert, servername: 'localhost' } })
  const md = await good.metadata(['secure'])
  t.equal(md.topics[0].partitions.length, 2)
  const bad = consumerFor(t, cluster, { tls: { ca: cert.cert }, retries: 0 })
  const err = await bad.metadata(['secure']).then(() => undefined, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.match(String((err as Error).message), /127\.0\.0\.1|altname|not in the cert/i)
})

t.test('a broker certificate from an unknown CA fails with a ConnectionError, not a hang', { skip }, async t => {
  const cert = await makeCert(t)
  const other = await makeCert(t)
  const { cluster, logs } = await tlsCluster(t, cert, 1)
  const consumer = consumerFor(t, cluster, { tls: { ca: other.cert }, retries: 0 })
  const err = await consumer.metadata(['secure']).then(() => undefined, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.match((err as Error).message, /self-signed certificate/)
  const direct = await BrokerConnection.open({ host: '127.0.0.1', port: cluster.state.brokers[0].port, tls: { ca: other.cert } }).then(() => undefined, (e: unknown) => e)
  t.type(direct, ConnectionError)
  t.equal(((direct as Error).cause as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT')
  t.equal(isRetriable(direct), false, 'a certificate failure is not retried: a new connection meets the same certificate')
  // With the default retries the consumer still fails at once rather than backing off in vain.
  const eager = consumerFor(t, cluster, { tls: { ca: other.cert } })
  t.type(await eager.metadata(['secure']).then(() => undefined, (e: unknown) => e), ConnectionError)
  await cluster.stop()
  t.match(logs.join('\n'), /TLS handshake failed/)
})

t.test('a plaintext client of a TLS broker fails with a ConnectionError, not a hang', { skip }, async t => {
  const cert = await makeCert(t)
  const { cluster } = await tlsCluster(t, cert, 1)
  const consumer = consumerFor(t, cluster, { retries: 0, bootstrapTimeoutMs: 1000, log: () => {} })
  await t.rejects(consumer.metadata(['secure']), ConnectionError)
})

t.test('stopping a TLS cluster also ends connections still waiting in their handshake', { skip }, async t => {
  const cert = await makeCert(t)
  const { cluster } = await tlsCluster(t, cert, 1)
  // A TCP client that never starts the handshake: the broker must not wait for it to stop.
  const raw = connect({ host: '127.0.0.1', port: cluster.state.brokers[0].port })
  raw.on('error', () => {})
  await new Promise<void>(resolve => raw.once('connect', resolve))
  const closed = new Promise<void>(resolve => raw.once('close', () => resolve()))
  await cluster.stop()
  await closed
  t.pass('stopped, and the waiting socket was closed')
})

t.test('tls options without a certificate are refused when given', async t => {
  await t.rejects(FakeCluster.start({ tls: {} }), ConfigError)
})
