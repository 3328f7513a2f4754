import { ConfigError } from '../../protocol/errors.js'
import type { CompressionCodec } from '../../protocol/compression/codec.js'
import type { ConfigInput } from '../config.js'

// The producer's own settings, under the Java client's names and librdkafka's aliases (so kcat's `-X key=value`
// passes straight through), split off from the connection settings, which go to KafkaClient unchanged.

export type Acks = 0 | 1 | -1
/** murmur2_random: the Java client's default (murmur2 of the key); consistent_random: librdkafka's (CRC-32). */
export type PartitionerName = 'murmur2_random' | 'consistent_random' | 'random'

export interface ProducerConfig {
  /** 0: no response; 1: the leader has it; -1 (`all`): every in-sync replica has it. Default -1. */
  acks: Acks
  /** How long a batch may wait for more records before it is sent (`linger.ms`). Default 5, as Java 4.0. */
  lingerMs: number
  /** A batch is sent once its records take this many bytes (`batch.size`). Default 1 MiB, as librdkafka. */
  batchSize: number
  /** A batch is also sent once it holds this many records (librdkafka `batch.num.messages`). Default 10000. */
  batchRecords: number
  compression: CompressionCodec
  /** Producer ids and sequence numbers, so retries never duplicate or reorder (KIP-98). Default true with acks=all. */
  enableIdempotence: boolean
  /** Produce requests in flight per broker connection. At most 5 with idempotence, as Kafka requires. */
  maxInFlight: number
  /** Bytes of records buffered (waiting or in flight) before `produce` makes the caller wait (`buffer.memory`). */
  bufferMemory: number
  /** How long `produce` may wait for buffer space or topic metadata (`max.block.ms`). */
  maxBlockMs: number
  /** Upper bound on the time from `produce` to a delivery report, retries included (`delivery.timeout.ms`). */
  deliveryTimeoutMs: number
  partitioner: PartitionerName
  /** Makes the producer transactional (KIP-98); implies idempotence. */
  transactionalId: string | undefined
  /** How long the coordinator lets a transaction run before aborting it (`transaction.timeout.ms`). */
  transactionTimeoutMs: number
}

export const PRODUCER_DEFAULTS: ProducerConfig = {
  acks: -1,
  lingerMs: 5,
  batchSize: 1_048_576,
  batchRecords: 10_000,
  compression: 'none',
  enableIdempotence: true,
  maxInFlight: 5,
  bufferMemory: 32 * 1024 * 1024,
  maxBlockMs: 60_000,
  deliveryTimeoutMs: 120_000,
  partitioner: 'murmur2_random',
  transactionalId: undefined,
  transactionTimeoutMs: 60_000
}

type Kind = 'int' | 'acks' | 'codec' | 'bool' | 'partitioner' | 'string' | 'kbytes'
interface KeySpec { camel: keyof ProducerConfig, dotted: string[], kind: Kind, min?: number, max?: number }

