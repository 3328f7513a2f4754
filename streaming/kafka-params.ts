// The `kafkaParams` map of createDirectStream/createRDD, with Kafka's own property names (as Spark takes them).
// Every key is accounted for: it is used, or known not to change what the stream reads (listed below with the
// reason), or rejected by name. A key we do not understand is an error, because silently ignoring, say, an isolation
// level or an auto-commit switch would change the job's semantics without telling anyone.
import { ConfigError } from '../protocol/errors.js'

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
}

/** Keys that tune the old high-level consumer, ZooKeeper or group membership: nothing the direct stream does. */
const NOT_APPLICABLE = new Set([
  'zookeeper.connect', 'zookeeper.connection.timeout.ms', 'zookeeper.session.timeout.ms', 'zookeeper.sync.time.ms',
  'session.timeout.ms', 'heartbeat.interval.ms', 'auto.commit.interval.ms', 'max.poll.records', 'max.poll.interval.ms',
  'partition.assignment.strategy', 'receive.buffer.bytes', 'send.buffer.bytes', 'socket.receive.buffer.bytes',
  'reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'retry.backoff.ms', 'metadata.max.age.ms', 'connections.max.idle.ms',
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
    isolationLevel: 'read_uncommitted'
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
    } else if (key === 'security.protocol') {
      if (value !== 'PLAINTEXT') throw new ConfigError(key, `only PLAINTEXT is supported by the direct stream for now, got ${value}`)
    } else if (NUMERIC[key] !== undefined) {
      const n = Number(raw)
      if (!Number.isInteger(n) || n < 0) throw new ConfigError(key, `must be a non-negative integer, got ${value}`)
      ;(out as unknown as Record<string, number>)[NUMERIC[key]] = n
    } else if (!NOT_APPLICABLE.has(key)) {
      throw new ConfigError(key, 'unknown Kafka parameter for the direct stream (not passed on, and not ignored silently); remove it or check its spelling')
    }
  }
  return out
}
