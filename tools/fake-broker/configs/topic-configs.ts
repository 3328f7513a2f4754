import type { ConfigDef } from './config-def.js'

// Kafka 4.4's topic configs (LogConfig.configDefCopy(), the non-internal names) with their types, defaults and
// validators, and each one's broker synonyms (ServerTopicConfigSynonyms.ALL_TOPIC_CONFIG_SYNONYMS), in precedence
// order. The table was read from the kafka-storage/kafka-server 4.4.0 jars with a jshell script, not copied from
// older documentation: 4.x changed several defaults (message.timestamp.after.max.ms is one hour, KIP-1030; the
// minimum segment.bytes is 1 MiB) and removed others (message.format.version, message.downconversion.enable).

/** A broker config that stands in for a topic config when the topic has no override. */
export interface BrokerSynonym {
  readonly name: string
  /** Multiplies the broker value into the topic's unit (log.retention.hours → retention.ms). */
  readonly scale?: number
}

export interface TopicConfigDef extends ConfigDef {
  readonly synonyms: readonly BrokerSynonym[]
}

const LONG_MAX = '9223372036854775807'
const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000
const THROTTLED = 'A list of replicas for which log replication should be throttled, as [partitionId]:[brokerId],... or the wildcard *.'

const t = (name: string, type: ConfigDef['type'], defaultValue: string | null, synonyms: Array<string | BrokerSynonym>, rest: Omit<ConfigDef, 'name' | 'type' | 'defaultValue'>): TopicConfigDef =>
  ({ name, type, defaultValue, synonyms: synonyms.map(s => typeof s === 'string' ? { name: s } : s), ...rest })

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  t('cleanup.policy', 'LIST', 'delete', ['log.cleanup.policy'], { oneOf: ['compact', 'delete'], doc: 'The retention policy for old log segments: delete, compact, or both (compact,delete).' }),
  t('compression.gzip.level', 'INT', '-1', ['compression.gzip.level'], { check: n => n === -1 || (n >= 1 && n <= 9) ? undefined : 'Value must be between 1 and 9, or -1', doc: 'The compression level for gzip.' }),
  t('compression.lz4.level', 'INT', '9', ['compression.lz4.level'], { min: 1, max: 17, doc: 'The compression level for lz4.' }),
  t('compression.type', 'STRING', 'producer', ['compression.type'], { oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], doc: 'The final compression type for the topic; producer keeps the codec the producer chose.' }),
  t('compression.zstd.level', 'INT', '3', ['compression.zstd.level'], { min: -131072, max: 22, doc: 'The compression level for zstd.' }),
  t('delete.retention.ms', 'LONG', '86400000', ['log.cleaner.delete.retention.ms'], { min: 0, doc: 'How long tombstones are kept on a compacted topic.' }),
  t('errors.deadletterqueue.group.enable', 'BOOLEAN', 'false', [], { doc: 'Whether share groups may use this topic as a dead-letter queue.' }),
  t('file.delete.delay.ms', 'LONG', '60000', ['log.segment.delete.delay.ms'], { min: 0, doc: 'The time to wait before deleting a file from the filesystem.' }),
  t('flush.messages', 'LONG', LONG_MAX, ['log.flush.interval.messages'], { min: 1, doc: 'The number of messages after which the log is fsynced.' }),
  t('flush.ms', 'LONG', LONG_MAX, ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'], { min: 0, doc: 'The time after which the log is fsynced.' }),
  t('follower.replication.throttled.replicas', 'LIST', '', [], { doc: THROTTLED }),
  t('index.interval.bytes', 'INT', '4096', ['log.index.interval.bytes'], { min: 0, doc: 'How often an entry is added to the offset index.' }),
  t('leader.replication.throttled.replicas', 'LIST', '', [], { doc: THROTTLED }),
  t('local.retention.bytes', 'LONG', '-2', ['log.local.retention.bytes'], { min: -2, doc: 'The local (tiered storage) retention size; -2 means retention.bytes.' }),
  t('local.retention.ms', 'LONG', '-2', ['log.local.retention.ms'], { min: -2, doc: 'The local (tiered storage) retention time; -2 means retention.ms.' }),
  t('max.compaction.lag.ms', 'LONG', LONG_MAX, ['log.cleaner.max.compaction.lag.ms'], { min: 1, doc: 'The longest a record stays ineligible for compaction.' }),
  t('max.decompressed.message.bytes', 'INT', '2147483639', ['max.decompressed.message.bytes'], { min: 1, max: 2147483639, doc: 'The largest decompressed record batch the broker accepts.' }),
  t('max.message.bytes', 'INT', '1048588', ['message.max.bytes'], { min: 0, doc: 'The largest record batch size allowed.' }),
  t('message.timestamp.after.max.ms', 'LONG', '3600000', ['log.message.timestamp.after.max.ms'], { min: 0, doc: 'How far in the future a CreateTime timestamp may be.' }),
  t('message.timestamp.before.max.ms', 'LONG', LONG_MAX, ['log.message.timestamp.before.max.ms'], { min: 0, doc: 'How far in the past a CreateTime timestamp may be.' }),
  t('message.timestamp.type', 'STRING', 'CreateTime', ['log.message.timestamp.type'], { oneOf: ['CreateTime', 'LogAppendTime'], doc: 'Whether records keep the producer\'s timestamp or get the broker\'s append time.' }),
  t('min.cleanable.dirty.ratio', 'DOUBLE', '0.5', ['log.cleaner.min.cleanable.ratio'], { min: 0, max: 1, doc: 'The share of uncompacted log that triggers compaction.' }),
  t('min.compaction.lag.ms', 'LONG', '0', ['log.cleaner.min.compaction.lag.ms'], { min: 0, doc: 'The least time a record stays uncompacted.' }),
  t('min.insync.replicas', 'INT', '1', ['min.insync.replicas'], { min: 1, doc: 'The fewest in-sync replicas for an acks=all write to succeed.' }),
  t('preallocate', 'BOOLEAN', 'false', ['log.preallocate'], { doc: 'Whether segment files are preallocated.' }),
  t('remote.copy.lag.bytes', 'LONG', '-1', ['log.remote.copy.lag.bytes'], { min: -1, doc: 'How many bytes may wait before being copied to remote storage.' }),
  t('remote.copy.lag.ms', 'LONG', '0', ['log.remote.copy.lag.ms'], { min: -1, doc: 'How long data may wait before being copied to remote storage.' }),
  t('remote.log.copy.disable', 'BOOLEAN', 'false', [], { doc: 'Whether copying to remote storage is stopped.' }),
  t('remote.log.delete.on.disable', 'BOOLEAN', 'false', [], { doc: 'Whether remote data is deleted when tiered storage is disabled.' }),
  t('remote.storage.enable', 'BOOLEAN', 'false', [], { doc: 'Whether the topic uses tiered storage.' }),
  t('retention.bytes', 'LONG', '-1', ['log.retention.bytes'], { doc: 'The largest a partition may grow before old segments are deleted; -1: no limit.' }),
  t('retention.ms', 'LONG', '604800000', ['log.retention.ms', { name: 'log.retention.minutes', scale: MINUTE_MS }, { name: 'log.retention.hours', scale: HOUR_MS }], { min: -1, doc: 'How long a log keeps data before deleting it; -1: no limit.' }),
  t('segment.bytes', 'INT', '1073741824', ['log.segment.bytes'], { min: 1048576, doc: 'The size of a log segment file.' }),
  t('segment.index.bytes', 'INT', '10485760', ['log.index.size.max.bytes'], { min: 4, doc: 'The size of the offset index.' }),
  t('segment.jitter.ms', 'LONG', '0', ['log.roll.jitter.ms', { name: 'log.roll.jitter.hours', scale: HOUR_MS }], { min: 0, doc: 'The largest random jitter subtracted from segment.ms.' }),
  t('segment.ms', 'LONG', '604800000', ['log.roll.ms', { name: 'log.roll.hours', scale: HOUR_MS }], { min: 1, doc: 'The time after which a segment is rolled even when not full.' }),
  t('unclean.leader.election.enable', 'BOOLEAN', 'false', ['unclean.leader.election.enable'], { doc: 'Whether an out-of-sync replica may become leader, losing data.' })
]

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map(d => [d.name, d]))
