import t from 'tap'
import * as net from 'node:net'
import { runKcat } from './run-kcat.js'

// kcat mode against brokers that are not there or not Kafka: bounded by -m (kcat's metadata timeout, default 5 s),
// one progress line per retry on stderr, and the same first cause on -L and -C.

async function listen (t: any, onConnection: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer(s => { sockets.add(s); s.on('error', () => {}); onConnection(s) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => { for (const s of sockets) s.destroy(); await new Promise<void>(resolve => server.close(() => resolve())) })
  return (server.address() as net.AddressInfo).port
}

async function refusedPort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

t.test('-L and -C on a refused port fail within -m, naming ECONNREFUSED the same way, with progress lines', async t => {
  const port = await refusedPort()
  const fast = ['-m', '1', '-X', 'retry.backoff.ms=50', '-X', 'retry.backoff.max.ms=100']
  const list = await runKcat(['-b', `127.0.0.1:${port}`, '-L', ...fast])
  const consume = await runKcat(['-b', `127.0.0.1:${port}`, '-C', '-t', 'x', '-e', ...fast])
  for (const r of [list, consume]) {
    t.equal(r.code, 1)
    t.match(r.stderr, new RegExp(`^% waiting for 127\\.0\\.0\\.1:${port}: cannot connect: connect ECONNREFUSED [^\\n]*, retry 1 in \\d+ ms$`, 'm'))
    t.match(r.stderr, new RegExp(`^% ERROR: 127\\.0\\.0\\.1:${port}: no broker answered within bootstrap\\.timeout\\.ms \\(1000 ms\\): 127\\.0\\.0\\.1:${port}: cannot connect: connect ECONNREFUSED`, 'm'))
    t.notMatch(r.stderr, /reconnect backoff/)
  }
})

t.test('-L on an HTTP server says it is not Kafka, once', async t => {
  let connections = 0
  const port = await listen(t, s => { connections++; s.once('data', () => { s.end('HTTP/1.1 400 Bad Request\r\n\r\n') }) })
  const r = await runKcat(['-b', `127.0.0.1:${port}`, '-L'])
  t.equal(r.code, 1)
  t.match(r.stderr, /^% ERROR: 127\.0\.0\.1:\d+: the peer is not a Kafka broker: it answered "HTTP\/1\.1 400 Bad Request\\r\\n\\r\\n"/m)
  t.equal(connections, 1)
})
