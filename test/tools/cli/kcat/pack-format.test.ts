import t from 'tap'
import fc from 'fast-check'
import { parsePackFormat, unpack, UnpackError } from '../../../../tools/cli/kcat/pack-format.js'
import { ConfigError } from '../../../../protocol/errors.js'

// kcat -s pack-str tokens, each against values written out by hand from the token's definition (kcat -h: "b:
// signed 8-bit integer" ...; big-endian unless `<`), and the error text kcat 1.7.1 prints (format.c unpack, seen
// from Debian's kcat on the fake broker: "value truncated, expected 4 bytes to unpack i but only 2 bytes remaining").

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex')
const run = (fmt: string, data: Buffer, field: 'key' | 'value' = 'value'): string => unpack(parsePackFormat(field, fmt), field, data).toString('latin1')

t.test('each integer token reads its width, signed or not, big-endian by default', async t => {
  const data = hex('ff fe fd fc fb fa f9 f8')
  t.equal(run('b', data), '-1')
  t.equal(run('B', data), '255')
  t.equal(run('h', data), '-2') // 0xfffe
  t.equal(run('H', data), '65534')
  t.equal(run('i', data), '-66052') // 0xfffefdfc
  t.equal(run('I', data), '4294901244')
  t.equal(run('q', data), '-283686952306184') // 0xfffefdfcfbfaf9f8
  t.equal(run('Q', data), '18446460386757245432')
  t.equal(run('>i', hex('00 00 01 00')), '256')
})

t.test('< reads little-endian from there on, > big-endian again', async t => {
  t.equal(run('<i', hex('00 01 00 00')), '256')
  t.equal(run('<h', hex('01 00')), '1')
  t.equal(run('<H', hex('ff 7f')), '32767')
  t.equal(run('<I', hex('ff ff ff 7f')), '2147483647')
  t.equal(run('<q', hex('01 00 00 00 00 00 00 80')), '-9223372036854775807')
  t.equal(run('<Q', hex('ff ff ff ff ff ff ff ff')), '18446744073709551615')
  t.equal(run('<h>h', hex('01 00 00 01')), '11', 'tokens print back to back, without a separator')
  t.equal(run('<h >h', hex('01 00 00 01')), '1 1', 'a space in the pack-str is a space in the output')
})

t.test('c prints one byte as it is, s the rest up to a NUL, $ requires the end', async t => {
  t.equal(run('cc', Buffer.from('AB')), 'AB')
  t.equal(run('c', hex('ff')), '\xff', 'a byte is printed, not a number')
  t.equal(run('b s', Buffer.from('\x05hello')), '5 hello')
  t.equal(run('s', Buffer.from('ab\x00cd')), 'ab', 'kcat prints s with %.*s, which stops at a NUL')
  t.equal(run('ss', Buffer.from('ab')), 'ab', 'after s nothing is left')
  t.equal(run('B$', hex('07')), '7')
  t.equal(run('B', hex('07 08 09')), '7', 'bytes after the last token are ignored')
  t.equal(run('Bc', hex('07')), '7\x00', 'c past the end prints a NUL, as kcat does on a record without headers')
})

t.test('a value too short for a token, or with bytes left at $, fails after what printed before it', async t => {
  const err = t.throws(() => run('i i', hex('00 00 00 01 00 02'))) as UnpackError
  t.ok(err instanceof UnpackError)
  t.equal(err.message, 'value truncated, expected 4 bytes to unpack i but only 2 bytes remaining')
  t.equal(err.printed.toString(), '1 ')
  t.equal(err.field, 'value')
  const key = t.throws(() => run('q', hex('01'), 'key')) as UnpackError
  t.equal(key.message, 'key truncated, expected 8 bytes to unpack q but only 1 bytes remaining')
  const end = t.throws(() => run('B$', hex('01 02 03'))) as UnpackError
  t.equal(end.message, 'expected value end-of-input, but 2 bytes remaining')
  t.equal(end.printed.toString(), '1')
})

t.test('a pack-str is checked when given: empty or with an unknown token is a ConfigError naming -s', async t => {
  t.throws(() => parsePackFormat('key', ''), new ConfigError('-s', 'key pack-format must not be empty'))
  t.throws(() => parsePackFormat('value', 'iz'), { name: 'ConfigError', message: /config -s: invalid token 'z' in value pack-format/ })
  t.same(parsePackFormat('key', ' <>bBhHiIqQcs$').length, 14, 'every documented token is accepted')
})

t.test('integers round-trip through the bytes Node writes for them, both byte orders', async t => {
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (i, q) => {
    const be = Buffer.alloc(12)
    be.writeInt32BE(i, 0)
    be.writeBigUInt64BE(q, 4)
    const le = Buffer.alloc(12)
    le.writeInt32LE(i, 0)
    le.writeBigUInt64LE(q, 4)
    return run('i Q$', be) === `${i} ${q}` && run('<i Q$', le) === `${i} ${q}`
  }))
})

t.test('a view into a larger buffer reads only its own bytes', async t => {
  const whole = hex('aa 00 00 00 2a bb')
  t.equal(run('i$', whole.subarray(1, 5)), '42')
  t.equal(run('s', new Uint8Array(whole.buffer, whole.byteOffset + 1, 4) as Buffer), '', 'starts at a NUL: prints nothing')
})
