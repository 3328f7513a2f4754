import os from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../fake-broker/index.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { fmt, median, report, type CaseResult } from './harness.js'
import { runTimed } from './timed-child.js'

// Group consumer benchmarks (issue 14), both on our fake broker in this process:
//
// 1. Throughput: one member alone in a fresh group reads N 100-byte records (4 partitions) from the earliest offset
//    to the end, with eachBatch and with the record iterator, against the SimpleConsumer reading the same data
//    with fetchOnce rounds (the baseline; the group consumer is built on it). Each reader is a child process; the
//    figure is records / the reader's own time from its first request to its last record (join and sync
//    included, process start-up not). Runs are interleaved.
// 2. Rebalance: two members are consuming a topic that keeps growing; a third starts. The time from its start
//    until each of the three has been assigned partitions anew and read a record since, for our GroupConsumer
//    (range) and for kafkajs 2.2 (its default round-robin assigner), each with the default heartbeat interval
//    (3 s), which bounds how soon the running members hear of the rebalance.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 3)

const here = dirname(fileURLToPath(import.meta.url))
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 3)
const PARTITIONS = 4
const VALUE_BYTES = 100
const WAIT_MS = 100
const node = process.execPath
const script = (file: string): string => join(here, 'consume-peers', file)

function seed (cluster: FakeCluster, topic: string, records: number, partitions: number): void {
  const value = Buffer.alloc(VALUE_BYTES, 0x61)
  const batch = Array.from({ length: 1000 }, () => ({ key: null, value }))
  for (let done = 0, p = 0; done < records; done += 1000, p = (p + 1) % partitions) {
    const n = Math.min(1000, records - done)
    cluster.produce(topic, p, n === 1000 ? batch : batch.slice(0, n))
  }
}

async function throughput (cluster: FakeCluster): Promise<CaseResult[]> {
  const readers = [
    { name: 'SimpleConsumer (fetchOnce rounds)', args: [script('simple-consume.js'), cluster.bootstrap, 'bench', String(WAIT_MS)] },
    { name: 'GroupConsumer eachBatch', args: [script('group-consume.js'), cluster.bootstrap, 'bench', String(WAIT_MS), 'eachBatch'] },
    { name: 'GroupConsumer iterator', args: [script('group-consume.js'), cluster.bootstrap, 'bench', String(WAIT_MS), 'iterator'] }
  ]
  const rates = readers.map(() => [] as number[])
  await runTimed(node, readers[0].args) // warm-up: the broker's code compiled before anything is timed
  for (let i = 0; i < RUNS; i++) {
    for (const [k, r] of readers.entries()) {
      const got = await runTimed(node, r.args, { timeoutMs: 600_000 })
      const n = typeof got.json?.records === 'number' ? got.json.records : 0
      const secs = typeof got.json?.seconds === 'number' ? got.json.seconds : got.seconds
      if (!got.ok || n !== RECORDS) throw new Error(`${r.name}: run ${i + 1} failed (${got.ok ? `read ${n}` : got.stderrTail})`)
      rates[k].push(n / secs)
      process.stderr.write(`${r.name}: run ${i + 1}: ${secs.toFixed(2)} s, ${fmt(n / secs)} records/s\n`)
    }
  }
  return readers.map((r, k) => ({ name: r.name, unitsPerSec: median(rates[k]), runs: rates[k] }))
}

interface Member { assignedAt: number, readAfterAssign: boolean, stop: () => Promise<void> }

/** Seconds from starting a third member until all three were assigned anew and each read a record since. */
async function thirdJoins (cluster: FakeCluster, start: (name: string, t0: () => number) => Promise<Member>, topic: string): Promise<number> {
  let t0 = Infinity
  const members = [await start('a', () => t0), await start('b', () => t0)]
  // Both running and reading before the third arrives.
  while (!members.every(m => m.assignedAt > 0 && m.readAfterAssign)) await new Promise(resolve => setTimeout(resolve, 10))
  t0 = performance.now()
  members.push(await start('c', () => t0))
  while (!members.every(m => m.assignedAt >= t0 && m.readAfterAssign)) await new Promise(resolve => setTimeout(resolve, 5))
  const secs = (performance.now() - t0) / 1000
  await Promise.all(members.map(async m => { await m.stop() }))
  void topic
  return secs
}

