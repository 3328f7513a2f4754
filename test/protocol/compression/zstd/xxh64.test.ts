import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { xxh64, xxh64Low32 } from '../../../../protocol/compression/zstd/xxh64.js'
import { randomBytes } from './zstd-inputs.js'

t.test('the hash of no bytes is the published XXH64 empty-input value', async t => {
  // xxHash's reference value for XXH64("", seed 0).
  t.equal(xxh64(new Uint8Array(0)), 0xef46db3751d8e999n)
  t.equal(xxh64Low32(new Uint8Array(0), 0, 0), 0x51d8e999)
})

const skip = existsSync('/usr/bin/zstd') ? false : 'zstd CLI not installed at /usr/bin/zstd'

t.test('the low 32 bits match the checksums the zstd CLI writes, for every tail length', { skip }, async t => {
  // Lengths cover the <32-byte path, every 8/4/1-byte tail combination, and several 32-byte stripes.
  for (const n of [1, 3, 4, 7, 8, 12, 15, 16, 31, 32, 33, 39, 40, 63, 64, 65, 100, 1000, 4099]) {
    const data = randomBytes(n, n)
    const frame = spawnSync('/usr/bin/zstd', ['-c', '-q', '--check'], { input: data }).stdout
    t.equal(xxh64Low32(data, 0, n), frame.readUInt32LE(frame.length - 4), `${n} bytes`)
  }
})

t.test('a range of a buffer hashes like a copy of it, whatever its alignment', async t => {
  const data = randomBytes(5000, 1)
  for (const start of [0, 1, 2, 3, 5, 7, 8]) {
    const end = data.length - start * 3
    t.equal(xxh64(data, start, end), xxh64(Uint8Array.from(data.subarray(start, end))), `start ${start}`)
  }
})
