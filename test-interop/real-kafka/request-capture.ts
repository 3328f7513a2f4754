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
 * Client parts that run against real Kafka in test files of their own, which drive them through a RequestCapture
 * and end with `checkSentFrom` over their folder: the check in client.test.ts covers the rest. Each file named here
 * must make that call (asserted by `apisTheClientSends`), so that nothing is left out of both checks.
 */
const TESTED_ELSEWHERE: Record<string, string[]> = {
  'consumer/admin/': ['test-interop/real-kafka/admin.test.ts'],
  // The classic protocol and the group admin; the KIP-848 membership (consumer-membership.ts).
  'consumer/group/': ['test-interop/group/real-kafka-group.test.ts', 'test-interop/group/real-kafka-kip848.test.ts'],
  'consumer/producer/': ['test-interop/producer/real-kafka-transactions.test.ts']
}

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
  for (const [dir, files] of Object.entries(TESTED_ELSEWHERE)) {
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      if (!text.includes('checkSentFrom(') || !text.includes(`'${dir}`)) throw new Error(`${file} must check the requests of ${dir} with checkSentFrom`)
    }
  }
  const elsewhere = Object.keys(TESTED_ELSEWHERE)
  return apisSentFrom(rel => !NOT_SENDERS.has(rel) && !elsewhere.some(d => rel.startsWith(d)))
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
 * A version the client asks at most, below what it negotiates, and why (e.g. the transactional producer stays
 * below KIP-890's transaction-v2 versions). With `alsoNegotiated`, other code sends the API uncapped too, so both
 * versions must have been sent.
 */
export interface VersionCap { max: number, why: string, alsoNegotiated?: boolean }

/**
 * Each of `apis` was sent (through `capture`) at the version negotiated with the broker at `port`: the newest
 * both our codec and the broker serve, as the client's connections choose it (or `caps[name].max` if lower).
 */
export async function checkNegotiated (t: Checks, capture: RequestCapture, port: number, apis: Map<string, string[]>, caps: Record<string, VersionCap> = {}): Promise<void> {
  const conn = await BrokerConnection.open({ host: '127.0.0.1', port })
  try {
    for (const [name, files] of apis) {
      const api = ALL_APIS.find(a => a.name === name)!
      const v = conn.versionFor(api)
      const cap = caps[name]
      if (cap === undefined || cap.alsoNegotiated === true) {
        t.ok(capture.sent.has(`${name} v${v}`), `${name} v${v} (negotiated; sent by ${files.join(', ')}) was sent to real Kafka`)
      }
      if (cap !== undefined) {
        const capped = Math.min(v, cap.max)
        t.ok(capture.sent.has(`${name} v${capped}`), `${name} v${capped} (negotiated v${v}, at most v${cap.max}: ${cap.why}) was sent to real Kafka`)
      }
    }
    t.comment(`sent: ${[...capture.sent].map(([k, n]) => `${k} ×${n}`).sort().join(', ')}`)
  } finally {
    await conn.close()
  }
}

/**
 * The one call a real-Kafka test file makes after driving its part of the client through `capture`: every API the
 * runtime files under `prefix` (a folder or file relative to the repository) can send was sent at its negotiated
 * version. Reading the APIs from the source means a new admin or producer call is asked for as soon as it exists.
 */
export async function checkSentFrom (t: Checks, capture: RequestCapture, port: number, include: string | ((rel: string) => boolean), caps: Record<string, VersionCap> = {}): Promise<Map<string, string[]>> {
  const apis = apisSentFrom(typeof include === 'string' ? rel => rel.startsWith(include) : include)
  t.ok(apis.size > 0, `the source sends ${[...apis.keys()].join(', ')}`)
  for (const name of Object.keys(caps)) t.ok(apis.has(name), `${name} (capped) is sent by the code checked`)
  await checkNegotiated(t, capture, port, apis, caps)
  return apis
}