async function rebalance (): Promise<CaseResult[]> {
  const require = createRequire(import.meta.url)
  // any: kafkajs is an optional peer loaded at run time; its types are not part of the build.
  let kafkajs: any
  try { kafkajs = require('kafkajs') } catch {}
  const ours: number[] = []
  const theirs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    for (const who of ['ours', 'kafkajs'] as const) {
      if (who === 'kafkajs' && kafkajs === undefined) continue
      const cluster = await FakeCluster.start({ topics: [{ name: 'grow', partitions: 6 }] })
      // The topic keeps growing, so every member always has records to read.
      const value = Buffer.alloc(VALUE_BYTES, 0x62)
      const feeder = setInterval(() => { for (let p = 0; p < 6; p++) cluster.produce('grow', p, [{ value }]) }, 5)
      try {
        const startOurs = async (name: string, t0: () => number): Promise<Member> => {
          const m: Member = { assignedAt: 0, readAfterAssign: false, stop: async () => {} }
          const c = new GroupConsumer({
            bootstrapServers: cluster.bootstrap, 'group.id': 'rebalance', 'session.timeout.ms': 30_000, 'client.id': name,
            'fetch.wait.max.ms': WAIT_MS, 'partition.assignment.strategy': 'range', 'auto.offset.reset': 'latest'
          }, { rebalanceListener: { onPartitionsAssigned: () => { m.assignedAt = performance.now(); m.readAfterAssign = false } } })
          c.subscribe(['grow'])
          const loop = c.eachBatch(batch => { if (batch.records.length > 0 && m.assignedAt > 0) m.readAfterAssign = true })
          m.stop = async () => { await c.close(); await loop }
          void t0
          return m
        }
        const startKafkajs = async (name: string, t0: () => number): Promise<Member> => {
          const m: Member = { assignedAt: 0, readAfterAssign: false, stop: async () => {} }
          const kafka = new kafkajs.Kafka({ clientId: name, brokers: [cluster.bootstrap], logLevel: kafkajs.logLevel.NOTHING })
          const c = kafka.consumer({ groupId: 'rebalance', sessionTimeout: 30_000, maxWaitTimeInMs: WAIT_MS })
          c.on(c.events.GROUP_JOIN, () => { m.assignedAt = performance.now(); m.readAfterAssign = false })
          await c.connect()
          await c.subscribe({ topic: 'grow', fromBeginning: false })
          await c.run({ eachBatch: async ({ batch }: { batch: { messages: unknown[] } }) => { if (batch.messages.length > 0 && m.assignedAt > 0) m.readAfterAssign = true } })
          m.stop = async () => { await c.disconnect() }
          void t0
          return m
        }
        const secs = await thirdJoins(cluster, who === 'ours' ? startOurs : startKafkajs, 'grow')
        ;(who === 'ours' ? ours : theirs).push(secs)
        process.stderr.write(`third member joining, ${who}: run ${i + 1}: ${secs.toFixed(2)} s\n`)
      } finally {
        clearInterval(feeder)
        await cluster.stop()
      }
    }
  }
  // Reported as rebalances per second (1 / seconds), so that the harness's "higher is better" ratio holds.
  const rows: CaseResult[] = [{ name: 'GroupConsumer (range)', unitsPerSec: 1 / median(ours), runs: ours.map(s => 1 / s) }]
  if (theirs.length > 0) rows.push({ name: 'kafkajs 2.2', unitsPerSec: 1 / median(theirs), runs: theirs.map(s => 1 / s) })
  process.stderr.write(`median seconds: ours ${median(ours).toFixed(2)}${theirs.length > 0 ? `, kafkajs ${median(theirs).toFixed(2)}` : ''}\n`)
  return rows
}

const cluster = await FakeCluster.start({ topics: [{ name: 'bench', partitions: PARTITIONS }] })
let rows: CaseResult[]
try {
  seed(cluster, 'bench', RECORDS, PARTITIONS)
  rows = await throughput(cluster)
} finally {
  await cluster.stop()
}
const join3 = await rebalance()
const secs = (r: CaseResult): string => r.runs.map(x => (1 / x).toFixed(2)).join(', ')
report('group', 'Group consumer benchmarks (issue 14): `npm run bench -- group` (tools/bench/group.bench.ts).', [
  {
    title: 'Throughput: one member alone in a group vs the SimpleConsumer, same data',
    unit: 'records',
    rows,
    baseline: rows[0].name,
    note: `${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} bytes in ${PARTITIONS} partitions of one fake broker; each reader a child ` +
      `process, timed from its first request to its last record (median of ${RUNS}, interleaved, after a warm-up read); ` +
      `fetch.wait.max.ms = ${WAIT_MS}. Per-run records/s: ${rows.map(r => `${r.name}: ${r.runs.map(fmt).join(', ')}`).join('; ')}. ` +
      `${os.cpus().length} cores shared by the broker and the reader.`
  },
  {
    title: 'Rebalance: a third member joins two that are consuming',
    unit: 'rebalances',
    rows: join3,
    baseline: join3[1]?.name,
    note: 'From starting the third member until all three have been assigned partitions anew and each has read a record since, ' +
      'on a topic of 6 partitions that keeps growing; default heartbeat interval (3 s) and session timeout 30 s for both; our ' +
      `members use range (eager), kafkajs its round-robin assigner. Shown as rebalances/s = 1 / median seconds. Seconds per run: ${join3.map(r => `${r.name}: ${secs(r)}`).join('; ')}.`
  }
])
