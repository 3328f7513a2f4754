import fc from 'fast-check'
import { connect, type Socket } from 'node:net'
import { encodeRequest } from '../../../protocol/messages.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import type { ApiSchema } from '../../../protocol/schema/define.js'
import { inRange } from '../../../protocol/schema/versions.js'
import { SASL_HANDLERS } from '../../../tools/fake-broker/handlers/index.js'
import { arbitraryStruct } from '../../protocol/schema/arbitrary.js'

// Mutated requests for fuzzing the fake broker, reproducible from a seed. Every API the broker serves (SASL ones
// included), every version, in turn: a body generated from the schema (nudged toward an existing topic, small
// partition numbers and short waits, so that requests reach the handlers' logic instead of failing their
// lookups), encoded, and then sent as is, with 1-4 bytes changed, or cut short (the size prefix made to match,
// so the frame still parses as one frame); now and then an API key or version the broker does not serve.

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const TOPIC_FIELDS = new Set(['name', 'topic', 'topicName'])
const PARTITION_FIELDS = new Set(['partition', 'partitionIndex', 'index'])
const WAIT_FIELDS = new Set(['maxWaitMs', 'timeoutMs', 'sessionTimeoutMs', 'rebalanceTimeoutMs'])

/** Steers a generated body toward the broker's state, in place. */
function steer (value: unknown, rnd: () => number, topic: string): void {
  if (Array.isArray(value)) { for (const v of value) steer(v, rnd, topic); return }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return
  const o = value as Record<string, unknown>
  for (const [k, v] of Object.entries(o)) {
    if (TOPIC_FIELDS.has(k) && typeof v === 'string' && rnd() < 0.6) o[k] = topic
    else if ((k === 'groupId' || k === 'key') && typeof v === 'string' && rnd() < 0.6) o[k] = 'fuzz-group'
    else if (PARTITION_FIELDS.has(k) && typeof v === 'number' && rnd() < 0.8) o[k] = Math.floor(rnd() * 3)
    else if (WAIT_FIELDS.has(k) && typeof v === 'number') o[k] = Math.floor(rnd() * 20)
    else if (k === 'fetchOffset' && typeof v === 'bigint' && rnd() < 0.7) o[k] = BigInt(Math.floor(rnd() * 5))
    else if (k === 'records' && rnd() < 0.5) o[k] = encodeRecordBatch([{ value: 'fuzz', timestamp: Date.now() }], { compression: rnd() < 0.3 ? 'gzip' : 'none' })
    else steer(v, rnd, topic)
  }
}

interface Target { api: ApiSchema, version: number, arb: fc.Arbitrary<Record<string, unknown>> }

function targets (): Target[] {
  const out: Target[] = []
  for (const h of SASL_HANDLERS.values()) {
    for (let v = h.versions.min; v <= h.versions.max; v++) {
      out.push({ api: h.api, version: v, arb: arbitraryStruct(h.api.request, v, inRange(h.api.flexible, v)) })
    }
  }
  return out
}

/** `count` request frames (size-prefixed), from `seed`. */
export function * fuzzFrames (seed: number, count: number, topic = 't'): Generator<Buffer> {
  const rnd = prng(seed)
  const all = targets()
  for (let i = 0; i < count; i++) {
    if (rnd() < 0.02) {
      // A key nobody serves, or a served key at a version out of range: header v1, a few bytes of body.
      const w = Buffer.alloc(4 + 10 + 8)
      w.writeInt32BE(w.length - 4, 0)
      w.writeInt16BE(rnd() < 0.5 ? 32 + Math.floor(rnd() * 40) : 3, 4)
      w.writeInt16BE(rnd() < 0.5 ? 0 : 99, 6)
      w.writeInt32BE(i, 8)
      w.writeInt16BE(2, 12)
      w.write('fz', 14)
      yield w
      continue
    }
    const { api, version, arb } = all[i % all.length]
    const [body] = fc.sample(arb, { seed: (seed + i) | 0, numRuns: 1 })
    steer(body, rnd, topic)
    let frame: Buffer
    try {
      frame = Buffer.from(encodeRequest(api, version, { correlationId: i, clientId: 'fuzz' }, body))
    } catch {
      continue
    }
    const mode = rnd()
    if (mode < 0.4) {
      yield frame
    } else if (mode < 0.75) {
      for (let k = 1 + Math.floor(rnd() * 4); k > 0 && frame.length > 4; k--) frame[4 + Math.floor(rnd() * (frame.length - 4))] = Math.floor(rnd() * 256)
      yield frame
    } else {
      const cut = frame.subarray(0, 4 + Math.floor(rnd() * (frame.length - 4)))
      cut.writeInt32BE(cut.length - 4, 0)
      yield cut
    }
  }
}

/**
 * Sends frames over `parallel` connections to `address`, one at a time per connection: each waits for an answer,
 * the connection's close, or `waitMs` (acks-0 produce and long polls answer late or never), then the next goes;
 * a closed or silent connection is replaced. Returns how many frames were answered and how many connections closed.
 */
export async function sendFrames (address: string, frames: Iterable<Buffer>, opts: { parallel?: number, waitMs?: number } = {}): Promise<{ answered: number, closed: number }> {
  const [host, port] = address.split(',')[0].split(':')
  const it = frames[Symbol.iterator]()
  let answered = 0
  let closed = 0
  const worker = async (): Promise<void> => {
    let socket: Socket | undefined
    let onFrame: (() => void) | undefined
    let buffered = 0
    const open = async (): Promise<Socket> => {
      const s = connect(Number(port), host)
      s.on('error', () => {})
      s.on('data', d => {
        buffered += d.length
        // Only "something came back" matters here; the bytes are not parsed.
        onFrame?.()
      })
      await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject) })
      return s
    }
    for (let next = it.next(); next.done !== true; next = it.next()) {
      socket ??= await open()
      const s = socket
      const outcome = await new Promise<'answer' | 'closed' | 'silent'>(resolve => {
        const timer = setTimeout(() => { resolve('silent') }, opts.waitMs ?? 100)
        onFrame = () => { clearTimeout(timer); resolve('answer') }
        s.once('close', () => { clearTimeout(timer); resolve('closed') })
        s.write(next.value)
      })
      onFrame = undefined
      s.removeAllListeners('close')
      if (outcome === 'answer') answered++
      if (outcome !== 'answer') {
        if (outcome === 'closed') closed++
        s.destroy()
        socket = undefined
      }
    }
    socket?.destroy()
    void buffered
  }
  await Promise.all(Array.from({ length: opts.parallel ?? 8 }, worker))
  return { answered, closed }
}
