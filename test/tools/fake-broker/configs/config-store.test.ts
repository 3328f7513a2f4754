import t from 'tap'
import { ErrorCode } from '../../../../protocol/error-codes.js'
import { ConfigSource, ConfigType, validateValue } from '../../../../tools/fake-broker/configs/config-def.js'
import { ConfigOperation, ConfigStore } from '../../../../tools/fake-broker/configs/config-store.js'
import { TOPIC_CONFIG_BY_NAME } from '../../../../tools/fake-broker/configs/topic-configs.js'

const def = (name: string) => TOPIC_CONFIG_BY_NAME.get(name)!

t.test('values are checked with Kafka\'s ConfigException wording', async t => {
  t.equal(validateValue(def('retention.ms'), 'abc'), 'Invalid value abc for configuration retention.ms: Not a number of type LONG')
  t.equal(validateValue(def('retention.ms'), '-5'), 'Invalid value -5 for configuration retention.ms: Value must be at least -1')
  t.equal(validateValue(def('retention.ms'), '-1'), undefined)
  t.equal(validateValue(def('max.message.bytes'), '2147483648'), 'Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT')
  t.equal(validateValue(def('segment.bytes'), '1000'), 'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576')
  t.equal(validateValue(def('min.cleanable.dirty.ratio'), '1.5'), 'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1')
  t.equal(validateValue(def('cleanup.policy'), 'compact,delete'), undefined)
  t.match(validateValue(def('cleanup.policy'), 'compact,shred'), /String must be one of: compact, delete/)
  t.match(validateValue(def('preallocate'), 'yes'), /Expected value to be either true or false/)
  t.equal(validateValue(def('compression.gzip.level'), '-1'), undefined)
  t.match(validateValue(def('compression.gzip.level'), '0'), /between 1 and 9, or -1/)
  t.match(validateValue(def('compression.type'), 'brotli'), /String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer/)
})

t.test('a topic value comes from its override, else the first broker synonym set, else Kafka\'s default', async t => {
  const store = new ConfigStore(new Map([['log.retention.hours', '24']]))
  const retention = () => store.describeTopic('a', 1, ['retention.ms'], true, false)[0]
  t.same([retention().value, retention().configSource], ['86400000', ConfigSource.STATIC_BROKER_CONFIG], 'log.retention.hours=24 is 86400000 ms')
  t.same(retention().synonyms.map(s => [s.name, s.source]), [['log.retention.hours', ConfigSource.STATIC_BROKER_CONFIG], ['log.retention.hours', ConfigSource.DEFAULT_CONFIG]])
  t.same(store.alterBroker('', [{ name: 'log.retention.ms', op: ConfigOperation.SET, value: '5000' }], false, false), { errorCode: 0, errorMessage: null })
  t.same([retention().value, retention().configSource], ['5000', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG])
  store.alterBroker('1', [{ name: 'log.retention.ms', op: ConfigOperation.SET, value: '6000' }], false, false)
  t.same([retention().value, retention().configSource], ['6000', ConfigSource.DYNAMIC_BROKER_CONFIG])
  store.setTopicConfigs('a', [{ name: 'retention.ms', value: '7000' }])
  t.same([retention().value, retention().configSource], ['7000', ConfigSource.DYNAMIC_TOPIC_CONFIG])
  t.equal(retention().synonyms.length, 5, 'topic, broker 1, cluster default, static hours, default hours')
  const plain = store.describeTopic('b', 1, ['remote.storage.enable', 'no.such.key'], true, true)
  t.same(plain.map(c => [c.name, c.value, c.configSource, c.configType, c.synonyms.length]), [['remote.storage.enable', 'false', ConfigSource.DEFAULT_CONFIG, ConfigType.BOOLEAN, 0]])
  t.type(plain[0].documentation, 'string')
})

t.test('alterations: unknown keys, bad values, list append/subtract, read-only broker keys, validateOnly', async t => {
  const store = new ConfigStore(new Map())
  const set = (name: string, value: string | null, op: number = ConfigOperation.SET) => ({ name, op, value })
  t.same(store.alterTopic('a', [set('no.such', '1')], false, false), { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such' })
  t.equal(store.alterTopic('a', [set('retention.ms', 'x')], false, false).errorCode, ErrorCode.INVALID_CONFIG)
  t.equal(store.alterTopic('a', [set('retention.ms', '1'), set('retention.ms', '2')], false, false).errorCode, ErrorCode.INVALID_REQUEST)
  t.equal(store.alterTopic('a', [set('retention.ms', '1', ConfigOperation.APPEND)], false, false).errorCode, ErrorCode.INVALID_CONFIG)
  t.equal(store.alterTopic('a', [set('cleanup.policy', 'compact', ConfigOperation.APPEND)], false, true).errorCode, 0)
  t.equal(store.topicOverridesOf('a').size, 0, 'validateOnly changes nothing')
  store.alterTopic('a', [set('cleanup.policy', 'compact', ConfigOperation.APPEND), set('retention.ms', '100')], false, false)
  t.same(Object.fromEntries(store.topicOverridesOf('a')), { 'cleanup.policy': 'delete,compact', 'retention.ms': '100' })
  store.alterTopic('a', [set('cleanup.policy', 'delete', ConfigOperation.SUBTRACT), set('retention.ms', null, ConfigOperation.DELETE)], false, false)
  t.same(Object.fromEntries(store.topicOverridesOf('a')), { 'cleanup.policy': 'compact' })
  store.alterTopic('a', [set('segment.ms', '1000')], true, false)
  t.same(Object.fromEntries(store.topicOverridesOf('a')), { 'segment.ms': '1000' }, 'AlterConfigs replaces the whole set')
  t.same(store.alterBroker('1', [set('num.partitions', '3')], false, false), { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(num.partitions)' })
  t.equal(store.alterBroker('1', [set('message.max.bytes', 'big')], false, false).errorCode, ErrorCode.INVALID_CONFIG)
  t.throws(() => new ConfigStore(new Map([['log.segment.bytes', '5']])), { code: 'ERR_CONFIG' })
})
