import t from 'tap'
import {
  oauthBearerInitialResponse, oauthBearerServerError, parseOAuthBearerInitialResponse, parseOAuthBearerServerError, validateOAuthBearerToken
} from '../../../consumer/sasl/oauthbearer.js'
import { parseUnsecuredTokenConfig, unsecuredJws, unsecuredTokenProvider } from '../../../consumer/sasl/unsecured-jws.js'
import { parseConsumerConfig } from '../../../consumer/config.js'
import { OAuthBearerRefusedError } from '../../../consumer/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { BrokerConnection } from '../../../consumer/connection.js'
import { saslAuthenticator } from '../../../consumer/sasl/authenticate.js'
import { apiVersionsBody, startRawBroker } from '../raw-broker.js'

// SASL OAUTHBEARER on the client's side (consumer/sasl/oauthbearer.ts, unsecured-jws.ts). The expected bytes are
// written from RFC 7628 section 3.1 (client-resp = gs2-header kvsep *kvpair kvsep; kvpair = key "=" value kvsep;
// kvsep = %x01) as Kafka's OAuthBearerClientInitialResponse uses it (KIP-255: "n,," and auth=Bearer first), and the
// RFC's own examples (section 4) are parsed. The exchange against a broker: test/tools/fake-broker/sasl-oauthbearer.test.ts.

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

t.test('the client initial response is "n,," kvsep "auth=Bearer <token>" kvsep, extensions, kvsep', async t => {
  t.same(oauthBearerInitialResponse({ token: 'abc.d-f.' }), Buffer.concat([
    hex('6e 2c 2c'), //                          gs2-header "n,,": no channel binding, no authzid
    hex('01'), //                                kvsep
    hex('61 75 74 68 3d 42 65 61 72 65 72 20'), // "auth=Bearer "
    hex('61 62 63 2e 64 2d 66 2e'), //           the token "abc.d-f."
    hex('01'), //                                kvsep ending the pair
    hex('01') //                                 kvsep ending the message
  ]))
  t.same(oauthBearerInitialResponse({ token: 'tok', extensions: { traceId: 'a b=1' } }), Buffer.concat([
    hex('6e 2c 2c 01'), //                       "n,," kvsep
    hex('61 75 74 68 3d 42 65 61 72 65 72 20'), // "auth=Bearer "
    hex('74 6f 6b 01'), //                       "tok" kvsep
    hex('74 72 61 63 65 49 64 3d'), //           "traceId=", a KIP-342 extension after the token, as Kafka's client
    hex('61 20 62 3d 31 01'), //                 "a b=1" kvsep: a value may hold spaces and "="
    hex('01') //                                 kvsep ending the message
  ]))
})

t.test('tokens and extensions outside the grammar are ConfigErrors naming the key and the rule', async t => {
  const bad: Array<[Parameters<typeof validateOAuthBearerToken>[0], RegExp]> = [
    [{ token: '' }, /b64token/],
    [{ token: 'a b' }, /b64token/],
    [{ token: 'ab=c' }, /b64token/],
    [{ token: 42 as unknown as string }, /\(number\)/],
    [{ token: 't', extensions: { auth: 'x' } }, /"auth" is reserved/],
    [{ token: 't', extensions: { trace_id: 'x' } }, /name "trace_id" is invalid/],
    [{ token: 't', extensions: { '': 'x' } }, /name "" is invalid/],
    [{ token: 't', extensions: { traceId: '' } }, /extension "traceId": the value/],
    [{ token: 't', extensions: { traceId: 'caf\u00e9' } }, /extension "traceId": the value/],
    [{ token: 't', extensions: { traceId: 'a\u0001b' } }, /extension "traceId": the value/]
  ]
  for (const [token, message] of bad) {
    t.throws(() => oauthBearerInitialResponse(token, 'myKey'), { name: 'ConfigError', key: 'myKey', message }, JSON.stringify(token))
  }
  t.doesNotThrow(() => validateOAuthBearerToken({ token: 'a-b_c~d+e/f.g==', extensions: { x: '\t !~\r\n' } }, 'k'), 'every allowed character')
})

