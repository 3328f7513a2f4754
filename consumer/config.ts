import { readFileSync } from 'node:fs'
import type * as tls from 'node:tls'
import type { Duplex } from 'node:stream'
import { ConfigError } from '../protocol/errors.js'
import type { Authenticate, BrokerConnection } from './connection.js'
import { parseMechanism, saslAuthenticator, type SaslMechanism, type SaslOptions } from './sasl/authenticate.js'
import { oauthBearerInitialResponse, type OAuthBearerProvider } from './sasl/oauthbearer.js'
import { parseUnsecuredTokenConfig, unsecuredTokenProvider } from './sasl/unsecured-jws.js'

// Client and consumer configuration. Keys are accepted in two spellings: our camelCase (`fetchMaxBytes`) and the
// dotted names of librdkafka and the Java client (`fetch.max.bytes`), so a kcat `-X key=value` or a properties file
// can be passed straight through. Values from such sources are strings and are parsed here. Everything is
// validated when the configuration is given (STYLE.md section 5): an unknown key or a bad value is a ConfigError
// naming the key, before any connection is made.

export type IsolationLevel = 'read_uncommitted' | 'read_committed'
/** Kafka's listener security protocols (librdkafka and Java `security.protocol`), lower case. */
export type SecurityProtocol = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl'

export interface ClientConfig {
  /** "host:port" entries to bootstrap from (`bootstrap.servers`, or librdkafka's `metadata.broker.list`). */
  bootstrapServers: string[]
  clientId: string
  requestTimeoutMs: number
  connectTimeoutMs: number
  /** Run the ApiVersions handshake (KIP-35); false assumes our lowest version of each API. */
  apiVersionRequest: boolean
  /** Caps the version used per API: `{ Fetch: 12 }`. */
  maxVersions?: Partial<Record<string, number>>
  /** Largest response accepted (librdkafka `receive.message.max.bytes`). */
  maxResponseBytes: number
  /** Largest request sent. */
  maxRequestBytes: number
  /** Attempts for a request that fails retriably (leader moved, broker down, timeout) before giving up. */
  /** Retries of a failed request other than a broker outage (a stale leader, a retriable broker error). */
  retries: number
  retryBackoffMs: number
  retryBackoffMaxMs: number
  /**
   * `bootstrap.timeout.ms` (kafka-direct's own key; kcat's -m): how long the first Metadata may take in all, retries
   * included, before the client gives up with the first cause per broker. A client that has never reached its
   * cluster is more likely misconfigured than waiting out an outage.
   */
  bootstrapTimeoutMs: number
  /**
   * `outage.max.ms` (kafka-direct's own key): once the cluster has been reached, how long a broker outage
   * (connections refused or timing out, partitions without a leader) is waited out before a request fails; 0, the
   * default, waits as long as it lasts, as librdkafka and the Java consumer do. A warning line is logged per retry.
   */
  outageMaxMs: number
  /** Where warnings go (a broker that cannot be reached, a response version that does not decode); default stderr. */
  log: (line: string) => void
  reconnectBackoffMs: number
  reconnectBackoffMaxMs: number
  /** How long cached metadata is trusted before a refresh (`metadata.max.age.ms`). */
  metadataMaxAgeMs: number
  /**
   * `security.protocol`: ssl and sasl_ssl connect with TLS (`tls`, completed by the ssl.* keys), sasl_plaintext and
   * sasl_ssl authenticate every connection with SASL (the sasl.* keys). Default plaintext, or ssl when `tls` is given.
   */
  securityProtocol: SecurityProtocol
  /** `sasl.mechanism` (librdkafka `sasl.mechanisms`): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER. */
  saslMechanism?: SaslMechanism
  saslUsername?: string
  saslPassword?: string
  /**
   * OAUTHBEARER takes exactly one of these three. `sasl.oauthbearer.token` (kafka-direct's own key): one fixed token
   * (a JWS compact serialization), sent at every authentication.
   */
  saslOauthbearerToken?: string
  /**
   * `sasl.oauthbearer.config` (librdkafka's): builds an unsecured JWS ({"alg":"none"}) at every authentication from
   * "principal=admin scope=a,b lifeSeconds=600 extension_traceId=42"; for brokers with Kafka's default validator only.
   */
  saslOauthbearerConfig?: string
  /**
   * `enable.sasl.oauthbearer.unsecure.jwt` (librdkafka's): kcat needs it true to build tokens from
   * sasl.oauthbearer.config; accepted here so that the same flags work, and then sasl.oauthbearer.config is required.
   * False with sasl.oauthbearer.config is refused (there would be no token).
   */
  enableSaslOauthbearerUnsecureJwt?: boolean
  /** Called at every authentication and re-authentication (KIP-368) for a current token and its SASL extensions. */
  saslOauthbearerProvider?: OAuthBearerProvider
  /** PEM files for TLS: the CA to trust, and the client's certificate and key (librdkafka's ssl.*.location). */
  sslCaLocation?: string
  sslCertificateLocation?: string
  sslKeyLocation?: string
  /** Verify the broker's certificate and name (librdkafka `enable.ssl.certificate.verification`). Default true. */
  enableSslCertificateVerification: boolean
  tls?: tls.ConnectionOptions
  /**
   * The authentication step run on every new connection after the version handshake. Set from the sasl.* keys for
   * sasl_plaintext and sasl_ssl; may be given directly for other schemes (not together with the sasl.* keys).
   */
  authenticate?: Authenticate
  createSocket?: (opts: { host: string, port: number }) => Duplex
}

