import type { Socket } from 'node:net'
import { decodeRequest, encodeResponseChunks, type DecodedRequest } from '../../protocol/messages.js'
import { UnsupportedVersionError } from '../../protocol/errors.js'
import type { RequestHeader } from '../../protocol/headers.js'
import { inRange } from '../../protocol/schema/versions.js'
import { ApiVersions, SaslAuthenticate, SaslHandshake } from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { BrokerInfo, ClusterState } from './cluster-state.js'
import type { Faults } from './faults.js'
import { NO_RESPONSE, UnparsableRequest, type Handler, type RequestContext } from './handler.js'
import { advertisedApis } from './handlers/18-api-versions.js'
import { requestBytesReceived } from './reclaim-buffers.js'
import { errorSummary, topicPartitions } from './request-log.js'
import { SaslSession, type SaslServer } from './sasl.js'

// One client connection: framing, then one request at a time. Kafka answers the requests of a connection in the
// order they were sent and handles them one after another (the socket server mutes a channel while its request
// is in flight), so pipelined requests queue here and a long-polling Fetch delays the requests behind it, as on a
// real broker. Reading pauses while too many frames wait, so a client cannot make the broker buffer without end.

/** What connections of one broker share. */
export interface ConnectionHost {
  readonly cluster: ClusterState
  readonly broker: BrokerInfo
  /** The listener's name (PLAINTEXT, SSL, ...), for the addresses answers advertise. */
  readonly listener?: string
  readonly handlers: ReadonlyMap<number, Handler>
  readonly faults: Faults
  /** socket.request.max.bytes: larger frames close the connection before anything is allocated for them. */
  readonly maxFrameBytes: number
  /**
   * queued.max.request.bytes, per connection: while this many request bytes wait (received, not yet answered),
   * the connection stops reading, as Kafka's request memory pool mutes channels when it is used up. Default
   * (undefined): maxFrameBytes.
   */
  readonly maxQueuedBytes?: number
  readonly log: ((line: string) => void) | undefined
  readonly verbose: boolean
  /** Set when clients must authenticate (a SASL listener). */
  readonly sasl?: SaslServer
  /** API keys (and versions) already reported as not served, so that each is logged once, not per request. */
  readonly unservedReported?: Set<string>
}

/** What a connection may send before it has authenticated (Kafka's SaslServerAuthenticator). */
const BEFORE_AUTHENTICATION = new Set([ApiVersions.key, SaslHandshake.key, SaslAuthenticate.key])

const MAX_QUEUED_FRAMES = 32

export class Connection {
  private chunks: Buffer[] = []
  private buffered = 0
  private readonly frames: Buffer[] = []
  /** Bytes of complete frames waiting or being handled (the partial frame in `chunks` is `buffered`). */
  private framedBytes = 0
  private busy = false
  private paused = false
  private isClosed = false
  readonly closed: Promise<void>
  /** Callbacks for the close, each removed by whoever registered it once it no longer waits (see onClose). */
  private readonly closeWaiters = new Set<() => void>()
  private readonly peer: string
  private readonly sasl: SaslSession | undefined

