import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../fake-broker/index.js'
import { fmt, median, report, type CaseResult, type Table } from './harness.js'
import { runTimed } from './timed-child.js'

// Stream benchmark (issue 6): the direct stream end to end (streaming/: plan a batch from the latest offsets, read
// its ranges with partition tasks, map every record, count) against the simple consumer's raw fetch loop, on the
// same topic of N 100-byte records (4 partitions) in our fake broker. Each is a child process; we report the
// records/s of the whole process (spawn to exit) and of the work alone (first request to last record, timed in the
// child), so the engine's own cost shows apart from start-up; and for the stream, "processing": from the first
// batch's start to the last batch's end, without the wait for the first interval boundary.
//
// Then rate accuracy: with maxRatePerPartition = R over a topic that always holds more than R allows, the rate the
// stream delivers over KD_BENCH_RATE_SECONDS, against R × partitions (issue 6: within 2%).
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)
//   KD_BENCH_RATE (records/s a partition, default 2000)  KD_BENCH_RATE_SECONDS (default 30; 0 skips the case)

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
// The rate-accuracy case: its own topic, 1 s batches, with enough records that the limit, not the log, sets the pace.
const RATE_TOPIC = 'rate'
const RATE = Number(process.env.KD_BENCH_RATE ?? 2000)
const RATE_SECONDS = Number(process.env.KD_BENCH_RATE_SECONDS ?? 30)
const RATE_INTERVAL_MS = 1000
/** Within this fraction of R × partitions counts as accurate (issue 6's target). */
const RATE_TOLERANCE = 0.02

interface Case {
  name: string
  args: (bootstrap: string) => string[]
  innerSeconds: (json: Record<string, unknown>) => number
  /** The stream's own time: first batch start to last batch end (absent for the SimpleConsumer). */
  processingSeconds?: (json: Record<string, unknown>) => number
}

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
    innerSeconds: j => Number(j.streamSeconds),
    processingSeconds: j => Number(j.processingSeconds)
  },
  {
    name: `direct stream, ${BOUNDED_INTERVAL_MS} ms batches, maxRatePerPartition ${BOUNDED_RATE.toLocaleString('en')} (map + count)`,
    args: b => [script('direct-stream-consume.js'), b, TOPIC, String(WAIT_MS), String(RECORDS), String(BOUNDED_INTERVAL_MS), String(BOUNDED_RATE)],
    innerSeconds: j => Number(j.streamSeconds),
    processingSeconds: j => Number(j.processingSeconds)
  }
]

interface Row extends CaseResult {
  status: string, wallSeconds: number, innerSeconds: number, innerRate: number, processingRate: number | null, maxRssMiB: number | null, batches: number | null
}

interface Samples { wall: number[], inner: number[], processing: number[], rss: number[], batches: number | null, failure?: string }

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
  if (c.processingSeconds !== undefined) acc.processing.push(c.processingSeconds(r.json))
  if (typeof r.json.batches === 'number') acc.batches = r.json.batches
  if (r.maxRssMiB !== undefined) acc.rss.push(r.maxRssMiB)
  process.stderr.write(`${c.name}: run ${i + 1}: ${r.seconds.toFixed(2)} s whole, ${acc.inner[acc.inner.length - 1].toFixed(2)} s work, ${r.maxRssMiB?.toFixed(0) ?? '?'} MiB\n`)
}

function summarize (c: Case, acc: Samples): Row {
  if (acc.failure !== undefined) {
    return { name: c.name, unitsPerSec: 0, runs: [], status: acc.failure, wallSeconds: 0, innerSeconds: 0, innerRate: 0, processingRate: null, maxRssMiB: null, batches: acc.batches }
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
    processingRate: acc.processing.length > 0 ? RECORDS / median(acc.processing) : null,
    maxRssMiB: acc.rss.length > 0 ? median(acc.rss) : null,
    batches: acc.batches
  }
}