t.test('the broker side parses RFC 7628 section 4.1, extensions before auth included, as Kafka does', async t => {
  // The RFC's IMAP example, base64 as printed there.
  const rfc = Buffer.from('bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB', 'base64')
  t.same(parseOAuthBearerInitialResponse(rfc), {
    token: 'vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==',
    authzid: 'user@example.com',
    extensions: { host: 'server.example.com', port: '143' }
  })
  t.same(parseOAuthBearerInitialResponse(oauthBearerInitialResponse({ token: 't.u.', extensions: { a: '1', B: '2' } })), { token: 't.u.', authzid: '', extensions: { a: '1', B: '2' } })
  t.same(parseOAuthBearerInitialResponse(Buffer.from('n,,\u0001auth=bearer  x\u0001a=1\u0001a=2\u0001\u0001')), { token: 'x', authzid: '', extensions: { a: '2' } }, 'scheme in any case; the last repeated key wins')
  const bad: Array<[string, RegExp]> = [
    ['', /^Invalid OAUTHBEARER client first message$/],
    ['\u0001', /^Invalid OAUTHBEARER client first message$/],
    ['y,,\u0001auth=Bearer x\u0001\u0001', /^Invalid OAUTHBEARER client first message$/],
    ['n,,\u0001auth=Bearer x\u0001', /^Invalid OAUTHBEARER client first message$/],
    ['n,,\u0001a_b=1\u0001auth=Bearer x\u0001\u0001', /^Invalid OAUTHBEARER client first message$/],
    ['n,a=x=y,\u0001auth=Bearer x\u0001\u0001', /^Invalid OAUTHBEARER client first message$/],
    ['n,,\u0001host=h\u0001\u0001', /'auth' not specified/],
    ['n,,\u0001auth=Bearer\u0001\u0001', /invalid 'auth' format/],
    ['n,,\u0001auth=Bearer a b\u0001\u0001', /invalid 'auth' format/],
    ['n,,\u0001auth=Basic abc\u0001\u0001', /Invalid scheme in OAUTHBEARER client first message: Basic/]
  ]
  for (const [message, reason] of bad) t.match(parseOAuthBearerInitialResponse(Buffer.from(message)), reason, JSON.stringify(message))
})

t.test('the broker\'s JSON error (RFC 7628 section 4.3) is read field by field; other text is kept as the status', async t => {
  const rfc = Buffer.from('eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=', 'base64')
  t.same(parseOAuthBearerServerError(rfc), { status: 'invalid_token', scope: 'example_scope', openidConfiguration: 'https://example.com/.well-known/openid-configuration' })
  t.same(parseOAuthBearerServerError(Buffer.from('{"status":"invalid_token"}')), { status: 'invalid_token' })
  t.same(parseOAuthBearerServerError(Buffer.from('not json')), { status: 'not json' })
  t.same(parseOAuthBearerServerError(Buffer.from('{"status":1}')), { status: '{"status":1}' })
  t.same(parseOAuthBearerServerError(Buffer.from('null')), { status: 'null' })
  t.equal(parseOAuthBearerServerError(Buffer.from('x'.repeat(1000))).status.length, 200, 'cut, not kept whole')
  // Kafka's OAuthBearerSaslServer.jsonErrorResponse puts ", " between the fields.
  t.equal(oauthBearerServerError({ status: 'invalid_token' }).toString(), '{"status":"invalid_token"}')
  t.equal(oauthBearerServerError({ status: 'insufficient_scope', scope: '[a, b]', openidConfiguration: 'u' }).toString(), '{"status":"insufficient_scope", "scope":"[a, b]", "openid-configuration":"u"}')
})

t.test('OAuthBearerRefusedError is a SASL_AUTHENTICATION_FAILED KafkaError naming the broker, status and scope', async t => {
  const e = new OAuthBearerRefusedError('h:9092', { status: 'insufficient_scope', scope: '[kafka]' })
  t.equal(e.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED)
  t.equal(e.retriable, false)
  t.match(e.message, /^SASL OAUTHBEARER at h:9092: the broker refused the token: insufficient_scope \(scope needed: \[kafka\]\)/)
  t.equal(e.status, 'insufficient_scope')
  t.equal(e.scope, '[kafka]')
  t.equal(e.openidConfiguration, undefined)
})