const INT32_MAX = 0x7fffffff
const KEYS: KeySpec[] = [
  { camel: 'acks', dotted: ['acks', 'request.required.acks'], kind: 'acks' },
  { camel: 'lingerMs', dotted: ['linger.ms', 'queue.buffering.max.ms'], kind: 'int', min: 0, max: 900_000 },
  { camel: 'batchSize', dotted: ['batch.size'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'batchRecords', dotted: ['batch.num.messages'], kind: 'int', min: 1, max: 1_000_000 },
  { camel: 'compression', dotted: ['compression.type', 'compression.codec'], kind: 'codec' },
  { camel: 'enableIdempotence', dotted: ['enable.idempotence'], kind: 'bool' },
  { camel: 'maxInFlight', dotted: ['max.in.flight.requests.per.connection', 'max.in.flight'], kind: 'int', min: 1, max: 1_000_000 },
  { camel: 'bufferMemory', dotted: ['buffer.memory'], kind: 'int', min: 1024, max: Number.MAX_SAFE_INTEGER },
  // librdkafka counts its queue in KiB.
  { camel: 'bufferMemory', dotted: ['queue.buffering.max.kbytes'], kind: 'kbytes', min: 1, max: INT32_MAX },
  { camel: 'maxBlockMs', dotted: ['max.block.ms'], kind: 'int', min: 0, max: INT32_MAX },
  { camel: 'deliveryTimeoutMs', dotted: ['delivery.timeout.ms', 'message.timeout.ms'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'partitioner', dotted: ['partitioner'], kind: 'partitioner' },
  { camel: 'transactionalId', dotted: ['transactional.id'], kind: 'string' },
  { camel: 'transactionTimeoutMs', dotted: ['transaction.timeout.ms'], kind: 'int', min: 1, max: INT32_MAX }
]
const BY_NAME = new Map<string, KeySpec>()
for (const k of KEYS) {
  if (!BY_NAME.has(k.camel)) BY_NAME.set(k.camel, k)
  for (const d of k.dotted) BY_NAME.set(d, k)
}

/** Whether a configuration key (camelCase or dotted) is a producer setting rather than a client one. */
export function isProducerKey (key: string): boolean {
  return BY_NAME.has(key)
}

const CODECS = new Set<string>(['none', 'gzip', 'snappy', 'lz4', 'zstd'])

function parseValue (spec: KeySpec, key: string, value: unknown): unknown {
  const str = typeof value === 'string' ? value.trim() : value
  switch (spec.kind) {
    case 'int':
    case 'kbytes': {
      const n = typeof str === 'string' && /^-?\d+$/.test(str) ? Number(str) : str
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(key, `expected an integer, got ${JSON.stringify(value)}`)
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ConfigError(key, `${n} is outside ${spec.min ?? '-inf'}..${spec.max ?? 'inf'}`)
      }
      return spec.kind === 'kbytes' ? n * 1024 : n
    }
    case 'acks':
      if (str === 'all' || str === -1 || str === '-1') return -1
      if (str === 0 || str === '0') return 0
      if (str === 1 || str === '1') return 1
      throw new ConfigError(key, `expected 0, 1, -1 or all, got ${JSON.stringify(value)}`)
    case 'codec':
      if (typeof str !== 'string' || !CODECS.has(str)) throw new ConfigError(key, `expected none, gzip, snappy, lz4 or zstd, got ${JSON.stringify(value)}`)
      return str
    case 'bool':
      if (str === true || str === 'true') return true
      if (str === false || str === 'false') return false
      throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`)
    case 'partitioner':
      if (str !== 'murmur2_random' && str !== 'consistent_random' && str !== 'random') {
        throw new ConfigError(key, `expected murmur2_random, consistent_random or random, got ${JSON.stringify(value)}`)
      }
      return str
    case 'string':
      if (typeof str !== 'string' || str === '') throw new ConfigError(key, `expected a non-empty string, got ${JSON.stringify(value)}`)
      return str
  }
}

/**
 * Splits a configuration into the producer's settings (validated, defaults filled) and the rest, which is the
 * client's (bootstrap servers, timeouts, security) and is validated by KafkaClient.
 */
export function parseProducerConfig (input: ConfigInput): { producer: ProducerConfig, client: ConfigInput } {
  if (input === null || typeof input !== 'object') throw new ConfigError('(config)', 'expected an object')
  const out: Record<string, unknown> = { ...PRODUCER_DEFAULTS }
  const client: Record<string, unknown> = {}
  const seen = new Map<string, string>()
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    const spec = BY_NAME.get(key)
    if (spec === undefined) { client[key] = value; continue }
    const earlier = seen.get(spec.camel)
    if (earlier !== undefined) throw new ConfigError(key, `given twice (also as ${earlier})`)
    seen.set(spec.camel, key)
    out[spec.camel] = parseValue(spec, key, value)
  }
  const cfg = out as unknown as ProducerConfig
  const idempotenceKey = seen.get('enableIdempotence')
  if (cfg.transactionalId !== undefined) {
    if (idempotenceKey !== undefined && !cfg.enableIdempotence) throw new ConfigError(idempotenceKey, 'a transactional producer is idempotent (transactional.id is set)')
    cfg.enableIdempotence = true
  }
  // Idempotence needs every in-sync replica to have a batch before its sequence counts as written, and the broker
  // keeps only the last five batches per producer to spot retried duplicates (KIP-98; Java's ProducerConfig).
  if (cfg.enableIdempotence && cfg.acks !== -1) {
    if (idempotenceKey !== undefined || cfg.transactionalId !== undefined) throw new ConfigError(seen.get('acks') ?? 'acks', 'idempotence needs acks=all')
    cfg.enableIdempotence = false // on by default, but not asked for: acks=0/1 turns it off, as the Java client does
  }
  if (cfg.enableIdempotence && cfg.maxInFlight > 5) {
    if (idempotenceKey !== undefined) throw new ConfigError(seen.get('maxInFlight') ?? 'max.in.flight.requests.per.connection', 'at most 5 with idempotence')
    cfg.maxInFlight = 5
  }
  return { producer: cfg, client: client as ConfigInput }
}
