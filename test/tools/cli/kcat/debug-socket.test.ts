import t from 'tap'
import fc from 'fast-check'
import { debugSocketFactory, FrameHeads, tracedApis } from '../../../../tools/cli/kcat/debug-socket.js'
import { parseDebugContexts } from '../../../../tools/cli/kcat/debug-contexts.js'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { OPENSSL, selfSignedCert } from '../../../consumer/tls-cert.js'
import { peerMissing } from '../../../../test-interop/peers/cache.js'

// -d traced on the connections' sockets: the frame heads read from a byte stream cut anywhere, which contexts
// trace which APIs, and the lines a run prints (librdkafka's shape: "%7|<time>|SEND|<name>| [thrd:<broker>]: ...").

const LINE = /^%7\|\d+\.\d{3}\|[A-Z]+\|kafka-direct#(consumer|producer)-1\| \[thrd:127\.0\.0\.1:\d+\]: 127\.0\.0\.1:\d+: .+$/

t.test('frame heads are read from a stream cut at any point, frames and all', async t => {
  const frame = (head: number[], bodyBytes: number): Buffer => {
    const b = Buffer.alloc(4 + head.length * 4 + bodyBytes, 0xee)
    b.writeInt32BE(b.length - 4, 0)
    head.forEach((v, i) => b.writeInt32BE(v, 4 + i * 4))
    return b
  }
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.nat(300)), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 10 }), (frames, cuts) => {
    const stream = Buffer.concat(frames.map(([id, body]) => frame([id], body)))
    const seen: number[] = []
    const heads = new FrameHeads(8, head => seen.push(head.readInt32BE(4)))
    const at = [0, ...cuts.map(c => c % (stream.length + 1)).sort((a, b) => a - b), stream.length]
    for (let i = 1; i < at.length; i++) heads.push(stream.subarray(at[i - 1], at[i]))
    return JSON.stringify(seen) === JSON.stringify(frames.map(([id]) => id))
  }))
  // A frame shorter than the head it claims (size 2) ends at the head: the next frame is still read.
  const seen: number[] = []
  const heads = new FrameHeads(8, head => seen.push(head.readInt32BE(4)))
  const short = Buffer.alloc(8)
  short.writeInt32BE(2, 0)
  short.writeInt32BE(7, 4)
  heads.push(Buffer.concat([short, frame([9], 3)]))
  t.same(seen, [7, 9])
})

t.test('which contexts trace which APIs', async t => {
  const traced = (contexts: string): string[] => {
    const f = tracedApis(parseDebugContexts(contexts))
    return f === undefined ? [] : ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'JoinGroup', 'EndTxn', 'SaslAuthenticate', 'CreateTopics'].filter(f)
  }
  t.same(traced('protocol'), ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'JoinGroup', 'EndTxn', 'SaslAuthenticate', 'CreateTopics'])
  t.same(traced('all'), traced('protocol'))
  t.same(traced('metadata'), ['Metadata'])
  t.same(traced('fetch'), ['Fetch'])
  t.same(traced('msg,eos'), ['Produce', 'EndTxn'])
  t.same(traced('consumer'), ['Fetch', 'JoinGroup'])
  t.same(traced('cgrp'), ['JoinGroup'])
  t.same(traced('security,feature'), ['ApiVersions', 'SaslAuthenticate'])
  t.same(traced('admin'), ['CreateTopics'])
  t.same(traced('generic,broker'), [])
  t.equal(debugSocketFactory({ contexts: parseDebugContexts('generic,conf,queue'), tls: undefined, name: 'x', write: () => {} }), undefined, 'nothing to trace: the library opens its own sockets')
})

t.test('-d broker,protocol prints each connection and every request and response of a run', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  cluster.produce('lines', 0, [{ value: 'a' }, { value: 'b' }])
  const r = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'lines', '-e', '-q', '-d', 'broker,protocol'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'a\nb\n', 'stdout is the records only')
  const lines = r.stderr.trimEnd().split('\n')
  t.ok(lines.every(l => LINE.test(l)), 'every line in librdkafka\'s shape')
  t.match(r.stderr, /\|CONNECT\|kafka-direct#consumer-1\| .*: Connecting to 127\.0\.0\.1:\d+ \(plaintext\)\n/)
  t.match(r.stderr, /\|CONNECTED\|.*: Connected \(#1\)\n/)
  t.match(r.stderr, /\|SEND\|.*: Sent ApiVersionsRequest \(v\d+, \d+ bytes @ 0, CorrId 1\)\n/)
  t.match(r.stderr, /\|RECV\|.*: Received ApiVersionsResponse \(v\d+, \d+ bytes, CorrId 1, rtt \d+\.\d\dms\)\n/)
  for (const api of ['Metadata', 'ListOffsets', 'Fetch']) {
    t.match(r.stderr, new RegExp(`Sent ${api}Request \\(v\\d+`), api)
    t.match(r.stderr, new RegExp(`Received ${api}Response \\(v\\d+`), api)
  }
  t.match(r.stderr, /\|DISCONNECT\|.*: Disconnected \(after \d+ms\)\n/, 'close() ends the connection')
  // One family: only its APIs.
  const fetchOnly = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'lines', '-e', '-q', '-d', 'fetch'])
  t.equal(fetchOnly.stdout, 'a\nb\n')
  t.match(fetchOnly.stderr, /Sent FetchRequest/)
  t.notMatch(fetchOnly.stderr, /Metadata|ApiVersions|CONNECT/)
  // A context that traces nothing here leaves stderr as it was.
  const quiet = await runKcat(['-b', cluster.bootstrap, '-C', '-t', 'lines', '-e', '-q', '-d', 'generic'])
  t.equal(quiet.stderr, '')
  // -P names the producer instance, as librdkafka's handle would be.
  const p = await runKcat(['-b', cluster.bootstrap, '-P', '-t', 'lines', '-d', 'msg'], 'c\n')
  t.equal(p.code, 0, p.stderr)
  t.match(p.stderr, /\|SEND\|kafka-direct#producer-1\| .*Sent ProduceRequest/)
})

