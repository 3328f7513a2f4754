// The `kafkaParams` map of createDirectStream/createRDD, with Kafka's own property names (as Spark takes them).
// Every key is accounted for: it is used, or known not to change what the stream reads (listed below with the
// reason), or rejected by name. A key we do not understand is an error, because silently ignoring, say, an isolation
// level or an auto-commit switch would change the job's semantics without telling anyone.
import { unsecuredLoginConfig } from '../consumer/sasl/unsecured-jws.js'
import { ConfigError } from '../protocol/errors.js'
import { parseConsumerConfig } from '../consumer/config.js'

export type KafkaParams = Readonly<Record<string, string | number | boolean>>

export type OffsetReset = 'earliest' | 'latest'

export interface ResolvedKafkaParams {
  bootstrapServers: string[]
  autoOffsetReset: OffsetReset
  groupId?: string
  clientId?: string
  isolationLevel: 'read_uncommitted' | 'read_committed'
  requestTimeoutMs?: number
  fetchMaxWaitMs?: number
  fetchMinBytes?: number
  fetchMaxBytes?: number
  maxPartitionFetchBytes?: number
  /** security.protocol and the sasl.* / ssl.* keys, passed to the consumer as they are (it validates them). */
  security: Record<string, string>
  /** How connection failures and broker outages are waited out (CONNECTION below), passed to the consumer as they are. */
  connection: Record<string, string>
}

/** Keys passed through to the consumer's configuration (consumer/config.ts checks their values and combinations). */
const SECURITY = new Set(['security.protocol', 'sasl.mechanism', 'sasl.mechanisms', 'sasl.username', 'sasl.password',
  'ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location', 'enable.ssl.certificate.verification',
  'sasl.oauthbearer.token', 'sasl.oauthbearer.config', 'enable.sasl.oauthbearer.unsecure.jwt'])

/**
 * The consumer's keys for connection failures and outages: how long bootstrap may take, how long an outage is
 * waited out once the cluster was reached (unbounded by default), and the backoffs between attempts.
 */
const CONNECTION = new Set(['bootstrap.timeout.ms', 'outage.max.ms', 'socket.connection.setup.timeout.ms',
  'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'retry.backoff.ms', 'retry.backoff.max.ms'])

/** Keys that tune the old high-level consumer, ZooKeeper or group membership: nothing the direct stream does. */
const NOT_APPLICABLE = new Set([
  'zookeeper.connect', 'zookeeper.connection.timeout.ms', 'zookeeper.session.timeout.ms', 'zookeeper.sync.time.ms',
  'session.timeout.ms', 'heartbeat.interval.ms', 'auto.commit.interval.ms', 'max.poll.records', 'max.poll.interval.ms',
  'partition.assignment.strategy', 'receive.buffer.bytes', 'send.buffer.bytes', 'socket.receive.buffer.bytes',
  'metadata.max.age.ms', 'connections.max.idle.ms',
  'refresh.leader.backoff.ms', 'client.rack', 'check.crcs'
])

const NUMERIC: Record<string, keyof ResolvedKafkaParams> = {
  'request.timeout.ms': 'requestTimeoutMs',
  'socket.timeout.ms': 'requestTimeoutMs',
  'fetch.max.wait.ms': 'fetchMaxWaitMs',
  'fetch.wait.max.ms': 'fetchMaxWaitMs',
  'fetch.min.bytes': 'fetchMinBytes',
  'fetch.max.bytes': 'fetchMaxBytes',
  'max.partition.fetch.bytes': 'maxPartitionFetchBytes',
  'fetch.message.max.bytes': 'maxPartitionFetchBytes'
}

export function resolveKafkaParams (params: KafkaParams): ResolvedKafkaParams {
  const brokers = params['metadata.broker.list'] ?? params['bootstrap.servers']
  if (brokers === undefined || String(brokers).trim() === '') {
    throw new ConfigError('metadata.broker.list', 'kafkaParams must contain metadata.broker.list or bootstrap.servers (host:port[,host:port])')
  }
  const out: ResolvedKafkaParams = {
    bootstrapServers: String(brokers).split(',').map(s => s.trim()).filter(s => s !== ''),
    autoOffsetReset: 'latest',
    isolationLevel: 'read_uncommitted',
    security: {},
    connection: {}
  }
  for (const [key, raw] of Object.entries(params)) {
    const value = String(raw)
    if (key === 'metadata.broker.list' || key === 'bootstrap.servers') continue
    if (key === 'auto.offset.reset') {
      // Spark's 0.8 integration used the old consumer's smallest/largest; the new consumer says earliest/latest.
      if (value === 'smallest' || value === 'earliest') out.autoOffsetReset = 'earliest'
      else if (value === 'largest' || value === 'latest') out.autoOffsetReset = 'latest'
      else throw new ConfigError(key, `must be smallest, earliest, largest or latest, got ${value}`)
    } else if (key === 'group.id') {
      out.groupId = value
    } else if (key === 'client.id') {
      out.clientId = value
    } else if (key === 'isolation.level') {
      if (value !== 'read_committed' && value !== 'read_uncommitted') throw new ConfigError(key, `must be read_committed or read_uncommitted, got ${value}`)
      out.isolationLevel = value
    } else if (key === 'enable.auto.commit' || key === 'auto.commit.enable') {
      // The stream tracks offsets itself (checkpoints); a background commit would claim progress for batches
      // that may yet fail. Use the commitGroup option, which commits after a batch's output succeeded.
      if (value !== 'false') throw new ConfigError(key, 'auto commit is not supported: offsets are committed per batch with the commitGroup option')
    } else if (key === 'key.deserializer' || key === 'value.deserializer') {
      throw new ConfigError(key, 'deserializer classes do not apply: pass a messageHandler (record -> value) instead')
    } else if (SECURITY.has(key)) {
      out.security[key] = value
    } else if (CONNECTION.has(key)) {
      out.connection[key] = value
    } else if (key === 'sasl.jaas.config' && /OAuthBearerLoginModule\s+required/.test(value)) {
      out.security['sasl.oauthbearer.config'] = unsecuredLoginConfig(value, key)
    } else if (key === 'sasl.jaas.config') {
      // The Java client's form: `...PlainLoginModule required username="u" password="p";` (also ScramLoginModule).
      const user = /\busername="([^"]*)"/.exec(value)
      const password = /\bpassword="([^"]*)"/.exec(value)
      if (!/(PlainLoginModule|ScramLoginModule)\s+required/.test(value) || user === null || password === null) {
        throw new ConfigError(key, 'only PlainLoginModule or ScramLoginModule with username="..." password="..." is understood; or give sasl.username and sasl.password')
      }
      out.security['sasl.username'] = user[1]
      out.security['sasl.password'] = password[1]
    } else if (NUMERIC[key] !== undefined) {
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 0) throw new ConfigError(key, `must be a non-negative integer, got ${value}`)
      ;(out as unknown as Record<string, number>)[NUMERIC[key]] = n
    } else if (!NOT_APPLICABLE.has(key)) {
      throw new ConfigError(key, 'unknown Kafka parameter for the direct stream (not passed on, and not ignored silently); remove it or check its spelling')
    }
  }
  // The security keys are checked now, with the others, not when the first connection is made.
  // (The bootstrap list is checked by the consumer; a placeholder keeps this to the security keys.)
  if (Object.keys(out.security).length > 0 || Object.keys(out.connection).length > 0) {
    parseConsumerConfig({ bootstrapServers: 'localhost:9092', ...out.security, ...out.connection })
  }
  return out
}