export interface ConsumerConfig extends ClientConfig {
  fetchWaitMaxMs: number
  fetchMinBytes: number
  /** Response-wide limit per Fetch request (KIP-74). */
  fetchMaxBytes: number
  /** Per-partition limit per Fetch request. */
  maxPartitionFetchBytes: number
  isolationLevel: IsolationLevel
  /** Verify record batch checksums (CRC-32C). */
  checkCrcs: boolean
  /** Ceiling for a partition's fetch size when a single record is bigger than `maxPartitionFetchBytes` (KIP-74). */
  maxRecordBytes: number
  /**
   * `enable.fetch.sessions` (kafka-direct's own key): incremental fetch sessions (KIP-227) with each leader that
   * speaks Fetch v7+, as the Java consumer always uses them: after the first fetch, requests name only the partitions
   * whose position changed and answers only the partitions with something new. Default true; false sends every
   * fetch in full, without a session (as librdkafka does).
   */
  enableFetchSessions: boolean
  /**
   * `client.rack`: the rack this consumer runs in, sent in every Fetch (v11+). A broker with a rack-aware
   * `replica.selector.class` then sends the consumer to an in-sync replica in that rack (KIP-392; read-replicas.ts).
   * Default '' (none: every fetch goes to the leader), as the Java client.
   */
  clientRack: string
}

/** Input: any subset of the camelCase keys, or dotted keys as strings/numbers/booleans. */
export type ConfigInput = Partial<Omit<ConsumerConfig, 'bootstrapServers'>> & {
  bootstrapServers?: string | string[]
  [dotted: string]: unknown
}

type Kind = 'int' | 'bool' | 'string' | 'servers' | 'isolation' | 'object' | 'function' | 'versions' | 'protocol' | 'mechanism'

interface KeySpec { camel: keyof ConsumerConfig, dotted: string[], kind: Kind, min?: number, max?: number }

const INT32_MAX = 0x7fffffff