async function main (): Promise<void> {
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }, { name: RATE_TOPIC, partitions: PARTITIONS }] })
  try {
    const value = Buffer.alloc(VALUE_BYTES, 0x62)
    const batch = Array.from({ length: BATCH }, () => ({ key: null, value }))
    for (let done = 0, p = 0; done < RECORDS; done += BATCH, p = (p + 1) % PARTITIONS) {
      const n = Math.min(BATCH, RECORDS - done)
      cluster.produce(TOPIC, p, n === BATCH ? batch : batch.slice(0, n))
    }
    // More than the limit lets through in the measured time (plus the first batch and a margin): the log never runs dry.
    const ratePerPartition = RATE_SECONDS > 0 ? Math.ceil(RATE * (RATE_SECONDS + 10) / BATCH) * BATCH : 0
    for (let p = 0; p < PARTITIONS; p++) for (let done = 0; done < ratePerPartition; done += BATCH) cluster.produce(RATE_TOPIC, p, batch)
    // Interleaved runs (every case once, then again) after one untimed warm-up read, as in consume.bench.ts.
    const loadBefore = os.loadavg()[0]
    await runTimed(process.execPath, CASES[0].args(cluster.bootstrap))
    const samples: Samples[] = CASES.map(() => ({ wall: [], inner: [], processing: [], rss: [], batches: null }))
    for (let i = 0; i < RUNS; i++) {
      for (const [k, c] of CASES.entries()) if (samples[k].failure === undefined) await runOnce(c, cluster.bootstrap, i, samples[k])
    }
    const rate = RATE_SECONDS > 0 ? await rateAccuracy(cluster.bootstrap) : undefined
    const loadAfter = os.loadavg()[0]
    const rows = CASES.map((c, k) => summarize(c, samples[k]))
    const ok = rows.filter(r => r.status === 'ok')
    const base = ok.find(r => r.name === CASES[0].name)
    const detail = [
      '| case | records/s whole | min–max whole | records/s work | records/s processing | wall s | work s | batches | peak RSS MiB | work × SimpleConsumer | processing × SimpleConsumer work | status |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...rows.map(r => r.status !== 'ok'
        ? `| ${r.name} | – | – | – | – | – | – | – | – | – | – | ${r.status} |`
        : `| ${r.name} | ${fmt(r.unitsPerSec)} | ${fmt(Math.min(...r.runs))}–${fmt(Math.max(...r.runs))} | ${fmt(r.innerRate)} | ${r.processingRate === null ? '–' : fmt(r.processingRate)} | ` +
          `${r.wallSeconds.toFixed(2)} | ${r.innerSeconds.toFixed(2)} | ${r.batches ?? '–'} | ${r.maxRssMiB?.toFixed(0) ?? '–'} | ` +
          `${base === undefined ? '–' : (r.innerRate / base.innerRate).toFixed(2)} | ${base === undefined || r.processingRate === null ? '–' : (r.processingRate / base.innerRate).toFixed(2)} | ok |`)
    ].join('\n')
    const note = [
      `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes in ${PARTITIONS} partitions (${BATCH}-record batches) in one fake broker ` +
      `in the benchmark process; each case is a child process, median of ${RUNS} (runs interleaved, after one untimed warm-up read); fetch.wait.max.ms = ${WAIT_MS}. "Whole" is spawn to ` +
      'exit; "work" is timed in the child from the first request (SimpleConsumer) or ctx.start() (stream) to the last record; ' +
      '"processing" (stream only) from the first batch\'s start to the last batch\'s end, leaving out the wait for the first interval boundary ' +
      '(up to one batch interval after start(), as in Spark, where batch times are multiples of the interval). ' +
      'Without a rate limit the first batch takes the whole backlog, as in Spark, so it holds every record (as an RDD) at once; the bounded ' +
      `case caps each batch at maxRatePerPartition × interval = ${(BOUNDED_RATE * BOUNDED_INTERVAL_MS / 1000).toLocaleString('en')} records a partition. ` +
      `The machine is shared and has ${os.cpus().length} cores: the broker and the consumer compete for them. ` +
      `Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
      '',
      detail
    ].join('\n')
    const tables: Table[] = [{ title: 'Whole topic, direct stream vs the SimpleConsumer (spawn to exit)', unit: 'records', rows: ok, baseline: base?.name, note }]
    if (rate !== undefined) tables.push(rate)
    report('stream', 'Stream benchmark (issue 6): `npm run bench -- stream` (tools/bench/stream.bench.ts).', tables)
  } finally {
    await cluster.stop()
  }
}

/** One run of the rate-accuracy peer: the delivered rate against maxRatePerPartition × partitions. */
async function rateAccuracy (bootstrap: string): Promise<Table> {
  const target = RATE * PARTITIONS
  const name = `direct stream, ${RATE_INTERVAL_MS} ms batches, maxRatePerPartition ${RATE.toLocaleString('en')} × ${PARTITIONS} partitions, ${RATE_SECONDS} s`
  const args = [script('direct-stream-rate.js'), bootstrap, RATE_TOPIC, String(RATE_INTERVAL_MS), String(RATE), String(RATE_SECONDS)]
  const r = await runTimed(process.execPath, args, { timeoutMs: (RATE_SECONDS + 60) * 1000 })
  const j = r.json
  let status: string
  let measured = 0
  let detail = ''
  if (!r.ok || j === undefined || typeof j.rate !== 'number') {
    status = `failed: ${!r.ok ? `exit ${String(r.exitCode)}: ${r.stderrTail}` : 'no report'}`.replace(/\|/g, '/').slice(0, 300)
  } else {
    measured = j.rate
    const error = (measured - target) / target
    status = Math.abs(error) <= RATE_TOLERANCE ? `ok: within ${(RATE_TOLERANCE * 100).toFixed(0)}%` : `outside ${(RATE_TOLERANCE * 100).toFixed(0)}%`
    const planned = j.plannedPerBatch as [number, number]
    detail = `| ${name} | ${target.toLocaleString('en')} | ${measured.toFixed(1)} | ${(error * 100).toFixed(2)}% | ${Number(j.seconds).toFixed(2)} | ` +
      `${String(j.records)} | ${String(j.batches)} | ${planned[0]}–${planned[1]} | ${String(j.maxSchedulingDelayMs)} | ${String(j.maxProcessingMs)} | ${status} |`
  }
  process.stderr.write(`rate accuracy: ${measured.toFixed(1)} records/s against ${target} (${status})\n`)
  const note = [
    `A topic of ${PARTITIONS} partitions holding more than the limit lets through; spark.streaming.kafka.maxRatePerPartition = ${RATE.toLocaleString('en')}, ` +
    `${RATE_INTERVAL_MS} ms batches, so each batch is planned at ${(RATE * RATE_INTERVAL_MS / 1000 * PARTITIONS).toLocaleString('en')} records. ` +
    'Measured rate: the records of batches 2..N over the wall time from the end of batch 1 to the end of batch N (batch 1 is the reference ' +
    `point), where batch N is the one planned ${RATE_SECONDS} s after batch 1. Target: within ${(RATE_TOLERANCE * 100).toFixed(0)}% of R × partitions = ${target.toLocaleString('en')} records/s (one run).`,
    '',
    '| case | target records/s | measured records/s | error | measured s | records | batches | planned per batch (min–max) | max scheduling delay ms | max processing ms | status |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    detail === '' ? `| ${name} | ${target} | – | – | – | – | – | – | – | – | ${status} |` : detail
  ].join('\n')
  return { title: 'Rate accuracy: maxRatePerPartition over a topic that always has more', unit: 'records', rows: measured > 0 ? [{ name, unitsPerSec: measured, runs: [measured] }] : [], note }
}

await main()
