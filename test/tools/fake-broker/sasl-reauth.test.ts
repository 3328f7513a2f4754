import t from 'tap'
import { DescribeConfigs, Metadata, SaslAuthenticate, SaslHandshake } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { plainToken } from '../../../consumer/sasl/plain.js'
import { ScramClient } from '../../../consumer/sasl/scram.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// KIP-368 on the fake broker (tools/fake-broker/sasl.ts), driven by a raw client on virtual time: the broker's
// clock is the test's `now`, so lifetimes of seconds are crossed without waiting. Our client's side:
// test/consumer/sasl/reauthenticate.test.ts; real Kafka and other clients: test-interop/.

const USERS = { alice: 's3cret', bob: 'pw' }
const METADATA = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }

interface Setup { cluster: FakeCluster, raw: RawClient, logs: string[], clock: { now: number } }

async function setup (t: any, reauthMs: string | undefined): Promise<Setup> {
  const clock = { now: 1_000_000 }
  const logs: string[] = []
  const cluster = await FakeCluster.start({
    topics: [{ name: 't', partitions: 1 }],
    sasl: { users: USERS },
    clock: () => clock.now,
    brokerConfigs: reauthMs === undefined ? undefined : { 'connections.max.reauth.ms': reauthMs },
    log: l => logs.push(l)
  })
  t.teardown(async () => await cluster.stop())
  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.close())
  return { cluster, raw, logs, clock }
}

/** A PLAIN exchange over SaslHandshake v1 + SaslAuthenticate `version`; returns the last response. */
async function plain (raw: RawClient, user: string, version = 2): Promise<any> {
  const hs = await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })
  if (hs.errorCode !== ErrorCode.NONE) throw new Error(`SaslHandshake answered error ${String(hs.errorCode)}`)
  return await raw.request(SaslAuthenticate, version, { authBytes: plainToken(user, USERS[user as keyof typeof USERS] ?? 'x') })
}

async function metadataWorks (raw: RawClient): Promise<boolean> {
  try {
    return Array.isArray((await raw.request(Metadata, 12, METADATA)).brokers)
  } catch {
    return false
  }
}

t.test('SaslAuthenticate v1+ answers connections.max.reauth.ms as the session lifetime; 0 (the default) when unset', async t => {
  for (const [config, expected] of [[undefined, 0n], ['0', 0n], ['-5', 0n], ['5000', 5000n]] as const) {
    const { raw } = await setup(t, config)
    const res = await plain(raw, 'alice', 1)
    t.equal(res.errorCode, ErrorCode.NONE)
    t.equal(res.sessionLifetimeMs, expected, `connections.max.reauth.ms=${String(config)}`)
  }
  // SCRAM: the lifetime comes with the last step only (Kafka sends 0 while the exchange is incomplete).
  const { raw } = await setup(t, '7000')
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode, ErrorCode.NONE)
  const scram = new ScramClient('SCRAM-SHA-256', 'bob', 'pw')
  const first = await raw.request(SaslAuthenticate, 2, { authBytes: scram.first() })
  t.equal(first.sessionLifetimeMs, 0n)
  const final = await raw.request(SaslAuthenticate, 2, { authBytes: await scram.final(first.authBytes) })
  t.equal(final.errorCode, ErrorCode.NONE)
  t.equal(final.sessionLifetimeMs, 7000n)
})

t.test('a client that does not re-authenticate is disconnected at its first request after expiry', async t => {
  const { raw, clock, logs } = await setup(t, '5000')
  await plain(raw, 'alice')
  clock.now += 5000
  t.ok(await metadataWorks(raw), 'at the expiration time itself the session still holds (Kafka: strictly after)')
  clock.now += 1
  t.notOk(await metadataWorks(raw), 'closed after it')
  await raw.closed
  t.match(logs.join('\n'), /SASL session of alice expired \(connections\.max\.reauth\.ms\); Metadata request/)
})

