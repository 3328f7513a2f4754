import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { iterateRecords, scanBatches } from '../../protocol/records/index.js'
import { produceDataset, runProcess, which } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kcat (librdkafka 2.0, Debian's kcat): -L, -P and -C -e against the fake broker. librdkafka asks for
// ApiVersions v3 and picks Metadata <= 4 (or up to what it knows), Produce <= 7 and Fetch <= 11.
// FAKE_BROKER_KCAT_MESSAGES lowers the message count (default 100,000) for quick runs.

const kcat = which('kcat')
const N = Number(process.env.FAKE_BROKER_KCAT_MESSAGES ?? 100_000)

t.test('kcat -L lists the brokers, topics and partitions', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'alpha', partitions: 3 }, { name: 'beta', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, '-L'], { timeoutMs: 30_000 })
  t.equal(r.code, 0, r.stderr)
  const out = r.stdout.toString()
  t.match(out, /3 brokers:/)
  for (const b of cluster.state.brokers) t.match(out, `broker ${b.id} at 127.0.0.1:${b.port}`)
  t.match(out, /topic "alpha" with 3 partitions/)
  t.match(out, /topic "beta" with 1 partitions/)
  for (let p = 0; p < 3; p++) t.match(out, new RegExp(`partition ${p}, leader ${cluster.state.partition('alpha', p)!.leaderId},`))
})

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
  t.test(`kcat -P of ${N} messages with ${codec} reads back byte-identical with kcat -C -e`, { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
    const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'lines', partitions: 1 }] })
    t.teardown(() => cluster.stop())
    const lines: string[] = []
    for (let i = 0; i < N; i++) lines.push(`message ${i} ${'abcdefghij'.repeat(i % 10)}`)
    const input = lines.join('\n') + '\n'
    const produced = await runProcess(kcat!, ['-b', cluster.bootstrap, '-P', '-t', 'lines', '-p', '0', '-z', codec], { input })
    t.equal(produced.code, 0, produced.stderr)
    t.equal(cluster.highWatermark('lines', 0), BigInt(N))
    const consumed = await runProcess(kcat!, ['-b', cluster.bootstrap, '-C', '-t', 'lines', '-p', '0', '-o', 'beginning', '-e', '-q'])
    t.equal(consumed.code, 0, consumed.stderr)
    t.ok(consumed.stdout.equals(Buffer.from(input)), 'byte-identical')
    // Our own decoder, record for record, on the batches exactly as librdkafka compressed them.
    const blob = cluster.state.partition('lines', 0)!.log.read(0, 1 << 30, true)
    const { batches } = scanBatches(blob)
    // librdkafka sends a batch uncompressed when compressing would not shrink it, so 'none' may appear too.
    const compressed = batches.filter(b => b.compression === codec).length
    t.ok(batches.every(b => b.compression === codec || b.compression === 'none'), 'only the chosen codec or none')
    t.ok(codec === 'none' || compressed > 0, `librdkafka wrote ${compressed} of ${batches.length} batches with ${codec}`)
    let i = 0
    let mismatches = 0
    for (const r of iterateRecords(blob, { topic: 'lines', partition: 0 })) {
      if (r.offset !== BigInt(i) || r.value?.toString() !== lines[i]) mismatches++
      i++
    }
    t.equal(i, N, 'our decoder read every record')
    t.equal(mismatches, 0, 'with the offsets and values kcat produced')
  })
}

t.test('kcat reads the shared dataset in order per partition', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, '-C', '-t', 'shared', '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\\n'])
  t.equal(r.code, 0, r.stderr)
  const got: string[][] = [[], [], []]
  for (const line of r.stdout.toString().trim().split('\n')) {
    const [p, o, value] = line.split(' ')
    t.equal(Number(o), got[Number(p)].length)
    got[Number(p)].push(value)
  }
  t.same(got, expected)
})