t.test('-d broker reports a refused connection as librdkafka does, and the run still fails as without -d', async t => {
  const cluster = await FakeCluster.start({})
  const port = cluster.state.brokers[0].port
  await cluster.stop()
  const r = await runKcat(['-b', `127.0.0.1:${port}`, '-L', '-m', '1', '-d', 'broker'])
  t.equal(r.code, 1)
  t.match(r.stderr, new RegExp(`\\|FAIL\\|kafka-direct#producer-1\\| .*: Connect to 127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED.* \\(after \\d+ms\\)`))
  t.match(r.stderr, /% ERROR: /)
})

t.test('-d over TLS: the traced socket speaks TLS with the configuration\'s trust', { skip: OPENSSL === undefined ? peerMissing('openssl is not installed') : false }, async t => {
  const { cert, cleanup } = await selfSignedCert()
  t.teardown(cleanup)
  const cluster = await FakeCluster.start({ topics: [{ name: 'secure', partitions: 1 }], tls: { key: cert.key, cert: cert.cert } })
  t.teardown(async () => await cluster.stop())
  cluster.produce('secure', 0, [{ value: 'x' }])
  const r = await runKcat(['-b', cluster.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${cert.certFile}`, '-C', '-t', 'secure', '-e', '-q', '-d', 'broker,metadata'])
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'x\n')
  t.match(r.stderr, /Connecting to 127\.0\.0\.1:\d+ \(ssl\)/)
  t.match(r.stderr, /Received MetadataResponse/, 'responses decrypted and read')
  // A connection that fails during the TLS handshake (a plaintext listener) is reported too.
  const plain = await FakeCluster.start({})
  t.teardown(async () => await plain.stop())
  const bad = await runKcat(['-b', plain.bootstrap, '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${cert.certFile}`, '-L', '-m', '1', '-d', 'broker'])
  t.equal(bad.code, 1)
  t.match(bad.stderr, /\|FAIL\|.*Connect to 127\.0\.0\.1:\d+ failed: /)
})

t.test('the traced socket on its own: an API it does not know, a failure after connecting, a failed TLS handshake', async t => {
  const { createServer } = await import('node:net')
  const server = createServer(socket => {
    socket.once('data', () => {
      // A response to correlation id 5 (size 8: the id and 4 bytes).
      socket.write(Buffer.from([0, 0, 0, 8, 0, 0, 0, 5, 1, 2, 3, 4]))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const port = (server.address() as { port: number }).port
  const lines: string[] = []
  const factory = debugSocketFactory({ contexts: parseDebugContexts('broker,protocol'), tls: undefined, name: 'kafka-direct#consumer-1', write: l => lines.push(l) })
  const socket = factory?.({ host: '127.0.0.1', port })
  if (socket === undefined) throw new Error('a factory was expected')
  socket.on('error', () => {})
  // A request frame of API key 999, version 2, correlation id 5, and a body of 3 bytes.
  socket.write(Buffer.from([0, 0, 0, 11, 0x03, 0xe7, 0, 2, 0, 0, 0, 5, 9, 9, 9]))
  await new Promise(resolve => socket.once('data', resolve))
  // The connection fails after it came up (as a reset would make it).
  socket.destroy(new Error('connection reset by peer'))
  await new Promise(resolve => socket.once('close', resolve))
  const text = lines.join('')
  t.match(text, /\|SEND\|.*: Sent Unknown-999Request \(v2, 15 bytes @ 0, CorrId 5\)\n/)
  t.match(text, /\|RECV\|.*: Received Unknown-999Response \(v2, 12 bytes, CorrId 5, rtt \d+\.\d\dms\)\n/)
  t.match(text, /\|FAIL\|.*: Disconnected: connection reset by peer\n/)
  t.match(text, /\|DISCONNECT\|/)
  // TLS to a plaintext port, by host name (sent as SNI): the handshake fails, reported as a failed connect.
  const tlsLines: string[] = []
  const tlsFactory = debugSocketFactory({ contexts: parseDebugContexts('broker'), tls: { rejectUnauthorized: true }, name: 'x', write: l => tlsLines.push(l) })
  const tlsSocket = tlsFactory?.({ host: 'localhost', port })
  if (tlsSocket === undefined) throw new Error('a factory was expected')
  tlsSocket.on('error', () => {})
  tlsSocket.write(Buffer.from([0, 0, 0, 8, 0, 18, 0, 0, 0, 0, 0, 1]))
  await new Promise(resolve => tlsSocket.once('close', resolve))
  t.match(tlsLines.join(''), /Connecting to localhost:\d+ \(ssl\)\n.*\|FAIL\|.*Connect to localhost:\d+ failed: /s)
  t.notMatch(tlsLines.join(''), /DISCONNECT/, 'a connection that never came up is not reported as disconnected')
})