t.test('an unsecured JWS is {"alg":"none"} . claims . with an empty signature (RFC 7515 appendix A.5)', async t => {
  const jws = unsecuredJws({ principal: 'admin', scope: ['a', 'b'], lifeSeconds: 600, nowMs: 1549251467546 })
  const [header, claims, signature, ...rest] = jws.split('.')
  t.equal(header, 'eyJhbGciOiJub25lIn0', 'base64url of {"alg":"none"}, the header librdkafka hard-codes')
  t.equal(signature, '')
  t.same(rest, [])
  t.notMatch(claims, /[+/=]/, 'base64url without padding')
  t.equal(Buffer.from(claims, 'base64url').toString(), '{"sub":"admin","iat":1549251467.546,"exp":1549252067.546,"scope":["a","b"]}')
  const custom = unsecuredJws({ principal: 'x', principalClaimName: 'azp', scope: ['r'], scopeClaimName: 'roles', nowMs: 2000 })
  t.same(JSON.parse(Buffer.from(custom.split('.')[1], 'base64url').toString()), { azp: 'x', iat: 2, exp: 3602, roles: ['r'] }, 'default life 3600 s')
  t.same(Object.keys(JSON.parse(Buffer.from(unsecuredJws({ principal: 'p', scope: [] }).split('.')[1], 'base64url').toString())), ['sub', 'iat', 'exp'], 'no scope claim for an empty scope')
})

t.test('sasl.oauthbearer.config is read as librdkafka reads it, with its errors', async t => {
  t.same(parseUnsecuredTokenConfig('principal=admin'), { principal: 'admin', extensions: {} })
  t.same(parseUnsecuredTokenConfig('  principalClaimName=azp principal=admin scopeClaimName=roles scope=,r1,,r2,r1 lifeSeconds=600 extension_traceId=a=b '), {
    principal: 'admin', principalClaimName: 'azp', scopeClaimName: 'roles', scope: ['r1', 'r2'], lifeSeconds: 600, extensions: { traceId: 'a=b' }
  })
  const bad: Array<[string, RegExp]> = [
    ['', /no principal/],
    ['scope=a', /no principal/],
    ['principal=', /empty 'principal='/],
    ['principal=a"b', /'"' cannot appear in principal/],
    ['principal=a lifeSeconds=0', /lifeSeconds must be a positive integer/],
    ['principal=a lifeSeconds=1.5', /lifeSeconds must be a positive integer/],
    ['principal=a lifeSeconds=2147483648', /lifeSeconds must be a positive integer/],
    ['principal=a extension_=1', /empty 'extension_' key/],
    ['principal=a extension_x', /empty 'extension_' key or no value/],
    ['principal=a extension_auth=1', /"auth" is reserved/],
    ['principal=a extension_a1=1', /name "a1" is invalid/],
    ['principal=a colour=red', /unrecognized sasl.oauthbearer.config beginning at: colour=red/],
    ['principal', /unrecognized/]
  ]
  for (const [text, message] of bad) t.throws(() => parseUnsecuredTokenConfig(text), { name: 'ConfigError', key: 'sasl.oauthbearer.config', message }, text)
})

t.test('the unsecured token provider issues a new token at every call, with the configured extensions', async t => {
  let now = 1_000_000
  const provider = unsecuredTokenProvider(parseUnsecuredTokenConfig('principal=alice lifeSeconds=10 extension_traceId=42'), () => now)
  const first = await provider()
  now += 5000
  const second = await provider()
  t.not(first.token, second.token)
  t.same(first.extensions, { traceId: '42' })
  t.same(JSON.parse(Buffer.from(second.token.split('.')[1], 'base64url').toString()), { sub: 'alice', iat: 1005, exp: 1015 })
})

