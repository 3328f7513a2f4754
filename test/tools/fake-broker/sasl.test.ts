import t from 'tap'
import { ApiVersions, Metadata, SaslAuthenticate, SaslHandshake } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { SimpleConsumer, tpKey } from '../../../consumer/index.js'
import { plainToken } from '../../../consumer/sasl/plain.js'
import { ScramClient } from '../../../consumer/sasl/scram.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { OPENSSL, selfSignedCert } from '../../consumer/tls-cert.js'
import { RawClient } from './raw-client.js'

// SASL on the fake broker (tools/fake-broker/sasl.ts), driven by a raw client where the wire matters and by our
// consumer end to end. kcat, kafkajs and kafka-python against the same broker: test-interop/fake-broker/sasl.test.ts.

const USERS = { alice: 's3cret', 'bob,=x': 'pw' }

async function saslCluster (t: any, mechanisms?: string[], logs: string[] = []): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }], sasl: { users: USERS, mechanisms }, log: l => logs.push(l), verbose: true })
  t.teardown(async () => await cluster.stop())
  cluster.produce('t', 0, [{ value: 'one' }, { value: 'two' }])
  return cluster
}

function consumer (t: any, cluster: FakeCluster, extra: Record<string, unknown>): SimpleConsumer {
  const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, retries: 0, reconnectBackoffMs: 5, 'security.protocol': 'sasl_plaintext', ...extra })
  t.teardown(async () => await c.close())
  return c
}

async function readAll (c: SimpleConsumer): Promise<string[]> {
  const round = await c.fetchOnce([{ topic: 't', partition: 0, fromOffset: 0n }])
  return (round.get(tpKey('t', 0))?.records ?? []).map(r => String(r.value))
}

t.test('our consumer authenticates with each mechanism, usernames with "," and "=" included', async t => {
  const cluster = await saslCluster(t)
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    for (const [user, password] of Object.entries(USERS)) {
      const c = consumer(t, cluster, { 'sasl.mechanism': mechanism, 'sasl.username': user, 'sasl.password': password })
      t.same(await readAll(c), ['one', 'two'], `${mechanism} as ${user}`)
    }
  }
})

t.test('a wrong password or unknown user fails at once with SASL_AUTHENTICATION_FAILED, not retried', async t => {
  // The broker's request log says how often the client tried: one SaslHandshake per connection attempt, and one
  // SaslAuthenticate per exchange step (PLAIN: 1; SCRAM: 1 when the user is unknown, 2 when the proof is wrong).
  // A retry, however fast, shows up here; elapsed time could not tell five quick retries from none.
  const logs: string[] = []
  const cluster = await saslCluster(t, undefined, logs)
  const count = (api: string): number => logs.filter(l => l.includes(` ${api} v`)).length
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    for (const [user, password] of [['alice', 'wrong'], ['mallory', 's3cret']]) {
      logs.length = 0
      const c = consumer(t, cluster, { 'sasl.mechanism': mechanism, 'sasl.username': user, 'sasl.password': password, retries: 5 })
      await t.rejects(c.metadata(['t']), { name: 'KafkaError', errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, message: new RegExp(`SASL ${mechanism} as "${user}"`) }, `${mechanism} ${user}`)
      const steps = mechanism === 'PLAIN' || user === 'mallory' ? 1 : 2
      t.equal(count('SaslHandshake'), 1, `${mechanism} ${user}: one connection attempt, no retries`)
      t.equal(count('SaslAuthenticate'), steps, `${mechanism} ${user}: ${steps} SaslAuthenticate request(s), no retries`)
      t.equal(count('Metadata'), 0, 'nothing was sent after the refusal')
    }
  }
})

t.test('a mechanism the broker does not enable is UNSUPPORTED_SASL_MECHANISM naming the enabled ones', async t => {
  const cluster = await saslCluster(t, ['SCRAM-SHA-512'])
  const c = consumer(t, cluster, { 'sasl.mechanism': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 's3cret' })
  await t.rejects(c.metadata(['t']), { name: 'KafkaError', errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, message: /enables SCRAM-SHA-512/ })

  // On the wire: the answer names the enabled mechanisms, then the broker closes the connection, as Kafka does.
  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.socket.destroy())
  const res = await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })
  t.equal(res.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM)
  t.same(res.mechanisms, ['SCRAM-SHA-512'])
  await raw.closed
  t.pass('closed after the answer')
})

t.test('a client without SASL is disconnected at its first other request; ApiVersions lists the SASL APIs', async t => {
  const cluster = await saslCluster(t)
  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.socket.destroy())
  const versions = await raw.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' })
  const keys = versions.apiKeys.map((k: { apiKey: number }) => k.apiKey)
  t.ok(keys.includes(SaslHandshake.key) && keys.includes(SaslAuthenticate.key))
  await t.rejects(raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), /connection closed/)

  const plain = await FakeCluster.start({ topics: [{ name: 't' }] })
  t.teardown(async () => await plain.stop())
  const raw2 = await RawClient.connect(plain.bootstrap)
  t.teardown(() => raw2.socket.destroy())
  const v2 = await raw2.request(ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' })
  t.notOk(v2.apiKeys.some((k: { apiKey: number }) => k.apiKey === SaslHandshake.key), 'a cluster without sasl does not advertise SaslHandshake')
})

