import t from 'tap'
import { BrokerConnection } from '../../consumer/connection.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer, tpKey } from '../../consumer/simple-consumer.js'
import { produce } from '../../consumer/producer.js'
import { OAuthBearerRefusedError } from '../../consumer/errors.js'
import { saslAuthenticator } from '../../consumer/sasl/authenticate.js'
import { unsecuredJws } from '../../consumer/sasl/unsecured-jws.js'
import { oauthBearerInitialResponse } from '../../consumer/sasl/oauthbearer.js'
import { Metadata, SaslAuthenticate, SaslHandshake } from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { RawClient } from '../../test/tools/fake-broker/raw-client.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// SASL OAUTHBEARER (KIP-255) between our client and one real Kafka 4.x node whose SASL_PLAINTEXT listener also
// enables OAUTHBEARER with Kafka's default server callback handler, OAuthBearerUnsecuredValidatorCallbackHandler
// (unsecured JWS tokens: alg "none", `sub` the principal, `exp` required): produce and consume with tokens from
// each source (a fixed token, librdkafka's sasl.oauthbearer.config, a provider with extensions), an expired token
// refused with Kafka's JSON error, and KIP-368: Kafka caps the session at the token's remaining life, so a
// connection used past it renews with a fresh token from the provider and is never closed. And the fake broker
// side by side with Kafka: the same SASL messages, byte for byte, get the same answers from both.

t.setTimeout(600_000)
const skip = await realKafkaSkip()
const METADATA = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }
const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))
// 5 s tokens: our client renews at 85-95% of the session, leaving 250 ms for a loaded machine's event loop.
const TOKEN_LIFE_S = 5

