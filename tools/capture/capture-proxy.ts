import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { ConnectionError, ProtocolError } from '../../protocol/errors.js'

// A recording TCP proxy for Kafka connections: it listens on 127.0.0.1, forwards every byte unchanged to one
// upstream broker, and on the side cuts both directions into frames (protocol guide, "Protocol Primitives":
// every request and response is an int32 size followed by that many bytes) and records each one.
//
// A response does not say which API it answers; only its correlation id links it to the request (protocol guide,
// "Request Header" / "Response Header"). So the proxy remembers, per connection, correlationId -> (apiKey,
// apiVersion) from each request it sees and labels the response with it. Kafka answers the requests of one
// connection in order, but the map does not rely on that. Produce with acks=0 has no response: its entry is
// simply never used.
//
// It rewrites nothing: a Metadata response still names the upstream's host and port, and a client that follows it
// opens a connection that bypasses the proxy. Capture tools make the broker advertise the proxy instead (see
// test-interop/capture/capture-fixtures.ts).

export type FrameDirection = 'request' | 'response'

export interface CapturedFrame {
  /** Order of capture across every connection of this proxy, from 0. */
  seq: number
  /** Which accepted connection carried it, from 0. */
  connection: number
  direction: FrameDirection
  /** From the request header; for a response, from its request (-1 if the request was never seen). */
  apiKey: number
  apiVersion: number
  correlationId: number
  /** The whole frame, including its 4-byte size prefix. */
  frame: Buffer
}

export interface CaptureProxyOptions {
  upstreamHost: string
  upstreamPort: number
  /** Frames larger than this stop the recording of that connection (bytes are still forwarded). Default 64 MiB. */
  maxFrameBytes?: number
  /** Called for every frame as it is recorded. */
  onFrame?: (frame: CapturedFrame) => void
}

/**
 * Cuts a byte stream into size-prefixed frames. Chunks may split a frame anywhere, even inside the size; bytes
 * are copied only when a frame spans chunks.
 */
export class FrameSplitter {
  private pending: Buffer[] = []
  private pendingBytes = 0

  constructor (private readonly maxFrameBytes: number) {}

  /** Returns the frames (with their size prefix) that `chunk` completes, in order. */
  push (chunk: Buffer): Buffer[] {
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    const frames: Buffer[] = []
    while (this.pendingBytes >= 4) {
      const head = this.pending[0].length >= 4 ? this.pending[0] : this.flatten()
      const size = head.readInt32BE(0)
      if (size < 0 || size > this.maxFrameBytes) {
        throw new ProtocolError({ api: 'frame', version: 0, field: 'size', offset: 0 }, `frame size ${size} is outside 0..${this.maxFrameBytes}`)
      }
      if (this.pendingBytes < 4 + size) break
      const all = this.pending.length === 1 ? this.pending[0] : this.flatten()
      frames.push(all.subarray(0, 4 + size))
      const rest = all.subarray(4 + size)
      this.pending = rest.length === 0 ? [] : [rest]
      this.pendingBytes = rest.length
    }
    return frames
  }

  /** Bytes received that do not yet make a whole frame. */
  get buffered (): number { return this.pendingBytes }

  private flatten (): Buffer {
    const all = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = [all]
    return all
  }
}

export class CaptureProxy {
  /** Every frame recorded so far, in capture order. */
  readonly frames: CapturedFrame[] = []
  private readonly sockets = new Set<Socket>()
  private connections = 0
  private listening = 0

  private constructor (private readonly server: Server, private readonly opts: CaptureProxyOptions) {}

  /** Starts listening on 127.0.0.1 at a free port. */
  static async start (opts: CaptureProxyOptions): Promise<CaptureProxy> {
    const server = createServer()
    const proxy = new CaptureProxy(server, opts)
    server.on('connection', socket => proxy.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => reject(new ConnectionError('127.0.0.1:0', `capture proxy cannot listen: ${err.message}`, { cause: err })))
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    proxy.listening = typeof address === 'object' && address !== null ? address.port : 0
    return proxy
  }

  get host (): string { return '127.0.0.1' }
  get port (): number { return this.listening }
  /** "127.0.0.1:port", for a client's bootstrap servers. */
  get address (): string { return `${this.host}:${this.port}` }

  /** Stops accepting and closes every proxied connection (both sides). */
  async stop (): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }

  private accept (client: Socket): void {
    const connection = this.connections++
    const upstream = createConnection({ host: this.opts.upstreamHost, port: this.opts.upstreamPort })
    this.sockets.add(client).add(upstream)
    const inFlight = new Map<number, { apiKey: number, apiVersion: number }>()
    const max = this.opts.maxFrameBytes ?? 64 * 1024 * 1024

    // pipe() keeps backpressure; the extra 'data' listeners only look at the same chunks.
    client.pipe(upstream)
    upstream.pipe(client)
    const watch = (from: Socket, direction: FrameDirection): void => {
      const splitter = new FrameSplitter(max)
      let broken = false
      from.on('data', (chunk: Buffer) => {
        if (broken) return
        let frames: Buffer[]
        try { frames = splitter.push(chunk) } catch { broken = true; return }
        for (const frame of frames) this.record(connection, direction, frame, inFlight)
      })
    }
    watch(client, 'request')
    watch(upstream, 'response')

    const close = (): void => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
  }

  private record (connection: number, direction: FrameDirection, frame: Buffer,
    inFlight: Map<number, { apiKey: number, apiVersion: number }>): void {
    let apiKey = -1
    let apiVersion = -1
    let correlationId = -1
    if (direction === 'request' && frame.length >= 12) {
      // Request header: size int32, apiKey int16, apiVersion int16, correlationId int32, ...
      apiKey = frame.readInt16BE(4)
      apiVersion = frame.readInt16BE(6)
      correlationId = frame.readInt32BE(8)
      inFlight.set(correlationId, { apiKey, apiVersion })
    } else if (direction === 'response' && frame.length >= 8) {
      // Response header: size int32, correlationId int32, ...
      correlationId = frame.readInt32BE(4)
      const req = inFlight.get(correlationId)
      if (req !== undefined) {
        inFlight.delete(correlationId)
        apiKey = req.apiKey
        apiVersion = req.apiVersion
      }
    }
    // Copy: the chunk the frame views belongs to the socket's stream and may be large.
    const captured: CapturedFrame = { seq: this.frames.length, connection, direction, apiKey, apiVersion, correlationId, frame: Buffer.from(frame) }
    this.frames.push(captured)
    this.opts.onFrame?.(captured)
  }
}
