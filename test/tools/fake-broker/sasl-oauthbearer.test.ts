import t from 'tap'
import fc from 'fast-check'
import { AlterClientQuotas, Metadata, Produce, SaslAuthenticate, SaslHandshake } from '../../../protocol/apis/index.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { BrokerConnection } from '../../../consumer/connection.js'
import { SimpleConsumer, tpKey } from '../../../consumer/index.js'
import { OAuthBearerRefusedError } from '../../../consumer/errors.js'
import { saslAuthenticator } from '../../../consumer/sasl/authenticate.js'
import { unsecuredJws } from '../../../consumer/sasl/unsecured-jws.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import { validateUnsecuredToken } from '../../../tools/fake-broker/unsecured-token-validator.js'
import { oauthBearerInitialResponse, parseOAuthBearerInitialResponse } from '../../../consumer/sasl/oauthbearer.js'
import { RawClient } from './raw-client.js'

// OAUTHBEARER on the fake broker (tools/fake-broker/sasl.ts, unsecured-token-validator.ts): tokens checked as
// Kafka's default OAuthBearerUnsecuredValidatorCallbackHandler checks them, the JSON error and the client's kvsep,
// the session capped at the token's expiry (KIP-368), the principal User:<sub>. Driven by a raw client where the
// wire matters and by our consumer end to end; the broker's clock is the test's. Against real Kafka and other
// clients: test-interop/real-kafka/oauthbearer.test.ts, test-interop/fake-broker/sasl-oauthbearer.test.ts.

// Whole seconds near the real time (records produced by the fake are stamped with it and checked against it).
const NOW = Math.floor(Date.now() / 1000) * 1000
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const METADATA = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }

/** base64url of a JSON value (or of raw text), the way a JWS part is written. */
const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const jws = (claims: unknown, header: unknown = { alg: 'none' }, signature = ''): string => `${b64(header)}.${b64(claims)}.${signature}`
const valid = (over: Record<string, unknown> = {}): string => jws({ sub: 'alice', iat: NOW / 1000, exp: NOW / 1000 + 60, ...over })

interface Setup { cluster: FakeCluster, clock: { now: number }, logs: string[] }

async function setup (t: any, extra: Partial<FakeClusterOptions> = {}): Promise<Setup> {
  const clock = { now: NOW }
  const logs: string[] = []
  const cluster = await FakeCluster.start({
    topics: [{ name: 't', partitions: 1 }],
    sasl: { users: {}, mechanisms: ['OAUTHBEARER'] },
    clock: () => clock.now,
    log: l => logs.push(l),
    ...extra
  })
  t.teardown(async () => await cluster.stop())
  cluster.produce('t', 0, [{ value: 'one' }])
  return { cluster, clock, logs }
}

async function raw (t: any, cluster: FakeCluster): Promise<RawClient> {
  const c = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => c.close())
  return c
}

/** SaslHandshake v1 for OAUTHBEARER, then the client initial response; returns the SaslAuthenticate response. */
async function send (c: RawClient, token: string, extensions?: Record<string, string>): Promise<any> {
  const hs = await c.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
  if (hs.errorCode !== ErrorCode.NONE) throw new Error(`SaslHandshake answered ${String(hs.errorCode)}`)
  return await c.request(SaslAuthenticate, 2, { authBytes: oauthBearerInitialResponse({ token, extensions }) })
}

