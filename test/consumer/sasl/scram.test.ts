import t from 'tap'
import fc from 'fast-check'
import { escapeName, parseAttributes, ScramClient, unescapeName } from '../../../consumer/sasl/scram.js'
import { KafkaError } from '../../../protocol/errors.js'

// The SCRAM client against the worked example of RFC 7677 section 3 (SCRAM-SHA-256, user "user", password "pencil"):
// every message below is the RFC's, not our output.
const RFC_CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO'
const RFC_CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO'
const RFC_SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'
const RFC_CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
const RFC_SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

t.test('SCRAM-SHA-256 reproduces the exchange of RFC 7677 section 3', async t => {
  const c = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC_CLIENT_NONCE)
  t.equal(c.first().toString(), RFC_CLIENT_FIRST)
  t.equal((await c.final(Buffer.from(RFC_SERVER_FIRST))).toString(), RFC_CLIENT_FINAL)
  t.doesNotThrow(() => c.verify(Buffer.from(RFC_SERVER_FINAL)), 'the RFC server signature verifies')
})

t.test('a server signature that does not match, or a refusal, is SASL_AUTHENTICATION_FAILED', async t => {
  const c = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC_CLIENT_NONCE)
  await c.final(Buffer.from(RFC_SERVER_FIRST))
  const forged = Buffer.from('v=' + Buffer.alloc(32, 1).toString('base64'))
  t.throws(() => c.verify(forged), { name: 'KafkaError', errorName: 'SASL_AUTHENTICATION_FAILED', message: /signature is wrong/ })
  t.throws(() => c.verify(Buffer.from('e=invalid-proof')), { name: 'KafkaError', errorName: 'SASL_AUTHENTICATION_FAILED', message: /refused: invalid-proof/ })
  const wrongPassword = new ScramClient('SCRAM-SHA-256', 'user', 'pencil!', RFC_CLIENT_NONCE)
  t.not((await wrongPassword.final(Buffer.from(RFC_SERVER_FIRST))).toString(), RFC_CLIENT_FINAL, 'another password gives another proof')
  t.throws(() => wrongPassword.verify(Buffer.from(RFC_SERVER_FINAL)), KafkaError)
})

t.test('a server-first message that breaks the rules is a ProtocolError naming the rule', async t => {
  const cases: Array<[string, RegExp]> = [
    ['r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', /does not extend ours/],
    [`r=${RFC_CLIENT_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`, /does not extend ours/],
    [`r=${RFC_CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100`, /iteration count 100 outside 4096..16384/],
    [`r=${RFC_CLIENT_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000`, /iteration count/],
    [`r=${RFC_CLIENT_NONCE}x,i=4096`, /missing r, s or i/],
    [`m=ext,r=${RFC_CLIENT_NONCE}x,s=AA==,i=4096`, /extension/],
    ['garbage', /malformed attribute/]
  ]
  for (const [msg, why] of cases) {
    const c = new ScramClient('SCRAM-SHA-512', 'user', 'pencil', RFC_CLIENT_NONCE)
    await t.rejects(c.final(Buffer.from(msg)), { name: 'ProtocolError', message: why }, msg)
  }
  const c = new ScramClient('SCRAM-SHA-512', 'user', 'pencil', RFC_CLIENT_NONCE)
  t.throws(() => c.verify(Buffer.from('v=AAAA')), { name: 'ProtocolError', message: /no server signature/ }, 'verify before final: nothing to compare with')
})

t.test('usernames are escaped as saslname (RFC 5802: "=" as =3D, "," as =2C) and back', async t => {
  t.equal(escapeName('a=b,c'), 'a=3Db=2Cc')
  t.equal(new ScramClient('SCRAM-SHA-256', 'a,b', 'p', 'N').first().toString(), 'n,,n=a=2Cb,r=N')
  fc.assert(fc.property(fc.string(), name => unescapeName(escapeName(name)) === name && !escapeName(name).includes(',')))
  t.same([...parseAttributes('r=a=b,s=c', 'x')], [['r', 'a=b'], ['s', 'c']], 'a value may contain "="')
})
