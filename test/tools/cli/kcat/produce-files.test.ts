import t from 'tap'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { iterateRecords, scanBatches } from '../../../../protocol/records/index.js'

// kafka-direct -P with file arguments, -l and -T, as kcat 1.7.1 does them (seen from Debian's kcat on the fake
// broker; test-interop/fake-broker/kcat-flags.test.ts compares the two live): without -l each file is one
// message; with -l the one file is split by the delimiter as stdin is; -T echoes each message's input bytes.

interface Stored { key: string | null, value: string | null, headers: string[] }

async function setup (t: { teardown: (fn: () => unknown) => void }): Promise<{ cluster: FakeCluster, dir: string, read: (topic: string) => Stored[] }> {
  const cluster = await FakeCluster.start({ autoCreateTopics: true })
  t.teardown(async () => await cluster.stop())
  const dir = mkdtempSync(join(tmpdir(), 'kd-kcat-files-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const read = (topic: string): Stored[] => [...iterateRecords(cluster.partitionState(topic, 0).log.read(0, 1 << 30, true))]
    .map(r => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers.map(h => `${h.key}=${String(h.value)}`) }))
  return { cluster, dir, read }
}

t.test('without -l each file is one message: whole content, the -k key, -H headers; empty files skipped', async t => {
  const { cluster, dir, read } = await setup(t)
  writeFileSync(join(dir, 'a.txt'), 'a:1\nb:2\n\nc\n')
  writeFileSync(join(dir, 'b.txt'), 'x:9\ny')
  writeFileSync(join(dir, 'empty.txt'), '')
  const files = ['a.txt', 'b.txt', 'empty.txt'].map(f => join(dir, f))
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'f', '-K', ':', '-k', 'FK', '-H', 'h=1', '-T', '-c', '1', ...files])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, '', '-T echoes only what is read by delimiter')
  t.same(read('f'), [
    { key: 'FK', value: 'a:1\nb:2\n\nc\n', headers: ['h=1'] },
    { key: 'FK', value: 'x:9\ny', headers: ['h=1'] }
  ], '-K and -c do not apply to whole files')
  t.equal(r.stderr, '')
  const verbose = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'f', '-vv', join(dir, 'empty.txt')])
  t.equal(verbose.code, 0)
  t.equal(verbose.stderr, `% Skipping empty file ${join(dir, 'empty.txt')}\n`)
})

t.test('a file that cannot be read is reported and skipped; with none produced the run fails', async t => {
  const { cluster, dir, read } = await setup(t)
  writeFileSync(join(dir, 'a.txt'), 'one')
  const missing = join(dir, 'missing.txt')
  const some = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'g', missing, join(dir, 'a.txt')])
  t.equal(some.code, 0)
  t.equal(some.stderr, `% Failed to open ${missing}: No such file or directory\n% Failed to produce from 1/2 files\n`)
  t.same(read('g').map(x => x.value), ['one'])
  const none = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'g', missing, '-'])
  t.equal(none.code, 1)
  t.equal(none.stderr, `% Failed to open ${missing}: No such file or directory\n% Failed to open -: No such file or directory\n`, '"-" is a file name, as in kcat')
  const quiet = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'g', '-q', missing])
  t.equal(quiet.code, 1)
  t.equal(quiet.stderr, '')
})

t.test('a file above message.max.bytes fails before it is read, after the files before it are delivered', async t => {
  const { cluster, dir, read } = await setup(t)
  writeFileSync(join(dir, 'small.txt'), 'small')
  writeFileSync(join(dir, 'big.txt'), Buffer.alloc(1_000_001, 'x'))
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'h', join(dir, 'small.txt'), join(dir, 'big.txt')])
  t.equal(r.code, 1)
  t.match(r.stderr, /^% ERROR: Failed to produce message \(1000001 bytes\) from .*big\.txt: above message\.max\.bytes \(1000000; .*MESSAGE_TOO_LARGE/)
  t.same(read('h').map(x => x.value), ['small'])
})

