import { spawn } from 'node:child_process'
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { iterateRecords } from '../../protocol/records/index.js'
import { PeerUnavailable } from '../peers/cache.js'
import { kafkaTools, type KafkaTool } from '../peers/kafka-tools.js'
import { runProcess } from './helpers.js'

// Kafka's own command-line tools (kafka-tools 4.x, run from the jar as bin/kafka-*.sh run them) against the fake
// broker: console producer and consumer, kafka-consumer-groups --describe (with and without live members),
// kafka-topics and kafka-get-offsets.

// A cold first run resolves Kafka's jars from Maven, and each tool is a JVM start: on a busy 2-core machine that
// can outlast tap's 120 s per-file default.
t.setTimeout(600_000)

let tool: ((name: KafkaTool, args: string[]) => string[]) | undefined
let skip: string | false = false
try {
  tool = await kafkaTools()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = `Kafka's tools unavailable: ${err.message}`
}

async function run (name: KafkaTool, args: string[], input = ''): Promise<{ code: number | null, lines: string[], stderr: string }> {
  const r = await runProcess('java', tool!(name, args), { input, timeoutMs: 120_000 })
  return { code: r.code, lines: r.stdout.toString().split('\n').filter(l => l.trim().length > 0), stderr: r.stderr }
}

/** Splits a table line of kafka-consumer-groups into its columns. */
const columns = (line: string): string[] => line.trim().split(/\s+/)

t.test('console producer, console consumer and kafka-consumer-groups --describe', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'tools', partitions: 3 }] })
  t.teardown(() => cluster.stop())
  const b = cluster.bootstrap

  const input = Array.from({ length: 60 }, (_, i) => `key${i % 12}:value${i}`).join('\n') + '\n'
  const produced = await run('consoleProducer', ['--bootstrap-server', b, '--topic', 'tools', '--property', 'parse.key=true', '--property', 'key.separator=:'], input)
  t.equal(produced.code, 0, 'produced: exits 0', { stderr: produced.stderr })
  // Keyed records: one key always lands in one partition (murmur2 of the key), in the order produced.
  const partitionOfKey = new Map<string, number>()
  const stored: string[] = []
  let total = 0n
  for (let p = 0; p < 3; p++) {
    total += cluster.highWatermark('tools', p)
    for (const r of iterateRecords(cluster.state.partition('tools', p)!.log.read(0, 1 << 30, true), { topic: 'tools', partition: p })) {
      const key = r.key!.toString()
      t.equal(partitionOfKey.get(key) ?? p, p, `${key} stays in one partition`)
      partitionOfKey.set(key, p)
      stored.push(`${p} ${r.offset} ${key} ${r.value!.toString()}`)
    }
  }
  t.equal(total, 60n, 'every line became a record')
  t.same(stored.map(s => Number(s.split(' ')[3].slice(5))).filter((v, i, a) => i > 0 && a[i - 1] > v && stored[i - 1].split(' ')[0] === stored[i].split(' ')[0]), [], 'in produce order within a partition')

  const consumed = await run('consoleConsumer', ['--bootstrap-server', b, '--topic', 'tools', '--from-beginning', '--max-messages', '60', '--group', 'tools-group',
    '--property', 'print.partition=true', '--property', 'print.offset=true', '--property', 'print.key=true'])
  t.equal(consumed.code, 0, 'consumed: exits 0', { stderr: consumed.stderr })
  const read = consumed.lines.filter(l => l.startsWith('Partition:')).map(l => {
    const [p, o, k, v] = l.split('\t')
    return `${p.slice('Partition:'.length)} ${o.slice('Offset:'.length)} ${k} ${v}`
  })
  t.same(read.sort(), [...stored].sort(), 'the console consumer read every record with its partition, offset and key')

  // The console consumer committed on close: the group is empty, with no lag.
  const described = await run('consumerGroups', ['--bootstrap-server', b, '--describe', '--group', 'tools-group'])
  t.equal(described.code, 0, 'described: exits 0', { stderr: described.stderr })
  t.match(described.stderr + described.lines.join('\n'), /Consumer group 'tools-group' has no active members/)
  const rows = described.lines.filter(l => l.startsWith('tools-group ')).map(columns).sort((x, y) => Number(x[2]) - Number(y[2]))
  t.same(rows.map(r => r.slice(0, 6)), [0, 1, 2].map(p => {
    const end = String(cluster.highWatermark('tools', p))
    return ['tools-group', 'tools', String(p), end, end, '0']
  }), 'CURRENT-OFFSET = LOG-END-OFFSET, LAG 0, per partition')

  const state = await run('consumerGroups', ['--bootstrap-server', b, '--describe', '--group', 'tools-group', '--state'])
  t.equal(state.code, 0, 'state: exits 0', { stderr: state.stderr })
  t.match(state.lines.find(l => l.startsWith('tools-group ')), /^tools-group\s+127\.0\.0\.1:\d+\s+\([123]\)\s+-?\s*Empty\s+0$/)

  const list = await run('consumerGroups', ['--bootstrap-server', b, '--list'])
  t.same(list.lines, ['tools-group'])
})

