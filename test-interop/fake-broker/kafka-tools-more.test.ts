import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { HANDLERS } from '../../tools/fake-broker/handlers/index.js'
import { PeerUnavailable } from '../peers/cache.js'
import { kafkaTools, type KafkaTool } from '../peers/kafka-tools.js'
import { runProcess } from './helpers.js'

// More of Kafka's command-line tools against the fake broker (kafka-tools.test.ts has the console clients, groups,
// topics and offsets; split in two so that each file stays well inside tap's per-file timeout with JVMs starting
// on a busy machine): kafka-broker-api-versions, kafka-cluster, the perf tools, offset resets, kafka-delete-records,
// topic deletion, kafka-log-dirs and kafka-metadata-quorum.

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

async function run (name: KafkaTool, args: string[]): Promise<{ code: number | null, lines: string[], stderr: string }> {
  const r = await runProcess('java', tool!(name, args), { timeoutMs: 120_000 })
  return { code: r.code, lines: r.stdout.toString().split('\n').filter(l => l.trim().length > 0), stderr: r.stderr }
}

t.test('kafka-broker-api-versions, kafka-cluster, kafka-delete-records, offset resets, topic deletion and the perf tools', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'perf', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  const b = cluster.bootstrap

  // Every API the fake broker serves, with the range it advertises; the rest UNSUPPORTED.
  const versions = await run('brokerApiVersions', ['--bootstrap-server', b])
  t.equal(versions.code, 0, 'kafka-broker-api-versions: exits 0', { stderr: versions.stderr })
  const firstBroker = versions.lines.slice(1, versions.lines.findIndex((l, i) => i > 0 && l.startsWith('127.0.0.1:')))
  for (const h of HANDLERS.values()) {
    // The tool prints "0 to 3 [usable: 3]" for a range and "0 [usable: 0]" for a single version.
    const range = h.versions.min === h.versions.max ? `${h.versions.min}` : `${h.versions.min} to ${h.versions.max}`
    t.match(firstBroker.find(l => l.includes(`(${h.api.key}):`)), new RegExp(`\\(${h.api.key}\\): ${range} \\[usable: \\d+\\]`), `${h.api.name} advertised as ${h.versions.min}-${h.versions.max}`)
  }
  t.equal(firstBroker.filter(l => /: \d+( to \d+)? \[usable/.test(l)).length, HANDLERS.size, 'and no other API')

  const id = await run('cluster', ['cluster-id', '--bootstrap-server', b])
  t.same(id.lines, [`Cluster ID: ${cluster.state.clusterId}`])

  const sent = await run('producerPerf', ['--topic', 'perf', '--num-records', '5000', '--record-size', '100', '--throughput', '-1', '--command-property', `bootstrap.servers=${b}`])
  t.equal(sent.code, 0, 'kafka-producer-perf-test: exits 0', { stderr: sent.stderr })
  t.match(sent.lines.at(-1), /^5000 records sent, /)
  t.equal(cluster.highWatermark('perf', 0) + cluster.highWatermark('perf', 1), 5000n)
  const read = await run('consumerPerf', ['--bootstrap-server', b, '--topic', 'perf', '--messages', '5000', '--group', 'perf-group'])
  t.equal(read.code, 0, 'kafka-consumer-perf-test: exits 0', { stderr: read.stderr })
  t.equal(read.lines.at(-1)?.split(', ')[4], '5000', 'data.consumed.in.nMsg')

  const reset = await run('consumerGroups', ['--bootstrap-server', b, '--reset-offsets', '--to-offset', '1', '--group', 'perf-group', '--topic', 'perf', '--execute'])
  t.equal(reset.code, 0, 'kafka-consumer-groups --reset-offsets: exits 0', { stderr: reset.stderr })
  t.same([0, 1].map(p => cluster.state.groups.committed('perf-group', 'perf', p)?.offset), [1n, 1n], 'both partitions reset to 1')

  const dir = mkdtempSync(join(tmpdir(), 'kd-delete-records-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'offsets.json'), JSON.stringify({ version: 1, partitions: [{ topic: 'perf', partition: 0, offset: 5 }] }))
  const deleted = await run('deleteRecords', ['--bootstrap-server', b, '--offset-json-file', join(dir, 'offsets.json')])
  t.equal(deleted.code, 0, 'kafka-delete-records: exits 0', { stderr: deleted.stderr })
  t.match(deleted.lines.join('\n'), /partition: perf-0\s+low_watermark: 5/)
  t.equal(cluster.logStartOffset('perf', 0), 5n)

  const gone = await run('topics', ['--bootstrap-server', b, '--delete', '--topic', 'perf'])
  t.equal(gone.code, 0, 'kafka-topics --delete: exits 0', { stderr: gone.stderr })
  t.notOk(cluster.state.topics.has('perf'), 'the topic is deleted')

  // kafka-log-dirs and kafka-metadata-quorum (DescribeLogDirs, DescribeQuorum): served since the replica APIs.
  const dirs = await run('logDirs', ['--bootstrap-server', b, '--describe'])
  t.equal(dirs.code, 0, 'kafka-log-dirs: exits 0', { stderr: dirs.stderr })
  const described = JSON.parse(dirs.lines.at(-1) ?? '{}') as { brokers: Array<{ broker: number, logDirs: Array<{ logDir: string, error: unknown, partitions: Array<{ partition: string }> }> }> }
  t.same(described.brokers.map(x => [x.broker, x.logDirs.map(d => [d.logDir, d.error])]), [1, 2].map(id => [id, [[`/var/lib/kafka-direct/broker-${id}`, null]]]))
  const quorum = await run('metadataQuorum', ['--bootstrap-server', b, 'describe', '--status'])
  t.equal(quorum.code, 0, 'kafka-metadata-quorum: exits 0', { stderr: quorum.stderr })
  t.match(quorum.lines.join('\n'), /LeaderId:\s+1\n.*LeaderEpoch:\s+1\n/s)
  t.match(quorum.lines.join('\n'), /CurrentObservers:\s+\[\{"id": 2, /)
})
