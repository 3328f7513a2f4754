import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SimpleConsumer, tpKey } from '../../../consumer/index.js'
import { Metadata } from '../../../protocol/apis/index.js'
import { FakeCluster, generateSelfSignedCert } from '../../../tools/fake-broker/index.js'
import { parseListener, resolveListeners } from '../../../tools/fake-broker/listeners.js'
import { run } from '../../../tools/cli/commands/fake-broker.js'
import { RawClient } from './raw-client.js'

// Several listeners per broker (tools/fake-broker/listeners.ts): each listener its own port and security
// protocol, each answering with its own addresses; broker ids, advertised host, cluster id and fixed ports.
// kcat on each listener: test-interop/fake-broker/listeners.test.ts.

const USERS = { alice: 's3cret' }
const ALL = ['PLAINTEXT://:0', 'SSL://:0', 'SASL_PLAINTEXT://:0', 'SASL_SSL://:0']

function portsOf (bootstrap: string): number[] {
  return bootstrap.split(',').map(a => Number(a.split(':')[1]))
}

t.test('four listeners side by side: Metadata on each lists that listener\'s ports, and our consumer reads on each', async t => {
  const cluster = await FakeCluster.start({ brokers: 3, listeners: ALL, sasl: { users: USERS }, topics: [{ name: 't', partitions: 3 }] })
  t.teardown(() => cluster.stop())
  for (let p = 0; p < 3; p++) cluster.produce('t', p, [{ value: `v${p}` }])
  t.same(cluster.listeners.map(l => l.name), ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
  t.equal(cluster.bootstrap, cluster.bootstrapFor('PLAINTEXT'))
  const all = cluster.listeners.flatMap(l => portsOf(cluster.bootstrapFor(l.name)))
  t.equal(new Set(all).size, 12, '3 brokers x 4 listeners, 12 distinct ports')
  t.ok(cluster.tlsCa !== undefined && new X509Certificate(cluster.tlsCa).ca, 'a generated CA certificate')

  // A raw Metadata on the PLAINTEXT port names the PLAINTEXT ports only.
  const raw = await RawClient.connect(cluster.bootstrapFor('PLAINTEXT'))
  const md = await raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 'listeners')
  raw.close()
  t.same(md.brokers.map((b: any) => `${b.host as string}:${b.port as number}`).join(','), cluster.bootstrapFor('PLAINTEXT'))

  const dir = mkdtempSync(join(tmpdir(), 'kd-listeners-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, cluster.tlsCa!)
  const security: Record<string, Record<string, unknown>> = {
    PLAINTEXT: {},
    SSL: { 'security.protocol': 'ssl', 'ssl.ca.location': caFile },
    SASL_PLAINTEXT: { 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'alice', 'sasl.password': 's3cret' },
    SASL_SSL: { 'security.protocol': 'sasl_ssl', 'ssl.ca.location': caFile, 'sasl.mechanism': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 's3cret' }
  }
  for (const l of cluster.listeners) {
    const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrapFor(l.name), retries: 1, reconnectBackoffMs: 5, ...security[l.name] })
    t.teardown(async () => await c.close())
    const meta = await c.metadata(['t'])
    t.same(meta.brokers.map(b => `${b.host}:${b.port}`).join(','), cluster.bootstrapFor(l.name), `${l.name}: brokers advertised on ${l.name}`)
    // Partitions 1 and 2 are led by other brokers: the consumer follows the advertised addresses.
    const round = await c.fetchOnce([0, 1, 2].map(partition => ({ topic: 't', partition, fromOffset: 0n })))
    t.same([0, 1, 2].map(p => round.get(tpKey('t', p))?.records.map(r => String(r.value))), [['v0'], ['v1'], ['v2']], `${l.name}: read every partition`)
  }
})