t.test('the validator accepts and refuses tokens as Kafka\'s unsecured validator does', async t => {
  const nowS = NOW / 1000
  t.same(validateUnsecuredToken(valid(), NOW), { principal: 'alice', expiresAtMs: NOW + 60_000 })
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 1.2345 }), NOW), { principal: 'a', expiresAtMs: NOW + 1235 }, 'exp in decimal seconds, rounded to ms; iat optional')
  t.same(validateUnsecuredToken(b64({ alg: 'none' }) + '=.' + b64({ sub: 'a', exp: nowS + 1 }) + '.', NOW), { principal: 'a', expiresAtMs: NOW + 1000 }, 'padding is optional, and allowed')
  const refused: Array<[string, RegExp, Parameters<typeof validateUnsecuredToken>[2]?]> = [
    ['garbage', /3 dot-separated/],
    ['a..b', /contains '\.\.'/],
    [`${b64({ alg: 'none' })}.${b64({ sub: 'a', exp: nowS + 9 })}`, /3 dot-separated/],
    [`a.b.c.d`, /3 dot-separated/],
    [`${b64({ alg: 'none' })}.e30+.`, /malformed Base64 URL/],
    [`${b64({ alg: 'none' })}.a.`, /malformed Base64 URL/],
    [`${b64({ alg: 'none' })}.${b64('{"sub":')}.`, /malformed JSON/],
    [`${b64('x')}.${b64({ sub: 'a', exp: nowS + 9 })}.`, /malformed JSON/],
    [jws({ sub: 'a', exp: nowS + 9 }, { alg: 'HS256' }), /'none' for an algorithm/],
    [jws({ sub: 'a', exp: nowS + 9 }, { alg: 'none' }, 'c2ln'), /must not contain a digital signature/],
    [jws({ sub: 'a' }), /No expiration time/],
    [jws({ sub: 'a', exp: String(nowS + 9) }), /'exp' claim was not of type Number: String/],
    [jws({ exp: nowS + 9 }), /No principal name in JWT claim: sub/],
    [jws({ sub: '  ', exp: nowS + 9 }), /No principal name/],
    [jws({ sub: ['a'], exp: nowS + 9 }), /'sub' claim was not of type String: ArrayList/],
    [jws({ sub: 'a', exp: nowS + 9, iat: 'x' }), /'iat' claim was not of type Number/],
    [jws({ sub: 'a', exp: nowS + 9, scope: 5 }), /'scope' claim was not of type List/],
    [jws({ sub: 'a', exp: nowS }), /on or after the Expiration Time/],
    [jws({ sub: 'a', exp: nowS + 9, iat: nowS + 0.001 }), /Issued At value .* was after/],
    [jws({ sub: 'a', exp: nowS - 1, iat: nowS - 1 }), /on or after the Expiration Time/],
    [jws({ sub: 'a', exp: nowS + 1, iat: nowS + 1 }), /was not after the Issued At time/, { allowableClockSkewMs: 5000 }],
    [[b64({ alg: 'none' }), b64([1, 2]), ''].join('.'), /No expiration time/]
  ]
  for (const [token, reason, opts] of refused) {
    const r = validateUnsecuredToken(token, NOW, opts)
    t.equal((r as { status?: string }).status, 'invalid_token', token.slice(0, 60))
    t.match((r as { reason?: string }).reason, reason, token.slice(0, 60))
  }
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9 }, { typ: 'JWT' }), NOW), { status: 'invalid_token', reason: 'JWS header must have an Algorithm value', unanswered: true }, 'no alg: Kafka fails without an answer')
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS - 1 }), NOW, { allowableClockSkewMs: 1001 }), { principal: 'a', expiresAtMs: NOW - 1000 }, 'clock skew extends the expiry check')
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9, iat: nowS + 1 }), NOW, { allowableClockSkewMs: 1000 }), { principal: 'a', expiresAtMs: NOW + 9000 }, '... and the issued-at check')
  t.same(validateUnsecuredToken(jws({ sub: true, exp: nowS + 9 }), NOW), { principal: 'true', expiresAtMs: NOW + 9000 }, 'a boolean reads as its text, as Jackson asText()')
  // Scope: a string claim is one item (not split on spaces), a list several.
  const scoped = { requiredScope: ['kafka', 'read'] }
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9, scope: ['read', ' kafka ', ''] }), NOW, scoped), { principal: 'a', expiresAtMs: NOW + 9000 })
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9, scope: 'kafka read' }), NOW, scoped), { status: 'insufficient_scope', scope: '[kafka, read]', reason: 'The provided scope (kafka read) was missing a required scope (kafka)' })
  t.match(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9 }), NOW, { requiredScope: ['kafka'] }), { status: 'insufficient_scope', scope: '[kafka]' })
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9, scope: 'kafka' }), NOW, { requiredScope: ['kafka'] }), { principal: 'a', expiresAtMs: NOW + 9000 })
  t.same(validateUnsecuredToken(jws({ sub: 'a', exp: nowS + 9, scope: [1, true, null, {}] }), NOW, { requiredScope: ['1', 'true', 'null'] }), { principal: 'a', expiresAtMs: NOW + 9000 }, 'list elements read as their text')
})

