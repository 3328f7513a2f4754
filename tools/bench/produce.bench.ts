import os from 'node:os'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../fake-broker/index.js'
import { fmt, median, repoRoot, report, type CaseResult } from './harness.js'
import { GNU_TIME, haveCommand, runTimed } from './timed-child.js'
import { kafkaServerCoordinates, resolveJars } from '../../test-interop/peers/maven.js'

// Produce benchmark (issue 16): N records of 100 bytes (no key) to a 4-partition topic of our fake broker, with
// acks=all and idempotence, by each producer in its own child process timed whole (start-up and the final flush
// included). Each run writes to a fresh topic, which is checked to hold exactly N records afterwards and then
// deleted, so the broker's memory does not grow from run to run.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)

const here = dirname(fileURLToPath(import.meta.url))
const root = repoRoot()
const PARTITIONS = 4
const VALUE_BYTES = 100
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)
const node = process.execPath
const script = (file: string): string => join(here, 'produce-peers', file)

interface Peer { name: string, missing?: string, cmd: string, args: (bootstrap: string, topic: string, input: string) => string[] }

async function javaClasspath (): Promise<string[] | string> {
  try { return await resolveJars('kafka-server', kafkaServerCoordinates()) } catch (err) { return err instanceof Error ? err.message : String(err) }
}