t.test('a plaintext client on the SSL port fails; a SASL listener refuses requests before authentication', async t => {
  const cluster = await FakeCluster.start({ listeners: ['PLAINTEXT://:0', 'SASL_PLAINTEXT://:0'], sasl: { users: USERS } })
  t.teardown(() => cluster.stop())
  const raw = await RawClient.connect(cluster.bootstrapFor('SASL_PLAINTEXT'))
  raw.send(Buffer.alloc(0))
  const closed = raw.closed
  void raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 'x').catch(() => {})
  await closed
  t.pass('the SASL listener closed the unauthenticated Metadata request\'s connection')
  const plain = await RawClient.connect(cluster.bootstrapFor('PLAINTEXT'))
  const md = await plain.request(Metadata, 1, { topics: null }, 'x')
  plain.close()
  t.equal(md.brokers.length, 1, 'the PLAINTEXT listener of the same broker serves without SASL')
})

t.test('broker ids from firstBrokerId, the advertised host, a fixed cluster id, fixed ports per broker and listener', async t => {
  // Free ports for 2 brokers x 2 listeners in one block: bind 0 to find a base, then use base..base+3.
  const base = await freePortBlock(4)
  const cluster = await FakeCluster.start({
    brokers: 2, firstBrokerId: 0, advertisedHost: 'localhost', clusterId: 'fixed-cluster-id-00000', listeners: [`PLAINTEXT://:${base}`, `SSL://:${base + 1}`]
  })
  t.teardown(() => cluster.stop())
  t.equal(cluster.bootstrapFor('PLAINTEXT'), `localhost:${base},localhost:${base + 2}`)
  t.equal(cluster.bootstrapFor('SSL'), `localhost:${base + 1},localhost:${base + 3}`)
  const raw = await RawClient.connect(`127.0.0.1:${base + 2}`)
  const md = await raw.request(Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 'x')
  raw.close()
  t.same(md.brokers.map((b: any) => [b.nodeId, b.host, b.port]), [[0, 'localhost', base], [1, 'localhost', base + 2]])
  t.equal(md.clusterId, 'fixed-cluster-id-00000')
  t.ok(new X509Certificate(cluster.tlsCa!).checkHost('localhost') !== undefined, 'the generated certificate names the advertised host')
  // A stopped broker comes back on the same ports, on every listener.
  await cluster.faults.brokerDown(1)
  await cluster.faults.brokerUp(1)
  t.equal(cluster.bootstrapFor('SSL'), `localhost:${base + 1},localhost:${base + 3}`)
  t.throws(() => cluster.bootstrapFor('SASL_SSL'), { name: 'ConfigError' })
})

t.test('bad listener options are refused with ConfigError before anything listens', async t => {
  t.same(parseListener('SASL_SSL://:9094'), { securityProtocol: 'SASL_SSL', port: 9094 })
  t.same(parseListener('plaintext://127.0.0.1:0'), { securityProtocol: 'PLAINTEXT', port: 0 })
  for (const bad of ['SSL:9093', 'TLS://:9093', 'SSL://example.com:9093', 'SSL://:x']) {
    t.throws(() => parseListener(bad), { name: 'ConfigError' }, bad)
  }
  t.throws(() => resolveListeners(['SSL://:0', 'SSL://:0'], 1), { name: 'ConfigError', message: /twice/ })
  t.throws(() => resolveListeners(['SSL://:65535'], 2), { name: 'ConfigError', message: /room/ })
  t.throws(() => resolveListeners([], 1), { name: 'ConfigError' })
  await t.rejects(FakeCluster.start({ listeners: ['SASL_SSL://:0'] }), { name: 'ConfigError', message: /sasl/ })
  await t.rejects(FakeCluster.start({ listeners: ['SSL://:0'], port: 9000 }), { name: 'ConfigError' })
  await t.rejects(FakeCluster.start({ firstBrokerId: -1 }), { name: 'ConfigError' })
  await t.rejects(FakeCluster.start({ clusterId: 'has space' }), { name: 'ConfigError' })
  await t.rejects(FakeCluster.start({ advertisedHost: 'a b' }), { name: 'ConfigError' })
})