t.test('hostile input: random messages and tokens are answered, never thrown on', async t => {
  const part = fc.oneof(fc.base64String(), fc.json().map(j => b64(j)), fc.string())
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
    const r = parseOAuthBearerInitialResponse(Buffer.from(bytes))
    return typeof r === 'string' || typeof r.token === 'string'
  }))
  fc.assert(fc.property(part, part, fc.string({ maxLength: 5 }), (h, c, sig) => {
    const r = validateUnsecuredToken(`${h}.${c}.${sig}`, NOW)
    return 'principal' in r || r.status === 'invalid_token'
  }))
  fc.assert(fc.property(fc.record({ sub: fc.string(), exp: fc.double(), iat: fc.option(fc.double(), { nil: undefined }) }), claims => {
    const r = validateUnsecuredToken(jws(claims), NOW)
    return 'principal' in r ? Number.isSafeInteger(r.expiresAtMs) : r.status === 'invalid_token'
  }))
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), claims => {
    const r = validateUnsecuredToken(jws(claims), NOW)
    return 'principal' in r ? typeof r.principal === 'string' && Number.isFinite(r.expiresAtMs) : r.status === 'invalid_token'
  }))
})

t.test('a valid token authenticates User:<sub> with an empty answer; the session lasts until the token expires', async t => {
  const { cluster } = await setup(t)
  const c = await raw(t, cluster)
  const res = await send(c, valid(), { traceId: '42' })
  t.equal(res.errorCode, ErrorCode.NONE)
  t.same(res.authBytes, Buffer.alloc(0))
  t.equal(res.sessionLifetimeMs, 60_000n, 'the token\'s remaining life, though connections.max.reauth.ms is unset')
  t.equal((await c.request(Metadata, 12, METADATA)).topics.length, 1)
})

t.test('an absurdly distant exp (1e20 s, or 1e309, which JSON reads as Infinity) gives a long session, not a crash', async t => {
  const { cluster } = await setup(t)
  for (const exp of ['1e20', '1e309']) {
    const c = await raw(t, cluster)
    const res = await send(c, `${b64({ alg: 'none' })}.${b64(`{"sub":"alice","exp":${exp}}`)}.`)
    t.equal(res.errorCode, ErrorCode.NONE, exp)
    t.equal(res.sessionLifetimeMs, BigInt(Number.MAX_SAFE_INTEGER - NOW), exp)
  }
})

t.test('connections.max.reauth.ms and the token\'s expiry: the session lasts the shorter of the two', async t => {
  for (const [reauthMs, exp, expected] of [['30000', 60, 30_000n], ['90000', 60, 60_000n], ['0', 60, 60_000n], ['30000', 0.0004, 0n]] as const) {
    const { cluster } = await setup(t, { brokerConfigs: { 'connections.max.reauth.ms': reauthMs } })
    const c = await raw(t, cluster)
    // A token that expires within the millisecond still validates (exp is after now) and gets a lifetime of 0.
    const res = await send(c, jws({ sub: 'alice', exp: NOW / 1000 + exp }))
    t.equal(res.errorCode, ErrorCode.NONE, `reauth ${reauthMs}, exp +${exp} s`)
    t.equal(res.sessionLifetimeMs, expected, `reauth ${reauthMs}, exp +${exp} s`)
  }
})

