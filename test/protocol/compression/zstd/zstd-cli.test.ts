// Interoperability with the reference implementation: frames written by the `zstd` CLI (1.5.x) are decoded by us
// byte for byte, and frames we write are decoded by `zstd -d`. Skipped where the CLI is not installed.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zstdCompress, zstdDecompress } from '../../../../protocol/compression/zstd/index.js'
import { randomBytes, repetitive, text } from './zstd-inputs.js'
import { peerMissing } from '../../../../test-interop/peers/cache.js'

const ZSTD = '/usr/bin/zstd'
const skip = existsSync(ZSTD) ? false : peerMissing('zstd CLI not installed at /usr/bin/zstd')

function zstdCli (args: string[], input: Buffer): Buffer {
  const r = spawnSync(ZSTD, args, { input, maxBuffer: 256 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`zstd ${args.join(' ')} failed: ${r.stderr.toString()}`)
  return r.stdout
}

const inputs: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['random 100 KiB', randomBytes(100 * 1024, 1)],
  ['text 200 KiB (two blocks)', text(200 * 1024, 2)],
  ['repetitive 2 MiB', repetitive(2 * 1024 * 1024, 3)],
  ['text 1 MiB', text(1024 * 1024, 4)],
  ['mixed 400 KiB', Buffer.concat([text(100 * 1024, 5), randomBytes(100 * 1024, 6), text(200 * 1024, 7)])]
]

const settings: string[][] = [['-1'], ['-3'], ['-19'], ['-3', '--long']]

t.test('frames the CLI writes from a stream (no content size) decode byte-identically', { skip }, async t => {
  for (const [name, input] of inputs) {
    for (const level of settings) {
      if (level[0] === '-19' && input.length > 1024 * 1024) continue // level 19 on 2 MiB only costs time
      for (const check of ['--check', '--no-check']) {
        const frame = zstdCli(['-c', '-q', ...level, check], input)
        t.ok(zstdDecompress(frame).equals(input), `${name} ${level.join(' ')} ${check}`)
      }
    }
  }
})

t.test('frames the CLI writes from a file (with content size) decode byte-identically', { skip }, async t => {
  const dir = t.testdir()
  for (const [name, input] of inputs) {
    for (const level of [['-1'], ['-3'], ['-19']]) {
      if (level[0] === '-19' && input.length > 1024 * 1024) continue
      const path = join(dir, 'input')
      writeFileSync(path, input)
      const r = spawnSync(ZSTD, ['-q', '-f', ...level, path, '-o', `${path}.zst`])
      t.equal(r.status, 0)
      t.ok(zstdDecompress(readFileSync(`${path}.zst`)).equals(input), `${name} ${level.join(' ')}`)
    }
  }
})

t.test('concatenated CLI frames with a skippable frame between them decode as one stream', { skip }, async t => {
  const a = text(50000, 8)
  const b = randomBytes(3000, 9)
  const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
  const frames = Buffer.concat([zstdCli(['-c', '-q', '-3'], a), skippable, zstdCli(['-c', '-q', '-1'], b)])
  t.ok(zstdDecompress(frames).equals(Buffer.concat([a, b])))
})

t.test('frames we write are decoded by the CLI', { skip }, async t => {
  for (const [name, input] of inputs) {
    const frame = zstdCompress(input)
    t.ok(zstdCli(['-d', '-c', '-q'], frame).equals(input), name)
  }
  const big = text(3 * 1024 * 1024, 10)
  t.ok(zstdCli(['-d', '-c', '-q'], zstdCompress(big)).equals(big), '3 MiB: a declared 1 MiB window')
})
