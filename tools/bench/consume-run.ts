import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fmt, median, repoRoot, report, type CaseResult } from './harness.js'
import { GNU_TIME, haveCommand, runTimed, type ChildResult } from './timed-child.js'

// The whole-process consume benchmark's runner, shared by consume.bench.ts (our fake broker) and
// real-kafka-consume.bench.ts (Apache Kafka): consumers as child processes, each timed from spawn to exit, runs
// interleaved across consumers, medians and peak RSS, one Markdown/JSON report.

const here = dirname(fileURLToPath(import.meta.url))
const root = repoRoot()

export const VALUE_BYTES = 100
export const WAIT_MS = 100

export interface Peer {
  name: string
  /** Why it cannot run here, if it cannot. */
  missing?: string
  cmd: string
  args: (bootstrap: string) => string[]
  /** Records read, from the child's output. */
  count: (r: ChildResult) => number
}

const node = process.execPath
export const fromJson = (r: ChildResult): number => typeof r.json?.records === 'number' ? r.json.records : 0
export const consumePeerScript = (file: string): string => join(here, 'consume-peers', file)

/** The consumers both benchmarks compare: our CLI (with and without CRC checks) and library, kcat, kafkajs, @platformatic/kafka. */
export function standardPeers (topic: string): Peer[] {
  const kcatArgs = (b: string): string[] => ['-b', b, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `fetch.wait.max.ms=${WAIT_MS}`, '-f', '%o\\n']
  return [
    // The package's bin, as `npx kafka-direct` runs it (one bundled file; see tools/build/bundle-cli.ts).
    { name: 'kafka-direct CLI', cmd: node, args: b => [join(root, 'dist/kafka-direct.cjs'), ...kcatArgs(b)], count: r => r.lines },
    // kcat mode takes librdkafka's check.crcs=false default; this row shows the cost of verifying anyway.
    { name: 'kafka-direct CLI, check.crcs=true', cmd: node, args: b => [join(root, 'dist/kafka-direct.cjs'), ...kcatArgs(b), '-X', 'check.crcs=true'], count: r => r.lines },
    { name: 'kcat (librdkafka)', missing: haveCommand('kcat') ? undefined : 'kcat is not installed', cmd: 'kcat', args: kcatArgs, count: r => r.lines },
    { name: 'kafkajs 2.2', cmd: node, args: b => [consumePeerScript('kafkajs-consume.js'), b, topic, String(WAIT_MS)], count: fromJson },
    { name: '@platformatic/kafka 1.35', cmd: node, args: b => [consumePeerScript('platformatic-consume.js'), b, topic, String(WAIT_MS)], count: fromJson },
    { name: 'kafka-direct SimpleConsumer', cmd: node, args: b => [consumePeerScript('simple-consume.js'), b, topic, String(WAIT_MS)], count: fromJson }
  ]
}

export interface PeerResult extends CaseResult {
  status: string
  seconds: number
  mbPerSec: number
  maxRssMiB: number | null
}

interface Samples { rates: number[], secs: number[], rss: number[], failure?: string }

/** One timed run of one peer; a failure is recorded and the peer is not run again. */
async function runOnce (peer: Peer, bootstrap: string, records: number, i: number, acc: Samples): Promise<void> {
  const r = await runTimed(peer.cmd, peer.args(bootstrap), { timeoutMs: Math.max(120_000, records / 2) })
  const n = peer.count(r)
  if (!r.ok || n !== records) {
    const why = !r.ok ? `exit ${String(r.exitCode)}: ${r.stderrTail}` : `read ${n} of ${records} records`
    process.stderr.write(`${peer.name}: run ${i + 1} failed (${why})\n`)
    acc.failure = `failed: ${why.replace(/\|/g, '/').slice(0, 300)}`
    return
  }
  acc.rates.push(n / r.seconds)
  acc.secs.push(r.seconds)
  if (r.maxRssMiB !== undefined) acc.rss.push(r.maxRssMiB)
  process.stderr.write(`${peer.name}: run ${i + 1}: ${r.seconds.toFixed(2)} s, ${fmt(n / r.seconds)} records/s, ${r.maxRssMiB?.toFixed(0) ?? '?'} MiB\n`)
}

function summarize (peer: Peer, acc: Samples, records: number): PeerResult {
  const empty = { name: peer.name, unitsPerSec: 0, runs: [], seconds: 0, mbPerSec: 0, maxRssMiB: null }
  if (peer.missing !== undefined) return { ...empty, status: `not run: ${peer.missing}` }
  if (acc.failure !== undefined) return { ...empty, status: acc.failure }
  const seconds = median(acc.secs)
  return {
    name: peer.name,
    unitsPerSec: median(acc.rates),
    runs: acc.rates,
    seconds,
    mbPerSec: records * VALUE_BYTES / seconds / 1e6,
    maxRssMiB: acc.rss.length > 0 ? median(acc.rss) : null,
    status: 'ok'
  }
}

/** "min–max" of a case's per-run rates: on a shared machine the spread says how far to trust the median. */
function spread (rates: number[]): string {
  return rates.length === 0 ? '–' : `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}`
}

export interface ConsumeBench {
  /** bench-results/<file>.md and .json */
  file: string
  intro: string
  bootstrap: string
  records: number
  runs: number
  peers: Peer[]
  /** What was read from where, for the report: the text before the common notes. */
  setup: string
  /** An untimed read before the timed runs (warms the broker's JIT). */
  warmUp?: Peer
}

/** Runs every peer `runs` times, interleaved, and writes the report. */
export async function runConsumeBench (b: ConsumeBench): Promise<PeerResult[]> {
  // Runs are interleaved (every peer once, then again), so that load from others on a shared machine falls on
  // all peers alike rather than on whichever ran at the time.
  const samples: Samples[] = b.peers.map(() => ({ rates: [], secs: [], rss: [] }))
  const loadBefore = os.loadavg()[0]
  if (b.warmUp !== undefined) await runTimed(b.warmUp.cmd, b.warmUp.args(b.bootstrap))
  for (let i = 0; i < b.runs; i++) {
    for (const [k, peer] of b.peers.entries()) {
      if (peer.missing === undefined && samples[k].failure === undefined) await runOnce(peer, b.bootstrap, b.records, i, samples[k])
    }
  }
  const loadAfter = os.loadavg()[0]
  const results = b.peers.map((peer, k) => summarize(peer, samples[k], b.records))

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
    `${b.setup} Each consumer is a child process timed from spawn to exit (median of ${b.runs}, runs interleaved` +
    `${b.warmUp !== undefined ? ', after one untimed warm-up read' : ''}); fetch.wait.max.ms = ${WAIT_MS} for all. MB/s counts value ` +
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
  report(b.file, b.intro, [
    { title: 'Whole-topic consume, child process timed whole, vs kafkajs', unit: 'records', rows: ok, baseline: kafkajs?.name, note },
    { title: 'Same runs, vs kcat', unit: 'records', rows: ok, baseline: kcat?.name }
  ])
  for (const r of results.filter(r => r.status !== 'ok')) process.stdout.write(`${r.name}: ${r.status}\n`)
  return results
}
