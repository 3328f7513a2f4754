import t from 'tap'
import { parsePlainToken, plainToken } from '../../../consumer/sasl/plain.js'

// RFC 4616: message = [authzid] UTF8NUL authcid UTF8NUL passwd.
t.test('the PLAIN message is NUL, user, NUL, password in UTF-8, and parses back', async t => {
  t.same([...plainToken('alice', 'pässword')], [0, ...Buffer.from('alice'), 0, ...Buffer.from('pässword', 'utf8')])
  t.same(parsePlainToken(plainToken('alice', 'p')), { authzid: '', username: 'alice', password: 'p' })
  t.same(parsePlainToken(Buffer.from('admin\u0000alice\u0000p')), { authzid: 'admin', username: 'alice', password: 'p' })
  t.equal(parsePlainToken(Buffer.from('alice\u0000p')), undefined, 'two fields')
  t.equal(parsePlainToken(Buffer.from('a\u0000b\u0000c\u0000d')), undefined, 'four fields')
})
