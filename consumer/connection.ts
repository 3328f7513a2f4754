import * as net from 'node:net'
import * as tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { clientThrottles } from '../protocol/client-throttle.js'
import { ConfigError, ConnectionError, KafkaDirectError, NotKafkaError, ProtocolError, TimeoutError } from '../protocol/errors.js'
import type { ApiSchema } from '../protocol/schema/define.js'
import { decodeResponse, encodeRequestChunks, type DecodedResponse } from '../protocol/messages.js'
import { ApiVersions, type ApiVersionsResponse } from '../protocol/apis/api-versions.js'
import { SaslAuthenticate } from '../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../protocol/apis/sasl-handshake.js'
import type { BufferPool } from './buffer-pool.js'
import { FrameParser } from './frame-parser.js'
import { ReauthenticationError, ResponseCutShortError } from './errors.js'
import { negotiateVersions, VersionTable } from './versions.js'

// One TCP (or TLS) connection to one broker. Kafka lets a client keep many requests in flight on one connection
// and answers them in order, each response carrying the correlation id of its request (protocol guide, "Network").
// We still match by id rather than by order: it costs one map lookup and turns a confused peer into a clear error
// instead of a response handed to the wrong caller.
//
// Life cycle: `BrokerConnection.open()` connects, runs the ApiVersions handshake (./versions.ts) and, later, the
// authentication seam; then `request()` may be called any number of times concurrently. A socket error, a peer
// close or `close()` fails every request still in flight with a ConnectionError; a request that outlives its
// timeout fails alone with a TimeoutError and its late response, if one comes, is dropped.

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** Responses above this are refused before allocation (librdkafka's receive.message.max.bytes default is 100 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 100_000_000
/** Kafka's default message.max.bytes is ~1 MB; requests are usually tiny, a Produce can be large. */
export const DEFAULT_MAX_REQUEST_BYTES = 100_000_000

/** SaslHandshake and SaslAuthenticate: the requests a re-authentication sends while the others wait. */
const SASL_API_KEYS: ReadonlySet<number> = new Set([SaslHandshake.key, SaslAuthenticate.key])

/** ProtocolErrors raised decoding a whole, well-framed response (not a bad frame size): the version fallback's cue. */
const UNDECODABLE = new WeakSet<ProtocolError>()

export interface ConnectionOptions {
  host: string
  port: number
  /** Sent in every request header (`client.id`); null sends none. */
  clientId?: string | null
  requestTimeoutMs?: number
  /**
   * `socket.connection.setup.timeout.ms` (KIP-601; Java's default 10 s): how long the whole setup may take, TCP (and
   * TLS) connect, the ApiVersions handshake and authentication together. A port that accepts but never answers
   * fails here, not after a request timeout per retry.
   */
  connectTimeoutMs?: number
  /** Largest response frame accepted; bigger size prefixes fail before anything is allocated. */
  maxResponseBytes?: number
  /** Largest request frame sent. */
  maxRequestBytes?: number
  /** Connect with TLS (node:tls) using these options; plain TCP when absent. */
  tls?: tls.ConnectionOptions
  /** Run the ApiVersions handshake on connect (`api.version.request`, default true). */
  apiVersionRequest?: boolean
  /** Caps the version used per API, keyed by API name or key: `{ Fetch: 11 }`. */
  maxVersions?: Partial<Record<string, number>>
  /**
   * Called after the handshake and before the connection is handed out: the seam for SASL (SaslHandshake +
   * SaslAuthenticate run over `conn.request`). When it reports a session lifetime (KIP-368), it is called again on
   * the same connection before the session expires (see `reauthenticate` below).
   */
  authenticate?: Authenticate
  /** The clock re-authentication is scheduled by (epoch ms); default Date.now. Tests pass virtual time. */
  now?: () => number
  /** Where in the re-authentication window a session is renewed, in [0, 1); default Math.random. */
  random?: () => number
  /** Replaces socket creation (tests, proxies). */
  createSocket?: (opts: { host: string, port: number }) => Duplex
  /** Where large response frames are allocated, so that callers can hand them back for reuse (buffer-pool.ts). */
  bufferPool?: BufferPool
  /**
   * The lowest version per API key whose response did not decode from this broker, kept by the caller across
   * reconnections so that each connection does not learn it again (see VersionTable.markUndecodable).
   */
  undecodable?: Map<number, number>
  /** Where warnings go (a response version that does not decode); default stderr. */
  log?: (line: string) => void
  /** Told once when the connection is gone, with the reason. */
  onClose?: (err: Error | undefined) => void
  /**
   * How a quota throttle (KIP-219) is waited out before the next request goes: default a timer of that many ms.
   * Tests pass virtual time.
   */
  throttleWait?: (ms: number) => Promise<void>
}

/** What an authentication step reports: the broker's session lifetime (SaslAuthenticate v1+; 0 = no expiry). */
export interface Authenticated {
  sessionLifetimeMs: number
}

/** A connection's authentication step; it may run again on the same connection to re-authenticate (KIP-368). */
export type Authenticate = (conn: BrokerConnection) => Promise<Authenticated | undefined | void>

/**
 * A session is renewed at a random point between 85% and 95% of its lifetime, as the Java client does
 * (SaslClientAuthenticator.ReauthInfo): late enough not to re-authenticate needlessly, early enough for network
 * latency and clock drift, and spread so that many connections authenticated together do not renew together.
 */
const REAUTH_AT = 0.85
const REAUTH_JITTER = 0.10

export interface RequestOptions {
  /** Overrides the connection's request timeout (a Fetch adds its maxWaitMs). */
  timeoutMs?: number
  /** The broker sends no response (Produce with acks=0): resolves once the request is written. */
  noResponse?: boolean
  /** With no version given, use at most this one (Fetch without topic ids stays below v13). */
  maxVersion?: number
}

interface Pending {
  api: ApiSchema
  version: number
  resolve: (res: DecodedResponse) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
}

export class BrokerConnection {
  /** "host:port", used in errors and logs. */
  readonly broker: string
  private readonly socket: Duplex
  private readonly parser: FrameParser
  private readonly pending = new Map<number, Pending>()
  /** Correlation ids whose requests timed out: their late responses are expected and dropped. */
  private readonly abandoned = new Set<number>()
  private nextCorrelationId = 1
  private closedWith: Error | undefined = undefined
  private isClosed = false
  /** Whether any frame has arrived: the first one tells a Kafka broker from some other program. */
  private answered = false
  private readonly clientId: string | null
  private readonly requestTimeoutMs: number
  private readonly maxRequestBytes: number
  private readonly log: (line: string) => void
  /** The versions negotiated with this broker. */
  versions: VersionTable
  /**
   * While a broker's quota throttle runs (KIP-219), the promise requests wait on before they are written: the
   * broker has muted the connection, and a request written now would sit unread with its timeout running.
   */
  private throttleGate: Promise<void> | null = null
  private throttledUntil = 0
  private openGate: (() => void) | null = null
  /** Throttle time this connection's responses have asked it to wait, in total (ms). */
  throttledMs = 0
  /** When the session must be renewed (epoch ms by `now`); undefined: it does not expire. */
  private reauthAt: number | undefined = undefined
  /** While a re-authentication waits for in-flight requests or runs: the promise other requests wait on. */
  private reauthGate: Promise<void> | null = null
  /** Called when no request is in flight any more (a re-authentication waits for that). */
  private onIdle: (() => void) | null = null
  /** Re-authentications done on this connection. */
  reauthentications = 0

  private constructor (private readonly opts: ConnectionOptions, socket: Duplex, reads: ReadTarget) {
    this.broker = `${opts.host}:${opts.port}`
    this.socket = socket
    this.clientId = opts.clientId === undefined ? 'kafka-direct' : opts.clientId
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES
    this.log = opts.log ?? (line => { process.stderr.write(line + '\n') })
    this.versions = new VersionTable(null, opts.maxVersions, `broker ${this.broker}`)
    this.parser = reads.parser
    reads.conn = this
    reads.deliver = (n, buf) => this.received(n, buf)
    if (!reads.direct) {
      // TLS and caller-made sockets deliver chunks as 'data' events.
      socket.on('data', (chunk: Buffer) => this.received(chunk))
    }
    socket.on('error', (err: Error) => this.destroy(new ConnectionError(this.broker, err.message, { cause: err })))
    socket.on('close', () => this.destroy(new ConnectionError(this.broker, 'connection closed by the broker')))
    socket.on('end', () => this.destroy(new ConnectionError(this.broker, 'connection closed by the broker')))
  }

  /** Connects, negotiates versions and authenticates. Rejects with ConnectionError, TimeoutError or UnsupportedVersionError. */
  static async open (opts: ConnectionOptions): Promise<BrokerConnection> {
    const reads: ReadTarget = {
      parser: new FrameParser({
        maxFrameBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        // Responses only follow requests, and requests only follow the constructor: `conn` is set by then.
        onFrame: frame => reads.conn?.onFrame(frame),
        where: `broker ${opts.host}:${opts.port}`,
        allocate: opts.bufferPool === undefined ? undefined : size => (opts.bufferPool as BufferPool).take(size)
      }),
      direct: false,
      conn: undefined
    }
    const broker = `${opts.host}:${opts.port}`
    const setupMs = opts.connectTimeoutMs ?? opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    const startedAt = Date.now()
    const socket = await connectSocket(opts, reads, setupMs)
    const conn = new BrokerConnection(opts, socket, reads)
    // The rest of the setup shares the same deadline: a peer that accepts and then says nothing is cut off there.
    const timer = setTimeout(() => {
      conn.destroy(new ConnectionError(broker, `connect timed out: no ApiVersions answer within socket.connection.setup.timeout.ms (${setupMs} ms)`,
        { cause: new TimeoutError(`connection setup to ${broker}`, setupMs) }))
    }, Math.max(0, setupMs - (Date.now() - startedAt)))
    try {
      if (opts.apiVersionRequest !== false) {
        conn.versions = await negotiateVersions(
          async (version, body) => await conn.request<ApiVersionsResponse>(ApiVersions, version, body),
          { maxVersions: opts.maxVersions, where: `broker ${conn.broker}`, log: conn.log })
      }
      if (opts.undecodable !== undefined) conn.versions.remember(opts.undecodable)
      if (opts.authenticate !== undefined) conn.scheduleReauthentication(await opts.authenticate(conn))
    } catch (err) {
      // A request failed because the connection went (the deadline above, a peer that is not Kafka): report why it
      // went rather than the failed request.
      const reason = conn.closedWith ?? err as Error
      conn.destroy(reason)
      throw reason
    } finally {
      clearTimeout(timer)
    }
    return conn
  }

  /** Requests awaiting a response. */
  get inFlight (): number { return this.pending.size }

  get closed (): boolean { return this.isClosed }

  /** The highest version of `api` both sides speak (UnsupportedVersionError otherwise). */
  versionFor (api: ApiSchema): number {
    return this.versions.pick(api)
  }

  /**
   * Sends one request and resolves with its decoded response. `body` may be a function of the version chosen, for
   * bodies whose shape differs by version (Fetch v13 names topics by id). Any number may be in flight at once.
   */
  // `T = any`: callers name the response type (conn.request<FetchResponse>(Fetch, ...)); KafkaClient.request infers it
  // from the schema instead.
  async request<T = any>(api: ApiSchema, version: number | undefined, body: object | ((version: number) => object), opts: RequestOptions = {}): Promise<DecodedResponse<T>> {
    // A version the caller names is used as it is; otherwise the highest both sides speak, falling back below.
    if (version !== undefined) return await this.send<T>(api, version, body, opts)
    const cap = (n: number): number => opts.maxVersion === undefined ? n : Math.min(n, opts.maxVersion)
    let v = cap(this.versions.pick(api))
    let first: ProtocolError | undefined
    const failed: number[] = []
    for (;;) {
      try {
        const res = await this.send<T>(api, v, body, opts)
        if (first !== undefined) {
          // One warning per broker and API, once a version that decodes is found.
          this.log(`% ${this.broker}: ${api.name} responses at v${failed.join(', v')} did not decode (${first.message}); using v${v} with this broker from now on`)
        }
        return res
      } catch (err) {
        // A response that does not decode at this version: the broker writes it wrongly (or we read it wrongly).
        // Use the next lower version both sides speak, for this request and from now on with this broker: a client
        // should not need to be told that librdkafka 2.0's mock writes ListOffsets v4+ leader epochs as 8 bytes.
        // A version the caller named is not changed (above). ApiVersions has its own fallback (versions.ts).
        if (!(err instanceof ProtocolError) || !UNDECODABLE.has(err) || api.key === ApiVersions.key) throw err
        first ??= err
        failed.push(v)
        const next = this.versions.markUndecodable(api, v)
        const lower = next === undefined ? undefined : cap(next)
        if (lower === undefined || lower >= v || lower < api.versions.min) {
          throw new ProtocolError(first.where, `${first.detail}; no lower version of ${api.name} is left to try with ${this.broker}`, { cause: err })
        }
        v = lower
      }
    }
  }

  private async send<T>(api: ApiSchema, v: number, body: object | ((version: number) => object), opts: RequestOptions): Promise<DecodedResponse<T>> {
    // Requests made while throttled wait their turn in order (they resume in the order they began to wait), and
    // so do requests made while the session is renewed; the renewal's own SASL requests go through.
    for (;;) {
      if (this.isClosed) break
      if (this.throttleGate !== null) { await this.throttleGate; continue }
      if (SASL_API_KEYS.has(api.key)) break
      if (this.reauthGate !== null) { await this.reauthGate; continue }
      if (this.reauthAt !== undefined && this.now() >= this.reauthAt) {
        // Cleared asynchronously (a `finally` callback always is), so never before it is set here.
        const gate: Promise<void> = this.reauthenticate().finally(() => { if (this.reauthGate === gate) this.reauthGate = null })
        this.reauthGate = gate
        continue
      }
      break
    }
    if (this.isClosed) throw new ConnectionError(this.broker, `connection is closed${this.closedWith === undefined ? '' : `: ${this.closedWith.message}`}`, { cause: this.closedWith })
    const correlationId = this.nextCorrelationId
    // Correlation ids are int32; wrap before overflow, skipping 0 so a zeroed frame is never mistaken for ours.
    this.nextCorrelationId = this.nextCorrelationId >= 0x7fffffff ? 1 : this.nextCorrelationId + 1
    // Chunks, so a Produce request's record batches go to the socket without being copied into one frame.
    const frame = encodeRequestChunks(api, v, { correlationId, clientId: this.clientId }, typeof body === 'function' ? body(v) : body)
    let frameBytes = 0
    for (const c of frame) frameBytes += c.length
    if (frameBytes - 4 > this.maxRequestBytes) {
      throw new ConfigError('max.request.size', `${api.name} request of ${frameBytes - 4} bytes exceeds the limit of ${this.maxRequestBytes}`)
    }
    if (opts.noResponse === true) {
      await new Promise<void>((resolve, reject) => this.writeFrame(frame, err => err == null ? resolve() : reject(new ConnectionError(this.broker, err.message, { cause: err }))))
      return { correlationId, version: v, body: undefined as T }
    }
    return await new Promise<DecodedResponse<T>>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs
      const p: Pending = { api, version: v, resolve, reject, timer: undefined }
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        p.timer = setTimeout(() => {
          this.pending.delete(correlationId)
          this.abandoned.add(correlationId)
          this.settled()
          const err = new TimeoutError(`${api.name} v${v} request to ${this.broker}`, timeoutMs)
          // A response cut short on the wire: part of a frame is here and the rest has not come within the
          // timeout. Responses arrive in order, so every later one is stuck behind it: close the connection (as
          // the Java client closes a connection on any request timeout) so that a retry starts on a fresh one.
          const buffered = this.parser.bufferedBytes
          if (buffered > 0) {
            const cut = new ResponseCutShortError(this.broker, buffered, timeoutMs, { cause: err })
            reject(cut)
            this.destroy(cut)
          } else {
            reject(err)
          }
        }, timeoutMs)
      }
      this.pending.set(correlationId, p)
      this.writeFrame(frame)
    })
  }

  private now (): number { return (this.opts.now ?? Date.now)() }

  /** Sets when the session is to be renewed, from what the authentication step reported. */
  private scheduleReauthentication (result: Authenticated | undefined | void): void {
    const lifetime = result?.sessionLifetimeMs ?? 0
    if (lifetime <= 0) { this.reauthAt = undefined; return }
    const share = REAUTH_AT + (this.opts.random ?? Math.random)() * REAUTH_JITTER
    this.reauthAt = this.now() + Math.floor(lifetime * share)
  }

  /**
   * KIP-368 re-authentication, begun by the first request sent after the renewal time (not by a timer: an idle
   * connection is left alone, and the broker closes it if it is used after expiry without renewal, as with Java).
   * Requests in flight are answered first, the authentication step runs again on this connection, then the
   * requests that waited are sent. A failure closes the connection with a ReauthenticationError, and the requests
   * that waited fail with a ConnectionError, which callers retry on a new connection.
   */
  private async reauthenticate (): Promise<void> {
    const authenticate = this.opts.authenticate
    this.reauthAt = undefined
    try {
      while (this.pending.size > 0 && !this.isClosed) await new Promise<void>(resolve => { this.onIdle = resolve })
      if (this.isClosed || authenticate === undefined) return
      this.scheduleReauthentication(await authenticate(this))
      this.reauthentications++
    } catch (err) {
      this.destroy(new ReauthenticationError(this.broker, err as Error))
    } finally {
      this.onIdle = null
    }
  }

  /** Tells a waiting re-authentication that nothing is in flight any more. */
  private settled (): void {
    if (this.pending.size === 0 && this.onIdle !== null) {
      const idle = this.onIdle
      this.onIdle = null
      idle()
    }
  }

  /** Writes a frame's chunks as one gathered write (cork/uncork); `done` is called once the last is written. */
  private writeFrame (chunks: Buffer[], done?: (err?: Error | null) => void): void {
    if (chunks.length === 1) { this.socket.write(chunks[0], done); return }
    this.socket.cork()
    for (let i = 0; i < chunks.length; i++) this.socket.write(chunks[i], i === chunks.length - 1 ? done : undefined)
    this.socket.uncork()
  }

  /** Bytes from the socket for the frame parser: a 'data' chunk, or `n` bytes read into a buffer it handed out. */
  private received (chunk: Buffer): void
  private received (n: number, into: Buffer): void
  private received (chunk: Buffer | number, into?: Buffer): void {
    try {
      if (typeof chunk === 'number') this.parser.filled(chunk, into as Buffer)
      else this.parser.push(chunk)
    } catch (err) {
      // A bad size prefix: the stream cannot be resynchronised. Before any frame has arrived it means the peer is
      // some other program (an HTTP server's "HTTP" reads as a 1.2 GB frame): say so, with what it sent.
      if (!this.answered && err instanceof ProtocolError) {
        const bytes = typeof chunk === 'number' ? (into as Buffer).subarray(0, chunk) : chunk
        this.destroy(new NotKafkaError(this.broker, Buffer.from(bytes), { cause: err }))
        return
      }
      this.destroy(err as Error)
    }
  }

  private onFrame (frame: Buffer): void {
    if (frame.length < 4) {
      this.destroy(new ProtocolError({ api: 'ResponseHeader', version: 0, field: 'correlationId', offset: 0, direction: 'response' }, `frame of ${frame.length} bytes has no correlation id`))
      return
    }
    const correlationId = frame.readInt32BE(0)
    const p = this.pending.get(correlationId)
    const first = !this.answered
    this.answered = true
    if (p === undefined) {
      if (this.abandoned.delete(correlationId)) return
      if (first) {
        // The first frame does not answer our first request: a peer that frames its bytes by chance, not Kafka.
        const prefix = Buffer.alloc(4)
        prefix.writeInt32BE(frame.length)
        this.destroy(new NotKafkaError(this.broker, Buffer.concat([prefix, frame.subarray(0, 60)])))
        return
      }
      this.destroy(new ConnectionError(this.broker, `response with unknown correlation id ${correlationId}`))
      return
    }
    this.pending.delete(correlationId)
    if (p.timer !== undefined) clearTimeout(p.timer)
    try {
      const res = decodeResponse(p.api, p.version, frame)
      const throttleMs = throttleTimeOf(res.body)
      if (throttleMs > 0 && clientThrottles(p.api.key, p.version)) this.throttle(throttleMs)
      p.resolve(res)
    } catch (err) {
      // The frame was well delimited, so the stream is still in sync: only this request fails.
      if (err instanceof ProtocolError) UNDECODABLE.add(err)
      p.reject(err as Error)
    }
    this.settled()
  }

  /** Holds back the next requests for `ms` (unless an earlier throttle already lasts longer). */
  private throttle (ms: number): void {
    this.throttledMs += ms
    const until = Date.now() + ms
    if (until <= this.throttledUntil && this.throttleGate !== null) return
    this.throttledUntil = until
    // The timer does not keep the process alive by itself; closing the connection opens the gate at once.
    const wait = this.opts.throttleWait ?? (async (n: number) => await new Promise<void>(resolve => { setTimeout(resolve, n).unref() }))
    const gate: Promise<void> = new Promise<void>(resolve => {
      this.openGate = resolve
      wait(ms).then(resolve, resolve)
    }).then(() => { if (this.throttleGate === gate) { this.throttleGate = null; this.openGate = null } })
    this.throttleGate = gate
  }

  /** Closes the connection; requests in flight fail with a ConnectionError. */
  async close (): Promise<void> {
    if (this.isClosed) return
    const closed = new Promise<void>(resolve => {
      if ((this.socket as net.Socket).destroyed === true) resolve()
      else this.socket.once('close', () => resolve())
    })
    this.destroy(new ConnectionError(this.broker, 'connection closed by the client'))
    await closed
  }

  /** Tears the connection down at once and fails everything in flight with `reason` (wrapped unless ours). */
  destroy (reason: Error): void {
    if (this.isClosed) return
    this.isClosed = true
    this.closedWith = reason
    this.openGate?.()
    this.onIdle?.()
    this.parser.reset()
    this.socket.destroy()
    const err = reason instanceof KafkaDirectError ? reason : new ConnectionError(this.broker, reason.message, { cause: reason })
    for (const p of this.pending.values()) {
      if (p.timer !== undefined) clearTimeout(p.timer)
      p.reject(err instanceof ConnectionError || err instanceof NotKafkaError ? err : new ConnectionError(this.broker, `${p.api.name} request failed: ${err.message}`, { cause: err }))
    }
    this.pending.clear()
    this.abandoned.clear()
    this.opts.onClose?.(reason)
  }
}

