import os from 'node:os'
import { join } from 'node:path'
import { FakeCluster } from '../fake-broker/index.js'
import { SimpleConsumer } from '../../consumer/index.js'
import { median, repoRoot, report, type CaseResult } from './harness.js'
import { haveCommand, runTimed } from './timed-child.js'

// Cost that grows with the work, not faster (issue 13): many partitions and many topics, one record each, on the
// fake broker. Does any step of ours grow faster than the number of partitions?
//
// - `-C -o beginning -e` over one topic of N partitions (1,000 / 5,000 / 10,000): the kafka-direct CLI and kcat,
//   each a child process timed whole (spawn to exit), as someone running the tool sees it.
// - `-L` over 1,000 topics of one partition: the same two. (Not -C: kcat's -C reads only the last -t it is given,
//   so there is no kcat figure to set a 1,000-topic consume against; latestOffsets below covers our side.)
// - SimpleConsumer.latestOffsets in this process (the broker shares it): over N partitions of one topic and over
//   1,000 topics, first call on a fresh consumer (metadata included) and again with the metadata cached.
//
//   KD_BENCH_RUNS (default 3)   npm run bench -- partitions

const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)
const SIZES = [1_000, 5_000, 10_000]
const TOPICS = 1_000
const WAIT_MS = 100
const root = repoRoot()
const cli = join(root, 'dist/kafka-direct.cjs')
const hasKcat = haveCommand('kcat')

interface Row { what: string, n: number, kd: number[], kcat: number[] }

const ms = (xs: number[]): string => xs.length === 0 ? '–' : (median(xs) * 1000).toFixed(0)

async function timeChild (cmd: string, args: string[], expectLines: number | undefined): Promise<number> {
  const r = await runTimed(cmd, args, { timeoutMs: 300_000 })
  if (!r.ok || (expectLines !== undefined && r.lines !== expectLines)) {
    throw new Error(`${cmd} ${args.slice(0, 4).join(' ')}: exit ${String(r.exitCode)}, ${r.lines} lines (wanted ${String(expectLines)}): ${r.stderrTail}`)
  }
  return r.seconds
}

async function consumeRow (n: number): Promise<Row> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'wide', partitions: n }] })
  try {
    for (let p = 0; p < n; p++) cluster.produce('wide', p, [{ value: 'x' }])
    const args = ['-b', cluster.bootstrap, '-C', '-t', 'wide', '-o', 'beginning', '-e', '-q', '-X', `fetch.wait.max.ms=${WAIT_MS}`, '-f', '%o\\n']
    const row: Row = { what: `-C -o beginning -e, 1 topic × ${n.toLocaleString('en')} partitions`, n, kd: [], kcat: [] }
    // Interleaved, so that load from others on a shared machine falls on both alike.
    for (let i = 0; i < RUNS; i++) {
      row.kd.push(await timeChild(process.execPath, [cli, ...args], n))
      if (hasKcat) row.kcat.push(await timeChild('kcat', args, n))
      process.stderr.write(`${row.what}: run ${i + 1}: kafka-direct ${row.kd[i].toFixed(2)} s, kcat ${row.kcat[i]?.toFixed(2) ?? '–'} s\n`)
    }
    return row
  } finally {
    await cluster.stop()
  }
}

async function listTopicsRow (): Promise<Row> {
  const cluster = await FakeCluster.start({ topics: Array.from({ length: TOPICS }, (_, i) => ({ name: `t${i}`, partitions: 1 })) })
  try {
    const args = ['-b', cluster.bootstrap, '-L']
    const row: Row = { what: `-L, ${TOPICS.toLocaleString('en')} topics × 1 partition`, n: TOPICS, kd: [], kcat: [] }
    for (let i = 0; i < RUNS; i++) {
      row.kd.push(await timeChild(process.execPath, [cli, ...args], undefined))
      if (hasKcat) row.kcat.push(await timeChild('kcat', args, undefined))
    }
    return row
  } finally {
    await cluster.stop()
  }
}

interface LatestRow { what: string, n: number, first: number[], cached: number[] }

