import t from 'tap'
import fc from 'fast-check'
import { CompressionError } from '../../../protocol/errors.js'
import {
  codecFromAttributes, codecId, compress, decompress, DEFAULT_MAX_DECOMPRESSED_BYTES, type CompressionCodec
} from '../../../protocol/compression/codec.js'

const ALL: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

t.test('maps attribute bits 0-2 to codecs and back', async t => {
  t.same([0, 1, 2, 3, 4].map(codecFromAttributes), ALL)
  t.same(ALL.map(codecId), [0, 1, 2, 3, 4])
  // Higher attribute bits (timestamp type, transactional, control) do not affect the codec.
  t.equal(codecFromAttributes(0x0008 | 0x0010 | 0x0020 | 2), 'snappy')
})

t.test('rejects the unassigned codec ids 5-7', async t => {
  for (const attr of [5, 6, 7, 0x10 | 7]) t.throws(() => codecFromAttributes(attr), CompressionError, `attributes ${attr}`)
  t.throws(() => codecId('brotli' as CompressionCodec), CompressionError)
})

t.test('has a 256 MiB default limit', async t => {
  t.equal(DEFAULT_MAX_DECOMPRESSED_BYTES, 256 * 1024 * 1024)
})

t.test('round-trips through every codec it dispatches to', async t => {
  const codecs: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4']
  fc.assert(fc.property(fc.constantFrom(...codecs), fc.uint8Array({ maxLength: 2000 }), (codec, bytes) => {
    const data = Buffer.from(bytes)
    return decompress(codec, compress(codec, data)).equals(data)
  }), { numRuns: 200 })
})

t.test('passes the legacy LZ4 header checksum option through', async t => {
  const data = Buffer.from('magic 0 '.repeat(10))
  const legacy = compress('lz4', data, { legacyLz4HeaderChecksum: true })
  t.throws(() => decompress('lz4', legacy), CompressionError)
  t.ok(decompress('lz4', legacy, { legacyLz4HeaderChecksum: true }).equals(data))
})

t.test('passes maxOutputBytes to each codec', async t => {
  const data = Buffer.alloc(10000, 0x61)
  for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
    t.throws(() => decompress(codec, compress(codec, data), { maxOutputBytes: 9999 }), CompressionError, codec)
  }
})

t.test('reports a bad maxOutputBytes as a configuration error', async t => {
  t.throws(() => decompress('gzip', compress('gzip', Buffer.from('x')), { maxOutputBytes: -1 }), { code: 'ERR_CONFIG' })
})

t.test('dispatches zstd to the zstd module', async t => {
  t.throws(() => decompress('zstd', Buffer.from('not a zstd frame')), CompressionError)
  const data = Buffer.from('zstd '.repeat(100))
  let compressed: Buffer | undefined
  try {
    compressed = compress('zstd', data)
  } catch (err) {
    // The zstd module may only decode; an encoder it lacks must still fail with CompressionError.
    t.type(err, CompressionError)
  }
  if (compressed !== undefined) t.ok(decompress('zstd', compressed).equals(data))
})
