import { connect, type Socket } from 'node:net'
import { decodeResponse, encodeRequest } from '../../../protocol/messages.js'
import type { ApiSchema } from '../../../protocol/schema/define.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// A minimal client for the fake broker's tests: raw TCP, our codec, one request at a time. It deliberately knows
// nothing of the consumer/ package, so broker tests do not depend on client code.

export class RawClient {
  private buffered = Buffer.alloc(0)
  private waiters: Array<(frame: Buffer) => void> = []
  private frames: Buffer[] = []
  private correlationId = 0
  readonly closed: Promise<void>

  private constructor (readonly socket: Socket) {
    this.closed = new Promise(resolve => socket.once('close', () => { resolve() }))
    socket.on('error', () => {})
    socket.on('data', d => {
      this.buffered = Buffer.concat([this.buffered, d])
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0)
        const frame = this.buffered.subarray(4, 4 + size)
        this.buffered = this.buffered.subarray(4 + size)
        const w = this.waiters.shift()
        if (w !== undefined) w(frame)
        else this.frames.push(frame)
      }
    })
  }

  /** Connects to "host:port" (the first of a bootstrap list). */
  static async connect (address: string): Promise<RawClient> {
    const [host, port] = address.split(',')[0].split(':')
    const socket = connect(Number(port), host)
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
    return new RawClient(socket)
  }

  send (bytes: Buffer): void { this.socket.write(bytes) }

  /** The next response frame (without its size), or undefined when the connection closes first. */
  nextFrame (): Promise<Buffer | undefined> {
    const f = this.frames.shift()
    if (f !== undefined) return Promise.resolve(f)
    return Promise.race([new Promise<Buffer>(resolve => this.waiters.push(resolve)), this.closed.then(() => undefined)])
  }

  /** Sends one request and decodes its response. */
  async request<T = any> (api: ApiSchema, version: number, body: unknown, clientId: string | null = 'raw-client'): Promise<T> {
    this.sendRequest(api, version, body, clientId)
    const frame = await this.nextFrame()
    if (frame === undefined) throw new Error(`connection closed before the ${api.name} v${version} response`)
    return decodeResponse(api, version, frame).body as T
  }

  /** Sends a request without waiting (acks 0 produce, pipelining). Returns its correlation id. */
  sendRequest (api: ApiSchema, version: number, body: unknown, clientId: string | null = 'raw-client'): number {
    const correlationId = ++this.correlationId
    this.send(encodeRequest(api, version, { correlationId, clientId }, body))
    return correlationId
  }

  close (): void { this.socket.destroy() }
}

/** A fake cluster with topic `t` (2 partitions unless `opts` names topics) and a RawClient on it, both stopped at teardown. */
export async function clusterWithRawClient (t: { teardown: (fn: () => unknown) => void }, opts: Parameters<typeof FakeCluster.start>[0] = {}): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }], ...opts })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}
