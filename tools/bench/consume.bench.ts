import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../fake-broker/index.js'
import { fmt, median, repoRoot, report, type CaseResult } from './harness.js'
import { GNU_TIME, haveCommand, runTimed, type ChildResult } from './timed-child.js'

// Consume benchmark (issue 5): one topic of N 100-byte records (4 partitions) in our fake broker, read from the
// beginning to the end by five consumers, each a separate child process timed whole — start-up, metadata, group
// joins and end-of-log waits included, as someone running the tool would see it. Every peer uses the same
// fetch.wait.max.ms, so the wait at the end of the log costs each of them the same.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)
//
// The broker runs in this process; the peer runs in its child. On a 2-core machine the two share the cores with
// nothing else of ours.

const here = dirname(fileURLToPath(import.meta.url))
const root = repoRoot()
const TOPIC = 'bench'
const PARTITIONS = 4
const VALUE_BYTES = 100
const BATCH = 1000
const WAIT_MS = 100
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)

interface Peer {
  name: string
  /** Why it cannot run here, if it cannot. */
  missing?: string
  cmd: string
  args: (bootstrap: string) => string[]
  /** Records read, from the child's output. */
  count: (r: ChildResult) => number
}

const node = process.execPath
const kcatArgs = (b: string): string[] => ['-b', b, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-X', `fetch.wait.max.ms=${WAIT_MS}`, '-f', '%o\\n']
const fromJson = (r: ChildResult): number => typeof r.json?.records === 'number' ? r.json.records : 0
const script = (file: string): string => join(here, 'consume-peers', file)

const PEERS: Peer[] = [
  // The package's bin, as `npx kafka-direct` runs it (one bundled file; see tools/build/bundle-cli.ts).
  { name: 'kafka-direct CLI', cmd: node, args: b => [join(root, 'dist/kafka-direct.cjs'), ...kcatArgs(b)], count: r => r.lines },
  // kcat mode takes librdkafka's check.crcs=false default; this row shows the cost of verifying anyway.
  { name: 'kafka-direct CLI, check.crcs=true', cmd: node, args: b => [join(root, 'dist/kafka-direct.cjs'), ...kcatArgs(b), '-X', 'check.crcs=true'], count: r => r.lines },
  { name: 'kcat (librdkafka)', missing: haveCommand('kcat') ? undefined : 'kcat is not installed', cmd: 'kcat', args: kcatArgs, count: r => r.lines },
  { name: 'kafkajs 2.2', cmd: node, args: b => [script('kafkajs-consume.js'), b, TOPIC, String(WAIT_MS)], count: fromJson },
  { name: '@platformatic/kafka 1.35', cmd: node, args: b => [script('platformatic-consume.js'), b, TOPIC, String(WAIT_MS)], count: fromJson },
  { name: 'kafka-direct SimpleConsumer', cmd: node, args: b => [script('simple-consume.js'), b, TOPIC, String(WAIT_MS)], count: fromJson }
]

interface PeerResult extends CaseResult {
  status: string
  seconds: number
  mbPerSec: number
  maxRssMiB: number | null
}

async function seed (cluster: FakeCluster): Promise<number> {
  let bytes = 0
  const value = Buffer.alloc(VALUE_BYTES)
  for (let i = 0; i < VALUE_BYTES; i++) value[i] = 0x61 + (i % 26)
  const batch = Array.from({ length: BATCH }, () => ({ key: null, value }))
  for (let done = 0, p = 0; done < RECORDS; done += BATCH, p = (p + 1) % PARTITIONS) {
    const n = Math.min(BATCH, RECORDS - done)
    cluster.produce(TOPIC, p, n === BATCH ? batch : batch.slice(0, n), { baseTimestamp: BigInt(Date.now()) })
    bytes += n * VALUE_BYTES
  }
  return bytes
}

interface Samples { rates: number[], secs: number[], rss: number[], failure?: string }

/** One timed run of one peer; a failure is recorded and the peer is not run again. */
async function runOnce (peer: Peer, bootstrap: string, i: number, acc: Samples): Promise<void> {
  const r = await runTimed(peer.cmd, peer.args(bootstrap), { timeoutMs: Math.max(120_000, RECORDS / 2) })
  const n = peer.count(r)
  if (!r.ok || n !== RECORDS) {
    const why = !r.ok ? `exit ${String(r.exitCode)}: ${r.stderrTail}` : `read ${n} of ${RECORDS} records`
    process.stderr.write(`${peer.name}: run ${i + 1} failed (${why})\n`)
    acc.failure = `failed: ${why.replace(/\|/g, '/').slice(0, 300)}`
    return
  }
  acc.rates.push(n / r.seconds)
  acc.secs.push(r.seconds)
  if (r.maxRssMiB !== undefined) acc.rss.push(r.maxRssMiB)
  process.stderr.write(`${peer.name}: run ${i + 1}: ${r.seconds.toFixed(2)} s, ${fmt(n / r.seconds)} records/s, ${r.maxRssMiB?.toFixed(0) ?? '?'} MiB\n`)
}

function summarize (peer: Peer, acc: Samples): PeerResult {
  const empty = { name: peer.name, unitsPerSec: 0, runs: [], seconds: 0, mbPerSec: 0, maxRssMiB: null }
  if (peer.missing !== undefined) return { ...empty, status: `not run: ${peer.missing}` }
  if (acc.failure !== undefined) return { ...empty, status: acc.failure }
  const seconds = median(acc.secs)
  return {
    name: peer.name,
    unitsPerSec: median(acc.rates),
    runs: acc.rates,
    seconds,
    mbPerSec: RECORDS * VALUE_BYTES / seconds / 1e6,
    maxRssMiB: acc.rss.length > 0 ? median(acc.rss) : null,
    status: 'ok'
  }
}

/** "min–max" of a case's per-run rates: on a shared machine the spread says how far to trust the median. */
function spread (rates: number[]): string {
  return rates.length === 0 ? '–' : `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`
}

async function main (): Promise<void> {
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }] })
  try {
    await seed(cluster)
    // Runs are interleaved (every peer once, then again), so that load from others on a shared machine falls on
    // all peers alike rather than on whichever ran at the time.
    const samples: Samples[] = PEERS.map(() => ({ rates: [], secs: [], rss: [] }))
    const loadBefore = os.loadavg()[0]
    // One untimed read first, so no consumer meets the broker's code before the JIT has compiled it.
    await runTimed(node, [script('simple-consume.js'), cluster.bootstrap, TOPIC, String(WAIT_MS)])
    for (let i = 0; i < RUNS; i++) {
      for (const [k, peer] of PEERS.entries()) {
        if (peer.missing === undefined && samples[k].failure === undefined) await runOnce(peer, cluster.bootstrap, i, samples[k])
      }
    }
    const loadAfter = os.loadavg()[0]
    const results = PEERS.map((peer, k) => summarize(peer, samples[k]))

    const ok = results.filter(r => r.status === 'ok')
    const byName = (n: string): PeerResult | undefined => ok.find(r => r.name === n)
    const kafkajs = byName('kafkajs 2.2')
    const kcat = byName('kcat (librdkafka)')
    const ratio = (r: PeerResult, base: PeerResult | undefined): string => r.status === 'ok' && base !== undefined ? (r.unitsPerSec / base.unitsPerSec).toFixed(2) : '–'
    const detail = [
      '| consumer | records/s (median) | min–max records/s | MB/s (values) | wall s | peak RSS MiB | × kafkajs | × kcat | status |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      ...results.map(r => `| ${r.name} | ${r.status === 'ok' ? fmt(r.unitsPerSec) : '–'} | ${spread(r.runs)} | ${r.status === 'ok' ? r.mbPerSec.toFixed(1) : '–'} | ` +
        `${r.status === 'ok' ? r.seconds.toFixed(2) : '–'} | ${r.maxRssMiB === null ? '–' : r.maxRssMiB.toFixed(0)} | ${ratio(r, kafkajs)} | ${ratio(r, kcat)} | ${r.status} |`)
    ].join('\n')
    const note = [
      `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes (no key, no compression) in ${PARTITIONS} partitions, ` +
      `${BATCH}-record batches, in one fake broker (tools/fake-broker) in the benchmark process. Each consumer is a child ` +
      `process timed from spawn to exit (median of ${RUNS}, runs interleaved, after one untimed warm-up read); fetch.wait.max.ms = ${WAIT_MS} for all. MB/s counts value ` +
      `bytes only. Peak RSS is the child's (${GNU_TIME !== undefined ? 'GNU time %M' : 'process.resourceUsage().maxRSS'}). ` +
      'The kafka-direct CLI (the package\'s bin, dist/kafka-direct.cjs) and kcat print `%o\\n` per record to a file, counted after exit; ' +
      'like kcat, the CLI does not verify batch CRCs unless -X check.crcs=true (its own row); kafkajs and @platformatic/kafka ' +
      'join a consumer group with a fresh group id and stop at the high watermark they saw at start; the SimpleConsumer ' +
      'has no group and reads with fetchOnce rounds over all partitions. The machine is shared and has ' +
      `${os.cpus().length} cores: the broker and the consumer compete for them; runs are interleaved across consumers. ` +
      `Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
      '',
      detail
    ].join('\n')
    report('consume', 'Consume benchmark (issue 5): `npm run bench -- consume` (tools/bench/consume.bench.ts).', [
      { title: 'Whole-topic consume, child process timed whole, vs kafkajs', unit: 'records', rows: ok, baseline: kafkajs?.name, note },
      { title: 'Same runs, vs kcat', unit: 'records', rows: ok, baseline: kcat?.name }
    ])
    for (const r of results.filter(r => r.status !== 'ok')) process.stdout.write(`${r.name}: ${r.status}\n`)
  } finally {
    await cluster.stop()
  }
}

await main()
