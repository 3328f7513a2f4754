import t from 'tap'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { GroupConsumer } from '../../consumer/group/index.js'
import { describeGroup } from '../../consumer/admin/index.js'
import { KafkaClient } from '../../consumer/cluster.js'
import { renderDescription } from '../../tools/cli/commands/groups.js'
import { runProcess } from '../fake-broker/helpers.js'

// Our group consumer against a coordinator we did not write: librdkafka's mock cluster (rdkafka_mock.h, built
// from test-interop/consumer/mock-cluster.c and filled by librdkafka's producer). Two of our members split the
// partitions, read every record once between them and commit; kafka-python then reads the committed offsets back
// from the mock. ListOffsets is pinned to v3: the mock's v4+ responses carry extra bytes (see
// test-interop/consumer/librdkafka-mock.test.ts).

const here = dirname(fileURLToPath(import.meta.url))
const header = '/usr/include/librdkafka/rdkafka_mock.h'
const TOPIC = 'grouped'
const PARTITIONS = 4
const MESSAGES = 400
const skip = existsSync(header) ? false : `${header} is absent (apt-get install librdkafka-dev)`

async function startMock (t: Tap.Test): Promise<string> {
  const out = join(here, '..', '.build')
  mkdirSync(out, { recursive: true })
  const bin = join(out, 'mock-cluster')
  await new Promise<void>((resolve, reject) => execFile('cc', ['-O1', '-o', bin, join(here, '..', 'consumer', 'mock-cluster.c'), '-lrdkafka'], err => err === null ? resolve() : reject(err)))
  const child = spawn(bin, ['1', TOPIC, String(PARTITIONS), String(MESSAGES)], { stdio: ['pipe', 'pipe', 'pipe'] })
  child.stderr.resume()
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  t.teardown(async () => { child.stdin.end('quit\n'); await exited })
  return await new Promise<string>(resolve => {
    createInterface({ input: child.stdout }).on('line', line => { if (line.startsWith('BOOTSTRAP ')) resolve(line.slice(10)) })
  })
}

const PY_COMMITTED = `
import sys, json
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=sys.argv[3], enable_auto_commit=False)
print(json.dumps([c.committed(TopicPartition(sys.argv[2], p)) for p in range(int(sys.argv[4]))]))
c.close()
`

t.test('two of our members on librdkafka\'s mock cluster split the partitions, read each record once and commit', { skip }, async t => {
  const bootstrap = await startMock(t)
  const seen = new Map<string, number>()
  const members = ['a', 'b'].map(() => new GroupConsumer({
    bootstrapServers: bootstrap, 'group.id': 'mock-group', 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 100,
    'heartbeat.interval.ms': 300, 'session.timeout.ms': 6000, 'partition.assignment.strategy': 'range', maxVersions: { ListOffsets: 3 }
  }))
  for (const m of members) { t.teardown(() => m.close()); m.subscribe([TOPIC]) }
  const loops = members.map(async m => {
    for await (const r of m) { const k = `${r.partition}:${r.offset}`; seen.set(k, (seen.get(k) ?? 0) + 1) }
  })
  const start = Date.now()
  while (!(seen.size === MESSAGES && members.every(m => m.assignment().length === PARTITIONS / 2))) {
    if (Date.now() - start > 60_000) throw new Error(`timed out: ${seen.size} records, assignments ${members.map(m => m.assignment().length).join('+')}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  t.equal(seen.size, MESSAGES, 'every record')
  t.same([...seen].filter(([, n]) => n > 1), [], 'none twice')
  const owned = members.flatMap(m => m.assignment().map(tp => tp.partition)).sort()
  t.same(owned, [0, 1, 2, 3], 'the partitions split 2+2')
  // kafka-direct groups --describe's view of the mock's group: both members, their partitions, no lag.
  await Promise.all(members.map(async m => { await m.commit() }))
  const admin = new KafkaClient({ bootstrapServers: bootstrap, maxVersions: { ListOffsets: 3 } })
  t.teardown(() => admin.close())
  // librdkafka 2.0.2's mock has no DescribeGroups (key 15): state and members are unknown, offsets and lag are not.
  const d = await describeGroup(admin, 'mock-group')
  t.equal(d.state, 'Unknown', 'no DescribeGroups on the mock')
  t.same(d.partitions.map(p => p.lag), [0n, 0n, 0n, 0n], 'no lag after the commit')
  t.match(renderDescription(d), /^mock-group\s+grouped\s+0\s+100\s+100\s+0\s/m)
  // Committed on close (auto-commit): the positions past every record read.
  await Promise.all(members.map(async m => { await m.close() }))
  await Promise.all(loops)
  const py = await runProcess('/usr/bin/python3', ['-c', PY_COMMITTED, bootstrap, TOPIC, 'mock-group', String(PARTITIONS)], { timeoutMs: 60_000 })
  if (py.code !== 0 && /No module named/.test(py.stderr)) { t.skip('kafka-python is not installed'); return }
  t.equal(py.code, 0, 'kafka-python exits 0', { stderr: py.stderr })
  const committed = JSON.parse(py.stdout.toString()) as number[]
  t.equal(committed.reduce((a, b) => a + b, 0), MESSAGES, `kafka-python reads the commits back: ${committed.join(',')}`)
})
