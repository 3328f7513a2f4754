import { ErrorCode, errorInfo } from '../../protocol/error-codes.js'
import { iterateRecords, scanBatches } from '../../protocol/records/index.js'

// Makes the answers of two different brokers comparable. What legitimately differs between two clusters is
// replaced by a placeholder: node ids, hosts and ports, the cluster id, throttle times, random ids (topic ids,
// member ids) and error message texts (whose wording is the broker's own; whether there is one is kept). Random
// ids become "<topic-id#1>", "<member#2>" in order of first appearance, so that "the leader is this member" still
// compares. Everything else is kept as data: error codes (shown with their names), offsets, record timestamps set
// by the test, flags. Record bytes are decoded into their batches and records, since the two brokers need not
// cut a Fetch response at the same byte (only whole batches are compared; a cut tail is noted as such).

const NODE_KEYS = new Set(['nodeId', 'leaderId', 'controllerId', 'replicaNodes', 'isrNodes', 'offlineReplicas', 'brokerId'])
const RANDOM_ID_KEYS: Record<string, string> = { topicId: 'topic-id', memberId: 'member', leader: 'member' }
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

export class Normalizer {
  private readonly ids = new Map<string, string>()
  private readonly counters = new Map<string, number>()

  normalize (value: unknown, key = ''): unknown {
    if (value === null || value === undefined) return value
    if (key === 'throttleTimeMs') return 0
    if (key === '_unknownTaggedFields') return undefined
    if (key === 'host') return '<host>'
    if (key === 'port') return '<port>'
    if (key === 'clusterId') return '<cluster>'
    if (key === 'errorMessage' || key === 'message') return '<message>'
    if (key === 'records' && Buffer.isBuffer(value)) return describeRecords(value)
    if (NODE_KEYS.has(key)) return Array.isArray(value) ? value.map(v => this.node(v)) : this.node(value)
    if (key in RANDOM_ID_KEYS && typeof value === 'string') return this.randomId(RANDOM_ID_KEYS[key], value)
    if (/errorCode$/i.test(key) && typeof value === 'number') return errorName(value)
    if (typeof value === 'bigint') return `${value}n`
    if (Buffer.isBuffer(value)) return `bytes ${value.toString('hex')}`
    if (Array.isArray(value)) return value.map(v => this.normalize(v, key))
    if (typeof value === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) {
        const n = this.normalize(v, k)
        if (n !== undefined) out[k] = n
      }
      return out
    }
    return value
  }

  private node (v: unknown): unknown {
    return typeof v === 'number' && v >= 0 ? this.randomId('node', String(v)) : v
  }

  private randomId (kind: string, value: string): string {
    if (value === '' || value === ZERO_UUID) return value
    const key = `${kind}:${value}`
    let id = this.ids.get(key)
    if (id === undefined) {
      const n = (this.counters.get(kind) ?? 0) + 1
      this.counters.set(kind, n)
      this.ids.set(key, id = `<${kind}#${n}>`)
    }
    return id
  }
}

export function errorName (code: number): string {
  return code === ErrorCode.NONE ? 'NONE' : `${errorInfo(code).name} (${code})`
}

/** A records blob as its whole batches and their records; the bytes of a cut-off last batch are only counted. */
export function describeRecords (blob: Buffer): unknown {
  const { batches, truncatedTail } = scanBatches(blob)
  const whole = batches.length === 0 ? 0 : batches[batches.length - 1].end
  return {
    batches: batches.map(b => ({
      baseOffset: `${b.baseOffset}n`,
      lastOffset: `${b.lastOffset}n`,
      recordCount: b.recordCount,
      magic: b.magic,
      compression: b.compression,
      timestampType: b.timestampType,
      firstTimestamp: `${b.firstTimestamp}n`,
      maxTimestamp: `${b.maxTimestamp}n`,
      partitionLeaderEpoch: b.partitionLeaderEpoch,
      producerId: `${b.producerId}n`
    })),
    records: [...iterateRecords(blob.subarray(0, whole))].map(r => ({
      offset: `${r.offset}n`,
      timestamp: `${r.timestamp}n`,
      key: r.key?.toString() ?? null,
      value: r.value === null ? null : r.value.length > 64 ? `${r.value.length} bytes` : r.value.toString(),
      headers: r.headers.map(h => `${h.key}=${h.value?.toString() ?? 'null'}`)
    })),
    truncatedTail
  }
}

/** Every leaf where `fake` differs from `kafka`, as "path: kafka X, fake Y". */
export function differences (kafka: unknown, fake: unknown, path = ''): string[] {
  if (isObject(kafka) && isObject(fake)) {
    const out: string[] = []
    for (const k of new Set([...Object.keys(kafka), ...Object.keys(fake)])) {
      out.push(...differences(kafka[k], fake[k], path === '' ? k : `${path}.${k}`))
    }
    return out
  }
  if (Array.isArray(kafka) && Array.isArray(fake)) {
    if (kafka.length !== fake.length) return [`${path}: kafka ${show(kafka)}, fake ${show(fake)}`]
    return kafka.flatMap((k, i) => differences(k, fake[i], `${path}[${i}]`))
  }
  return JSON.stringify(kafka) === JSON.stringify(fake) ? [] : [`${path}: kafka ${show(kafka)}, fake ${show(fake)}`]
}

function isObject (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function show (v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined'
  return s.length > 300 ? `${s.slice(0, 300)}...` : s
}