t.test('OAUTHBEARER against real Kafka', { skip }, async t => {
  const kafka = await realKafkaFor(t, {
    listeners: ['SASL_PLAINTEXT'],
    config: {
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
      // The broker's own login (it is never used on a listener the brokers do not talk over, but JAAS needs it).
      'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";'
    }
  })
  const bootstrap = kafka.listeners.SASL_PLAINTEXT!
  const [host, port] = bootstrap.split(',')[0].split(':')
  const base = { bootstrapServers: bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER' }

  t.test('the fake broker answers each OAUTHBEARER message as Kafka does', async t => {
    const fake = await FakeCluster.start({ sasl: { users: {}, mechanisms: ['OAUTHBEARER'] } })
    t.teardown(async () => await fake.stop())
    const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
    const nowS = Date.now() / 1000
    const jws = (claims: object, header: object = { alg: 'none' }, signature = ''): string => `${b64(header)}.${b64(claims)}.${signature}`
    const message = (token: string, extensions?: Record<string, string>): Buffer => oauthBearerInitialResponse({ token, extensions })
    const cases: Array<[string, Buffer[]]> = [
      ['a valid token with extensions', [message(jws({ sub: 'alice', iat: nowS, exp: nowS + 120 }), { traceId: '42' })]],
      ['an expired token, then the kvsep', [message(jws({ sub: 'alice', exp: nowS - 10 })), Buffer.from([1])]],
      ['alg HS256, then the kvsep', [message(jws({ sub: 'alice', exp: nowS + 120 }, { alg: 'HS256' }, 'c2ln')), Buffer.from([1])]],
      ['no sub, then the kvsep', [message(jws({ exp: nowS + 120 })), Buffer.from([1])]],
      ['no exp, then the kvsep', [message(jws({ sub: 'alice' })), Buffer.from([1])]],
      ['iat in the future, then the kvsep', [message(jws({ sub: 'alice', iat: nowS + 60, exp: nowS + 120 })), Buffer.from([1])]],
      ['a string exp, then the kvsep', [message(jws({ sub: 'alice', exp: String(nowS + 120) })), Buffer.from([1])]],
      ['standard base64 in a part, then the kvsep', [message(`${b64({ alg: 'none' })}.${Buffer.from(JSON.stringify({ sub: 'alice?>', exp: nowS + 120 })).toString('base64').replace(/=+$/, '')}.`), Buffer.from([1])]],
      ['not a JWS, then the kvsep', [message('garbage'), Buffer.from([1])]],
      ['an expired token, then a valid one', [message(jws({ sub: 'alice', exp: nowS - 10 })), message(jws({ sub: 'alice', exp: nowS + 120 }))]],
      ['a malformed message', [Buffer.from('n,,\u0001auth=Bearer x\u0001')]],
      ['a token with "=" inside', [Buffer.from(`n,,\u0001auth=Bearer ${b64({ alg: 'none' })}=.x.\u0001\u0001`)]],
      ['a kvsep first', [Buffer.from([1])]],
      ['a header without alg', [message(jws({ sub: 'alice', exp: nowS + 120 }, { typ: 'JWT' })), Buffer.from([1])]],
      ['another authorization id', [Buffer.from(`n,a=bob,\u0001auth=Bearer ${jws({ sub: 'alice', exp: nowS + 120 })}\u0001\u0001`)]]
    ]
    type Answer = { errorCode: number, errorMessage: string | null, authBytes: string, lifetimeS: number } | 'closed without an answer'
    const answers = async (address: string, messages: Buffer[]): Promise<Answer[]> => {
      const c = await RawClient.connect(address)
      try {
        const hs = await c.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
        t.equal(hs.errorCode, ErrorCode.NONE)
        const out: Answer[] = []
        for (const authBytes of messages) {
          const r = await c.request(SaslAuthenticate, 2, { authBytes }).catch(() => undefined)
          if (r === undefined) { out.push('closed without an answer'); break }
          // Lifetimes in whole seconds: the two brokers answer a few milliseconds apart.
          out.push({ errorCode: r.errorCode, errorMessage: r.errorMessage, authBytes: r.authBytes.toString(), lifetimeS: Math.round(Number(r.sessionLifetimeMs) / 1000) })
        }
        return out
      } finally {
        c.close()
      }
    }
    for (const [name, messages] of cases) {
      const real = await answers(bootstrap.split(',')[0], messages)
      t.same(await answers(fake.bootstrap, messages), real, `${name}: ${JSON.stringify(real)}`)
    }
  })

  t.test('produce and consume with each token source', async t => {
    const setup = new KafkaClient({ ...base, 'sasl.oauthbearer.config': 'principal=alice', retries: 10 })
    t.teardown(async () => await setup.close())
    await setup.withRetries('Metadata', async () => await setup.topic('oauth', { allowAutoTopicCreation: true }), ['oauth'])
    await produce(setup, 'oauth', 0, [{ value: 'o0' }, { value: 'o1' }])
    const sources: Array<Record<string, unknown>> = [
      { 'sasl.oauthbearer.token': unsecuredJws({ principal: 'alice', scope: ['kafka'] }) },
      { 'sasl.oauthbearer.config': 'principal=bob scope=a,b lifeSeconds=60 extension_traceId=42' },
      { saslOauthbearerProvider: async () => ({ token: unsecuredJws({ principal: 'carol' }), extensions: { tenant: 'acme corp' } }) }
    ]
    for (const source of sources) {
      const c = new SimpleConsumer({ ...base, ...source, retries: 0 })
      t.teardown(async () => await c.close())
      const round = await c.fetchOnce([{ topic: 'oauth', partition: 0, fromOffset: 0n }])
      t.same((round.get(tpKey('oauth', 0))?.records ?? []).map(r => String(r.value)), ['o0', 'o1'], Object.keys(source)[0])
    }
  })

  t.test('an expired token, or one signed with HS256, is refused with Kafka\'s JSON error, as an OAuthBearerRefusedError', async t => {
    const nowS = Date.now() / 1000
    const expired = unsecuredJws({ principal: 'alice', nowMs: Date.now() - 7_200_000 })
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
    const signed = `${b64({ alg: 'HS256' })}.${b64({ sub: 'alice', exp: nowS + 60 })}.c2ln`
    for (const token of [expired, signed]) {
      const conn = BrokerConnection.open({ host, port: Number(port), authenticate: saslAuthenticator({ mechanism: 'OAUTHBEARER', provider: async () => ({ token }) }) })
      const err = await conn.catch((e: unknown) => e)
      t.ok(err instanceof OAuthBearerRefusedError, String(err))
      t.match(err, { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, status: 'invalid_token', message: /the broker refused the token: invalid_token/ })
      // Kafka's answer to the kvsep: SASL_AUTHENTICATION_FAILED with its JSON as the message.
      t.match((err as Error).cause, { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, message: /\{"status":"invalid_token"\}/ })
    }
  })

  t.test('the session lasts the token\'s life; the connection renews with a fresh token and is never closed', async t => {
    let tokens = 0
    let lifetime = -1
    const provider = async (): Promise<{ token: string }> => { tokens++; return { token: unsecuredJws({ principal: 'alice', lifeSeconds: TOKEN_LIFE_S }) } }
    const sasl = saslAuthenticator({ mechanism: 'OAUTHBEARER', provider })
    let closedWith: Error | undefined
    const conn = await BrokerConnection.open({
      host, port: Number(port),
      authenticate: async c => { const r = await sasl(c); lifetime = r.sessionLifetimeMs; return r },
      onClose: err => { closedWith = err }
    })
    t.teardown(async () => await conn.close())
    t.ok(lifetime > (TOKEN_LIFE_S - 2) * 1000 && lifetime <= TOKEN_LIFE_S * 1000, `Kafka gave the token's remaining life, ${lifetime} ms, without connections.max.reauth.ms`)
    const started = Date.now()
    while (Date.now() - started < 3 * TOKEN_LIFE_S * 1000 + 1000) {
      await conn.request(Metadata, 12, METADATA)
      await sleep(150)
    }
    t.equal(conn.closed, false, `still open (${String(closedWith)})`)
    t.ok(conn.reauthentications >= 3, `renewed ${conn.reauthentications} times`)
    t.equal(tokens, conn.reauthentications + 1, 'one token per (re)authentication')
  })

  t.test('a connection that keeps its token past expiry is closed by Kafka', async t => {
    const token = unsecuredJws({ principal: 'alice', lifeSeconds: 3 })
    const sasl = saslAuthenticator({ mechanism: 'OAUTHBEARER', provider: async () => ({ token }) })
    // The step reports no lifetime, so the connection never renews.
    const conn = await BrokerConnection.open({ host, port: Number(port), authenticate: async c => { await sasl(c) } })
    t.teardown(async () => await conn.close())
    await conn.request(Metadata, 12, METADATA)
    await sleep(3500)
    await t.rejects(conn.request(Metadata, 12, METADATA))
    t.equal(conn.closed, true)
  })
})