async function latestRow (what: string, n: number, topics: Array<{ name: string, partitions: number }>): Promise<LatestRow> {
  const cluster = await FakeCluster.start({ topics })
  try {
    const tps = topics.flatMap(t => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })))
    const row: LatestRow = { what, n, first: [], cached: [] }
    for (let i = 0; i < RUNS; i++) {
      const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap })
      try {
        let start = performance.now()
        const a = await consumer.latestOffsets(tps)
        row.first.push((performance.now() - start) / 1000)
        start = performance.now()
        const b = await consumer.latestOffsets(tps)
        row.cached.push((performance.now() - start) / 1000)
        if (a.size !== tps.length || b.size !== tps.length) throw new Error(`latestOffsets answered ${a.size} of ${tps.length}`)
      } finally {
        await consumer.close()
      }
    }
    return row
  } finally {
    await cluster.stop()
  }
}

async function main (): Promise<void> {
  const loadBefore = os.loadavg()[0]
  const consume: Row[] = []
  for (const n of SIZES) consume.push(await consumeRow(n))
  const list = await listTopicsRow()
  const latest: LatestRow[] = []
  for (const n of SIZES) latest.push(await latestRow(`latestOffsets, 1 topic × ${n.toLocaleString('en')} partitions`, n, [{ name: 'wide', partitions: n }]))
  latest.push(await latestRow(`latestOffsets, ${TOPICS.toLocaleString('en')} topics × 1 partition`, TOPICS, Array.from({ length: TOPICS }, (_, i) => ({ name: `t${i}`, partitions: 1 }))))
  const loadAfter = os.loadavg()[0]

  const base = consume[0]
  const growth = (xs: number[], n: number): string => base.kd.length === 0 || xs.length === 0 ? '–' : `${(median(xs) / median(base.kd)).toFixed(1)} (partitions ×${n / base.n})`
  const table = [
    '| case | kafka-direct ms (median) | kcat ms (median) | kafka-direct ÷ kcat | kafka-direct time × vs 1,000 partitions |',
    '|---|---:|---:|---:|---:|',
    ...[...consume, list].map(r => `| ${r.what} | ${ms(r.kd)} | ${ms(r.kcat)} | ${r.kcat.length === 0 ? '–' : (median(r.kd) / median(r.kcat)).toFixed(2)} | ${consume.includes(r) ? growth(r.kd, r.n) : '–'} |`)
  ].join('\n')
  const latestBase = latest[0]
  const latestTable = [
    '| case | first call ms (metadata included) | cached metadata ms | first call × vs 1,000 partitions |',
    '|---|---:|---:|---:|',
    ...latest.map(r => `| ${r.what} | ${ms(r.first)} | ${ms(r.cached)} | ${(median(r.first) / median(latestBase.first)).toFixed(1)} (×${r.n / latestBase.n} the partitions) |`)
  ].join('\n')
  const note = [
    `Children timed from spawn to exit (median of ${RUNS}, runs interleaved); fetch.wait.max.ms=${WAIT_MS}; one record per partition; ` +
    'both print `%o\\n` per record to a file. The broker (tools/fake-broker) runs in the benchmark process, so its cost is in every ' +
    `figure. latestOffsets runs in the benchmark process too. Machine shared, ${os.cpus().length} cores; load average (1 min) ` +
    `${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    '',
    table,
    '',
    latestTable
  ].join('\n')
  const rows: CaseResult[] = [...consume, list].flatMap(r => [
    { name: `kafka-direct ${r.what}`, unitsPerSec: r.n / median(r.kd), runs: r.kd.map(s => r.n / s) },
    ...(r.kcat.length === 0 ? [] : [{ name: `kcat ${r.what}`, unitsPerSec: r.n / median(r.kcat), runs: r.kcat.map(s => r.n / s) }])
  ])
  for (const r of latest) rows.push({ name: r.what, unitsPerSec: r.n / median(r.first), runs: r.first.map(s => r.n / s) })
  report('partitions', 'Partitions and topics benchmark (issue 13): `npm run bench -- partitions` (tools/bench/partitions.bench.ts).', [
    { title: 'Many partitions, many topics: kafka-direct and kcat', unit: 'partitions', rows, note }
  ])
}

await main()
