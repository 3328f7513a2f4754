import t from 'tap'
import * as net from 'node:net'
import { KafkaClient } from '../../consumer/cluster.js'
import { SimpleConsumer } from '../../consumer/simple-consumer.js'
import { BrokerConnection } from '../../consumer/connection.js'
import { ConnectionError, NotKafkaError, ProtocolError } from '../../protocol/errors.js'
import { encodeResponse } from '../../protocol/messages.js'
import { apiVersionsBody, replyClusterOfOne, startRawBroker, type RawRequest } from './raw-broker.js'

// Connection failures end in bounded time and say what happened: the first real cause per broker, a progress line
// per retry, a peer that is not Kafka named as such, a response cut short on the wire, a version the broker answers
// wrongly.

/** A port nothing listens on: bound once to find it free, then closed. */
async function refusedPort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** A TCP server whose connections run `onConnection`; counts them. */
async function tcpServer (t: any, onConnection: (s: net.Socket) => void): Promise<{ port: number, connections: () => number }> {
  let n = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer(s => {
    n++
    sockets.add(s)
    s.on('error', () => {})
    s.on('close', () => sockets.delete(s))
    onConnection(s)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>(resolve => server.close(() => resolve()))
  })
  return { port: (server.address() as net.AddressInfo).port, connections: () => n }
}

function quickClient (t: any, servers: string, extra: Record<string, unknown> = {}): { client: KafkaClient, lines: string[] } {
  const lines: string[] = []
  const client = new KafkaClient({
    bootstrapServers: servers,
    retryBackoffMs: 20,
    retryBackoffMaxMs: 50,
    reconnectBackoffMs: 10,
    reconnectBackoffMaxMs: 40,
    log: (line: string) => { lines.push(line) },
    ...extra
  })
  t.teardown(() => client.close())
  return { client, lines }
}

t.test('a refused port fails bootstrap within bootstrap.timeout.ms, naming ECONNREFUSED on every path', async t => {
  const port = await refusedPort()
  const { client, lines } = quickClient(t, `127.0.0.1:${port}`, { bootstrapTimeoutMs: 600 })
  const viaList = await client.metadata().then(() => undefined, (err: unknown) => err)
  t.type(viaList, ConnectionError)
  t.match((viaList as Error).message, /ECONNREFUSED/, 'the real cause, not the backoff refusal')
  t.notMatch((viaList as Error).message, /reconnect backoff|next attempt/)
  t.ok(lines.length >= 1, 'a progress line while retrying')
  t.match(lines[0], new RegExp(`^% waiting for 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*, retry 1 in \\d+ ms$`))
  // The path -C takes (a topic lookup) reports the same way.
  const { client: other } = quickClient(t, `127.0.0.1:${port}`, { bootstrapTimeoutMs: 300 })
  const viaTopic = await other.topic('t').then(() => undefined, (err: unknown) => err)
  t.type(viaTopic, ConnectionError)
  t.match((viaTopic as Error).message, /no broker reachable: .*ECONNREFUSED|ECONNREFUSED/)
  t.notMatch((viaTopic as Error).message, /reconnect backoff/)
})

t.test('a port that accepts but never answers fails at socket.connection.setup.timeout.ms, bounded in all', async t => {
  const silent = await tcpServer(t, () => {})
  const { client, lines } = quickClient(t, `127.0.0.1:${silent.port}`, { connectTimeoutMs: 150, requestTimeoutMs: 30_000, bootstrapTimeoutMs: 700 })
  const err = await client.metadata().then(() => undefined, (e: unknown) => e)
  t.type(err, ConnectionError)
  t.match((err as Error).message, /connect timed out|bootstrap\.timeout\.ms/)
  t.ok(lines.some(l => /^% waiting for 127\.0\.0\.1:\d+: connect timed out/.test(l)), 'the progress line says what is being waited for')
  t.ok(silent.connections() >= 2, 'each attempt gave up at the setup timeout and a new one was made')
})

t.test('an HTTP server is reported as not Kafka, showing what it said, and is not retried', async t => {
  const http = await tcpServer(t, s => {
    s.once('data', () => { s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') })
  })
  const { client } = quickClient(t, `127.0.0.1:${http.port}`, { bootstrapTimeoutMs: 5000 })
  const err = await client.metadata().then(() => undefined, (e: unknown) => e)
  t.type(err, NotKafkaError)
  t.match((err as Error).message, /not a Kafka broker: it answered "HTTP\/1\.1 400 Bad Request/)
  t.notMatch((err as Error).message, /raise the receive limit/)
  t.equal(http.connections(), 1, 'one attempt only')
})

t.test('a peer whose first frame does not answer our request is not Kafka either', async t => {
  const odd = await tcpServer(t, s => {
    // A well-sized frame with a correlation id we never used.
    s.once('data', () => { s.write(Buffer.from([0, 0, 0, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x41, 0x42])) })
  })
  const err = await BrokerConnection.open({ host: '127.0.0.1', port: odd.port }).then(() => undefined, (e: unknown) => e)
  t.type(err, NotKafkaError)
})

t.test('a response cut short on the wire closes its connection at the request timeout, so the retry starts afresh', async t => {
  let listOffsets = 0
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'ListOffsets') {
      listOffsets++
      if (listOffsets === 1) {
        // A 100-byte frame of which 10 bytes come, then nothing.
        req.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 100]), Buffer.alloc(10)]))
        return
      }
      req.reply({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 42n, leaderEpoch: 0 }] }] })
    }
  })
  t.teardown(() => broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, requestTimeoutMs: 200, retryBackoffMs: 10, retryBackoffMaxMs: 20, log: () => {} })
  t.teardown(() => consumer.close())
  const latest = await consumer.latestOffsets([{ topic: 't', partition: 0 }])
  t.equal(latest.get('t:0'), 42n)
  const conns = new Set(broker.requests.filter(r => r.api.name === 'ListOffsets').map(r => r.socket))
  t.equal(conns.size, 2, 'the retry went out on a new connection')
})