// One row per key: its camelCase name, the dotted names it is known by, and its type and range.
const KEYS: KeySpec[] = [
  { camel: 'bootstrapServers', dotted: ['bootstrap.servers', 'metadata.broker.list'], kind: 'servers' },
  { camel: 'clientId', dotted: ['client.id'], kind: 'string' },
  { camel: 'requestTimeoutMs', dotted: ['request.timeout.ms', 'socket.timeout.ms'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'connectTimeoutMs', dotted: ['socket.connection.setup.timeout.ms'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'apiVersionRequest', dotted: ['api.version.request'], kind: 'bool' },
  { camel: 'maxVersions', dotted: ['max.versions'], kind: 'versions' },
  { camel: 'maxResponseBytes', dotted: ['receive.message.max.bytes'], kind: 'int', min: 1000, max: INT32_MAX },
  { camel: 'maxRequestBytes', dotted: ['max.request.size', 'message.max.bytes'], kind: 'int', min: 1000, max: INT32_MAX },
  { camel: 'retries', dotted: ['retries'], kind: 'int', min: 0, max: 1000 },
  { camel: 'bootstrapTimeoutMs', dotted: ['bootstrap.timeout.ms'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'outageMaxMs', dotted: ['outage.max.ms'], kind: 'int', min: 0, max: INT32_MAX },
  { camel: 'log', dotted: [], kind: 'function' },
  { camel: 'retryBackoffMs', dotted: ['retry.backoff.ms'], kind: 'int', min: 0, max: 300_000 },
  { camel: 'retryBackoffMaxMs', dotted: ['retry.backoff.max.ms'], kind: 'int', min: 0, max: 300_000 },
  { camel: 'reconnectBackoffMs', dotted: ['reconnect.backoff.ms'], kind: 'int', min: 0, max: 3_600_000 },
  { camel: 'reconnectBackoffMaxMs', dotted: ['reconnect.backoff.max.ms'], kind: 'int', min: 0, max: 3_600_000 },
  { camel: 'metadataMaxAgeMs', dotted: ['metadata.max.age.ms'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'securityProtocol', dotted: ['security.protocol'], kind: 'protocol' },
  { camel: 'saslMechanism', dotted: ['sasl.mechanism', 'sasl.mechanisms'], kind: 'mechanism' },
  { camel: 'saslUsername', dotted: ['sasl.username'], kind: 'string' },
  { camel: 'saslPassword', dotted: ['sasl.password'], kind: 'string' },
  { camel: 'saslOauthbearerToken', dotted: ['sasl.oauthbearer.token'], kind: 'string' },
  { camel: 'saslOauthbearerConfig', dotted: ['sasl.oauthbearer.config'], kind: 'string' },
  { camel: 'saslOauthbearerProvider', dotted: [], kind: 'function' },
  { camel: 'enableSaslOauthbearerUnsecureJwt', dotted: ['enable.sasl.oauthbearer.unsecure.jwt'], kind: 'bool' },
  { camel: 'sslCaLocation', dotted: ['ssl.ca.location'], kind: 'string' },
  { camel: 'sslCertificateLocation', dotted: ['ssl.certificate.location'], kind: 'string' },
  { camel: 'sslKeyLocation', dotted: ['ssl.key.location'], kind: 'string' },
  { camel: 'enableSslCertificateVerification', dotted: ['enable.ssl.certificate.verification'], kind: 'bool' },
  { camel: 'tls', dotted: [], kind: 'object' },
  { camel: 'authenticate', dotted: [], kind: 'function' },
  { camel: 'createSocket', dotted: [], kind: 'function' },
  { camel: 'fetchWaitMaxMs', dotted: ['fetch.wait.max.ms', 'fetch.max.wait.ms'], kind: 'int', min: 0, max: 300_000 },
  { camel: 'fetchMinBytes', dotted: ['fetch.min.bytes'], kind: 'int', min: 1, max: 100_000_000 },
  { camel: 'fetchMaxBytes', dotted: ['fetch.max.bytes'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'maxPartitionFetchBytes', dotted: ['max.partition.fetch.bytes', 'fetch.message.max.bytes'], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'isolationLevel', dotted: ['isolation.level'], kind: 'isolation' },
  { camel: 'checkCrcs', dotted: ['check.crcs'], kind: 'bool' },
  { camel: 'maxRecordBytes', dotted: [], kind: 'int', min: 1, max: INT32_MAX },
  { camel: 'enableFetchSessions', dotted: ['enable.fetch.sessions'], kind: 'bool' },
  { camel: 'clientRack', dotted: ['client.rack'], kind: 'string' }
]

const BY_NAME = new Map<string, KeySpec>()
for (const k of KEYS) {
  BY_NAME.set(k.camel, k)
  for (const d of k.dotted) BY_NAME.set(d, k)
}

export const CONSUMER_DEFAULTS: Omit<ConsumerConfig, 'bootstrapServers'> = {
  clientId: 'kafka-direct',
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  apiVersionRequest: true,
  maxResponseBytes: 100_000_000,
  maxRequestBytes: 100_000_000,
  retries: 10,
  // The Java client's default.api.timeout.ms bounds its blocking calls the same way.
  bootstrapTimeoutMs: 60_000,
  outageMaxMs: 0,
  log: (line: string) => { process.stderr.write(line + '\n') },
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1000,
  metadataMaxAgeMs: 300_000,
  securityProtocol: 'plaintext',
  enableSslCertificateVerification: true,
  fetchWaitMaxMs: 500,
  fetchMinBytes: 1,
  // librdkafka's and the Java client's defaults.
  fetchMaxBytes: 52_428_800,
  maxPartitionFetchBytes: 1_048_576,
  isolationLevel: 'read_uncommitted',
  checkCrcs: true,
  maxRecordBytes: 64 * 1024 * 1024,
  enableFetchSessions: true,
  clientRack: ''
}

/** Parses one "host:port" bootstrap entry; IPv6 hosts are written in brackets, "[::1]:9092". */
export function parseHostPort (entry: string, key = 'bootstrap.servers'): { host: string, port: number } {
  const s = entry.trim().replace(/^[a-zA-Z]+:\/\//, '') // librdkafka accepts "PLAINTEXT://host:port"
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s) ?? /^\[?([^\]:]+)\]?$/.exec(s)
  if (m === null) throw new ConfigError(key, `"${entry}" is not host:port`)
  const port = m[2] === undefined ? 9092 : Number(m[2])
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(key, `"${entry}": port ${m[2]} is out of range`)
  return { host: m[1], port }
}

function parseValue (spec: KeySpec, key: string, value: unknown): unknown {
  switch (spec.kind) {
    case 'servers': {
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null
      if (list === null) throw new ConfigError(key, 'expected "host:port,host:port" or an array of them')
      const entries = list.map(x => String(x).trim()).filter(x => x !== '')
      if (entries.length === 0) throw new ConfigError(key, 'no brokers given')
      for (const e of entries) parseHostPort(e, key)
      return entries
    }
    case 'int': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(key, `expected an integer, got ${JSON.stringify(value)}`)
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new ConfigError(key, `${n} is outside ${spec.min ?? '-inf'}..${spec.max ?? 'inf'}`)
      }
      return n
    }
    case 'bool': {
      if (typeof value === 'boolean') return value
      if (value === 'true') return true
      if (value === 'false') return false
      throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`)
    }
    case 'string':
      if (typeof value !== 'string') throw new ConfigError(key, `expected a string, got ${typeof value}`)
      return value
    case 'protocol': {
      const p = typeof value === 'string' ? value.trim().toLowerCase() : value
      if (p !== 'plaintext' && p !== 'ssl' && p !== 'sasl_plaintext' && p !== 'sasl_ssl') {
        throw new ConfigError(key, `expected plaintext, ssl, sasl_plaintext or sasl_ssl, got ${JSON.stringify(value)}`)
      }
      return p
    }
    case 'mechanism':
      if (typeof value !== 'string') throw new ConfigError(key, `expected a string, got ${typeof value}`)
      return parseMechanism(value, key)
    case 'isolation':
      if (value !== 'read_committed' && value !== 'read_uncommitted') throw new ConfigError(key, `expected read_committed or read_uncommitted, got ${JSON.stringify(value)}`)
      return value
    case 'versions': {
      // An object { Fetch: 11 }, or from the command line "Fetch=11,ListOffsets=3".
      if (typeof value !== 'string') return parseValue({ ...spec, kind: 'object' }, key, value)
      const out: Record<string, number> = {}
      for (const part of value.split(',').map(x => x.trim()).filter(x => x !== '')) {
        const m = /^([A-Za-z0-9]+)[=:](\d+)$/.exec(part)
        if (m === null) throw new ConfigError(key, `"${part}" is not Api=version`)
        out[m[1]] = Number(m[2])
      }
      return out
    }
    case 'object':
      if (value === null || typeof value !== 'object') throw new ConfigError(key, 'expected an object')
      return value
    case 'function':
      if (typeof value !== 'function') throw new ConfigError(key, 'expected a function')
      return value
  }
}

/**
 * Validates a configuration and fills defaults. Throws ConfigError naming the first bad key. Keys may be given
 * camelCase or dotted; giving the same setting twice under different spellings is an error.
 */
export function parseConsumerConfig (input: ConfigInput): ConsumerConfig {
  if (input === null || typeof input !== 'object') throw new ConfigError('(config)', 'expected an object')
  const out: Record<string, unknown> = { ...CONSUMER_DEFAULTS }
  const seen = new Map<string, string>()
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    const spec = BY_NAME.get(key)
    if (spec === undefined) throw new ConfigError(key, 'unknown configuration key')
    const earlier = seen.get(spec.camel)
    if (earlier !== undefined) throw new ConfigError(key, `given twice (also as ${earlier})`)
    seen.set(spec.camel, key)
    out[spec.camel] = parseValue(spec, key, value)
  }
  if (out.bootstrapServers === undefined) throw new ConfigError('bootstrap.servers', 'required (or metadata.broker.list)')
  const cfg = out as unknown as ConsumerConfig
  if (cfg.maxVersions !== undefined) {
    for (const [api, v] of Object.entries(cfg.maxVersions)) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ConfigError(`maxVersions.${api}`, `expected a version number, got ${String(v)}`)
    }
  }
  applySecurity(cfg, seen)
  if (cfg.maxPartitionFetchBytes > cfg.maxRecordBytes) cfg.maxRecordBytes = cfg.maxPartitionFetchBytes
  if (cfg.fetchMaxBytes > cfg.maxResponseBytes) {
    throw new ConfigError('fetch.max.bytes', `${cfg.fetchMaxBytes} exceeds receive.message.max.bytes (${cfg.maxResponseBytes}); a response that large would be refused`)
  }
  return cfg
}

/**
 * Turns security.protocol and the ssl.* and sasl.* keys into what connections use: `tls` options and the
 * `authenticate` step. Keys that the protocol would ignore are errors, so that a typo in security.protocol does
 * not silently send a password nowhere or connect without TLS.
 */
function applySecurity (cfg: ConsumerConfig, seen: Map<string, string>): void {
  const given = (camel: string): string | undefined => seen.get(camel)
  if (given('securityProtocol') === undefined && cfg.tls !== undefined) cfg.securityProtocol = 'ssl'
  const protocol = cfg.securityProtocol
  const usesTls = protocol === 'ssl' || protocol === 'sasl_ssl'
  const usesSasl = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl'
  if (!usesTls) {
    for (const k of ['tls', 'sslCaLocation', 'sslCertificateLocation', 'sslKeyLocation']) {
      const name = given(k)
      if (name !== undefined) throw new ConfigError(name, `given, but security.protocol is ${protocol} (no TLS)`)
    }
    if (!cfg.enableSslCertificateVerification) throw new ConfigError(given('enableSslCertificateVerification') ?? '', `false, but security.protocol is ${protocol} (no TLS)`)
  } else {
    const read = (camel: 'sslCaLocation' | 'sslCertificateLocation' | 'sslKeyLocation'): Buffer | undefined => {
      const path = cfg[camel]
      if (path === undefined) return undefined
      try {
        return readFileSync(path)
      } catch (err) {
        throw new ConfigError(given(camel) ?? camel, `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    const files: tls.ConnectionOptions = {}
    const ca = read('sslCaLocation')
    const cert = read('sslCertificateLocation')
    const key = read('sslKeyLocation')
    if (ca !== undefined) files.ca = ca
    if (cert !== undefined) files.cert = cert
    if (key !== undefined) files.key = key
    if (!cfg.enableSslCertificateVerification) files.rejectUnauthorized = false
    cfg.tls = { ...cfg.tls, ...files }
  }
  if (!usesSasl) {
    for (const k of ['saslMechanism', ...PASSWORD_KEYS, ...OAUTHBEARER_KEYS, UNSECURE_JWT]) {
      const name = given(k)
      if (name !== undefined) throw new ConfigError(name, `given, but security.protocol is ${protocol} (no SASL)`)
    }
    return
  }
  // A configuration parsed before (passed again to a client) carries the step made from its sasl.* keys: made again.
  if (given('authenticate') !== undefined && !FROM_SASL_KEYS.has(cfg.authenticate as object)) {
    throw new ConfigError('authenticate', `given together with security.protocol ${protocol}: the sasl.* keys set it`)
  }
  if (cfg.saslMechanism === undefined) throw new ConfigError('sasl.mechanism', `required with security.protocol ${protocol}: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER`)
  cfg.authenticate = saslAuthenticator(saslOptions(cfg, cfg.saslMechanism, given))
  FROM_SASL_KEYS.add(cfg.authenticate)
}

const PASSWORD_KEYS = ['saslUsername', 'saslPassword']
const OAUTHBEARER_KEYS = ['saslOauthbearerToken', 'saslOauthbearerConfig', 'saslOauthbearerProvider'] as const
const UNSECURE_JWT = 'enableSaslOauthbearerUnsecureJwt'

/** The mechanism's own keys, and none of the other mechanisms' (a password given to OAUTHBEARER is a mistake). */
function saslOptions (cfg: ConsumerConfig, mechanism: SaslMechanism, given: (camel: string) => string | undefined): SaslOptions {
  const misplaced = (mechanism === 'OAUTHBEARER' ? PASSWORD_KEYS : [...OAUTHBEARER_KEYS, UNSECURE_JWT]).map(given).find(k => k !== undefined)
  if (misplaced !== undefined) throw new ConfigError(misplaced, `given, but sasl.mechanism is ${mechanism}`)
  if (mechanism !== 'OAUTHBEARER') {
    if (cfg.saslUsername === undefined || cfg.saslPassword === undefined) {
      throw new ConfigError(cfg.saslUsername === undefined ? 'sasl.username' : 'sasl.password', `required with security.protocol ${cfg.securityProtocol}`)
    }
    return { mechanism, username: cfg.saslUsername, password: cfg.saslPassword }
  }
  const sources = OAUTHBEARER_KEYS.filter(k => given(k) !== undefined)
  if (sources.length !== 1) {
    throw new ConfigError(sources.length === 0 ? 'sasl.oauthbearer.token' : given(sources[1]) as string,
      'OAUTHBEARER takes exactly one of sasl.oauthbearer.token, sasl.oauthbearer.config and saslOauthbearerProvider')
  }
  const key = given(sources[0]) as string
  const unsecure = given(UNSECURE_JWT)
  if (unsecure !== undefined && cfg.enableSaslOauthbearerUnsecureJwt !== (sources[0] === 'saslOauthbearerConfig')) {
    throw new ConfigError(unsecure, cfg.enableSaslOauthbearerUnsecureJwt === true
      ? 'true builds unsecured tokens from sasl.oauthbearer.config, which is not given'
      : 'false, but sasl.oauthbearer.config is given, which only builds unsecured tokens')
  }
  const timeout = { providerTimeoutMs: cfg.requestTimeoutMs, providerKey: key }
  if (cfg.saslOauthbearerProvider !== undefined) return { mechanism, provider: cfg.saslOauthbearerProvider, ...timeout }
  if (cfg.saslOauthbearerConfig !== undefined) return { mechanism, provider: unsecuredTokenProvider(parseUnsecuredTokenConfig(cfg.saslOauthbearerConfig)), ...timeout }
  const token = { token: cfg.saslOauthbearerToken as string }
  // A fixed token is checked now, not at the first connection.
  oauthBearerInitialResponse(token, key)
  return { mechanism, provider: async () => token, ...timeout }
}

/** Authentication steps this module made from sasl.* keys (told apart from ones a caller supplied). */
const FROM_SASL_KEYS = new WeakSet<object>()

/** Every configuration key parseConsumerConfig accepts, dotted and camelCase: for "did you mean" suggestions. */
export function configKeyNames (): string[] {
  return [...BY_NAME.keys()]
}
