import * as net from 'node:net'
import * as tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { apiByKey } from '../../../protocol/apis/index.js'
import type { DebugContext } from './debug-contexts.js'

// What kcat -d prints, for kafka-direct: librdkafka's debug lines come from inside librdkafka, ours from the
// connections' sockets, which the CLI opens itself when debugging (the library's `createSocket` seam). It sees each
// connection open, connect and close ("broker" context) and the frames that cross it: every request's API, version,
// size and correlation id, and each response's round trip ("protocol" context, or the context of the API's family:
// "metadata", "fetch", "msg" for Produce, "cgrp"/"consumer" for groups, "eos" for transactions, "security" for
// SASL, "feature" for ApiVersions, "admin" for the rest). Lines have librdkafka's shape, level 7:
//   %7|1700000000.123|SEND|kafka-direct#consumer-1| [thrd:127.0.0.1:9092]: 127.0.0.1:9092: Sent MetadataRequest (v12, 43 bytes @ 0, CorrId 2)
// Contexts for librdkafka's internals (generic, topic, queue, interceptor, plugin, mock, assignor, conf) are
// accepted and print nothing: kafka-direct has no such parts to trace.

const FETCH_APIS = ['Fetch', 'ListOffsets', 'OffsetForLeaderEpoch']
const GROUP_APIS = ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch', 'ConsumerGroupHeartbeat']

const FAMILIES: Partial<Record<DebugContext, readonly string[]>> = {
  msg: ['Produce'],
  fetch: FETCH_APIS,
  metadata: ['Metadata'],
  feature: ['ApiVersions'],
  security: ['SaslHandshake', 'SaslAuthenticate'],
  cgrp: GROUP_APIS,
  // librdkafka's consumer context covers the consumer's group and fetch work.
  consumer: [...GROUP_APIS, ...FETCH_APIS],
  eos: ['InitProducerId', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'TxnOffsetCommit']
}

/** The APIs whose requests and responses the contexts trace: all of them, some, or none. */
export function tracedApis (contexts: Set<DebugContext>): ((name: string) => boolean) | undefined {
  if (contexts.has('protocol')) return () => true
  const names = new Set<string>()
  for (const [context, apis] of Object.entries(FAMILIES)) if (contexts.has(context as DebugContext)) for (const a of apis) names.add(a)
  const others = new Set(Object.values(FAMILIES).flat())
  if (contexts.has('admin')) return name => names.has(name) || !others.has(name)
  return names.size === 0 ? undefined : name => names.has(name)
}

/**
 * Reads the first `headBytes` of each size-prefixed frame in a byte stream cut anywhere, skipping the rest: what
 * the trace needs (API key, version, correlation id) without holding any frame.
 */
export class FrameHeads {
  private readonly head: Buffer
  private have = 0
  private skip = 0
  constructor (private readonly headBytes: number, private readonly onHead: (head: Buffer) => void) {
    this.head = Buffer.alloc(headBytes)
  }

  push (chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at)
        this.skip -= n
        at += n
        continue
      }
      const n = Math.min(this.headBytes - this.have, chunk.length - at)
      this.head.set(chunk.subarray(at, at + n), this.have)
      this.have += n
      at += n
      if (this.have === this.headBytes) {
        this.have = 0
        // A frame shorter than the head it claims (a peer's bug) ends where the head does.
        this.skip = Math.max(0, this.head.readInt32BE(0) + 4 - this.headBytes)
        this.onHead(this.head)
      }
    }
  }
}

export interface DebugSocketOptions {
  contexts: Set<DebugContext>
  /** The TLS options of an SSL or SASL_SSL connection (the resolved configuration's `tls`); plain TCP without. */
  tls: tls.ConnectionOptions | undefined
  /** librdkafka's instance name in each line: kafka-direct#consumer-1, kafka-direct#producer-1. */
  name: string
  write: (line: string) => void
}

/** A `createSocket` that traces as the contexts ask; undefined when none of them traces anything here. */
export function debugSocketFactory (o: DebugSocketOptions): ((to: { host: string, port: number }) => Duplex) | undefined {
  const traceBroker = o.contexts.has('broker')
  const traced = tracedApis(o.contexts)
  if (!traceBroker && traced === undefined) return undefined
  let connections = 0
  return ({ host, port }) => {
    const broker = `${host}:${port}`
    const say = (facility: string, message: string): void => {
      o.write(`%7|${(Date.now() / 1000).toFixed(3)}|${facility}|${o.name}| [thrd:${broker}]: ${broker}: ${message}\n`)
    }
    const started = Date.now()
    if (traceBroker) say('CONNECT', `Connecting to ${broker} (${o.tls === undefined ? 'plaintext' : 'ssl'})`)
    // As the library's own connect does (connection.ts connectSocket): SNI only for a host name, no Nagle delay.
    const socket: net.Socket = o.tls === undefined
      ? net.connect({ host, port })
      : tls.connect({ servername: net.isIP(host) === 0 ? host : undefined, ...o.tls, host, port })
    let connected = false
    socket.once(o.tls === undefined ? 'connect' : 'secureConnect', () => {
      connected = true
      socket.setNoDelay(true)
      if (traceBroker) say('CONNECTED', `Connected (#${++connections})`)
    })
    if (traceBroker) {
      socket.once('error', err => {
        say('FAIL', connected ? `Disconnected: ${err.message}` : `Connect to ${broker} failed: ${err.message} (after ${Date.now() - started}ms)`)
      })
      socket.once('close', () => { if (connected) say('DISCONNECT', `Disconnected (after ${Date.now() - started}ms)`) })
    }
    if (traced !== undefined) {
      const sent = new Map<number, { name: string, version: number, at: number }>()
      const requests = new FrameHeads(12, head => {
        const key = head.readInt16BE(4)
        const version = head.readInt16BE(6)
        const correlationId = head.readInt32BE(8)
        const name = apiByKey(key)?.name ?? `Unknown-${key}`
        sent.set(correlationId, { name, version, at: performance.now() })
        if (traced(name)) say('SEND', `Sent ${name}Request (v${version}, ${head.readInt32BE(0) + 4} bytes @ 0, CorrId ${correlationId})`)
      })
      const responses = new FrameHeads(8, head => {
        const correlationId = head.readInt32BE(4)
        const request = sent.get(correlationId)
        sent.delete(correlationId)
        if (request === undefined || !traced(request.name)) return
        const rttMs = (performance.now() - request.at).toFixed(2)
        say('RECV', `Received ${request.name}Response (v${request.version}, ${head.readInt32BE(0) + 4} bytes, CorrId ${correlationId}, rtt ${rttMs}ms)`)
      })
      const write = socket.write.bind(socket) as (chunk: Uint8Array, cb?: (err?: Error | null) => void) => boolean
      socket.write = ((chunk: Uint8Array, cb?: (err?: Error | null) => void): boolean => {
        requests.push(chunk)
        return write(chunk, cb)
      }) as typeof socket.write
      socket.on('data', (chunk: Buffer) => { responses.push(chunk) })
    }
    return socket
  }
}
