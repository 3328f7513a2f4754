import { readdirSync, readFileSync, statSync } from 'node:fs'
import * as net from 'node:net'
import * as tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ALL_APIS, apiByKey } from '../../protocol/apis/index.js'
import { BrokerConnection } from '../../consumer/connection.js'

// Which requests our client sent, and at which version: a socket factory (the client's `createSocket` seam) whose
// sockets read the request header (size, api key, api version) of every frame written. Used by the real-Kafka tests
// to check that every request the client can send has been sent to real Kafka at the version negotiated with it.

export class RequestCapture {
  /** "Name vN" -> how many were sent. */
  readonly sent = new Map<string, number>()

  /** A `createSocket` for the client config; with `tlsOptions`, the socket is a TLS one (createSocket replaces both). */
  socketFactory (tlsOptions?: tls.ConnectionOptions): (opts: { host: string, port: number }) => Duplex {
    return ({ host, port }) => {
      const socket: net.Socket = tlsOptions === undefined ? net.connect({ host, port }) : tls.connect({ ...tlsOptions, host, port })
      socket.setNoDelay(true)
      let pending = Buffer.alloc(0)
      const write = socket.write.bind(socket) as (chunk: Buffer, ...rest: unknown[]) => boolean
      // Frames may be written whole or in pieces: parse the byte stream, not the write calls.
      socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
        pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk])
        while (pending.length >= 8 && pending.length >= 4 + pending.readInt32BE(0)) {
          const api = apiByKey(pending.readInt16BE(4))
          const key = `${api?.name ?? `key ${pending.readInt16BE(4)}`} v${pending.readInt16BE(6)}`
          this.sent.set(key, (this.sent.get(key) ?? 0) + 1)
          pending = pending.subarray(4 + pending.readInt32BE(0))
        }
        return write(chunk, ...rest)
      }) as typeof socket.write
      return socket
    }
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Runtime code that sends requests. tools/cli/commands/decode.ts only decodes captured bytes: it sends nothing. */
const SENDERS = ['consumer', 'streaming', 'tools/cli']
const NOT_SENDERS = new Set(['tools/cli/commands/decode.ts'])
/**
 * Client parts that run against real Kafka in test files of their own, where their requests are sent and checked:
 * the group consumer (group/real-kafka-group.test.ts for the classic protocol and the group admin,
 * real-kafka-kip848.test.ts for consumer-membership.ts, both with `apisSentFrom` and `checkNegotiated`), the Admin
 * client (real-kafka/admin.test.ts) and the producer (producer/real-kafka-transactions.test.ts). The check here
 * covers the rest; admin/ and producer/ do not yet assert the negotiated version of each request they send.
 */
const TESTED_ELSEWHERE = ['consumer/admin/', 'consumer/group/', 'consumer/producer/']

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : []
  })
}

/**
 * The APIs our client can send, read from its source: every API schema imported as a value (not `import type`)
 * from protocol/apis/ by runtime code under consumer/, streaming/ or tools/cli/, with the files importing it. Read
 * rather than listed, so that code sending a new API makes the coverage test ask for it.
 */
export function apisTheClientSends (): Map<string, string[]> {
  return apisSentFrom(rel => !NOT_SENDERS.has(rel) && !TESTED_ELSEWHERE.some(d => rel.startsWith(d)))
}

/** The APIs imported as values by the runtime source files (paths relative to the repository) that `include` accepts. */
export function apisSentFrom (include: (rel: string) => boolean): Map<string, string[]> {
  const names = new Set(ALL_APIS.map(a => a.name))
  const out = new Map<string, string[]>()
  for (const file of SENDERS.flatMap(d => sourceFiles(join(ROOT, d)))) {
    const rel = relative(ROOT, file)
    if (!include(rel)) continue
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[./]*\/protocol\/apis\/[^']*'/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0].trim()
        if (name.startsWith('type ') || !names.has(name)) continue
        out.set(name, [...(out.get(name) ?? []), rel])
      }
    }
  }
  return out
}

interface Checks { ok: (value: unknown, message?: string) => void, comment: (message: string) => void }

/**
 * Each of `apis` was sent (through `capture`) at the version negotiated with the broker at `port`: the newest
 * both our codec and the broker serve, as the client's connections choose it.
 */
export async function checkNegotiated (t: Checks, capture: RequestCapture, port: number, apis: Map<string, string[]>): Promise<void> {
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port })
  try {
    for (const [name, files] of apis) {
      const api = ALL_APIS.find(a => a.name === name)!
      const v = conn.versionFor(api)
      t.ok(capture.sent.has(`${name} v${v}`), `${name} v${v} (negotiated; sent by ${files.join(', ')}) was sent to real Kafka`)
    }
    t.comment(`sent: ${[...capture.sent].map(([k, n]) => `${k} ×${n}`).sort().join(', ')}`)
  } finally {
    await conn.close()
  }
}
