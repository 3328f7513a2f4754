import { ConfigError } from '../../protocol/errors.js'
import type { ConfigInput } from '../config.js'

// A group member's settings, under the Java client's names (ConsumerConfig) and their camelCase forms; the
// connection and fetch settings (consumer/config.ts) pass through untouched. Validated when given, as every
// configuration here is: a bad value is a ConfigError naming the key.

export type AutoOffsetReset = 'earliest' | 'latest' | 'none'
export type GroupProtocolName = 'classic' | 'consumer'

export interface GroupConfig {
  /** `group.id`: required. */
  groupId: string
  /** `session.timeout.ms`: without a heartbeat for this long the coordinator drops the member (default 45 s). */
  sessionTimeoutMs: number
  /** `heartbeat.interval.ms`: how often the member heartbeats (default 3 s, under a third of the session). */
  heartbeatIntervalMs: number
  /** `max.poll.interval.ms`: a member that asks for no records for this long leaves the group (default 5 min). */
  maxPollIntervalMs: number
  /** `rebalance.timeout.ms`: how long the coordinator waits for members to rejoin (default max.poll.interval.ms). */
  rebalanceTimeoutMs: number
  /** `enable.auto.commit` (default true) and `auto.commit.interval.ms` (default 5 s). */
  enableAutoCommit: boolean
  autoCommitIntervalMs: number
  /** `auto.offset.reset`: where a partition without a committed offset starts (default latest). */
  autoOffsetReset: AutoOffsetReset
  /** `partition.assignment.strategy`: assignor names in preference order (default range, cooperative-sticky). */
  partitionAssignmentStrategy: string[]
  /** `group.instance.id`: static membership (KIP-345); null for a dynamic member. */
  groupInstanceId: string | null
  /** `client.rack`: sent in the subscription (v3) for rack-aware assignors. */
  clientRack: string | null
  /** `group.protocol`: classic (JoinGroup/SyncGroup, the default) or consumer (KIP-848, ConsumerGroupHeartbeat). */
  groupProtocol: GroupProtocolName
  /** `group.remote.assignor`: with group.protocol=consumer, the coordinator's assignor (uniform, range); null: its default. */
  groupRemoteAssignor: string | null
}

type Kind = 'int' | 'bool' | 'string' | 'nullableString' | 'reset' | 'list' | 'protocol'
interface KeySpec { camel: keyof GroupConfig, dotted: string, kind: Kind, min?: number }

const KEYS: KeySpec[] = [
  { camel: 'groupId', dotted: 'group.id', kind: 'string' },
  { camel: 'sessionTimeoutMs', dotted: 'session.timeout.ms', kind: 'int', min: 1 },
  { camel: 'heartbeatIntervalMs', dotted: 'heartbeat.interval.ms', kind: 'int', min: 1 },
  { camel: 'maxPollIntervalMs', dotted: 'max.poll.interval.ms', kind: 'int', min: 1 },
  { camel: 'rebalanceTimeoutMs', dotted: 'rebalance.timeout.ms', kind: 'int', min: 1 },
  { camel: 'enableAutoCommit', dotted: 'enable.auto.commit', kind: 'bool' },
  { camel: 'autoCommitIntervalMs', dotted: 'auto.commit.interval.ms', kind: 'int', min: 1 },
  { camel: 'autoOffsetReset', dotted: 'auto.offset.reset', kind: 'reset' },
  { camel: 'partitionAssignmentStrategy', dotted: 'partition.assignment.strategy', kind: 'list' },
  { camel: 'groupInstanceId', dotted: 'group.instance.id', kind: 'nullableString' },
  { camel: 'clientRack', dotted: 'client.rack', kind: 'nullableString' },
  { camel: 'groupProtocol', dotted: 'group.protocol', kind: 'protocol' },
  { camel: 'groupRemoteAssignor', dotted: 'group.remote.assignor', kind: 'nullableString' }
]
const BY_NAME = new Map<string, KeySpec>()
for (const k of KEYS) { BY_NAME.set(k.camel, k); BY_NAME.set(k.dotted, k) }

/** Every group key by its dotted and camelCase names (for spelling suggestions and unknown-key checks). */
export function groupConfigKeyNames (): string[] {
  return [...BY_NAME.keys()]
}

