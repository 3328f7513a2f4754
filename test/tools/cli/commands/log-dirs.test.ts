import t from 'tap'
import { parseLogDirsArgs, run } from '../../../../tools/cli/commands/log-dirs.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// `kafka-direct log-dirs` against the fake broker: kafka-log-dirs.sh's flags and output.

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string } {
  const o: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: () => {} } }, out: () => o.join('') }
}

t.test('describes every broker\'s log directory as kafka-log-dirs.sh prints it', async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'a', partitions: 1 }, { name: 'b', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('a', 0, [{ value: 'x' }])
  const size = cluster.state.partition('a', 0)!.log.sizeBytes
  let c = capture()
  t.equal(await run(['--bootstrap-server', cluster.bootstrap, '--describe'], c.io), 0)
  const lines = c.out().split('\n')
  t.same(lines.slice(0, 2), ['Querying brokers for log directories information', 'Received log directory information from brokers 1,2'])
  const doc = JSON.parse(lines[2])
  t.equal(doc.version, 1)
  t.same(doc.brokers.map((b: any) => [b.broker, b.logDirs.map((d: any) => [d.logDir, d.error, d.partitions.map((p: any) => p.partition)])]), [
    [1, [['/var/lib/kafka-direct/broker-1', null, ['a-0', 'b-0']]]],
    [2, [['/var/lib/kafka-direct/broker-2', null, ['a-0', 'b-0']]]]
  ])
  t.same(doc.brokers[0].logDirs[0].partitions[0], { partition: 'a-0', size, offsetLag: 0, isFuture: false })
  c = capture()
  t.equal(await run(['-b', cluster.bootstrap, '--describe', '--broker-list', '2', '--topic-list', 'b'], c.io), 0)
  const only = JSON.parse(c.out().split('\n')[2])
  t.same(only.brokers.map((b: any) => [b.broker, b.logDirs[0].partitions.map((p: any) => p.partition)]), [[2, ['b-0']]])
  c = capture()
  t.equal(await run(['--help'], c.io), 0)
  t.match(c.out(), /^usage: kafka-direct log-dirs/)
})

t.test('refuses what kafka-log-dirs.sh refuses', async t => {
  t.throws(() => parseLogDirsArgs(['--describe']), { code: 'ERR_USAGE', message: /--bootstrap-server is required/ })
  t.throws(() => parseLogDirsArgs(['-b', 'x:1']), { code: 'ERR_USAGE', message: /--describe is required/ })
  t.throws(() => parseLogDirsArgs(['-b', 'x:1', '--describe', '--broker-list', 'one']), { code: 'ERR_USAGE', message: /broker ids/ })
  t.throws(() => parseLogDirsArgs(['-b', 'x:1', '--describe', '--bogus']), { code: 'ERR_USAGE', message: /unknown option --bogus/ })
  t.throws(() => parseLogDirsArgs(['-b']), { code: 'ERR_USAGE', message: /needs a value/ })
})
