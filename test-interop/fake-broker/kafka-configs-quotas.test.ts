import t from 'tap'
import { run as configs } from '../../tools/cli/commands/configs.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { kafkaTools, type KafkaTool } from '../peers/kafka-tools.js'
import { runProcess } from './helpers.js'

// Kafka's own kafka-configs.sh (ConfigCommand) setting and describing client quotas on the fake broker, with our
// `kafka-direct configs` given the same flags printing the same lines; and kafka-transactions.sh describe-producers
// reading the producer state DescribeProducers serves.

t.setTimeout(600_000)

let tool: ((name: KafkaTool, args: string[]) => string[]) | undefined
let skip: string | false = false
try {
  tool = await kafkaTools()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = peerMissing(`Kafka's tools unavailable: ${err.message}`)
}

async function kafka (name: KafkaTool, args: string[]): Promise<{ code: number | null, lines: string[], stderr: string }> {
  const r = await runProcess('java', tool!(name, args), { timeoutMs: 120_000 })
  return { code: r.code, lines: r.stdout.toString().split('\n').filter(l => l.trim().length > 0), stderr: r.stderr }
}

async function ours (args: string[]): Promise<{ code: number, lines: string[] }> {
  const out: string[] = []
  const code = await configs(args, { stdout: { write: s => { out.push(s) } }, stderr: { write: () => {} } })
  return { code, lines: out.join('').split('\n').filter(l => l.trim().length > 0) }
}

t.test('kafka-configs.sh and kafka-direct configs alter and describe quotas alike', { skip }, async t => {
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const b = ['--bootstrap-server', cluster.bootstrap]
  const set = await kafka('configs', [...b, '--alter', '--entity-type', 'users', '--entity-name', 'alice', '--add-config', 'producer_byte_rate=1024'])
  t.equal(set.code, 0, 'kafka-configs --alter exits 0', { stderr: set.stderr.slice(-2000) })
  t.same(set.lines, ['Completed updating config for user alice.'])
  const ourSet = await ours([...b, '--alter', '--entity-type', 'clients', '--entity-default', '--add-config', 'consumer_byte_rate=2048'])
  t.same(ourSet, { code: 0, lines: ['Completed updating default config for clients in the cluster.'] })
  const both = await kafka('configs', [...b, '--alter', '--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app', '--add-config', 'request_percentage=12.5'])
  t.equal(both.code, 0, { stderr: both.stderr.slice(-2000) })
  for (const args of [
    ['--entity-type', 'users', '--entity-name', 'alice'],
    ['--entity-type', 'clients', '--entity-default'],
    ['--entity-type', 'users', '--entity-name', 'alice', '--entity-type', 'clients', '--entity-name', 'app'],
    ['--entity-type', 'users']
  ]) {
    const theirs = await kafka('configs', [...b, '--describe', ...args])
    t.equal(theirs.code, 0, { stderr: theirs.stderr.slice(-2000) })
    // kafka-configs.sh also asks for SCRAM credentials of a named user; that line is not about quotas.
    const quotaLines = theirs.lines.filter(l => l.startsWith('Quota configs'))
    t.ok(quotaLines.length > 0, `kafka-configs.sh describes ${args.join(' ')}`)
    t.same((await ours([...b, '--describe', ...args])).lines, quotaLines, `the same lines for ${args.join(' ')}`)
  }
  t.same((await kafka('configs', [...b, '--describe', '--entity-type', 'users', '--entity-name', 'alice'])).lines.filter(l => l.startsWith('Quota')),
    ['Quota configs for user-principal \'alice\' are producer_byte_rate=1024.0'])
})

t.test('kafka-transactions.sh describe-producers shows an idempotent producer\'s state', { skip }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'txn-state', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('txn-state', 0, [{ value: 'a' }, { value: 'b' }, { value: 'c' }], { producerId: 77n, producerEpoch: 5, baseSequence: 0 })
  const r = await kafka('transactions', ['--bootstrap-server', cluster.bootstrap, 'describe-producers', '--topic', 'txn-state', '--partition', '0'])
  t.equal(r.code, 0, { stderr: r.stderr.slice(-2000) })
  t.match(r.lines[0], /ProducerId\s+ProducerEpoch\s+LatestCoordinatorEpoch\s+LastSequence\s+LastTimestamp\s+CurrentTransactionStartOffset/)
  t.match(r.lines[1], /^77\s+5\s+-1\s+2\s+\d+\s+None\s*$/)
})
