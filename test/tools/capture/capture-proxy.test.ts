import t from 'tap'
import fc from 'fast-check'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { CaptureProxy, FrameSplitter, type CapturedFrame } from '../../../tools/capture/capture-proxy.js'
import { ProtocolError } from '../../../protocol/errors.js'

const frame = (body: Buffer): Buffer => {
  const f = Buffer.alloc(4 + body.length)
  f.writeInt32BE(body.length, 0)
  body.copy(f, 4)
  return f
}

/** A request frame: apiKey, apiVersion, correlationId, then some payload. */
const request = (apiKey: number, apiVersion: number, correlationId: number, payload = 'x'): Buffer => {
  const head = Buffer.alloc(8)
  head.writeInt16BE(apiKey, 0)
  head.writeInt16BE(apiVersion, 2)
  head.writeInt32BE(correlationId, 4)
  return frame(Buffer.concat([head, Buffer.from(payload)]))
}

t.test('the splitter returns the same frames however the stream is cut into chunks', async () => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
    fc.array(fc.nat({ max: 400 }), { maxLength: 10 }),
    (bodies, cuts) => {
      const frames = bodies.map(b => frame(Buffer.from(b)))
      const stream = Buffer.concat(frames)
      const points = [...new Set(cuts.map(c => c % (stream.length + 1)))].sort((a, b) => a - b)
      const splitter = new FrameSplitter(1000)
      const got: Buffer[] = []
      let from = 0
      for (const p of [...points, stream.length]) {
        got.push(...splitter.push(stream.subarray(from, p)))
        from = p
      }
      return got.length === frames.length && got.every((g, i) => g.equals(frames[i])) && splitter.buffered === 0
    }))
})

t.test('the splitter refuses a negative or oversized frame size', async t => {
  const big = Buffer.alloc(4)
  big.writeInt32BE(1001, 0)
  t.throws(() => new FrameSplitter(1000).push(big), ProtocolError)
  t.throws(() => new FrameSplitter(1000).push(Buffer.from([0xff, 0xff, 0xff, 0xff])), ProtocolError)
})

t.test('the proxy forwards both ways unchanged and labels responses by their request', async t => {
  // The upstream answers each request with a response frame holding its correlation id, out of order for two.
  const upstream: Server = createServer(socket => {
    const splitter = new FrameSplitter(1 << 20)
    socket.on('data', chunk => {
      const answers = splitter.push(chunk).map(f => {
        const body = Buffer.alloc(6)
        body.writeInt32BE(f.readInt32BE(8), 0)
        body.writeInt16BE(f.readInt16BE(4), 4)
        return frame(body)
      })
      socket.write(Buffer.concat(answers.reverse()))
    })
  })
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => upstream.close(() => resolve())))
  const port = (upstream.address() as { port: number }).port
  const seen: CapturedFrame[] = []
  const proxy = await CaptureProxy.start({ upstreamHost: '127.0.0.1', upstreamPort: port, onFrame: f => seen.push(f) })
  t.teardown(() => proxy.stop())

  const client: Socket = createConnection({ host: '127.0.0.1', port: proxy.port })
  t.teardown(() => client.destroy())
  const received: Buffer[] = []
  const answered = new Promise<void>(resolve => {
    const splitter = new FrameSplitter(1 << 20)
    client.on('data', chunk => { received.push(...splitter.push(chunk)); if (received.length === 2) resolve() })
  })
  // Two requests in one write, the second split mid-header by a second write.
  const a = request(3, 12, 7)
  const b = request(1, 16, 8, 'fetch')
  client.write(Buffer.concat([a, b.subarray(0, 6)]))
  client.write(b.subarray(6))
  await answered

  t.same(received.map(f => f.readInt32BE(4)), [8, 7], 'the client got the upstream\'s bytes, in its order')
  t.equal(proxy.address, `127.0.0.1:${proxy.port}`)
  t.same(proxy.frames, seen)
  t.same(proxy.frames.map(f => [f.seq, f.connection, f.direction, f.apiKey, f.apiVersion, f.correlationId]), [
    [0, 0, 'request', 3, 12, 7],
    [1, 0, 'request', 1, 16, 8],
    [2, 0, 'response', 1, 16, 8],
    [3, 0, 'response', 3, 12, 7]
  ])
  t.ok(proxy.frames[1].frame.equals(b), 'a recorded frame is the whole frame with its size')
})

t.test('a response to a request the proxy never saw is recorded with apiKey -1', async t => {
  const upstream: Server = createServer(socket => { socket.end(frame(Buffer.from([0, 0, 0, 42]))) })
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => upstream.close(() => resolve())))
  const proxy = await CaptureProxy.start({ upstreamHost: '127.0.0.1', upstreamPort: (upstream.address() as { port: number }).port })
  t.teardown(() => proxy.stop())
  const client = createConnection({ host: '127.0.0.1', port: proxy.port })
  client.resume()
  await new Promise<void>(resolve => client.on('close', () => resolve()))
  t.same(proxy.frames.map(f => [f.direction, f.apiKey, f.apiVersion, f.correlationId]), [['response', -1, -1, 42]])
})
