import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { xxhash32 } from '../../../protocol/compression/xxhash32.js'

// Published vectors (xxHash README and test suites) for seed 0.
t.test('matches published xxHash32 vectors', async t => {
  t.equal(xxhash32(Buffer.from('')), 0x02cc5d05, 'empty input')
  t.equal(xxhash32(Buffer.from('a')), 0x550d7456, '"a"')
  t.equal(xxhash32(Buffer.from('abc')), 0x32d153ff, '"abc"')
  t.equal(xxhash32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0xe85ea4de, 'the quick brown fox (43 bytes: stripes and tail)')
})

t.test('hashes only buf[start, end)', async t => {
  const b = Buffer.from('xxabcyy')
  t.equal(xxhash32(b, 0, 2, 5), 0x32d153ff)
  t.throws(() => xxhash32(b, 0, 3, 99), RangeError)
})

t.test('a range hashes like a copy of it, whatever its alignment (word loads are used when aligned)', async t => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24))
  for (const start of [0, 1, 2, 3, 4, 5, 8]) {
    for (const end of [start + 15, start + 16, start + 64, start + 1000, data.length - 3, data.length]) {
      const copy = Buffer.from(data.subarray(start, end)) // a fresh allocation: aligned
      t.equal(xxhash32(data, 7, start, end), xxhash32(copy, 7), `[${start}, ${end})`)
    }
  }
})

// The system's libxxhash (the reference implementation, Debian package libxxhash0) through Python's ctypes.
const probe = spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL("libxxhash.so.0").XXH32'], { encoding: 'utf8' })
const haveLib = probe.status === 0

t.test('agrees with the reference libxxhash on random inputs and seeds', { skip: haveLib ? false : 'python3 with libxxhash.so.0 not available' }, async t => {
  const cases = fc.sample(fc.tuple(fc.uint8Array({ maxLength: 300, size: 'max' }), fc.nat({ max: 0xffffffff })), 200)
  const script = [
    'import ctypes, sys',
    'lib = ctypes.CDLL("libxxhash.so.0")',
    'lib.XXH32.restype = ctypes.c_uint32',
    'lib.XXH32.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32]',
    'for line in sys.stdin:',
    '    hexdata, seed = line.split()',
    '    data = bytes.fromhex(hexdata[1:])',
    '    print(lib.XXH32(data, len(data), int(seed)))'
  ].join('\n')
  // Each line: "x<hex> <seed>" (the x keeps empty inputs from collapsing the split).
  const input = cases.map(([bytes, seed]) => `x${Buffer.from(bytes).toString('hex')} ${seed}`).join('\n') + '\n'
  const r = spawnSync('python3', ['-c', script], { input, encoding: 'utf8' })
  t.equal(r.status, 0, r.stderr)
  const expected = r.stdout.trim().split('\n').map(Number)
  t.same(cases.map(([bytes, seed]) => xxhash32(bytes, seed)), expected)
})
