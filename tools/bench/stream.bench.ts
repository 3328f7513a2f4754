import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../fake-broker/index.js'
import { fmt, median, report, type CaseResult } from './harness.js'
import { runTimed } from './timed-child.js'

// Stream benchmark (issue 6): the direct stream end to end (streaming/: plan a batch from the latest offsets, read
// its ranges with partition tasks, map every record, count) against the simple consumer's raw fetch loop, on the
// same topic of N 100-byte records (4 partitions) in our fake broker. Each is a child process; we report the
// records/s of the whole process (spawn to exit) and of the work alone (first request to last record, timed in the
// child), so the engine's own cost shows apart from start-up.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)

const here = dirname(fileURLToPath(import.meta.url))
const TOPIC = 'bench'
const PARTITIONS = 4
const VALUE_BYTES = 100
const BATCH = 1000
const WAIT_MS = 100
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)
// The bounded case: batches of 100 ms holding at most 50,000 records a partition (maxRatePerPartition × interval).
const BOUNDED_INTERVAL_MS = 100
const BOUNDED_RATE = 500_000

interface Case { name: string, args: (bootstrap: string) => string[], innerSeconds: (json: Record<string, unknown>) => number }

const script = (file: string): string => join(here, 'consume-peers', file)
const CASES: Case[] = [
  {
    name: 'SimpleConsumer fetchOnce loop',
    args: b => [script('simple-consume.js'), b, TOPIC, String(WAIT_MS)],
    innerSeconds: j => Number(j.seconds)
  },
  {
    name: 'direct stream, 1 s batches, no rate limit (map + count)',
    args: b => [script('direct-stream-consume.js'), b, TOPIC, String(WAIT_MS), String(RECORDS), '1000'],
    innerSeconds: j => Number(j.streamSeconds)
  },
  {
    name: `direct stream, ${BOUNDED_INTERVAL_MS} ms batches, maxRatePerPartition ${BOUNDED_RATE.toLocaleString('en')} (map + count)`,
    args: b => [script('direct-stream-consume.js'), b, TOPIC, String(WAIT_MS), String(RECORDS), String(BOUNDED_INTERVAL_MS), String(BOUNDED_RATE)],
    innerSeconds: j => Number(j.streamSeconds)
  }
]

interface Row extends CaseResult { status: string, wallSeconds: number, innerSeconds: number, innerRate: number, maxRssMiB: number | null, batches: number | null }

interface Samples { wall: number[], inner: number[], rss: number[], batches: number | null, failure?: string }

/** One timed run of one case; a failure is recorded and the case is not run again. */
async function runOnce (c: Case, bootstrap: string, i: number, acc: Samples): Promise<void> {
  const r = await runTimed(process.execPath, c.args(bootstrap), { timeoutMs: Math.max(120_000, RECORDS / 2) })
  const n = typeof r.json?.records === 'number' ? r.json.records : 0
  if (!r.ok || n !== RECORDS || r.json === undefined) {
    const why = !r.ok ? `exit ${String(r.exitCode)}: ${r.stderrTail}` : `read ${n} of ${RECORDS} records`
    process.stderr.write(`${c.name}: run ${i + 1} failed (${why})\n`)
    acc.failure = `failed: ${why.replace(/\|/g, '/').slice(0, 300)}`
    return
  }
  acc.wall.push(r.seconds)
  acc.inner.push(c.innerSeconds(r.json))
  if (typeof r.json.batches === 'number') acc.batches = r.json.batches
  if (r.maxRssMiB !== undefined) acc.rss.push(r.maxRssMiB)
  process.stderr.write(`${c.name}: run ${i + 1}: ${r.seconds.toFixed(2)} s whole, ${acc.inner[acc.inner.length - 1].toFixed(2)} s work, ${r.maxRssMiB?.toFixed(0) ?? '?'} MiB\n`)
}

