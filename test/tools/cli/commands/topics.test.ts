import t from 'tap'
import { run, parseTopicsArgs } from '../../../../tools/cli/commands/topics.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// `kafka-direct topics` against the fake broker: kafka-topics.sh's flags, output and error lines.

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

t.test('create, list, describe, alter and delete as kafka-topics.sh does', async t => {
  const cluster = await FakeCluster.start({ brokers: 2 })
  t.teardown(() => cluster.stop())
  const b = ['--bootstrap-server', cluster.bootstrap]
  let c = capture()
  t.equal(await run([...b, '--create', '--topic', 'orders', '--partitions', '2', '--replication-factor', '2', '--config', 'cleanup.policy=compact', '--config', 'retention.ms=1000'], c.io), 0)
  t.equal(c.out(), 'Created topic orders.\n')
  c = capture()
  t.equal(await run([...b, '--create', '--topic', 'orders'], c.io), 1)
  t.match(c.err(), /^Error while executing topic command : .*TOPIC_ALREADY_EXISTS/)
  c = capture()
  t.equal(await run([...b, '--create', '--topic', 'bad', '--config', 'retention.ms=soon'], c.io), 1)
  t.match(c.err(), /Invalid value soon for configuration retention\.ms/)
  c = capture()
  t.equal(await run([...b, '--list'], c.io), 0)
  t.equal(c.out(), 'orders\n')
  t.equal(await run([...b, '--alter', '--topic', 'orders', '--partitions', '3'], capture().io), 0)
  c = capture()
  t.equal(await run([...b, '--describe', '--topic', 'orders'], c.io), 0)
  const lines = c.out().trimEnd().split('\n')
  const id = cluster.state.topics.get('orders')!.id
  t.equal(lines[0], `Topic: orders\tTopicId: ${id}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,retention.ms=1000`)
  const p0 = cluster.state.partition('orders', 0)!
  t.equal(lines[1], `\tTopic: orders\tPartition: 0\tLeader: ${p0.leaderId}\tReplicas: ${p0.replicas.join(',')}\tIsr: ${p0.replicas.join(',')}`)
  t.equal(lines.length, 4)
  c = capture()
  t.equal(await run([...b, '--describe', '--topic', 'ghost'], c.io), 1)
  t.match(c.err(), /Topic 'ghost' does not exist/)
  t.equal(await run([...b, '--delete', '--topic', 'orders'], capture().io), 0)
  t.notOk(cluster.state.topics.has('orders'))
})

t.test('flags are checked before anything is sent', async t => {
  t.throws(() => parseTopicsArgs(['--bootstrap-server', 'x:1', '--list', '--delete']), { code: 'ERR_USAGE', message: /exactly one action/ })
  t.throws(() => parseTopicsArgs(['--list']), { code: 'ERR_USAGE', message: /--bootstrap-server is required/ })
  t.throws(() => parseTopicsArgs(['--bootstrap-server', 'x:1', '--create']), { code: 'ERR_USAGE', message: /needs --topic/ })
  t.throws(() => parseTopicsArgs(['--bootstrap-server', 'x:1', '--create', '--topic', 'a', '--partitions', 'two']), { code: 'ERR_USAGE' })
  t.throws(() => parseTopicsArgs(['--bootstrap-server', 'x:1', '--create', '--topic', 'a', '--config', 'novalue']), { code: 'ERR_USAGE' })
  t.throws(() => parseTopicsArgs(['--bootstrap-server', 'x:1', '--alter', '--topic', 'a']), { code: 'ERR_USAGE', message: /--partitions/ })
})
