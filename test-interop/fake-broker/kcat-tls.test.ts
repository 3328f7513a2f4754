import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { OPENSSL, selfSignedCert, type SelfSignedCert } from '../../test/consumer/tls-cert.js'
import { produceDataset, runProcess, which } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kcat (librdkafka 2.0) over TLS to the fake broker: `-X security.protocol=ssl -X ssl.ca.location=<cert>`, with
// a self-signed certificate made by openssl at test time. librdkafka verifies the broker's name by default
// (ssl.endpoint.identification.algorithm=https), here 127.0.0.1, which the certificate carries as an IP SAN.

const kcat = which('kcat')
const skip = kcat === undefined ? peerMissing('kcat is not installed') : OPENSSL === undefined ? peerMissing('openssl is not installed') : false

async function tlsCluster (t: { teardown: (fn: () => unknown) => void }, partitions: number): Promise<{ cluster: FakeCluster, cert: SelfSignedCert, logs: string[] }> {
  const { cert, cleanup } = await selfSignedCert()
  t.teardown(cleanup)
  const logs: string[] = []
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'lines', partitions }], tls: { key: cert.key, cert: cert.cert }, log: l => logs.push(l) })
  t.teardown(() => cluster.stop())
  return { cluster, cert, logs }
}

function ssl (caFile: string): string[] {
  return ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${caFile}`]
}

t.test('kcat -L over TLS lists the brokers as ssl:// endpoints', { skip }, async t => {
  const { cluster, cert } = await tlsCluster(t, 3)
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, ...ssl(cert.certFile), '-L'], { timeoutMs: 30_000 })
  t.equal(r.code, 0, r.stderr)
  const out = r.stdout.toString()
  t.match(out, /from broker \d+: ssl:\/\/127\.0\.0\.1:\d+/)
  t.match(out, /2 brokers:/)
  t.match(out, /topic "lines" with 3 partitions/)
})

t.test('kcat -P over TLS writes what kcat -C -e over TLS reads back, byte-identical', { skip }, async t => {
  const { cluster, cert } = await tlsCluster(t, 1)
  const lines = Array.from({ length: 2000 }, (_, i) => `message ${i} ${'abcdefghij'.repeat(i % 10)}`)
  const input = lines.join('\n') + '\n'
  const produced = await runProcess(kcat!, ['-b', cluster.bootstrap, ...ssl(cert.certFile), '-P', '-t', 'lines', '-p', '0', '-z', 'gzip'], { input })
  t.equal(produced.code, 0, produced.stderr)
  t.equal(cluster.highWatermark('lines', 0), 2000n)
  const consumed = await runProcess(kcat!, ['-b', cluster.bootstrap, ...ssl(cert.certFile), '-C', '-t', 'lines', '-p', '0', '-o', 'beginning', '-e', '-q'])
  t.equal(consumed.code, 0, consumed.stderr)
  t.ok(consumed.stdout.equals(Buffer.from(input)), 'byte-identical')
})

t.test('kcat over TLS reads the shared dataset in order per partition', { skip }, async t => {
  const { cluster, cert } = await tlsCluster(t, 1)
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, ...ssl(cert.certFile), '-C', '-t', 'shared', '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\\n'])
  t.equal(r.code, 0, r.stderr)
  const got: string[][] = [[], [], []]
  for (const line of r.stdout.toString().trim().split('\n')) {
    const [p, o, value] = line.split(' ')
    t.equal(Number(o), got[Number(p)].length)
    got[Number(p)].push(value)
  }
  t.same(got, expected)
})

t.test('kcat trusting another CA fails the handshake, and the broker logs why', { skip }, async t => {
  const { cluster, logs } = await tlsCluster(t, 1)
  const other = await selfSignedCert()
  t.teardown(other.cleanup)
  // -m 5: librdkafka retries a failed handshake until its metadata timeout, then kcat exits non-zero.
  const r = await runProcess(kcat!, ['-b', cluster.bootstrap, ...ssl(other.cert.certFile), '-L', '-m', '5'], { timeoutMs: 30_000 })
  t.not(r.code, 0)
  t.match(r.stderr, /certificate verify failed/)
  t.match(logs.join('\n'), /TLS handshake failed: .*unknown ca/)
})