t.test('SaslAuthenticate out of turn is ILLEGAL_SASL_STATE; a failed exchange answers, then closes', async t => {
  const cluster = await saslCluster(t)
  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.socket.destroy())
  const early = await raw.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', 's3cret') })
  t.equal(early.errorCode, ErrorCode.ILLEGAL_SASL_STATE)
  t.same((await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
  const bad = await raw.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', 'nope') })
  t.equal(bad.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.match(bad.errorMessage, /Invalid username or password/)
  await raw.closed
  t.pass('closed after the answer')
})

t.test('every SaslAuthenticate version authenticates after SaslHandshake v1 (v0 is the raw-token test below)', async t => {
  const cluster = await saslCluster(t)
  for (const version of [0, 1, 2]) {
    const raw = await RawClient.connect(cluster.bootstrap)
    t.teardown(() => raw.socket.destroy())
    t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' })).errorCode, 0)
    const scram = new ScramClient('SCRAM-SHA-512', 'alice', 's3cret')
    const first = await raw.request(SaslAuthenticate, version, { authBytes: scram.first() })
    const final = await raw.request(SaslAuthenticate, version, { authBytes: await scram.final(first.authBytes) })
    t.equal(final.errorCode, 0, `SaslAuthenticate v${version}`)
    if (version >= 1) t.equal(final.sessionLifetimeMs, 0n, 'no session expiry')
    t.doesNotThrow(() => scram.verify(final.authBytes))
    const md = await raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
    t.equal(md.topics.length, 1, 'then served')
  }
})

t.test('SaslHandshake v0 is followed by raw tokens (kafka-python 2.0): PLAIN and SCRAM', async t => {
  const cluster = await saslCluster(t)
  const frame = (b: Buffer): Buffer => { const size = Buffer.alloc(4); size.writeInt32BE(b.length); return Buffer.concat([size, b]) }

  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.socket.destroy())
  t.equal((await raw.request(SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode, 0)
  raw.send(frame(plainToken('alice', 's3cret')))
  t.equal((await raw.nextFrame())?.length, 0, 'PLAIN success is an empty token')
  const md = await raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.equal(md.topics.length, 1, 'requests are served once authenticated')

  const scramRaw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => scramRaw.socket.destroy())
  t.equal((await scramRaw.request(SaslHandshake, 0, { mechanism: 'SCRAM-SHA-256' })).errorCode, 0)
  const scram = new ScramClient('SCRAM-SHA-256', 'alice', 's3cret')
  scramRaw.send(frame(scram.first()))
  const serverFirst = await scramRaw.nextFrame()
  scramRaw.send(frame(await scram.final(serverFirst as Buffer)))
  const serverFinal = await scramRaw.nextFrame()
  t.doesNotThrow(() => scram.verify(serverFinal as Buffer), 'the broker proves it knows the password')

  const badRaw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => badRaw.socket.destroy())
  await badRaw.request(SaslHandshake, 0, { mechanism: 'PLAIN' })
  badRaw.send(frame(plainToken('alice', 'nope')))
  t.equal(await badRaw.nextFrame(), undefined, 'a raw failure closes without an answer')
})

t.test('SASL over TLS (sasl_ssl) with the CA from ssl.ca.location', { skip: OPENSSL === undefined ? 'openssl is not installed' : false }, async t => {
  const { cert, cleanup } = await selfSignedCert()
  t.teardown(cleanup)
  const cluster = await FakeCluster.start({ topics: [{ name: 't' }], tls: { key: cert.key, cert: cert.cert }, sasl: { users: USERS } })
  t.teardown(async () => await cluster.stop())
  cluster.produce('t', 0, [{ value: 'one' }, { value: 'two' }])
  const c = consumer(t, cluster, { 'security.protocol': 'sasl_ssl', 'ssl.ca.location': cert.certFile, 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'alice', 'sasl.password': 's3cret' })
  t.same(await readAll(c), ['one', 'two'])
})

t.test('SASL configuration is checked before connecting', async t => {
  const base = { bootstrapServers: '127.0.0.1:1' }
  const bad: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ 'security.protocol': 'sasl_plaintext' }, 'sasl.mechanism', /required/],
    [{ 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'GSSAPI' }, 'sasl.mechanisms', /not supported/],
    [{ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u' }, 'sasl.password', /required/],
    [{ 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p' }, 'sasl.mechanism', /security.protocol is plaintext/],
    [{ 'ssl.ca.location': '/nonexistent/ca.pem' }, 'ssl.ca.location', /no TLS/],
    [{ 'security.protocol': 'ssl', 'ssl.ca.location': '/nonexistent/ca.pem' }, 'ssl.ca.location', /cannot read/],
    [{ 'security.protocol': 'plaintext', tls: {} }, 'tls', /no TLS/],
    [{ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p', authenticate: async () => {} }, 'authenticate', /sasl/],
    [{ 'security.protocol': 'tls' }, 'security.protocol', /expected plaintext/]
  ]
  for (const [extra, key, message] of bad) {
    t.throws(() => new SimpleConsumer({ ...base, ...extra }), { name: 'ConfigError', key, message }, key)
  }
  // A parsed configuration given again (to another client) is accepted as it is.
  const once = new SimpleConsumer({ ...base, 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'scram-sha-512', 'sasl.username': 'u', 'sasl.password': 'p' })
  t.teardown(async () => await once.close())
  t.equal(once.config.securityProtocol, 'sasl_ssl')
  t.equal(once.config.saslMechanism, 'SCRAM-SHA-512')
  t.ok(once.config.tls !== undefined && typeof once.config.authenticate === 'function')
  const again = new SimpleConsumer(once.config)
  t.teardown(async () => await again.close())
  t.equal(again.config.saslUsername, 'u')
})