async function peers (): Promise<Peer[]> {
  const jars = await javaClasspath()
  const cli = join(root, 'dist/kafka-direct.cjs')
  return [
    // The package's bin reading lines from stdin, as `kcat -P` does.
    { name: 'kafka-direct CLI -P', cmd: 'sh', args: (b, t, input) => ['-c', `exec "${node}" "${cli}" -b ${b} -P -t ${t} -X acks=all -X enable.idempotence=true < "${input}"`] },
    { name: 'kafka-direct Producer', cmd: node, args: (b, t) => [script('kafka-direct-produce.js'), b, t, String(RECORDS), String(VALUE_BYTES)] },
    { name: 'kcat -P (librdkafka)', missing: haveCommand('kcat') ? undefined : 'kcat is not installed', cmd: 'sh', args: (b, t, input) => ['-c', `exec kcat -b ${b} -P -t ${t} -X acks=all -X enable.idempotence=true < "${input}"`] },
    {
      name: 'Java KafkaProducer 4.4 (ProducerPerformance)',
      missing: typeof jars === 'string' ? jars : undefined,
      cmd: 'java',
      args: (b, t) => ['-Xmx512m', '-cp', typeof jars === 'string' ? '' : jars.join(':'), 'org.apache.kafka.tools.ProducerPerformance', '--topic', t,
        '--num-records', String(RECORDS), '--record-size', String(VALUE_BYTES), '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${b}`, 'acks=all', 'enable.idempotence=true']
    },
    { name: 'kafkajs 2.2', cmd: node, args: (b, t) => [script('kafkajs-produce.js'), b, t, String(RECORDS), String(VALUE_BYTES)] },
    { name: '@platformatic/kafka 1.35', cmd: node, args: (b, t) => [script('platformatic-produce.js'), b, t, String(RECORDS), String(VALUE_BYTES)] }
  ]
}

interface Samples { rates: number[], secs: number[], rss: number[], failure?: string }
interface PeerResult extends CaseResult { status: string, seconds: number, maxRssMiB: number | null }

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-produce-bench-'))
  const input = join(dir, 'lines')
  const line = 'a'.repeat(VALUE_BYTES) + '\n'
  writeFileSync(input, line.repeat(RECORDS))
  const cluster = await FakeCluster.start({ topics: [] })
  const list = await peers()
  const samples: Samples[] = list.map(() => ({ rates: [], secs: [], rss: [] }))
  let topicNo = 0
  const loadBefore = os.loadavg()[0]
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const [k, peer] of list.entries()) {
        const acc = samples[k]
        if (peer.missing !== undefined || acc.failure !== undefined) continue
        const topic = `bench-${topicNo++}`
        cluster.createTopic(topic, PARTITIONS)
        const r = await runTimed(peer.cmd, peer.args(cluster.bootstrap, topic, input), { timeoutMs: Math.max(180_000, RECORDS / 2) })
        let written = 0n
        for (let p = 0; p < PARTITIONS; p++) written += cluster.highWatermark(topic, p)
        cluster.state.deleteTopic(topic)
        if (!r.ok || written !== BigInt(RECORDS)) {
          const why = !r.ok ? `exit ${String(r.exitCode)}: ${r.stderrTail}` : `the topic holds ${written} of ${RECORDS} records`
          process.stderr.write(`${peer.name}: run ${i + 1} failed (${why})\n`)
          acc.failure = `failed: ${why.replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 300)}`
          continue
        }
        acc.rates.push(RECORDS / r.seconds)
        acc.secs.push(r.seconds)
        if (r.maxRssMiB !== undefined) acc.rss.push(r.maxRssMiB)
        process.stderr.write(`${peer.name}: run ${i + 1}: ${r.seconds.toFixed(2)} s, ${fmt(RECORDS / r.seconds)} records/s, ${r.maxRssMiB?.toFixed(0) ?? '?'} MiB\n`)
      }
    }
  } finally {
    await cluster.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const loadAfter = os.loadavg()[0]
  const results: PeerResult[] = list.map((peer, k) => {
    const acc = samples[k]
    const empty = { name: peer.name, unitsPerSec: 0, runs: [], seconds: 0, maxRssMiB: null }
    if (peer.missing !== undefined) return { ...empty, status: `not run: ${peer.missing.slice(0, 200)}` }
    if (acc.failure !== undefined) return { ...empty, status: acc.failure }
    return { name: peer.name, unitsPerSec: median(acc.rates), runs: acc.rates, seconds: median(acc.secs), maxRssMiB: acc.rss.length > 0 ? median(acc.rss) : null, status: 'ok' }
  })
  const ok = results.filter(r => r.status === 'ok')
  const find = (prefix: string): PeerResult | undefined => ok.find(r => r.name.startsWith(prefix))
  const kafkajs = find('kafkajs')
  const kcat = find('kcat')
  const ratio = (r: PeerResult, base: PeerResult | undefined): string => r.status === 'ok' && base !== undefined ? (r.unitsPerSec / base.unitsPerSec).toFixed(2) : '–'
  const spread = (rates: number[]): string => rates.length === 0 ? '–' : `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`
  const detail = [
    '| producer | records/s (median) | min–max records/s | wall s | peak RSS MiB | × kafkajs | × kcat | status |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(r => `| ${r.name} | ${r.status === 'ok' ? fmt(r.unitsPerSec) : '–'} | ${spread(r.runs)} | ${r.status === 'ok' ? r.seconds.toFixed(2) : '–'} | ` +
      `${r.maxRssMiB === null ? '–' : r.maxRssMiB.toFixed(0)} | ${ratio(r, kafkajs)} | ${ratio(r, kcat)} | ${r.status} |`)
  ].join('\n')
  const note = [
    `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes (no key, no compression) to ${PARTITIONS} partitions of one fake broker ` +
    `(tools/fake-broker) in the benchmark process, acks=all and idempotence for every producer. Each producer is a child process timed ` +
    `from spawn to exit (median of ${RUNS}, runs interleaved); every run writes a fresh topic, checked afterwards to hold exactly ` +
    `${RECORDS.toLocaleString('en')} records. kcat and the kafka-direct CLI read the records as lines from a file on stdin; the others ` +
    'generate them. Java: Kafka\'s own ProducerPerformance (kafka-tools 4.4, -Xmx512m, its defaults: batch.size 16 KiB, linger.ms 5). ' +
    'kafkajs: sends of 1000 messages, 5 outstanding; @platformatic/kafka: sends of 1000 messages, one at a time (with more outstanding its ' +
    `idempotent sequences arrive out of order and it fails). Peak RSS is the child's (${GNU_TIME !== undefined ? 'GNU time %M' : 'process.resourceUsage().maxRSS'}). The machine is shared ` +
    `and has ${os.cpus().length} cores: the broker and the producer compete for them. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    '',
    detail
  ].join('\n')
  report('produce', 'Produce benchmark (issue 16): `npm run bench -- produce` (tools/bench/produce.bench.ts).', [
    { title: 'Produce 100-byte records, acks=all, idempotent, child process timed whole, vs kafkajs', unit: 'records', rows: ok, baseline: kafkajs?.name, note },
    { title: 'Same runs, vs kcat', unit: 'records', rows: ok, baseline: kcat?.name }
  ])
  for (const r of results.filter(r => r.status !== 'ok')) process.stdout.write(`${r.name}: ${r.status}\n`)
}

await main()