t.test('a SaslAuthenticate after expiry, outside a re-authentication, closes the connection too', async t => {
  const { raw, clock } = await setup(t, '5000')
  await plain(raw, 'alice')
  clock.now += 6000
  await t.rejects(raw.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', 's3cret') }), /connection closed/)
})

t.test('re-authentication in the middle of the connection renews the session, for PLAIN and SCRAM', async t => {
  const { raw, clock } = await setup(t, '5000')
  await plain(raw, 'alice')
  clock.now += 4000
  t.ok(await metadataWorks(raw))
  const again = await plain(raw, 'alice')
  t.equal(again.errorCode, ErrorCode.NONE)
  t.equal(again.sessionLifetimeMs, 5000n)
  clock.now += 4500
  t.ok(await metadataWorks(raw), 'past the first session\'s end, within the second')
  // Expired, then renewed: a SaslHandshake is the one request an expired connection may send.
  clock.now += 1000
  t.equal((await plain(raw, 'alice')).errorCode, ErrorCode.NONE)
  t.ok(await metadataWorks(raw))
})

t.test('an expired session may re-authenticate with SCRAM and go on', async t => {
  const { raw, clock } = await setup(t, '5000')
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' })).errorCode, ErrorCode.NONE)
  const scram = new ScramClient('SCRAM-SHA-512', 'bob', 'pw')
  const first = await raw.request(SaslAuthenticate, 2, { authBytes: scram.first() })
  await raw.request(SaslAuthenticate, 2, { authBytes: await scram.final(first.authBytes) })
  clock.now += 5500
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' })).errorCode, ErrorCode.NONE)
  const renew = new ScramClient('SCRAM-SHA-512', 'bob', 'pw')
  const f1 = await raw.request(SaslAuthenticate, 2, { authBytes: renew.first() })
  const f2 = await raw.request(SaslAuthenticate, 2, { authBytes: await renew.final(f1.authBytes) })
  t.equal(f2.errorCode, ErrorCode.NONE)
  renew.verify(f2.authBytes)
  t.ok(await metadataWorks(raw))
})

t.test('re-authenticating as another user is refused as Kafka refuses it, and the connection closed', async t => {
  const { raw } = await setup(t, '5000')
  await plain(raw, 'alice')
  const res = await plain(raw, 'bob')
  t.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.equal(res.errorMessage, 'Cannot change principals during re-authentication from User.alice: User.bob')
  await raw.closed
  t.notOk(await metadataWorks(raw))
})

t.test('re-authenticating with another mechanism: the handshake is accepted, the first token closes the connection unanswered', async t => {
  const { raw, logs } = await setup(t, '5000')
  await plain(raw, 'alice')
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })).errorCode, ErrorCode.NONE)
  await t.rejects(raw.request(SaslAuthenticate, 2, { authBytes: new ScramClient('SCRAM-SHA-256', 'alice', 's3cret').first() }), /connection closed before/)
  t.match(logs.join('\n'), /re-authentication failed/)
})

t.test('a wrong password at re-authentication fails it and closes the connection', async t => {
  const { raw } = await setup(t, '5000')
  await plain(raw, 'alice')
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE)
  const res = await raw.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', 'wrong') })
  t.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  await raw.closed
})

t.test('without a session lifetime, or within a second of the last re-authentication, a SaslHandshake is ILLEGAL_SASL_STATE', async t => {
  const off = await setup(t, undefined)
  await plain(off.raw, 'alice')
  t.equal((await off.raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.ILLEGAL_SASL_STATE)
  t.ok(await metadataWorks(off.raw), 'the connection stays usable, as with Kafka (KafkaApis answers the handshake)')

  const { raw, clock } = await setup(t, '5000')
  await plain(raw, 'alice')
  // The first re-authentication may follow the authentication at once: the limit counts re-authentications.
  t.equal((await plain(raw, 'alice')).errorCode, ErrorCode.NONE)
  clock.now += 999
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.ILLEGAL_SASL_STATE)
  t.ok(await metadataWorks(raw))
  clock.now += 1
  t.equal((await plain(raw, 'alice')).errorCode, ErrorCode.NONE, 'a second later it is accepted')

  // A session shorter than the limit, expired, whose handshake the limit refuses: closed, as Kafka closes it.
  const short = await setup(t, '500')
  await plain(short.raw, 'alice')
  t.equal((await plain(short.raw, 'alice')).errorCode, ErrorCode.NONE)
  short.clock.now += 600
  await t.rejects(short.raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' }), /connection closed/)
})

t.test('during a re-authentication only SaslAuthenticate may be sent', async t => {
  const { raw } = await setup(t, '5000')
  await plain(raw, 'alice')
  t.equal((await raw.request(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE)
  t.notOk(await metadataWorks(raw))
  await raw.closed
})

t.test('connections.max.reauth.ms is a LONG broker config: a bad value fails start-up; DescribeConfigs reports it', async t => {
  await t.rejects(FakeCluster.start({ sasl: { users: USERS }, brokerConfigs: { 'connections.max.reauth.ms': 'soon' } }), /connections\.max\.reauth\.ms/)
  const { cluster } = await setup(t, '3000')
  const raw = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => raw.close())
  await plain(raw, 'alice')
  const res = await raw.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['connections.max.reauth.ms'] }], includeSynonyms: false, includeDocumentation: false })
  const entry = res.results[0].configs[0]
  t.equal(entry.name, 'connections.max.reauth.ms')
  t.equal(entry.value, '3000')
  t.equal(entry.readOnly, true)
})
