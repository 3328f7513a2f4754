import t from 'tap'
import { parseAddConfig, run } from '../../../../tools/cli/commands/configs.js'
import { isQuotaCommand, javaDouble, parseQuotaConfigsArgs } from '../../../../tools/cli/commands/quota-configs.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// `kafka-direct configs` for client quotas against the fake broker: kafka-configs.sh's flags and output
// (ConfigCommand.alterConfig and describeQuotaConfigs).

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

t.test('quota values print as Java prints doubles', async t => {
  t.same([1024, 1.5, 0, 1.5e7, 1e7, 0.0001, 12345678.9, NaN, Infinity, -Infinity].map(javaDouble),
    ['1024.0', '1.5', '0.0', '1.5E7', '1.0E7', '1.0E-4', '1.23456789E7', 'NaN', 'Infinity', '-Infinity'])
})

t.test('users, clients and ips are quota commands; topics and brokers are not', async t => {
  t.ok(isQuotaCommand(['--entity-type', 'users']))
  t.ok(isQuotaCommand(['--client-defaults']))
  t.notOk(isQuotaCommand(['--entity-type', 'topics', '--entity-name', 'users']))
})

t.test('add, describe and delete quotas for users, clients and both, as kafka-configs.sh', async t => {
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const b = ['--bootstrap-server', cluster.bootstrap]
  let c = capture()
  t.equal(await run([...b, '--entity-type', 'users', '--entity-name', 'alice', '--alter', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048'], c.io), 0)
  t.equal(c.out(), 'Completed updating config for user alice.\n')
  c = capture()
  t.equal(await run([...b, '--entity-type', 'clients', '--entity-default', '--alter', '--add-config', 'request_percentage=12.5'], c.io), 0)
  t.equal(c.out(), 'Completed updating default config for clients in the cluster.\n')
  c = capture()
  t.equal(await run([...b, '--user', 'alice', '--client', 'app', '--alter', '--add-config', 'producer_byte_rate=20000000'], c.io), 0)
  c = capture()
  t.equal(await run([...b, '--entity-type', 'users', '--entity-name', 'alice', '--describe'], c.io), 0)
  t.equal(c.out(), 'Quota configs for user-principal \'alice\' are producer_byte_rate=1024.0, consumer_byte_rate=2048.0\n')
  c = capture()
  t.equal(await run([...b, '--entity-type', 'users', '--entity-type', 'clients', '--describe'], c.io), 0)
  t.equal(c.out(), 'Quota configs for user-principal \'alice\', client-id \'app\' are producer_byte_rate=2.0E7\n')
  c = capture()
  t.equal(await run([...b, '--client-defaults', '--describe'], c.io), 0)
  t.equal(c.out(), 'Quota configs for the default client-id are request_percentage=12.5\n')
  c = capture()
  t.equal(await run([...b, '--user', 'alice', '--alter', '--delete-config', 'consumer_byte_rate'], c.io), 0)
  c = capture()
  t.equal(await run([...b, '--user', 'alice', '--describe'], c.io), 0)
  t.equal(c.out(), 'Quota configs for user-principal \'alice\' are producer_byte_rate=1024.0\n')
  // The broker's refusal, and kafka-configs.sh's own check of a key that is not set.
  c = capture()
  t.equal(await run([...b, '--user', 'bob', '--alter', '--add-config', 'producer_byte_rate=1.5'], c.io), 1)
  t.match(c.err(), /producer_byte_rate cannot be a fractional value/)
  c = capture()
  t.equal(await run([...b, '--user', 'bob', '--alter', '--delete-config', 'producer_byte_rate'], c.io), 1)
  t.match(c.err(), /Invalid config\(s\): producer_byte_rate/)
})

t.test('bad quota command lines are usage errors', async t => {
  const b = ['--bootstrap-server', 'localhost:9092']
  const bad: Array<[string[], RegExp]> = [
    [['--user', 'a', '--describe'], /--bootstrap-server is required/],
    [[...b, '--user', 'a'], /exactly one action/],
    [[...b, '--user', 'a', '--entity-type', 'clients', '--describe'], /should not be used in conjunction/],
    [[...b, '--entity-type', 'users', '--entity-type', 'users', '--describe'], /Duplicate entity type\(s\) specified: users/],
    [[...b, '--entity-type', 'users', '--entity-type', 'topics', '--describe'], /Invalid entity type topics/],
    [[...b, '--entity-type', 'users', '--entity-type', 'ips', '--describe'], /may be specified together/],
    [[...b, '--entity-type', 'users', '--entity-name', 'a', '--entity-name', 'b', '--describe'], /More entity names/],
    [[...b, '--entity-type', 'users', '--alter', '--add-config', 'producer_byte_rate=1'], /Exactly one entity name/],
    [[...b, '--user', 'a', '--alter'], /needs --add-config or --delete-config/],
    [[...b, '--ip', '1.2.3.4', '--alter', '--add-config', 'producer_byte_rate=1'], /Unexpected config names: producer_byte_rate/],
    [[...b, '--user', 'a', '--alter', '--add-config', 'producer_byte_rate=lots'], /Cannot parse quota configuration value for producer_byte_rate: lots/],
    [[...b, '--user'], /--user needs a value/],
    [[...b, '--user', 'a', '--describe', '--frob'], /unknown option --frob/]
  ]
  for (const [argv, message] of bad) t.throws(() => parseQuotaConfigsArgs(argv, parseAddConfig), { code: 'ERR_USAGE', message }, argv.join(' '))
  t.same(parseQuotaConfigsArgs([...b, '--ip-defaults', '--alter', '--add-config', 'connection_creation_rate=5', '--delete-config', ''], parseAddConfig).entities, [{ type: 'ips', name: '' }])
})
