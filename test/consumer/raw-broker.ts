import * as net from 'node:net'
import { decodeRequest, encodeResponse, type DecodedRequest } from '../../protocol/messages.js'
import { FrameParser } from '../../consumer/frame-parser.js'

// A tiny hand-driven broker for connection tests: it decodes each request frame and hands it to the test, which
// answers with a body (encoded at the request's version), raw bytes, or nothing at all. Listens on 127.0.0.1:0.

export interface RawRequest extends DecodedRequest {
  socket: net.Socket
  /** Encodes `body` as this request's response (at `version`, default the request's) and writes it. */
  reply: (body: object, version?: number) => void
}

export type RawHandler = (req: RawRequest) => void

export interface RawBroker {
  port: number
  address: string
  requests: RawRequest[]
  sockets: Set<net.Socket>
  close: () => Promise<void>
}

export async function startRawBroker (handler: RawHandler): Promise<RawBroker> {
  const requests: RawRequest[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer(socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    const parser = new FrameParser({
      maxFrameBytes: 1 << 24,
      onFrame: frame => {
        const req = decodeRequest(frame)
        const r: RawRequest = {
          ...req,
          socket,
          reply: (body, version) => {
            if (!socket.destroyed) socket.write(encodeResponse(req.api, version ?? req.header.apiVersion, req.header.correlationId, body))
          }
        }
        requests.push(r)
        handler(r)
      }
    })
    socket.on('data', chunk => parser.push(chunk))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    address: `127.0.0.1:${port}`,
    requests,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** An ApiVersions body listing the given ranges. */
export function apiVersionsBody (ranges: Array<[key: number, min: number, max: number]>, errorCode = 0): object {
  return { errorCode, apiKeys: ranges.map(([apiKey, minVersion, maxVersion]) => ({ apiKey, minVersion, maxVersion })) }
}

/**
 * Answers the ApiVersions and Metadata requests of a one-broker cluster holding one single-partition topic, led by
 * that broker (node 1 at `port`): what every hand-driven broker says before the Fetch it is about. False for any
 * other request, which the caller answers.
 */
export function replyClusterOfOne (req: RawRequest, port: number, opts: { topic?: string, leaderEpoch?: number } = {}): boolean {
  if (req.api.name === 'ApiVersions') {
    req.reply(apiVersionsBody([[18, 0, 3], [3, 0, 12], [1, 4, 12], [2, 1, 7]]))
    return true
  }
  if (req.api.name === 'Metadata') {
    req.reply({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
      controllerId: 1,
      topics: [{ errorCode: 0, name: opts.topic ?? 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: opts.leaderEpoch ?? 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }]
    })
    return true
  }
  return false
}