t.test('a fixed cluster id must match the one saved in the data directory', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-cid-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const a = await FakeCluster.start({ dataDir: dir, clusterId: 'first' })
  await a.stop()
  const b = await FakeCluster.start({ dataDir: dir })
  t.equal(b.state.clusterId, 'first')
  await b.stop()
  await t.rejects(FakeCluster.start({ dataDir: dir, clusterId: 'second' }), { name: 'ConfigError', message: /first/ })
})

t.test('the generated certificate is valid DER that node:crypto parses and verifies', async t => {
  const c = generateSelfSignedCert(['broker.test', '127.0.0.1'])
  const x = new X509Certificate(c.cert)
  t.ok(x.verify(x.publicKey), 'self-signed')
  t.equal(x.subject, 'CN=broker.test')
  t.equal(x.subjectAltName, 'DNS:broker.test, IP Address:127.0.0.1')
  t.ok(x.ca)
  t.ok(new Date(x.validTo).getTime() > Date.now() + 365 * 86_400_000)
  t.ok(x.checkPrivateKey((await import('node:crypto')).createPrivateKey(c.key)))
})

t.test('fake-broker CLI: --listener, --first-broker-id, --advertised-host, --cluster-id, and the generated CA file', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-cli-listeners-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const caFile = join(dir, 'ca.pem')
  const out: string[] = []
  const err: string[] = []
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--brokers', '2', '--first-broker-id', '0', '--listener', 'PLAINTEXT://:0', '--listener', 'SASL_SSL://:0',
    '--sasl-user', 'alice:s3cret', '--tls-ca-out', caFile, '--cluster-id', 'cli-cluster', '--advertised-host', '127.0.0.1'], {
    stdout: { write: s => out.push(s) },
    stderr: { write: s => err.push(s) },
    signal: ac.signal,
    onStart: c => { cluster = c; started() }
  })
  t.teardown(() => { ac.abort() })
  await up
  t.equal(out.join('').split('\n')[0], cluster!.bootstrapFor('PLAINTEXT'))
  t.match(err.join(''), `listener SASL_SSL ${cluster!.bootstrapFor('SASL_SSL')}`)
  t.equal(readFileSync(caFile, 'utf8'), cluster!.tlsCa)
  t.same(cluster!.state.brokers.map(b => b.id), [0, 1])
  t.equal(cluster!.state.clusterId, 'cli-cluster')
  ac.abort()
  t.equal(await exit, 0)
  t.equal(readFileSync(caFile, 'utf8').length > 0, true, 'a CA file the user named stays')

  // Flags that do not go together are refused as usage (exit 2); flags that parse but describe a cluster that
  // cannot start get one line and exit 1, as an unusable --data does.
  const err2: string[] = []
  t.equal(await run(['--listener', 'SSL://:0', '--port', '9000'], { stderr: { write: s => err2.push(s) } }), 2)
  t.equal(await run(['--listener', 'SASL_SSL://:0'], { stderr: { write: s => err2.push(s) } }), 1)
  t.equal(await run(['--tls-cert', join(dir, 'missing.pem'), '--tls-key', join(dir, 'missing.pem')], { stderr: { write: s => err2.push(s) } }), 2)
  t.match(err2.join(''), /--port[\s\S]*SASL listener needs[\s\S]*cannot read/)
})

/** A port p such that p..p+n-1 were all free a moment ago (bind each, then release). */
async function freePortBlock (n: number): Promise<number> {
  const { createServer } = await import('node:net')
  const listen = async (port: number): Promise<import('node:net').Server | undefined> => await new Promise(resolve => {
    const s = createServer()
    s.once('error', () => { resolve(undefined) })
    s.listen(port, '127.0.0.1', () => { resolve(s) })
  })
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0)
    const base = (first!.address() as { port: number }).port
    const servers = [first!]
    for (let i = 1; i < n; i++) {
      const s = await listen(base + i)
      if (s === undefined) break
      servers.push(s)
    }
    await Promise.all(servers.map(async s => await new Promise(resolve => s.close(resolve))))
    if (servers.length === n && base + n <= 65535) return base
  }
  throw new Error('no block of free ports')
}