/** Where a socket's bytes go: its connection's frame parser, directly (`onread`) or through 'data' events. */
interface ReadTarget {
  parser: FrameParser
  /** Reads land in buffers the parser hands out (plain TCP): no 'data' events. */
  direct: boolean
  conn: BrokerConnection | undefined
  /**
   * Hands direct reads to the connection, set by its constructor. It runs in the microtask after 'connect', before
   * any read callback can, so no read finds it unset.
   */
  deliver?: (n: number, buf: Buffer) => void
}

function connectSocket (opts: ConnectionOptions, reads: ReadTarget, timeoutMs: number): Promise<Duplex> {
  const broker = `${opts.host}:${opts.port}`
  if (opts.createSocket !== undefined) return Promise.resolve(opts.createSocket({ host: opts.host, port: opts.port }))
  return new Promise((resolve, reject) => {
    const readyEvent = opts.tls === undefined ? 'connect' : 'secureConnect'
    // Plain TCP reads straight into the frame being assembled (net's `onread`): a Fetch response's body is never
    // copied from a read chunk, and is read in as few system calls as the kernel allows.
    reads.direct = opts.tls === undefined
    const socket: net.Socket = opts.tls === undefined
      ? net.connect({
        host: opts.host,
        port: opts.port,
        onread: {
          buffer: () => reads.parser.readBuffer(),
          callback: (n: number, buf: Uint8Array) => {
            reads.deliver?.(n, buf as Buffer)
            return true
          }
        }
      })
      // SNI needs a host name, not an IP address (RFC 6066 section 3).
      : tls.connect({ servername: net.isIP(opts.host) === 0 ? opts.host : undefined, ...opts.tls, host: opts.host, port: opts.port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new ConnectionError(broker, `connect timed out after ${timeoutMs} ms (socket.connection.setup.timeout.ms)`, { cause: new TimeoutError(`connecting to ${broker}`, timeoutMs) }))
    }, timeoutMs)
    const onError = (err: Error): void => {
      clearTimeout(timer)
      reject(new ConnectionError(broker, `cannot connect: ${err.message}`, { cause: err }))
    }
    socket.once('error', onError)
    socket.once(readyEvent, () => {
      clearTimeout(timer)
      socket.off('error', onError)
      // Requests are whole frames written at once: Nagle's delay would only add latency.
      socket.setNoDelay(true)
      resolve(socket)
    })
  })
}

/** A response's throttleTimeMs, 0 when it has none (every API has one from some version on). */
function throttleTimeOf (body: unknown): number {
  if (typeof body !== 'object' || body === null || !('throttleTimeMs' in body)) return 0
  const ms = body.throttleTimeMs
  return typeof ms === 'number' && ms > 0 ? ms : 0
}