  constructor (private readonly socket: Socket, private readonly host: ConnectionHost) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    this.sasl = host.sasl === undefined ? undefined : new SaslSession(host.sasl)
    socket.setNoDelay(true)
    this.closed = new Promise(resolve => {
      socket.once('close', () => {
        this.isClosed = true
        const waiters = [...this.closeWaiters]
        this.closeWaiters.clear()
        for (const w of waiters) w()
        resolve()
      })
    })
    socket.on('error', err => { this.logLine(`connection ${this.peer} error: ${err.message}`) })
    socket.on('data', data => { this.onData(data) })
  }

  /**
   * Calls `cb` when the connection closes (at once, asynchronously, if it already has) and returns the function
   * that unregisters it. A request that waits registers here and unregisters when its wait ends, so nothing of
   * it outlives the request: a reaction attached to the `closed` promise would stay until the connection
   * closes, one per request (the Fetch leak of issue 13).
   */
  onClose (cb: () => void): () => void {
    if (this.isClosed) {
      queueMicrotask(cb)
      return () => {}
    }
    this.closeWaiters.add(cb)
    return () => { this.closeWaiters.delete(cb) }
  }

  /** Resolves after `ms`, or at once when the connection closes; leaves no timer or listener behind. */
  private sleep (ms: number): Promise<void> {
    return new Promise(resolve => {
      const done = (): void => { clearTimeout(timer); off(); resolve() }
      const timer = setTimeout(done, ms)
      const off = this.onClose(done)
    })
  }

  /** Closes the connection, logging why; with `flush`, after what was written has been sent. */
  close (reason?: string, flush = false): void {
    if (reason !== undefined && !this.isClosed) this.logLine(`closing connection ${this.peer}: ${reason}`)
    this.isClosed = true
    if (flush) this.socket.end(); else this.socket.destroy()
  }

  /** Closes the connection for a request of an API (or version) the broker does not serve; logs once per key. */
  private closeUnserved (apiKey: number, apiVersion: number, reason: string): void {
    const key = `${apiKey} v${apiVersion}`
    const reported = this.host.unservedReported
    if (reported === undefined || !reported.has(key)) {
      reported?.add(key)
      this.logLine(`API key ${key} is not served (${reason}); closing such connections as Kafka does (logged once per key)`)
    }
    this.isClosed = true
    this.socket.destroy()
  }

  private logLine (line: string): void {
    this.host.log?.(`broker ${this.host.broker.id}: ${line}`)
  }

  private onData (data: Buffer): void {
    if (this.isClosed) return
    requestBytesReceived(data.length)
    this.chunks.push(data)
    this.buffered += data.length
    while (this.buffered >= 4) {
      const size = this.peekInt32()
      // The size is checked before a single byte is set aside for the frame (socket.request.max.bytes).
      if (size < 0 || size > this.host.maxFrameBytes) {
        this.close(`frame size ${size} is outside 0..${this.host.maxFrameBytes} bytes`)
        return
      }
      if (this.buffered < 4 + size) break
      this.frames.push(this.take(4 + size).subarray(4))
      this.framedBytes += size
    }
    // A frame larger than the whole allowance is still read (Kafka's pool lets one allocation overdraw it), but
    // no further frame is read while complete ones wait beyond it.
    if ((this.frames.length >= MAX_QUEUED_FRAMES || (this.frames.length > 0 && this.queuedBytes >= this.maxQueuedBytes)) && !this.paused) {
      this.paused = true
      this.socket.pause()
    }
    void this.pump()
  }

  /** Request bytes this connection holds: complete frames not yet answered plus a partly received one. */
  get queuedBytes (): number { return this.framedBytes + this.buffered }

  private get maxQueuedBytes (): number { return this.host.maxQueuedBytes ?? this.host.maxFrameBytes }

  private peekInt32 (): number {
    const first = this.chunks[0]
    if (first.length >= 4) return first.readInt32BE(0)
    return this.take(4, true).readInt32BE(0)
  }

  /** The next `n` buffered bytes: a view when they lie in one chunk, else one copy (n <= bytes received). */
  private take (n: number, peek = false): Buffer {
    const first = this.chunks[0]
    if (first.length >= n) {
      if (!peek) {
        if (first.length === n) this.chunks.shift()
        else this.chunks[0] = first.subarray(n)
        this.buffered -= n
      }
      return first.subarray(0, n)
    }
    const out = Buffer.allocUnsafe(n)
    let at = 0
    let i = 0
    while (at < n) {
      const c = this.chunks[i++]
      const k = Math.min(c.length, n - at)
      c.copy(out, at, 0, k)
      at += k
    }
    if (!peek) {
      let left = n
      while (left > 0) {
        const c = this.chunks[0]
        if (c.length <= left) { left -= c.length; this.chunks.shift() } else { this.chunks[0] = c.subarray(left); left = 0 }
      }
      this.buffered -= n
    }
    return out
  }

  private async pump (): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      while (this.frames.length > 0 && !this.isClosed) {
        const frame = this.frames.shift()!
        try {
          await this.handleFrame(frame)
        } finally {
          this.framedBytes -= frame.length
        }
        if (this.paused && (this.frames.length === 0 || (this.frames.length < MAX_QUEUED_FRAMES / 2 && this.queuedBytes < this.maxQueuedBytes / 2))) {
          this.paused = false
          this.socket.resume()
        }
      }
    } catch (err) {
      this.close(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    } finally {
      this.busy = false
    }
  }

  private async handleFrame (frame: Buffer): Promise<void> {
    const sasl = this.sasl
    if (sasl !== undefined && sasl.raw && sasl.state === 'exchange') {
      await this.rawSaslToken(sasl, frame)
      return
    }
    let req: DecodedRequest
    try {
      // Bytes after the last field are ignored, as Kafka ignores them (see DecodeRequestOptions): librdkafka 2.6's
      // Metadata v12 carries 3, and closing its connection for them would be stricter than the broker we stand in for.
      req = decodeRequest(frame, undefined, { ignoreTrailingBytes: true })
    } catch (err) {
      const header = (err as { header?: RequestHeader }).header
      if (err instanceof UnsupportedVersionError && header !== undefined && header.apiKey === ApiVersions.key) {
        // KIP-511: a broker that does not know the ApiVersions version answers with a v0 body carrying
        // UNSUPPORTED_VERSION and the ApiVersions versions it does know, so the client can retry with one of them.
        // Only ApiVersions' own range, as Kafka sends (ApiVersionsResponse.json), not every API's.
        this.logRequest(header, 'ApiVersions', `-> UNSUPPORTED_VERSION, answered as v0`)
        const apiKeys = advertisedApis(this.host.handlers).filter(a => a.apiKey === ApiVersions.key)
        await this.write(encodeResponseChunks(ApiVersions, 0, header.correlationId,
          { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys, throttleTimeMs: 0 }))
        return
      }
      // Kafka 4.x closes the connection on a request whose API key it does not know (RequestHeader.parse fails:
      // "Error parsing request header") or whose version it has not enabled (SocketServer.parseRequestHeader asks
      // ApiVersionManager.isApiEnabled: "Received request api key ... which is not enabled"); ApiVersions is the
      // one exception, answered above. Without a schema for that key and version there is no response to write,
      // and answering nothing on an open connection would leave the client waiting. So: the same close, logged
      // once per key and version. A client that sends such a request without checking ApiVersions first loses
      // that connection on Kafka 4.x too; its next connection works.
      if (header !== undefined) {
        this.closeUnserved(header.apiKey, header.apiVersion, err instanceof Error ? err.message : String(err))
        return
      }
      this.close(err instanceof Error ? err.message : String(err))
      return
    }
    const { header, api } = req
    if (req.trailingBytes > 0) {
      // Kafka ignores them (decodeRequest says why); logged once per API and version, as a client's quirk.
      const key = `${api.name} v${header.apiVersion} trailing`
      if (this.host.unservedReported?.has(key) !== true) {
        this.host.unservedReported?.add(key)
        this.logLine(`${api.name} v${header.apiVersion} request from ${header.clientId ?? '(no client id)'} has ${req.trailingBytes} bytes after its last field; ignored, as Kafka ignores them (logged once)`)
      }
    }
    // KIP-368: once the session has expired, only a SaslHandshake that begins a re-authentication is read; anything
    // else closes the connection, as Kafka's SocketServer does ("Disconnecting expired channel").
    if (sasl !== undefined && sasl.expired() && !(header.apiKey === SaslHandshake.key && sasl.mayReauthenticate())) {
      this.close(`SASL session of ${sasl.user ?? '?'} expired (connections.max.reauth.ms); ${api.name} request instead of a re-authentication`)
      return
    }
    if (sasl !== undefined && !sasl.authenticated && !BEFORE_AUTHENTICATION.has(header.apiKey)) {
      this.close(`${api.name} request before SASL authentication`)
      return
    }
    const handler = this.host.handlers.get(header.apiKey)
    if (handler === undefined || !inRange(handler.versions, header.apiVersion)) {
      this.closeUnserved(header.apiKey, header.apiVersion, `${api.name} v${header.apiVersion} is not served (not advertised in ApiVersions)`)
      return
    }
    const decision = this.host.faults.decide({
      brokerId: this.host.broker.id, apiKey: header.apiKey, apiName: api.name, version: header.apiVersion, clientId: header.clientId, body: req.body
    })
    if (decision.delayMs > 0) await this.sleep(decision.delayMs)
    if (this.isClosed) return
    let throttleTimeMs = 0
    const ctx: RequestContext = {
      cluster: this.host.cluster,
      broker: this.host.broker,
      listener: this.host.listener,
      version: header.apiVersion,
      header,
      body: req.body,
      clientHost: `/${this.socket.remoteAddress ?? '127.0.0.1'}`,
      injectedError: decision.errorFor,
      closed: this.closed,
      onClose: cb => this.onClose(cb),
      handlers: this.host.handlers,
      sasl,
      requestBytes: frame.length,
      throttle: ms => { throttleTimeMs = Math.max(throttleTimeMs, ms) }
    }
    let response: unknown
    try {
      response = await handler.handle(ctx)
    } catch (err) {
      if (!(err instanceof UnparsableRequest)) throw err
      this.close(`${api.name} v${header.apiVersion}: ${err.message} (Kafka closes such connections)`)
      return
    }
    if (response === NO_RESPONSE) {
      this.logRequest(header, api.name, `${topicPartitions(req.body)} -> (no response)`)
      if (sasl?.failed === true) {
        this.close(`SASL ${sasl.mechanism ?? ''} re-authentication failed`)
        return
      }
      await this.mute(throttleTimeMs)
      return
    }
    if (this.host.verbose) this.logRequest(header, api.name, `${topicPartitions(req.body)} -> ${errorSummary(response)}`)
    const chunks = encodeResponseChunks(api, header.apiVersion, header.correlationId, response)
    if (decision.dropMidResponse) {
      const total = chunks.reduce((n, c) => n + c.length, 0)
      const half = Buffer.concat(chunks, total).subarray(0, Math.max(1, total >>> 1))
      this.socket.write(half)
      this.close(`fault: dropped mid-response (${api.name} v${header.apiVersion})`)
      return
    }
    await this.write(chunks)
    // The client must read why before the connection goes.
    if (sasl?.failed === true) this.close(`SASL ${sasl.mechanism ?? ''} authentication failed`, true)
    await this.mute(throttleTimeMs)
  }

  /**
   * A throttled client's connection is not read from until its throttle time has passed (KIP-219), as Kafka's
   * ClientQuotaManager mutes the channel: requests it sends meanwhile wait in the socket. Pumping waits too, so
   * frames already received are not answered before the time is up either.
   */
  private async mute (throttleTimeMs: number): Promise<void> {
    if (throttleTimeMs <= 0 || this.isClosed) return
    if (this.host.verbose) this.logLine(`${this.peer} throttled: not read for ${throttleTimeMs} ms`)
    this.socket.pause()
    const wait = this.host.cluster.options.throttleWait
    if (wait === undefined) await this.sleep(throttleTimeMs)
    else await Promise.race([wait(throttleTimeMs), this.closed])
    if (!this.paused && !this.isClosed) this.socket.resume()
  }

  /**
   * A SASL message after SaslHandshake v0: a bare size-prefixed token, answered the same way (an empty one when
   * PLAIN succeeds); a failure closes the connection without an answer, as Kafka did.
   */
  private async rawSaslToken (sasl: SaslSession, token: Buffer): Promise<void> {
    const step = await sasl.step(token)
    if (step.errorCode !== ErrorCode.NONE) {
      this.close(`SASL ${sasl.mechanism ?? ''} authentication failed: ${step.errorMessage ?? ''}`)
      return
    }
    const size = Buffer.alloc(4)
    size.writeInt32BE(step.authBytes.length)
    await this.write([size, step.authBytes])
  }

  private logRequest (header: RequestHeader, apiName: string, detail: string): void {
    if (!this.host.verbose) return
    this.logLine(`${this.peer} client=${header.clientId ?? '-'} ${apiName} v${header.apiVersion} #${header.correlationId} ${detail}`)
  }

  /** Writes a response's chunks in one corked burst (one writev) and waits while the socket's buffer is full. */
  private async write (chunks: Buffer[]): Promise<void> {
    if (this.isClosed) return
    const socket = this.socket
    socket.cork()
    let ok = true
    for (const c of chunks) ok = socket.write(c)
    socket.uncork()
    if (!ok && !this.isClosed) {
      await new Promise<void>(resolve => {
        const done = (): void => { socket.off('drain', done); off(); resolve() }
        socket.once('drain', done)
        const off = this.onClose(done)
      })
    }
  }
}
