import t from 'tap'
import { resolveKafkaParams } from '../../streaming/kafka-params.js'
import { ConfigError } from '../../protocol/errors.js'

// The streams take the consumer's keys for connection failures and outages from kafkaParams, checked when given.

t.test('outage and bootstrap limits pass through kafkaParams to the consumer', async t => {
  const p = resolveKafkaParams({ 'bootstrap.servers': 'h:1', 'outage.max.ms': 60000, 'bootstrap.timeout.ms': '5000', 'retry.backoff.max.ms': 2000 })
  t.same(p.connection, { 'outage.max.ms': '60000', 'bootstrap.timeout.ms': '5000', 'retry.backoff.max.ms': '2000' })
})

t.test('a bad value is refused when given, naming the key', async t => {
  t.throws(() => resolveKafkaParams({ 'bootstrap.servers': 'h:1', 'outage.max.ms': 'soon' }), ConfigError)
  t.throws(() => resolveKafkaParams({ 'bootstrap.servers': 'h:1', 'bootstrap.timeout.ms': 0 }), { key: 'bootstrap.timeout.ms' })
})