export const GROUP_DEFAULTS: Omit<GroupConfig, 'groupId' | 'rebalanceTimeoutMs'> = {
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  enableAutoCommit: true,
  autoCommitIntervalMs: 5_000,
  autoOffsetReset: 'latest',
  // The Java client's default since 3.0: range first (every member understands it), cooperative-sticky second so
  // that a group can move to it by a rolling restart (KIP-726).
  partitionAssignmentStrategy: ['range', 'cooperative-sticky'],
  groupInstanceId: null,
  clientRack: null,
  groupProtocol: 'classic',
  groupRemoteAssignor: null
}

// librdkafka and kcat accept a few spellings of the reset policy.
const RESETS: Record<string, AutoOffsetReset> = {
  earliest: 'earliest', smallest: 'earliest', beginning: 'earliest',
  latest: 'latest', largest: 'latest', end: 'latest',
  none: 'none', error: 'none'
}

function parseValue (spec: KeySpec, key: string, value: unknown): unknown {
  switch (spec.kind) {
    case 'int': {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
      if (typeof n !== 'number' || !Number.isInteger(n) || n < (spec.min ?? 0) || n > 0x7fffffff) throw new ConfigError(key, `expected an integer >= ${spec.min ?? 0}, got ${JSON.stringify(value)}`)
      return n
    }
    case 'bool':
      if (value === true || value === 'true') return true
      if (value === false || value === 'false') return false
      throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`)
    case 'string':
      if (typeof value !== 'string' || value === '') throw new ConfigError(key, 'expected a non-empty string')
      return value
    case 'nullableString':
      if (value === null) return null
      if (typeof value !== 'string' || value === '') throw new ConfigError(key, 'expected a non-empty string or null')
      return value
    case 'reset': {
      const r = typeof value === 'string' ? RESETS[value.toLowerCase()] : undefined
      if (r === undefined) throw new ConfigError(key, `expected earliest, latest or none, got ${JSON.stringify(value)}`)
      return r
    }
    case 'list': {
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null
      if (list === null) throw new ConfigError(key, 'expected "a,b" or an array of names')
      // The Java client's class names are accepted for its built-in assignors.
      const names = list.map(x => String(x).trim()).filter(x => x !== '').map(x => JAVA_CLASSES[x] ?? x)
      if (names.length === 0) throw new ConfigError(key, 'no assignor named')
      return names
    }
    case 'protocol': {
      const p = typeof value === 'string' ? value.toLowerCase() : value
      if (p !== 'classic' && p !== 'consumer') throw new ConfigError(key, `expected classic or consumer, got ${JSON.stringify(value)}`)
      return p
    }
  }
}

const JAVA_CLASSES: Record<string, string> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky'
}

/**
 * Splits a configuration into the group's settings and the rest (connection and fetch settings, for
 * consumer/config.ts to validate). Throws ConfigError for a bad group setting or a missing group.id.
 */
export function parseGroupConfig (input: ConfigInput): { group: GroupConfig, rest: ConfigInput } {
  if (input === null || typeof input !== 'object') throw new ConfigError('(config)', 'expected an object')
  const out: Record<string, unknown> = { ...GROUP_DEFAULTS }
  const seen = new Map<string, string>()
  const rest: ConfigInput = {}
  for (const [key, value] of Object.entries(input)) {
    const spec = BY_NAME.get(key)
    if (spec === undefined) { rest[key] = value; continue }
    if (value === undefined) continue
    const earlier = seen.get(spec.camel)
    if (earlier !== undefined) throw new ConfigError(key, `given twice (also as ${earlier})`)
    seen.set(spec.camel, key)
    out[spec.camel] = parseValue(spec, key, value)
  }
  if (out.groupId === undefined) throw new ConfigError('group.id', 'required for a group consumer')
  if (out.rebalanceTimeoutMs === undefined) out.rebalanceTimeoutMs = out.maxPollIntervalMs
  const cfg = out as unknown as GroupConfig
  if (cfg.heartbeatIntervalMs >= cfg.sessionTimeoutMs) {
    throw new ConfigError(seen.get('heartbeatIntervalMs') ?? 'heartbeat.interval.ms', `${cfg.heartbeatIntervalMs} must be below session.timeout.ms (${cfg.sessionTimeoutMs})`)
  }
  return { group: cfg, rest }
}
