import type { ConfigDef } from './config-def.js'
import { TOPIC_CONFIGS } from './topic-configs.js'

// The broker configs the fake broker describes: every broker synonym of a topic config (log.retention.ms, ...)
// plus the few broker settings the fake broker itself has (broker.id, num.partitions, auto.create.topics.enable).
// Types and defaults are Kafka 4.4's (AbstractKafkaConfig.CONFIG_DEF), read from its jars.

export interface BrokerConfigDef extends ConfigDef {
  /**
   * Whether AlterConfigs may change it at run time. Kafka 4.4 reconfigures the primary synonym of each topic config
   * (ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS) but not the hours/minutes forms or startup-only settings, and
   * DescribeConfigs reports those as read-only.
   */
  readonly dynamic: boolean
}

const b = (name: string, type: ConfigDef['type'], defaultValue: string | null, dynamic: boolean, rest: Omit<ConfigDef, 'name' | 'type' | 'defaultValue'>): BrokerConfigDef =>
  ({ name, type, defaultValue, dynamic, ...rest })

/** Broker defaults that differ from the topic's default in form (a default of null, or a list printed bare). */
const SYNONYM_DEFAULTS: Record<string, [ConfigDef['type'], string | null, Partial<ConfigDef>]> = {
  'log.retention.ms': ['LONG', null, { min: -1 }],
  'log.retention.minutes': ['INT', null, {}],
  'log.retention.hours': ['INT', '168', {}],
  'log.roll.ms': ['LONG', null, { min: 1 }],
  'log.roll.hours': ['INT', '168', { min: 1 }],
  'log.roll.jitter.ms': ['LONG', null, { min: 0 }],
  'log.roll.jitter.hours': ['INT', '0', { min: 0 }],
  'log.flush.interval.ms': ['LONG', null, { min: 0 }],
  'log.flush.scheduler.interval.ms': ['LONG', '9223372036854775807', {}]
}

function synonymConfigs (): BrokerConfigDef[] {
  const out: BrokerConfigDef[] = []
  for (const topic of TOPIC_CONFIGS) {
    topic.synonyms.forEach((s, i) => {
      const special = SYNONYM_DEFAULTS[s.name]
      const { name: _, doc: __, ...limits } = topic
      const rest = special === undefined ? { ...limits, doc: `The broker default for topic config ${topic.name}.` } : { ...special[2], doc: `The broker default for topic config ${topic.name}.` }
      out.push(b(s.name, special?.[0] ?? topic.type, special === undefined ? topic.defaultValue : special[1], i === 0, rest))
    })
  }
  return out
}

export const BROKER_CONFIGS: readonly BrokerConfigDef[] = [
  b('auto.create.topics.enable', 'BOOLEAN', 'true', false, { doc: 'Whether a topic is created when a client first names it.' }),
  b('broker.id', 'INT', '-1', false, { doc: 'The broker\'s id (node.id in KRaft).' }),
  // KIP-368 (BrokerSecurityConfigs): the longest a SASL session lasts before the client must re-authenticate on
  // the same connection; 0, Kafka's default, means sessions never expire. Not reconfigurable at run time here.
  b('connections.max.reauth.ms', 'LONG', '0', false, { doc: 'The most a SASL session may last (ms) before the client must re-authenticate on its connection; 0: sessions do not expire (KIP-368).' }),
  b('default.replication.factor', 'INT', '1', false, { doc: 'The replication factor of topics created without one.' }),
  b('num.partitions', 'INT', '1', false, { min: 1, doc: 'The partition count of topics created without one.' }),
  // KIP-392: which replica a consumer is sent to read from (replica-selector.ts); read at startup only.
  b('replica.selector.class', 'CLASS', null, false, { doc: 'The ReplicaSelector that picks the replica a consumer reads from: the leader when unset.' }),
  // Producer and transactional id expiry (TransactionLogConfig, TransactionStateManagerConfig); only the first is
  // reconfigurable at run time (DynamicProducerStateManagerConfig).
  b('producer.id.expiration.ms', 'INT', '86400000', true, { min: 1, doc: 'How long a partition keeps an idle producer\'s state (its epoch and last sequences) after its last write; never while it has a transaction open.' }),
  b('producer.id.expiration.check.interval.ms', 'INT', '600000', false, { min: 1, doc: 'How often partitions drop producers idle longer than producer.id.expiration.ms.' }),
  b('transactional.id.expiration.ms', 'INT', '604800000', false, { min: 1, doc: 'How long the transaction coordinator keeps a transactional id with no transaction open after its last state change.' }),
  b('transaction.remove.expired.transaction.cleanup.interval.ms', 'INT', '3600000', false, { min: 1, doc: 'How often the transaction coordinator removes transactional ids idle longer than transactional.id.expiration.ms.' }),
  ...synonymConfigs()
].sort((x, y) => x.name < y.name ? -1 : 1)

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, BrokerConfigDef> = new Map(BROKER_CONFIGS.map(d => [d.name, d]))