t.test('files in a transaction: committed when all are produced', async t => {
  const { cluster, dir } = await setup(t)
  writeFileSync(join(dir, 'a.txt'), 'one')
  writeFileSync(join(dir, 'b.txt'), 'two')
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'tx', '-X', 'transactional.id=files', join(dir, 'a.txt'), join(dir, 'b.txt')])
  t.equal(r.code, 0, r.stderr)
  const batches = scanBatches(cluster.partitionState('tx', 0).log.read(0, 1 << 30, true)).batches
  // The files may leave in one batch or two (a linger may pass between reading them); one commit marker ends them.
  t.ok(batches.every(b => b.isTransactional), 'all in the transaction')
  t.same(batches.map(b => b.isControl), [...batches.slice(1).map(() => false), true], 'data, then the commit marker')
  t.equal(batches.filter(b => !b.isControl).reduce((n, b) => n + b.recordCount, 0), 2)
})

t.test('delivery failures of files make the exit code 1', async t => {
  const { cluster, dir } = await setup(t)
  writeFileSync(join(dir, 'a.txt'), 'one')
  cluster.createTopic('d', 1)
  cluster.faults.failNext('Produce', 1, 29 /* TOPIC_AUTHORIZATION_FAILED */)
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'd', join(dir, 'a.txt')])
  t.equal(r.code, 1)
  t.match(r.stderr, /% Delivery failed for message: .*TOPIC_AUTHORIZATION_FAILED.*\n% 1 of 1 messages failed\n/)
})

t.test('-l reads the one file as stdin is read: by delimiter, with -K; more files or a missing one fail', async t => {
  const { cluster, dir, read } = await setup(t)
  const path = join(dir, 'lines.txt')
  writeFileSync(path, 'a:1\nb:2\n\nc')
  const r = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'l', '-K', ':', '-l', path], 'stdin:ignored\n')
  t.equal(r.code, 0, r.stderr)
  t.same(read('l').map(x => [x.key, x.value]), [['a', '1'], ['b', '2'], [null, 'c']])
  const two = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'l', '-l', path, path])
  t.equal(two.code, 1)
  t.equal(two.stderr, '% ERROR: config -l: only one file allowed for line mode (-l)\n')
  const missing = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'l', '-l', join(dir, 'nope')])
  t.equal(missing.code, 1)
  t.equal(missing.stderr, `% ERROR: Cannot open ${join(dir, 'nope')}: No such file or directory\n`)
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked.txt')
    writeFileSync(locked, 'x\n')
    chmodSync(locked, 0)
    const denied = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'l', '-l', locked])
    t.equal(denied.stderr, `% ERROR: Cannot open ${locked}: Permission denied\n`)
  }
  const noFile = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'l2', '-l'], 'q1\nq2\n')
  t.equal(noFile.code, 0, '-l without a file reads stdin')
  t.same(read('l2').map(x => x.value), ['q1', 'q2'])
})

t.test('-T echoes each produced message\'s input as kcat 1.7 does: no delimiter, empty lines not at all, up to -c', async t => {
  const { cluster, dir } = await setup(t)
  const echo = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'tee', '-K', ':', '-T'], 'k1:v1\n\nk2:v2\n:v3\nk4:')
  t.equal(echo.code, 0, echo.stderr)
  t.equal(echo.stdout, 'k1:v1k2:v2:v3k4:')
  const counted = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'tee', '-T', '-c', '2', '-D', ';'], 'a;b;c;')
  t.equal(counted.stdout, 'ab')
  const path = join(dir, 'big.txt')
  // More than one chunk of input (256 KiB): every line is echoed once, whole.
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'z'.repeat(200)}`)
  writeFileSync(path, lines.join('\n'))
  const big = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'tee', '-T', '-l', path])
  t.equal(big.code, 0, big.stderr)
  t.equal(big.stdout, lines.join(''))
  t.equal(cluster.highWatermark('tee', 0), 4n + 2n + 3000n)
  // A line above message.max.bytes ends the run; what was produced before it was echoed.
  const tooBig = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'tee', '-T'], `first\n${'x'.repeat(1_000_001)}\nafter\n`)
  t.equal(tooBig.code, 1)
  t.equal(tooBig.stdout, 'first')
})
