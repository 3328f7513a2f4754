import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { CompressionError } from '../../../protocol/errors.js'
import { gzipCompress, gzipDecompress } from '../../../protocol/compression/gzip.js'

// Inputs that are random, highly repetitive (long matches), or a mix of both.
const repetitive = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 4000 }))
  .map(([unit, times]) => Buffer.concat(Array.from({ length: times }, () => unit)))
const inputs = fc.oneof(
  fc.uint8Array({ maxLength: 3000, size: 'max' }).map(b => Buffer.from(b)),
  repetitive,
  fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map(b => Buffer.from(b)), repetitive), { maxLength: 8 }).map(bs => Buffer.concat(bs))
)

const python = spawnSync('python3', ['-c', 'import gzip'], { encoding: 'utf8' })
const havePython = python.status === 0 ? false : 'python3 not available'

t.test('round-trips arbitrary, repetitive and empty input', async t => {
  fc.assert(fc.property(inputs, data => gzipDecompress(gzipCompress(data)).equals(data)), { numRuns: 150 })
  t.equal(gzipDecompress(gzipCompress(Buffer.alloc(0))).length, 0)
})

t.test('shrinks a repetitive 100 KiB input', async t => {
  const data = Buffer.from('{"user":"alice","action":"click","page":"/home"}\n'.repeat(2100)).subarray(0, 100 * 1024)
  t.ok(gzipCompress(data).length < data.length / 10)
})

t.test('decodes every member of concatenated gzip members', async t => {
  const joined = Buffer.concat([gzipSync('first '), gzipSync('second')])
  t.equal(gzipDecompress(joined).toString(), 'first second')
})

t.test('reads what Python\'s gzip module writes, and Python reads ours', { skip: havePython }, async t => {
  const data = Buffer.from('kafka-direct '.repeat(500) + 'tail')
  const fromPython = spawnSync('python3', ['-c', 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))'], { input: data })
  t.equal(fromPython.status, 0)
  t.ok(gzipDecompress(fromPython.stdout).equals(data), 'python -> us')
  const toPython = spawnSync('python3', ['-c', 'import gzip, sys; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))'], { input: gzipCompress(data) })
  t.equal(toPython.status, 0)
  t.ok(toPython.stdout.equals(data), 'us -> python')
})

t.test('stops a gzip bomb at maxOutputBytes', async t => {
  // 1 MiB of zeros compresses to about 1 KiB; forty members claim 40 MiB.
  const member = gzipSync(Buffer.alloc(1 << 20))
  const bomb = Buffer.concat(Array.from({ length: 40 }, () => member))
  t.throws(() => gzipDecompress(bomb, { maxOutputBytes: 4 << 20 }), CompressionError)
  t.throws(() => gzipDecompress(gzipSync(Buffer.alloc(10)), { maxOutputBytes: 0 }), CompressionError, 'a limit of zero')
  t.equal(gzipDecompress(member, { maxOutputBytes: 1 << 20 }).length, 1 << 20, 'exactly at the limit is fine')
})

t.test('stops a bomb past the default 256 MiB limit', async t => {
  const member = gzipSync(Buffer.alloc(16 << 20))
  const bomb = Buffer.concat(Array.from({ length: 17 }, () => member)) // 272 MiB
  const err = t.throws(() => gzipDecompress(bomb))
  t.type(err, CompressionError)
  t.match((err as Error).message, /maxOutputBytes/)
})

t.test('reports truncated and corrupt input as CompressionError', async t => {
  const good = gzipCompress(Buffer.from('hello hello hello hello'))
  t.throws(() => gzipDecompress(good.subarray(0, good.length - 5)), CompressionError, 'truncated')
  const bad = Buffer.from(good)
  bad[bad.length - 6] ^= 0xff // inside the CRC32 trailer
  t.throws(() => gzipDecompress(bad), CompressionError, 'bad CRC')
  t.throws(() => gzipDecompress(Buffer.alloc(0)), CompressionError, 'empty')
})

t.test('random and mutated bytes decode or throw only CompressionError', async t => {
  const valid = gzipCompress(Buffer.from('some records, some records, some records'))
  const mutated = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
    const b = Buffer.from(valid)
    b[at % b.length] ^= x
    return b
  })
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)), mutated), data => {
    try {
      gzipDecompress(data, { maxOutputBytes: 1 << 20 })
    } catch (err) {
      if (!(err instanceof CompressionError)) throw err
    }
  }), { numRuns: 500 })
})
