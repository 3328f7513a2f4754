import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { peerMissing } from '../peers/cache.js'
import { produceDataset, runProcess, which } from './helpers.js'

// kcat (librdkafka) on each of the four listeners of one fake cluster: PLAINTEXT, SSL, SASL_PLAINTEXT and
// SASL_SSL side by side, with the generated self-signed certificate as kcat's CA (librdkafka checks the broker's
// name against it by default). kcat -L shows the brokers it was told about, so it proves that a client on
// listener X is given X's addresses (and that the broker ids start at 0 and the advertised host is used).

const kcat = which('kcat')
const skip = kcat === undefined ? peerMissing('kcat is not installed') : false

t.test('kcat lists and reads on every listener, and is told that listener\'s addresses', { skip }, async t => {
  const cluster = await FakeCluster.start({
    brokers: 3,
    firstBrokerId: 0,
    advertisedHost: '127.0.0.1',
    listeners: ['PLAINTEXT://:0', 'SSL://:0', 'SASL_PLAINTEXT://:0', 'SASL_SSL://:0'],
    sasl: { users: { alice: 's3cret' } }
  })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 50)
  const dir = mkdtempSync(join(tmpdir(), 'kd-kcat-listeners-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, cluster.tlsCa!)
  const sasl = ['-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=alice', '-X', 'sasl.password=s3cret']
  const flags: Record<string, string[]> = {
    PLAINTEXT: [],
    SSL: ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${ca}`],
    SASL_PLAINTEXT: ['-X', 'security.protocol=sasl_plaintext', ...sasl],
    SASL_SSL: ['-X', 'security.protocol=sasl_ssl', '-X', `ssl.ca.location=${ca}`, ...sasl]
  }
  for (const l of cluster.listeners) {
    const bootstrap = cluster.bootstrapFor(l.name)
    const list = await runProcess(kcat!, ['-b', bootstrap.split(',')[0], ...flags[l.name], '-L', '-t', 'shared'], { timeoutMs: 30_000 })
    t.equal(list.code, 0, list.stderr)
    const out = list.stdout.toString()
    t.match(out, / 3 brokers:/, `${l.name}: -L`)
    const ports = bootstrap.split(',').map(a => a.split(':')[1])
    for (const [i, port] of ports.entries()) t.match(out, `broker ${i} at 127.0.0.1:${port}`, `${l.name}: broker ${i} on its ${l.name} port`)
    // Reading every partition makes kcat connect to each leader through the advertised addresses.
    const read = await runProcess(kcat!, ['-b', bootstrap.split(',')[0], ...flags[l.name], '-C', '-t', 'shared', '-o', 'beginning', '-e', '-q', '-f', '%p %s\\n'], { timeoutMs: 30_000 })
    t.equal(read.code, 0, read.stderr)
    const got: string[][] = [[], [], []]
    for (const line of read.stdout.toString().trim().split('\n')) {
      const [p, value] = line.split(' ')
      got[Number(p)].push(value)
    }
    t.same(got, expected, `${l.name}: every record, in order per partition`)
  }
})

t.test('kcat refuses the generated certificate under another name (the SAN check is real)', { skip }, async t => {
  const cluster = await FakeCluster.start({ listeners: ['SSL://:0'], advertisedHost: '127.0.0.1', topics: [{ name: 't' }] })
  t.teardown(() => cluster.stop())
  const dir = mkdtempSync(join(tmpdir(), 'kd-kcat-san-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, cluster.tlsCa!)
  // A different CA (another generated certificate) must fail the handshake.
  const other = await FakeCluster.start({ listeners: ['SSL://:0'] })
  t.teardown(() => other.stop())
  const wrongCa = join(dir, 'wrong.pem')
  writeFileSync(wrongCa, other.tlsCa!)
  const ok = await runProcess(kcat!, ['-b', cluster.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${ca}`, '-L'], { timeoutMs: 30_000 })
  t.equal(ok.code, 0, ok.stderr)
  const bad = await runProcess(kcat!, ['-b', cluster.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${wrongCa}`, '-L', '-m', '3'], { timeoutMs: 30_000 })
  t.not(bad.code, 0, 'an untrusted certificate fails')
  t.match(bad.stderr, /certificate|SSL|handshake/i)
})