t.test('kafka-consumer-groups --describe --members shows a live console consumer', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'live', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('live', 0, [{ value: 'first' }])
  const child = spawn('java', tool!('consoleConsumer', ['--bootstrap-server', cluster.bootstrap, '--topic', 'live', '--from-beginning', '--group', 'live-group']), { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL') })
  // Once it printed the record, it has joined the group and holds both partitions.
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', d => { out += String(d); if (out.includes('first')) resolve() })
    child.on('exit', code => reject(new Error(`console consumer exited with ${code}`)))
  })
  const members = await run('consumerGroups', ['--bootstrap-server', cluster.bootstrap, '--describe', '--group', 'live-group', '--members'])
  t.equal(members.code, 0, 'members: exits 0', { stderr: members.stderr })
  const rows = members.lines.filter(l => l.startsWith('live-group ')).map(columns)
  t.equal(rows.length, 1, 'one member')
  t.match(rows[0], ['live-group', /^console-consumer-/, /127\.0\.0\.1$/, /^console-consumer$|^consumer-live-group-\d+$/, '2'])
  const offsets = await run('consumerGroups', ['--bootstrap-server', cluster.bootstrap, '--describe', '--group', 'live-group'])
  t.equal(offsets.code, 0, 'offsets: exits 0', { stderr: offsets.stderr })
  const byPartition = offsets.lines.filter(l => l.startsWith('live-group ')).map(columns).sort((x, y) => Number(x[2]) - Number(y[2]))
  t.same(byPartition.map(r => [r[2], r[4], r[6]]), [['0', '1', rows[0][1]], ['1', '0', rows[0][1]]], 'LOG-END-OFFSET and the CONSUMER-ID per partition')
})

t.test('kafka-topics and kafka-get-offsets', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const b = cluster.bootstrap
  const created = await run('topics', ['--bootstrap-server', b, '--create', '--topic', 'made', '--partitions', '3', '--replication-factor', '2'])
  t.equal(created.code, 0, 'created: exits 0', { stderr: created.stderr })
  t.same(created.lines, ['Created topic made.'])
  t.equal(cluster.state.topics.get('made')?.partitions.length, 3)
  const again = await run('topics', ['--bootstrap-server', b, '--create', '--topic', 'made', '--partitions', '3'])
  t.not(again.code, 0)
  t.match(again.lines.join('\n') + again.stderr, /Topic 'made' already exists/)
  const listed = await run('topics', ['--bootstrap-server', b, '--list'])
  t.same(listed.lines, ['made'])

  for (let i = 0; i < 5; i++) cluster.produce('made', 1, [{ value: `r${i}`, timestamp: 1_700_000_000_000 + i * 10 }])
  cluster.produce('made', 2, [{ value: 'late', timestamp: 1_700_000_009_000 }, { value: 'early', timestamp: 1_700_000_000_000 }])
  const offsets = async (time: string): Promise<string[]> => {
    const r = await run('getOffsets', ['--bootstrap-server', b, '--topic', 'made', '--time', time])
    t.equal(r.code, 0, `kafka-get-offsets --time ${time}: exits 0`, { stderr: r.stderr })
    return r.lines.sort()
  }
  t.same(await offsets('-1'), ['made:0:0', 'made:1:5', 'made:2:2'], 'latest')
  t.same(await offsets('-2'), ['made:0:0', 'made:1:0', 'made:2:0'], 'earliest')
  // Max timestamp: the record with the largest timestamp, not the last one. An empty partition has none to name.
  t.same(await offsets('-3'), ['made:1:4', 'made:2:0'], 'max timestamp')
  t.same(await offsets('1700000000015'), ['made:1:2', 'made:2:0'], 'the first offset at or after a timestamp')

  const described = await run('topics', ['--bootstrap-server', b, '--describe', '--topic', 'made'])
  // kafka-topics --describe also asks for the topic's configs (DescribeConfigs, key 32), now served.
  t.test('kafka-topics --describe prints the partitions', async t => {
    t.equal(described.code, 0, 'exits 0', { stderr: described.stderr })
    for (let p = 0; p < 3; p++) t.match(described.lines.join('\n'), new RegExp(`Topic: made\\s+Partition: ${p}\\s+Leader: \\d`))
  })
})
