import t from 'tap'
import { parseConsumerConfig, parseHostPort } from '../../consumer/config.js'
import { ConfigError } from '../../protocol/errors.js'

// Configuration is validated when given: every bad key is a ConfigError that names it, and librdkafka's dotted
// keys (as kcat -X passes them) are accepted alongside camelCase.

function configError (input: Record<string, unknown>): ConfigError {
  try {
    parseConsumerConfig(input)
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

t.test('dotted librdkafka keys and string values are accepted and parsed', async t => {
  const c = parseConsumerConfig({
    'bootstrap.servers': 'a:9092, b:9093',
    'client.id': 'me',
    'request.timeout.ms': '5000',
    'fetch.wait.max.ms': '100',
    'fetch.min.bytes': '10',
    'fetch.max.bytes': '1000000',
    'max.partition.fetch.bytes': '65536',
    'isolation.level': 'read_committed',
    'api.version.request': 'false',
    'check.crcs': 'true'
  })
  t.same(c.bootstrapServers, ['a:9092', 'b:9093'])
  t.equal(c.clientId, 'me')
  t.equal(c.requestTimeoutMs, 5000)
  t.equal(c.fetchWaitMaxMs, 100)
  t.equal(c.fetchMinBytes, 10)
  t.equal(c.fetchMaxBytes, 1_000_000)
  t.equal(c.maxPartitionFetchBytes, 65536)
  t.equal(c.isolationLevel, 'read_committed')
  t.equal(c.apiVersionRequest, false)
  t.equal(c.checkCrcs, true)
})

t.test('metadata.broker.list is a synonym of bootstrap.servers', async t => {
  t.same(parseConsumerConfig({ 'metadata.broker.list': 'h:1' }).bootstrapServers, ['h:1'])
  t.same(parseConsumerConfig({ bootstrapServers: ['h:1', 'h:2'] }).bootstrapServers, ['h:1', 'h:2'])
})

t.test('defaults are filled in for keys not given', async t => {
  const c = parseConsumerConfig({ bootstrapServers: 'h:1' })
  t.equal(c.fetchWaitMaxMs, 500)
  t.equal(c.isolationLevel, 'read_uncommitted')
  t.equal(c.apiVersionRequest, true)
})

t.test('a missing bootstrap list is a ConfigError naming bootstrap.servers', async t => {
  t.equal(configError({}).key, 'bootstrap.servers')
})

t.test('an unknown key is a ConfigError naming it', async t => {
  t.equal(configError({ bootstrapServers: 'h:1', 'fetch.wiat.max.ms': 1 }).key, 'fetch.wiat.max.ms')
})

t.test('a bad value is a ConfigError naming the key as given', async t => {
  t.equal(configError({ bootstrapServers: 'h:1', 'fetch.max.bytes': 'lots' }).key, 'fetch.max.bytes')
  t.equal(configError({ bootstrapServers: 'h:1', requestTimeoutMs: -5 }).key, 'requestTimeoutMs')
  t.equal(configError({ bootstrapServers: 'h:1', 'isolation.level': 'dirty' }).key, 'isolation.level')
  t.equal(configError({ bootstrapServers: 'h:1', 'check.crcs': 'yes' }).key, 'check.crcs')
  t.equal(configError({ 'bootstrap.servers': 'h:99999' }).key, 'bootstrap.servers')
  t.equal(configError({ 'bootstrap.servers': ' , ' }).key, 'bootstrap.servers')
  t.equal(configError({ bootstrapServers: 'h:1', maxVersions: { Fetch: -1 } }).key, 'maxVersions.Fetch')
})

t.test('the same setting given under two spellings is a ConfigError', async t => {
  t.match(configError({ 'bootstrap.servers': 'h:1', 'metadata.broker.list': 'h:2' }).message, /given twice/)
})

t.test('a fetch limit above the receive limit is refused', async t => {
  t.equal(configError({ bootstrapServers: 'h:1', 'fetch.max.bytes': 200_000_000 }).key, 'fetch.max.bytes')
})

t.test('host:port entries parse, IPv6 in brackets, with a default port', async t => {
  t.same(parseHostPort('[::1]:9093'), { host: '::1', port: 9093 })
  t.same(parseHostPort('PLAINTEXT://k1:9092'), { host: 'k1', port: 9092 })
  t.same(parseHostPort('k2'), { host: 'k2', port: 9092 })
})
