import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TlsOptions } from 'node:tls'
// Loaded with the module, not on the first start: listen(port, host) looks its host up through node:dns even when
// it is an address, and loading that module was most of a cold FakeCluster.start() (issue 15: start to the first
// answered Metadata under 20 ms). Importing it here moves that cost to the import, paid once per process.
import 'node:dns'
import { ConnectionError } from '../../protocol/errors.js'
import { Connection, type ConnectionHost } from './connection.js'

// One broker's listener on 127.0.0.1. Stopping it (FakeCluster.faults.brokerDown) closes the listener and every
// connection, as a crashed broker would; starting it again listens on the same port. With `tls` options the
// listener speaks TLS (node:tls), as a Kafka SSL listener does: the handshake comes first and the Kafka protocol
// runs unchanged inside it (Kafka docs, "Encryption and Authentication using SSL").

export class BrokerServer {
  private server: Server | undefined
  private readonly connections = new Set<Connection>()
  private readonly sockets = new Set<Socket>()
  /** Raw TCP sockets, tracked so that stopping also ends those still in (or stuck in) a TLS handshake. */
  private readonly rawSockets = new Set<Socket>()

  constructor (private readonly host: ConnectionHost, private readonly tls?: TlsOptions) {}

  get listening (): boolean { return this.server !== undefined }

  /** Request bytes held by all connections (received, not yet answered). */
  get queuedBytes (): number {
    let n = 0
    for (const c of this.connections) n += c.queuedBytes
    return n
  }

  /** Listens on `port` (0: any free port) and returns the port. */
  async listen (port: number): Promise<number> {
    const onSocket = (socket: Socket): void => {
      const conn = new Connection(socket, this.host)
      this.connections.add(conn)
      this.sockets.add(socket)
      socket.once('close', () => { this.connections.delete(conn); this.sockets.delete(socket) })
    }
    // A TLS server hands over the socket once the handshake is done ('secureConnection'); a failed handshake is
    // only logged, as the client sees the failure on its side.
    const server: Server = this.tls === undefined
      ? createTcpServer(onSocket)
      : createTlsServer(this.tls, onSocket).on('tlsClientError', err => {
        this.host.log?.(`broker ${this.host.broker.id}: TLS handshake failed: ${err.message.trim()}`)
      })
    server.on('connection', (raw: Socket) => {
      this.rawSockets.add(raw)
      raw.once('close', () => { this.rawSockets.delete(raw) })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', err => {
        reject(new ConnectionError(`127.0.0.1:${port}`, `broker ${this.host.broker.id} cannot listen: ${err.message}`, { cause: err }))
      })
      server.listen(port, '127.0.0.1', () => { resolve() })
    })
    this.server = server
    const addr = server.address()
    return typeof addr === 'object' && addr !== null ? addr.port : port
  }

  /** Stops listening and closes every connection. */
  async close (): Promise<void> {
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    const closing = new Promise<void>(resolve => server.close(() => { resolve() }))
    for (const c of this.connections) c.close()
    for (const raw of this.rawSockets) raw.destroy()
    await Promise.all([closing, ...[...this.sockets].map(s => new Promise<void>(resolve => {
      if (s.destroyed && s.closed) resolve()
      else s.once('close', () => { resolve() })
    }))])
  }
}