t.test('a refused token: the JSON error with NONE, then the client\'s kvsep fails the exchange with it and closes', async t => {
  const { cluster } = await setup(t)
  for (const token of [jws({ sub: 'alice', exp: NOW / 1000 - 1 }), jws({ sub: 'a', exp: NOW / 1000 + 9 }, { alg: 'RS256' }), jws({ exp: NOW / 1000 + 9 }), 'garbage']) {
    const c = await raw(t, cluster)
    const first = await send(c, token)
    t.equal(first.errorCode, ErrorCode.NONE, 'not over yet')
    t.equal(first.authBytes.toString(), '{"status":"invalid_token"}', 'Kafka\'s JSON, no scope or openid-configuration')
    const second = await c.request(SaslAuthenticate, 2, { authBytes: Buffer.from([1]) })
    t.equal(second.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
    t.equal(second.errorMessage, '{"status":"invalid_token"}', 'Kafka\'s message is the JSON again')
    await c.closed
  }
})

t.test('a header without alg closes the connection without an answer, as Kafka\'s NullPointerException does', async t => {
  const { cluster } = await setup(t)
  const c = await raw(t, cluster)
  await t.rejects(send(c, jws({ sub: 'alice', exp: NOW / 1000 + 9 }, { typ: 'JWT' })), /connection closed before the SaslAuthenticate/)
})

t.test('after a JSON error the client may send another token instead of the kvsep, as Kafka allows', async t => {
  const { cluster } = await setup(t)
  const c = await raw(t, cluster)
  const first = await send(c, jws({ sub: 'alice', exp: NOW / 1000 - 1 }))
  t.equal(first.authBytes.toString(), '{"status":"invalid_token"}')
  const retry = await c.request(SaslAuthenticate, 2, { authBytes: oauthBearerInitialResponse({ token: valid() }) })
  t.equal(retry.errorCode, ErrorCode.NONE)
  t.same(retry.authBytes, Buffer.alloc(0))
})

t.test('insufficient scope names the required scope in the JSON', async t => {
  const { cluster } = await setup(t, { sasl: { users: {}, mechanisms: ['OAUTHBEARER'], oauthbearer: { requiredScope: ['kafka'] } } })
  const c = await raw(t, cluster)
  const first = await send(c, valid({ scope: ['other'] }))
  t.equal(first.authBytes.toString(), '{"status":"insufficient_scope", "scope":"[kafka]"}')
  const ok = await raw(t, cluster)
  t.equal((await send(ok, valid({ scope: ['kafka'] }))).authBytes.length, 0)
})

t.test('a malformed message or a kvsep out of turn fails at once with Kafka\'s generic message', async t => {
  const { cluster } = await setup(t)
  for (const authBytes of [Buffer.from([1]), Buffer.from('n,,\u0001auth=Bearer x\u0001'), Buffer.from('n,,\u0001auth=Basic x\u0001\u0001')]) {
    const c = await raw(t, cluster)
    await c.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
    const res = await c.request(SaslAuthenticate, 2, { authBytes })
    t.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
    t.equal(res.errorMessage, 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER')
    await c.closed
  }
  const c = await raw(t, cluster)
  await c.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
  const authzid = await c.request(SaslAuthenticate, 2, { authBytes: Buffer.from(`n,a=bob,\u0001auth=Bearer ${valid()}\u0001\u0001`) })
  t.equal(authzid.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.equal(authzid.errorMessage, "Authentication failed: Client requested an authorization id (bob) that is different from the token's principal name (alice)")
})

t.test('re-authentication (KIP-368): a fresh token renews the session; another principal is refused', async t => {
  const { cluster, clock, logs } = await setup(t, { brokerConfigs: { 'connections.max.reauth.ms': '600000' } })
  const c = await raw(t, cluster)
  t.equal((await send(c, valid())).sessionLifetimeMs, 60_000n)
  clock.now += 50_000
  const renewed = await send(c, jws({ sub: 'alice', iat: clock.now / 1000, exp: clock.now / 1000 + 30 }))
  t.equal(renewed.errorCode, ErrorCode.NONE)
  t.equal(renewed.sessionLifetimeMs, 30_000n, 'the new token\'s life')
  clock.now += 20_000
  t.equal((await c.request(Metadata, 12, METADATA)).topics.length, 1, 'past the first token\'s expiry, within the second\'s')
  clock.now += 10_001
  await t.rejects(c.request(Metadata, 12, METADATA), /connection closed/, 'past the second token\'s expiry without renewal')
  t.match(logs.join('\n'), /SASL session of alice expired/)

  const other = await raw(t, cluster)
  t.equal((await send(other, jws({ sub: 'alice', exp: clock.now / 1000 + 60 }))).errorCode, ErrorCode.NONE)
  clock.now += 2000
  const res = await send(other, jws({ sub: 'bob', exp: clock.now / 1000 + 60 }))
  t.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.equal(res.errorMessage, 'Cannot change principals during re-authentication from User.alice: User.bob')
})

t.test('our client: the provider is asked for a token at every authentication and renewal', async t => {
  const { cluster, clock } = await setup(t, { brokerConfigs: { 'connections.max.reauth.ms': '10000' } })
  const [host, port] = cluster.bootstrap.split(':')
  let calls = 0
  const provider = async (): Promise<{ token: string, extensions: Record<string, string> }> => {
    calls++
    return { token: unsecuredJws({ principal: 'alice', nowMs: clock.now, lifeSeconds: 60 }), extensions: { call: String(calls) } }
  }
  const conn = await BrokerConnection.open({ host, port: Number(port), authenticate: saslAuthenticator({ mechanism: 'OAUTHBEARER', provider }), now: () => clock.now, random: () => 0.5 })
  t.teardown(async () => await conn.close())
  t.equal(calls, 1)
  clock.now += 9000
  await conn.request(Metadata, 12, METADATA)
  t.equal(conn.reauthentications, 1)
  t.equal(calls, 2, 'a new token for the renewal')
  clock.now += 9000
  await conn.request(Metadata, 12, METADATA)
  t.equal(calls, 3)
  t.equal(conn.closed, false)
})

t.test('our consumer reads with each token source; a refused token is an OAuthBearerRefusedError, not retried', async t => {
  const logs: string[] = []
  const { cluster } = await setup(t, { log: l => logs.push(l), verbose: true, clock: undefined })
  const consumer = (extra: Record<string, unknown>): SimpleConsumer => {
    const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, retries: 3, reconnectBackoffMs: 5, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER', ...extra })
    t.teardown(async () => await c.close())
    return c
  }
  const read = async (c: SimpleConsumer): Promise<string[]> =>
    ((await c.fetchOnce([{ topic: 't', partition: 0, fromOffset: 0n }])).get(tpKey('t', 0))?.records ?? []).map(r => String(r.value))
  t.same(await read(consumer({ 'sasl.oauthbearer.config': 'principal=alice extension_traceId=1' })), ['one'])
  t.same(await read(consumer({ 'sasl.oauthbearer.token': unsecuredJws({ principal: 'alice' }) })), ['one'])
  t.same(await read(consumer({ saslOauthbearerProvider: async () => ({ token: unsecuredJws({ principal: 'alice' }) }) })), ['one'])

  logs.length = 0
  const expired = consumer({ 'sasl.oauthbearer.token': unsecuredJws({ principal: 'alice', nowMs: Date.now() - 7200_000 }) })
  const err = await expired.metadata(['t']).catch((e: unknown) => e)
  t.ok(err instanceof OAuthBearerRefusedError, String(err))
  t.match(err, { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, status: 'invalid_token', message: /^SASL OAUTHBEARER at 127\.0\.0\.1:\d+: the broker refused the token: invalid_token/ })
  t.equal(logs.filter(l => / SaslHandshake v/.test(l)).length, 1, 'one attempt')
  t.equal(logs.filter(l => / SaslAuthenticate v/.test(l)).length, 2, 'the token and the kvsep')
})

t.test('the token provider: a failure is a ConfigError, a provider that never answers a TimeoutError', async t => {
  const { cluster } = await setup(t)
  const [host, port] = cluster.bootstrap.split(':')
  const open = async (provider: () => Promise<{ token: string }>, providerTimeoutMs?: number): Promise<BrokerConnection> =>
    await BrokerConnection.open({ host, port: Number(port), authenticate: saslAuthenticator({ mechanism: 'OAUTHBEARER', provider, providerTimeoutMs }) })
  await t.rejects(open(async () => { throw new Error('no network') }), { name: 'ConfigError', key: 'saslOauthbearerProvider', message: /the token provider failed: no network/ })
  await t.rejects(open(async () => await new Promise(() => {}), 50), { name: 'TimeoutError', message: /SASL OAUTHBEARER at .*: the token provider/ })
  await t.rejects(open(async () => ({ token: 'not a token' })), { name: 'ConfigError', key: 'saslOauthbearerProvider', message: /b64token/ })
})

t.test('ACLs apply to User:<sub>; OAUTHBEARER next to PLAIN on one listener', async t => {
  const { cluster } = await setup(t, { sasl: { users: { bob: 'pw' }, mechanisms: ['PLAIN', 'OAUTHBEARER'] }, authorizer: {} })
  cluster.state.acls.create({ resourceType: Res.TOPIC, resourceName: 't', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.DESCRIBE, permissionType: Perm.ALLOW })
  const alice = await raw(t, cluster)
  t.same((await alice.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })).mechanisms, ['PLAIN', 'OAUTHBEARER'])
  t.equal((await alice.request(SaslAuthenticate, 2, { authBytes: oauthBearerInitialResponse({ token: valid() }) })).errorCode, ErrorCode.NONE)
  const seen = await alice.request(Metadata, 12, { ...METADATA, topics: [{ topicId: ZERO_UUID, name: 't' }] })
  t.equal(seen.topics[0].errorCode, ErrorCode.NONE, 'User:alice may describe t')
  const carol = await raw(t, cluster)
  await send(carol, valid({ sub: 'carol' }))
  const hidden = await carol.request(Metadata, 12, { ...METADATA, topics: [{ topicId: ZERO_UUID, name: 't' }] })
  t.equal(hidden.topics[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'User:carol may not')
})

t.test('quotas apply to User:<sub>: a producer_byte_rate for alice throttles alice, not carol', async t => {
  const { cluster } = await setup(t, { throttleWait: async () => {} })
  const alice = await raw(t, cluster)
  await send(alice, valid())
  const set = await alice.request(AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 10, remove: false }] }], validateOnly: false })
  t.equal(set.entries[0].errorCode, ErrorCode.NONE)
  const produce = { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: encodeRecordBatch([{ value: Buffer.alloc(1000) }]) }] }] }
  const carol = await raw(t, cluster)
  await send(carol, valid({ sub: 'carol' }))
  t.equal((await carol.request(Produce, 9, produce)).throttleTimeMs, 0, 'carol has no quota')
  t.ok((await alice.request(Produce, 9, produce)).throttleTimeMs > 0, 'alice is over hers')
})

t.test('configuration: OAUTHBEARER needs no users, the others still do; a negative clock skew is refused', async t => {
  await t.rejects(FakeCluster.start({ sasl: { users: {}, mechanisms: ['PLAIN', 'OAUTHBEARER'] } }), { name: 'ConfigError', key: 'sasl.users', message: /needed for PLAIN/ })
  await t.rejects(FakeCluster.start({ sasl: { users: {}, mechanisms: ['OAUTHBEARER'], oauthbearer: { allowableClockSkewMs: -1 } } }), { name: 'ConfigError', key: 'sasl.oauthbearer.allowableClockSkewMs' })
  const plain = await FakeCluster.start({ sasl: { users: { a: 'b' } } })
  t.teardown(async () => await plain.stop())
  const c = await raw(t, plain)
  const hs = await c.request(SaslHandshake, 1, { mechanism: 'OAUTHBEARER' })
  t.equal(hs.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'not enabled by default, as Kafka (sasl.enabled.mechanisms)')
  t.same(hs.mechanisms, ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
})