function summarize (c: Case, acc: Samples): Row {
  if (acc.failure !== undefined) {
    return { name: c.name, unitsPerSec: 0, runs: [], status: acc.failure, wallSeconds: 0, innerSeconds: 0, innerRate: 0, maxRssMiB: null, batches: acc.batches }
  }
  const wallSeconds = median(acc.wall)
  const innerSeconds = median(acc.inner)
  return {
    name: c.name,
    unitsPerSec: RECORDS / wallSeconds,
    runs: acc.wall.map(s => RECORDS / s),
    status: 'ok',
    wallSeconds,
    innerSeconds,
    innerRate: RECORDS / innerSeconds,
    maxRssMiB: acc.rss.length > 0 ? median(acc.rss) : null,
    batches: acc.batches
  }
}

async function main (): Promise<void> {
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }] })
  try {
    const value = Buffer.alloc(VALUE_BYTES, 0x62)
    const batch = Array.from({ length: BATCH }, () => ({ key: null, value }))
    for (let done = 0, p = 0; done < RECORDS; done += BATCH, p = (p + 1) % PARTITIONS) {
      const n = Math.min(BATCH, RECORDS - done)
      cluster.produce(TOPIC, p, n === BATCH ? batch : batch.slice(0, n))
    }
    // Interleaved runs (every case once, then again) after one untimed warm-up read, as in consume.bench.ts.
    const loadBefore = os.loadavg()[0]
    await runTimed(process.execPath, CASES[0].args(cluster.bootstrap))
    const samples: Samples[] = CASES.map(() => ({ wall: [], inner: [], rss: [], batches: null }))
    for (let i = 0; i < RUNS; i++) {
      for (const [k, c] of CASES.entries()) if (samples[k].failure === undefined) await runOnce(c, cluster.bootstrap, i, samples[k])
    }
    const loadAfter = os.loadavg()[0]
    const rows = CASES.map((c, k) => summarize(c, samples[k]))
    const ok = rows.filter(r => r.status === 'ok')
    const base = ok.find(r => r.name === CASES[0].name)
    const detail = [
      '| case | records/s whole | min–max whole | records/s work | wall s | work s | batches | peak RSS MiB | work × SimpleConsumer | status |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows.map(r => r.status !== 'ok'
        ? `| ${r.name} | – | – | – | – | – | – | – | – | ${r.status} |`
        : `| ${r.name} | ${fmt(r.unitsPerSec)} | ${fmt(Math.min(...r.runs))}–${fmt(Math.max(...r.runs))} | ${fmt(r.innerRate)} | ${r.wallSeconds.toFixed(2)} | ${r.innerSeconds.toFixed(2)} | ${r.batches ?? '–'} | ` +
          `${r.maxRssMiB?.toFixed(0) ?? '–'} | ${base === undefined ? '–' : (r.innerRate / base.innerRate).toFixed(2)} | ok |`)
    ].join('\n')
    const note = [
      `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes in ${PARTITIONS} partitions (${BATCH}-record batches) in one fake broker ` +
      `in the benchmark process; each case is a child process, median of ${RUNS} (runs interleaved, after one untimed warm-up read); fetch.wait.max.ms = ${WAIT_MS}. "Whole" is spawn to ` +
      'exit; "work" is timed in the child from the first request (SimpleConsumer) or ctx.start() (stream) to the last record. ' +
      'Without a rate limit the first batch takes the whole backlog, as in Spark, so it holds every record (as an RDD) at once; the bounded ' +
      `case caps each batch at maxRatePerPartition × interval = ${(BOUNDED_RATE * BOUNDED_INTERVAL_MS / 1000).toLocaleString('en')} records a partition. ` +
      `The machine is shared and has ${os.cpus().length} cores: the broker and the consumer compete for them. ` +
      `Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
      '',
      detail
    ].join('\n')
    report('stream', 'Stream benchmark (issue 6): `npm run bench -- stream` (tools/bench/stream.bench.ts).', [
      { title: 'Whole topic, direct stream vs the SimpleConsumer (spawn to exit)', unit: 'records', rows: ok, baseline: base?.name, note }
    ])
  } finally {
    await cluster.stop()
  }
}

await main()