t.test('a broker that always cuts responses short fails after `retries`, not after an outage\'s unbounded wait', async t => {
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'ListOffsets') req.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 100]), Buffer.alloc(10)]))
  })
  t.teardown(() => broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, requestTimeoutMs: 100, retries: 2, retryBackoffMs: 1, log: () => {} })
  t.teardown(() => consumer.close())
  await t.rejects(consumer.latestOffsets([{ topic: 't', partition: 0 }]), { name: 'ResponseCutShortError', message: /response cut short: 10 bytes of a frame arrived/ })
  t.equal(broker.requests.filter(r => r.api.name === 'ListOffsets').length, 3, 'the first try and two retries')
})

/** Encodes `body` as the answer to `req` and appends 8 stray bytes: a frame that cannot decode exactly. */
function wrongly (req: RawRequest, body: object): void {
  const frame = encodeResponse(req.api, req.header.apiVersion, req.header.correlationId, body)
  const out = Buffer.concat([frame, Buffer.alloc(8)])
  out.writeInt32BE(frame.length - 4 + 8, 0)
  req.socket.write(out)
}

const OFFSETS = { topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1n, offset: 7n, leaderEpoch: 0 }] }] }

t.test('a response that does not decode at v7 is retried at lower versions, with one warning, until one decodes', async t => {
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'ListOffsets') {
      // As librdkafka 2.0's mock: ListOffsets v4+ answered wrongly.
      if (req.header.apiVersion >= 4) wrongly(req, OFFSETS)
      else req.reply(OFFSETS)
    }
  })
  t.teardown(() => broker.close())
  const lines: string[] = []
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, log: (l: string) => { lines.push(l) } })
  t.teardown(() => consumer.close())
  t.equal((await consumer.latestOffsets([{ topic: 't', partition: 0 }])).get('t:0'), 7n)
  t.equal((await consumer.latestOffsets([{ topic: 't', partition: 0 }])).get('t:0'), 7n)
  // A new connection to the same broker remembers what the old one learnt.
  for (const s of broker.sockets) s.destroy()
  t.equal((await consumer.latestOffsets([{ topic: 't', partition: 0 }])).get('t:0'), 7n)
  const versions = broker.requests.filter(r => r.api.name === 'ListOffsets').map(r => r.header.apiVersion)
  t.same(versions, [7, 6, 5, 4, 3, 3, 3], 'each version tried once, then v3 kept for this broker, across connections')
  const warnings = lines.filter(l => /did not decode/.test(l))
  t.equal(warnings.length, 1, 'one warning')
  t.match(warnings[0], /ListOffsets responses at v7, v6, v5, v4 did not decode .*; using v3 with this broker from now on$/)
})

t.test('when no version decodes, the error is the decoder\'s', async t => {
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'ListOffsets') wrongly(req, OFFSETS)
  })
  t.teardown(() => broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, log: () => {} })
  t.teardown(() => consumer.close())
  const err = await consumer.latestOffsets([{ topic: 't', partition: 0 }]).then(() => undefined, (e: unknown) => e)
  t.type(err, ProtocolError)
  t.match((err as Error).message, /no lower version of ListOffsets is left/)
})

t.test('an ApiVersions v3 answer that does not decode fails the connection instead of downgrading to v0', async t => {
  const broker = await startRawBroker(req => {
    if (req.api.key === 18) wrongly(req, apiVersionsBody([[18, 0, 3], [3, 0, 12]]))
  })
  t.teardown(() => broker.close())
  const lines: string[] = []
  const err = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port, log: l => { lines.push(l) } }).then(() => undefined, (e: unknown) => e)
  t.type(err, ProtocolError)
  t.same(broker.requests.map(r => r.header.apiVersion), [4], 'no v0 retry')
  t.same(lines, [])
})

t.test('an UNSUPPORTED_VERSION answer to ApiVersions that does not decode (librdkafka 2.0\'s mock) falls back to v0, logged', async t => {
  const broker = await startRawBroker(req => {
    if (req.api.key !== 18) return
    if (req.header.apiVersion === 0) { req.reply(apiVersionsBody([[18, 0, 2], [3, 0, 12]])); return }
    // Error code 35, then a one-byte array count and a v0 entry: neither v0 nor flexible.
    const body = Buffer.from([0, 35, 2, 0, 18, 0, 0, 0, 2])
    const out = Buffer.alloc(8 + body.length)
    out.writeInt32BE(4 + body.length, 0)
    out.writeInt32BE(req.header.correlationId, 4)
    body.copy(out, 8)
    req.socket.write(out)
  })
  t.teardown(() => broker.close())
  const lines: string[] = []
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port: broker.port, log: l => { lines.push(l) } })
  t.teardown(() => conn.close())
  t.same(broker.requests.map(r => r.header.apiVersion), [4, 0])
  t.equal(lines.length, 1)
  t.match(lines[0], /UNSUPPORTED_VERSION answer to ApiVersions v4 did not decode.*retrying with v0/)
})