t.test('OAUTHBEARER configuration: exactly one token source, no password keys, checked before connecting', async t => {
  const base = { bootstrapServers: '127.0.0.1:1', 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'OAUTHBEARER' }
  const provider = async (): Promise<{ token: string }> => ({ token: 't' })
  const bad: Array<[Record<string, unknown>, string, RegExp]> = [
    [{}, 'sasl.oauthbearer.token', /exactly one of/],
    [{ 'sasl.oauthbearer.token': 'a', 'sasl.oauthbearer.config': 'principal=a' }, 'sasl.oauthbearer.config', /exactly one of/],
    [{ 'sasl.oauthbearer.token': 'a', saslOauthbearerProvider: provider }, 'saslOauthbearerProvider', /exactly one of/],
    [{ 'sasl.oauthbearer.token': 'not a token' }, 'sasl.oauthbearer.token', /b64token/],
    [{ 'sasl.oauthbearer.config': 'principal=' }, 'sasl.oauthbearer.config', /empty/],
    [{ 'sasl.oauthbearer.token': 'a', 'sasl.username': 'u' }, 'sasl.username', /sasl.mechanism is OAUTHBEARER/],
    [{ 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p', 'sasl.oauthbearer.token': 'a' }, 'sasl.oauthbearer.token', /sasl.mechanism is PLAIN/],
    [{ 'security.protocol': 'plaintext', 'sasl.mechanism': undefined, 'sasl.oauthbearer.config': 'principal=a' }, 'sasl.oauthbearer.config', /no SASL/],
    [{ saslOauthbearerProvider: 'token' }, 'saslOauthbearerProvider', /expected a function/],
    [{ 'sasl.oauthbearer.config': 'principal=a', 'enable.sasl.oauthbearer.unsecure.jwt': 'false' }, 'enable.sasl.oauthbearer.unsecure.jwt', /false, but sasl.oauthbearer.config/],
    [{ 'sasl.oauthbearer.token': 'a', 'enable.sasl.oauthbearer.unsecure.jwt': 'true' }, 'enable.sasl.oauthbearer.unsecure.jwt', /not given/],
    [{ 'sasl.mechanism': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p', 'enable.sasl.oauthbearer.unsecure.jwt': 'true' }, 'enable.sasl.oauthbearer.unsecure.jwt', /sasl.mechanism is PLAIN/]
  ]
  for (const [extra, key, message] of bad) t.throws(() => parseConsumerConfig({ ...base, ...extra }), { name: 'ConfigError', key, message }, key)
  for (const extra of [{ 'sasl.oauthbearer.token': 'a.b.' }, { saslOauthbearerConfig: 'principal=a' }, { saslOauthbearerProvider: provider },
    { 'sasl.oauthbearer.config': 'principal=a', 'enable.sasl.oauthbearer.unsecure.jwt': 'true' }]) {
    const cfg = parseConsumerConfig({ ...base, ...extra })
    t.equal(cfg.saslMechanism, 'OAUTHBEARER')
    t.equal(typeof cfg.authenticate, 'function')
    t.equal(typeof parseConsumerConfig(cfg).authenticate, 'function', 'a parsed configuration is accepted again')
  }
})

t.test('a broker that answers a JSON error and then accepts the kvsep still refuses: the error names its status', async t => {
  // Not what Kafka does (it fails the kvsep), but the JSON already said no; a text that is not JSON is the status.
  for (const [answer, status] of [['{"status":"invalid_token","openid-configuration":"https://x/"}', 'invalid_token'], ['no', 'no']]) {
    const broker = await startRawBroker(req => {
      if (req.api.name === 'ApiVersions') req.reply(apiVersionsBody([[18, 0, 3], [17, 1, 1], [36, 0, 2]]))
      else if (req.api.name === 'SaslHandshake') req.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] })
      else {
        const kvsep = (req.body as { authBytes: Buffer }).authBytes.equals(Buffer.from([1]))
        req.reply({ errorCode: 0, errorMessage: null, authBytes: kvsep ? Buffer.alloc(0) : Buffer.from(answer), sessionLifetimeMs: 0n })
      }
    })
    t.teardown(async () => await broker.close())
    const err = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port, authenticate: saslAuthenticator({ mechanism: 'OAUTHBEARER', provider: async () => ({ token: 't' }) }) }).catch((e: unknown) => e)
    t.ok(err instanceof OAuthBearerRefusedError)
    t.match(err, { status, cause: undefined })
    t.same(broker.requests.map(r => r.api.name), ['ApiVersions', 'SaslHandshake', 'SaslAuthenticate', 'SaslAuthenticate'], 'the kvsep was sent')
    if (status === 'invalid_token') t.equal((err as OAuthBearerRefusedError).openidConfiguration, 'https://x/')
  }
})

t.test('a provider that rejects with a non-Error is reported with its text', async t => {
  const broker = await startRawBroker(req => {
    if (req.api.name === 'ApiVersions') req.reply(apiVersionsBody([[18, 0, 3], [17, 1, 1], [36, 0, 2]]))
    else req.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] })
  })
  t.teardown(async () => await broker.close())
  // eslint-disable-next-line prefer-promise-reject-errors
  const provider = async (): Promise<{ token: string }> => await Promise.reject('offline')
  await t.rejects(BrokerConnection.open({ host: '127.0.0.1', port: broker.port, authenticate: saslAuthenticator({ mechanism: 'OAUTHBEARER', provider, providerKey: 'mine' }) }),
    { name: 'ConfigError', key: 'mine', message: /the token provider failed: offline/ })
})
