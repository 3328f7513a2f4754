import t from 'tap'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scanBatches } from '../../../protocol/records/index.js'
import { run } from '../../../tools/cli/commands/fake-broker.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// --data DIR: a damaged partition log is recovered as Kafka recovers a segment (keep the sound prefix, cut the
// rest, say so), and a directory that cannot be used is one clear error line and a non-zero exit.

async function writeLog (dir: string): Promise<Buffer> {
  const cluster = await FakeCluster.start({ dataDir: dir, topics: [{ name: 't', partitions: 1 }] })
  for (let b = 0; b < 3; b++) cluster.produce('t', 0, [{ value: `a${b}` }, { value: `b${b}` }])
  await cluster.stop()
  return readFileSync(join(dir, 't-0.log'))
}

async function reopen (t: any, dir: string): Promise<{ cluster: FakeCluster, lines: string[] }> {
  const lines: string[] = []
  const cluster = await FakeCluster.start({ dataDir: dir, log: line => lines.push(line) })
  t.teardown(() => cluster.stop())
  return { cluster, lines }
}

t.test('a batch damaged on disk: the batches before it are kept, the tail is cut, and the log says where', async t => {
  const dir = t.testdir()
  const file = join(dir, 't-0.log')
  const original = await writeLog(dir)
  const [, , third] = scanBatches(original).batches
  const damaged = Buffer.from(original)
  damaged[third.end - 1] ^= 0xff
  writeFileSync(file, damaged)
  const { cluster, lines } = await reopen(t, dir)
  t.equal(cluster.highWatermark('t', 0), 4n, 'offsets 0-3 survive')
  t.equal(statSync(file).size, third.start, 'the file is truncated at the damaged batch')
  t.equal(lines.length, 1)
  t.match(lines[0], `recovered ${file}`)
  t.match(lines[0], `at byte ${third.start}`)
  t.match(lines[0], `truncated ${original.length - third.start} bytes`)
  t.match(lines[0], /CRC/)
  cluster.produce('t', 0, [{ value: 'after' }])
  t.equal(cluster.highWatermark('t', 0), 5n, 'appends continue after the kept prefix')
})

t.test('a torn last write and a damaged first batch header: nothing is lost in silence', async t => {
  const dir = t.testdir()
  const file = join(dir, 't-0.log')
  const original = await writeLog(dir)
  writeFileSync(file, Buffer.concat([original, original.subarray(0, 20)]))
  const torn = await reopen(t, dir)
  t.equal(torn.cluster.highWatermark('t', 0), 6n, 'a torn write costs only itself')
  t.match(torn.lines[0], /cut short .* at byte \d+; kept 3 batches \(offsets 0-5\), truncated 20 bytes/)
  await torn.cluster.stop()

  const broken = Buffer.from(original)
  broken.writeInt32BE(0x7fffffff, 8)
  writeFileSync(file, broken)
  const { cluster, lines } = await reopen(t, dir)
  t.equal(cluster.highWatermark('t', 0), 0n)
  t.match(lines[0], `truncated ${original.length} bytes`, 'the loss of everything is reported')
})

t.test('--data under a regular file and --data /proc/x: one typed line and exit 1', async t => {
  const dir = t.testdir({ 'a-file': 'x' })
  for (const data of [join(dir, 'a-file', 'sub'), join(dir, 'a-file'), '/proc/x']) {
    const err: string[] = []
    const out: string[] = []
    const code = await run(['--data', data], { stdout: { write: s => out.push(s) }, stderr: { write: s => err.push(s) }, signal: AbortSignal.abort() })
    t.equal(code, 1, data)
    const text = err.join('')
    t.equal(text.trimEnd().split('\n').length, 1, `one line: ${text.trimEnd()}`)
    t.match(text, `config dataDir: ${data} cannot be used as the data directory`)
    t.notMatch(text, /\n\s+at /, 'no stack trace')
    t.same(out, [], 'no bootstrap line')
  }
})
