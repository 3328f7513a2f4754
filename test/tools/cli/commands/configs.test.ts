import t from 'tap'
import { parseAddConfig, parseConfigsArgs, run } from '../../../../tools/cli/commands/configs.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// `kafka-direct configs` against the fake broker: kafka-configs.sh's flags and output.

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

t.test('--add-config splits at commas outside brackets', async t => {
  t.same(parseAddConfig('retention.ms=1000,cleanup.policy=[compact,delete]'), { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' })
  t.throws(() => parseAddConfig('oops'), { code: 'ERR_USAGE' })
})

t.test('alter and describe topic and broker configs as kafka-configs.sh does', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'a' }] })
  t.teardown(() => cluster.stop())
  const b = ['--bootstrap-server', cluster.bootstrap]
  let c = capture()
  t.equal(await run([...b, '--entity-type', 'topics', '--entity-name', 'a', '--alter', '--add-config', 'retention.ms=1000,cleanup.policy=[compact,delete]'], c.io), 0)
  t.equal(c.out(), 'Completed updating config for topic a.\n')
  c = capture()
  t.equal(await run([...b, '--topic', 'a', '--describe'], c.io), 0)
  t.equal(c.out(), 'Dynamic configs for topic a are:\n' +
    '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
    '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n')
  t.equal(await run([...b, '--topic', 'a', '--alter', '--delete-config', 'retention.ms'], capture().io), 0)
  c = capture()
  t.equal(await run([...b, '--topic', 'a', '--describe', '--all'], c.io), 0)
  t.match(c.out(), /^All configs for topic a are:\n/)
  t.match(c.out(), /\n {2}retention\.ms=604800000 sensitive=false synonyms=\{\}\n/)
  c = capture()
  t.equal(await run([...b, '--topic', 'a', '--alter', '--add-config', 'retention.ms=soon'], c.io), 1)
  t.match(c.err(), /Invalid value soon for configuration retention\.ms/)
  c = capture()
  t.equal(await run([...b, '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', 'log.retention.ms=5000'], c.io), 0)
  t.equal(c.out(), 'Completed updating default config for brokers in the cluster.\n')
  c = capture()
  t.equal(await run([...b, '--broker-defaults', '--describe'], c.io), 0)
  t.equal(c.out(), 'Default configs for brokers in the cluster are:\n  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1}\n  log.retention.ms=5000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=5000}\n')
  c = capture()
  t.equal(await run([...b, '--broker', '1', '--describe'], c.io), 0)
  t.equal(c.out(), 'Dynamic configs for broker 1 are:\n')
  t.equal(cluster.state.configs.topicValue('a', 'retention.ms', 1), '5000', 'the cluster default reached the topic')
})

t.test('flags are checked before anything is sent', async t => {
  t.throws(() => parseConfigsArgs(['--bootstrap-server', 'x:1', '--topic', 'a']), { code: 'ERR_USAGE', message: /exactly one action/ })
  t.throws(() => parseConfigsArgs(['--bootstrap-server', 'x:1', '--entity-type', 'users', '--entity-name', 'u', '--describe']), { code: 'ERR_USAGE', message: /topics or brokers/ })
  t.throws(() => parseConfigsArgs(['--bootstrap-server', 'x:1', '--topic', 'a', '--alter']), { code: 'ERR_USAGE', message: /--add-config or --delete-config/ })
  t.throws(() => parseConfigsArgs(['--bootstrap-server', 'x:1', '--entity-type', 'topics', '--entity-default', '--describe']), { code: 'ERR_USAGE' })
})
