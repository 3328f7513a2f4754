import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import v8 from 'node:v8'
import vm from 'node:vm'
import { KafkaClient } from '../../consumer/cluster.js'
import { kfakeProgram } from '../../test-interop/peers/franz-go.js'
import { startKfake } from '../../test-interop/peers/kfake.js'
import { KAFKA_VERSION, kafkaJars, startRealKafka } from '../../test-interop/real-kafka/start-kafka.js'
import { FakeCluster } from '../fake-broker/index.js'
import { fmt, median, repoRoot, report, type CaseResult, type Table } from './harness.js'
import { haveCommand, runTimed } from './timed-child.js'
import { buildMock, mockAvailable, startMock, type Mock } from './mock-cluster.js'

// Broker benchmark (issues 4 and 12): how fast our fake broker serves kcat's consumption of a whole topic, against
// librdkafka's own mock cluster (rdkafka_mock.h, driven by test-interop/consumer/mock-cluster.c), franz-go's kfake
// (test-interop/go/kfake) and Apache Kafka itself (test-interop/real-kafka) on the same data; how long each takes
// from start to its first answered Metadata; and what the stored log costs in memory.
//
// librdkafka's mock keeps at most 5 MiB (and 100,000 message sets) per partition and drops older batches, so the
// head-to-head uses what both hold: 16 partitions (KD_BENCH_H2H_PARTITIONS) × 40,000 records of 100 bytes (~4.4 MiB a partition), written into
// both by the same client (kcat -P, 1000-record batches), so both logs hold the same batches. The full-size case
// (KD_BENCH_RECORDS, default 1,000,000 records) runs against our broker alone.
//
//   KD_BENCH_RECORDS (default 1,000,000)  KD_BENCH_RUNS (default 7)  KD_BENCH_STARTS (start-up timings, default 3)

const root = repoRoot()
const TOPIC = 'bench'
const PARTITIONS = 4
// The head-to-head spreads its data over more partitions than the mock's ~5 MiB each would otherwise allow, so that
// serving dominates kcat's start-up in the timing: 16 × 40,000 records, about 70 MiB.
const H2H_PARTITIONS = Number(process.env.KD_BENCH_H2H_PARTITIONS ?? 16)
const VALUE_BYTES = 100
const BATCH = 1000
// The case of issue 15: a consumer that asks for short long polls (librdkafka's default is 500 ms).
const WAIT_MS = 10
const RECORDS = Number(process.env.KD_BENCH_RECORDS ?? 1_000_000)
const RUNS = Number(process.env.KD_BENCH_RUNS ?? 7)
const STARTS = Number(process.env.KD_BENCH_STARTS ?? 3)
/** Fresh processes for the in-process start-up figure: cheap, so more of them than STARTS. */
const COLD_STARTS = Number(process.env.KD_BENCH_COLD_STARTS ?? 9)
const SHARED_PER_PARTITION = Math.min(40_000, Math.ceil(RECORDS / PARTITIONS))
const MIB = 1024 * 1024

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

function value (i: number): Buffer {
  // Printable, so the same bytes can go through kcat -P's line-delimited stdin.
  const v = Buffer.alloc(VALUE_BYTES, 0x61 + (i % 26))
  v.write(String(i).padStart(10, '0'))
  return v
}

/** RSS and the memory held in Buffers (where the log's segments live), after a full GC, in MiB. */
function memory (): { rss: number, buffers: number } {
  gc()
  gc()
  const m = process.memoryUsage()
  return { rss: m.rss / MIB, buffers: m.arrayBuffers / MIB }
}

function growth (before: { rss: number, buffers: number }, after: { rss: number, buffers: number }, stored: number): string {
  return `RSS +${(after.rss - before.rss).toFixed(1)} MiB (${((after.rss - before.rss) * MIB / stored).toFixed(2)} × stored), ` +
    `Buffer memory +${(after.buffers - before.buffers).toFixed(1)} MiB (${((after.buffers - before.buffers) * MIB / stored).toFixed(2)} × stored)`
}

function procRssMiB (pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? undefined : Number(m[1]) / 1024
  } catch { return undefined }
}

interface KcatRun { rate: number, seconds: number, records: number, brokerCpuSeconds?: number, backedOff: boolean }

/**
 * librdkafka stops fetching a partition while its local queue holds queued.min.messages (100,000) records or
 * queued.max.messages.kbytes, and before 2.2 (fetch.queue.backoff.ms) looks again only after a fixed 1000 ms
 * (librdkafka issue #2879); kcat here is built on 2.0. A broker that answers as Kafka does (up to
 * max.partition.fetch.bytes, 1 MiB, of each of 16 partitions: ~150,000 records a Fetch) fills that queue whenever
 * kcat's printing falls behind, which on a loaded machine it does at random: those reads take a second longer (the
 * "stall" of issue 15, seen with Apache Kafka as with our broker; the mock answers one batch a partition and meets
 * it less often). The serving figures raise both limits, so the queue can hold the whole topic and the client
 * never backs off; the default settings are run too, with `-d fetch`, to count the reads that backed off.
 */
const NO_QUEUE_BACKOFF = ['-X', 'queued.min.messages=10000000', '-X', 'queued.max.messages.kbytes=2097151']
const BACKOFF_LINE = /is not fetchable: queued\.(min\.messages|max\.messages\.kbytes) exceeded/

/** CPU seconds (user + system) a process has used so far, from /proc; undefined when it cannot be read. */
function procCpuSeconds (pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch { return undefined }
}
/** USER_HZ: 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS = 100

/** One timed kcat -C -e of the whole topic, spawn to exit; a failure is a string. */
async function kcatRead (bootstrap: string, expected: number, opts: { pid?: number, defaultQueue?: boolean } = {}): Promise<KcatRun | string> {
  const queue = opts.defaultQueue === true ? ['-d', 'fetch'] : NO_QUEUE_BACKOFF
  const cpuBefore = procCpuSeconds(opts.pid)
  const r = await runTimed('kcat', ['-b', bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-X', `fetch.wait.max.ms=${WAIT_MS}`, ...queue, '-f', '%o\\n'],
    { timeoutMs: 300_000, countStderr: opts.defaultQueue === true ? BACKOFF_LINE : undefined })
  const cpuAfter = procCpuSeconds(opts.pid)
  if (!r.ok) return `kcat exit ${String(r.exitCode)}: ${r.stderrTail}`
  if (r.lines !== expected) return `kcat read ${r.lines} of ${expected} records`
  const brokerCpuSeconds = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined
  return { rate: r.lines / r.seconds, seconds: r.seconds, records: r.lines, brokerCpuSeconds, backedOff: r.stderrMatches > 0 }
}

interface KcatRuns { row: KcatRun[], defaults: KcatRun[], error?: string }

/**
 * kcat reads of each broker: one untimed warm-up read each (the broker's JIT, the mock's caches), then RUNS timed
 * rounds, every broker once per round (with the queue raised, then with kcat's defaults), so that load from others
 * on a shared machine falls on all of them alike.
 */
async function timeKcat (brokers: Array<{ name: string, bootstrap: string, pid?: number }>, expected: number, withDefaults = false): Promise<Map<string, KcatRuns>> {
  const out = new Map(brokers.map(b => [b.name, { row: [], defaults: [] } as KcatRuns]))
  for (let i = -1; i < RUNS; i++) {
    for (const b of brokers) {
      const acc = out.get(b.name)!
      if (acc.error !== undefined) continue
      for (const defaultQueue of withDefaults && i >= 0 ? [false, true] : [false]) {
        const r = await kcatRead(b.bootstrap, expected, { pid: b.pid, defaultQueue })
        if (typeof r === 'string') { acc.error = r; break }
        if (i < 0) continue
        ;(defaultQueue ? acc.defaults : acc.row).push(r)
        process.stderr.write(`  ${b.name}: kcat run ${i + 1}${defaultQueue ? ` (default queue${r.backedOff ? ', backed off' : ''})` : ''}: ${r.seconds.toFixed(2)} s, ` +
          `${fmt(r.rate)} records/s${r.brokerCpuSeconds === undefined ? '' : `, broker CPU ${r.brokerCpuSeconds.toFixed(2)} s`}\n`)
      }
    }
  }
  return out
}

/** What kcat -P reads for each partition: `perPartition` values, one a line. Built before any memory is measured. */
function payloads (perPartition: number, partitions: number): Buffer[] {
  return Array.from({ length: partitions }, (_, p) => {
    const lines: Buffer[] = []
    for (let i = 0; i < perPartition; i++) lines.push(value(i * partitions + p), Buffer.from('\n'))
    return Buffer.concat(lines)
  })
}

/** kcat -P of each partition's payload, in BATCH-record batches. */
async function fillWithKcat (bootstrap: string, input: Buffer[]): Promise<void> {
  for (let p = 0; p < input.length; p++) {
    await new Promise<void>((resolve, reject) => {
      const child = execFile('kcat', ['-b', bootstrap, '-P', '-t', TOPIC, '-p', String(p), '-X', `batch.num.messages=${BATCH}`, '-X', 'linger.ms=20'],
        { maxBuffer: 1 << 24 }, (err, _stdout, stderr) => err === null ? resolve() : reject(new Error(`kcat -P: ${err.message} ${stderr}`)))
      child.stdin?.end(input[p])
    })
  }
}

/** "min-max s" of a set of reads. */
function spread (runs: KcatRun[]): string {
  const s = runs.map(r => r.seconds)
  return s.length === 0 ? 'no reads' : `${Math.min(...s).toFixed(2)}-${Math.max(...s).toFixed(2)} s`
}

/** The broker's median CPU time per read, when it could be read. */
function cpuNote (runs: KcatRun[]): string {
  const cpu = runs.flatMap(r => r.brokerCpuSeconds === undefined ? [] : [r.brokerCpuSeconds])
  return cpu.length === 0 ? '' : `, broker CPU ${median(cpu).toFixed(2)} s a read`
}

function row (name: string, runs: KcatRun[]): CaseResult & { seconds: number } {
  return { name, unitsPerSec: median(runs.map(r => r.rate)), runs: runs.map(r => r.rate), seconds: median(runs.map(r => r.seconds)) }
}

async function fullSize (): Promise<{ table: Table, memory: string }> {
  const batch = Array.from({ length: BATCH }, (_, i) => ({ key: null, value: value(i) }))
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: PARTITIONS }] })
  try {
    const before = memory()
    for (let done = 0, p = 0; done < RECORDS; done += BATCH, p = (p + 1) % PARTITIONS) {
      const n = Math.min(BATCH, RECORDS - done)
      cluster.produce(TOPIC, p, n === BATCH ? batch : batch.slice(0, n))
    }
    const after = memory()
    let stored = 0
    for (let p = 0; p < PARTITIONS; p++) stored += cluster.partitionState(TOPIC, p).log.sizeBytes
    const { row: runs, error } = (await timeKcat([{ name: 'ours', bootstrap: cluster.bootstrap }], RECORDS)).get('ours')!
    const served = memory()
    const mem = `our broker holding ${RECORDS.toLocaleString('en')} records (${PARTITIONS} partitions, ${BATCH}-record batches, ` +
      `appended with FakeCluster.produce): stored log ${(stored / MIB).toFixed(1)} MiB; after filling ${growth(before, after, stored)}; ` +
      `after serving ${runs.length + 1} whole-topic kcat reads ${growth(before, served, stored)}.`
    const note = error !== undefined ? `kcat failed: ${error}` : `${RECORDS.toLocaleString('en')} records × ${VALUE_BYTES} bytes in ${BATCH}-record batches; kcat -C -e, spawn to exit, median of ${runs.length} after one untimed warm-up read; median wall ${row('x', runs).seconds.toFixed(2)} s.`
    return { table: { title: `kcat reading ${RECORDS.toLocaleString('en')} records from our fake broker`, unit: 'records', rows: runs.length > 0 ? [row('kafka-direct fake broker', runs)] : [], note }, memory: `- ${mem}` }
  } finally {
    await cluster.stop()
  }
}

/** Our fake broker in its own process, as the mock runs in its own: `kafka-direct fake-broker` (the package's bin). */
async function startOurs (partitions: number): Promise<Mock> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(root, 'dist/kafka-direct.cjs'), 'fake-broker', '--topic', `${TOPIC}:${partitions}`])
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', line => resolve(line.trim()))
    void exited.then(() => reject(new Error(`fake-broker exited: ${stderr}`)))
  })
  return { bootstrap, pid: child.pid as number, stop: async () => { child.kill('SIGTERM'); await exited } }
}

/** Apache Kafka, one combined KRaft node, `partitions` for auto-created topics (kcat -P creates the topic). */
async function startReal (partitions: number): Promise<Mock> {
  const kafka = await startRealKafka({ config: { 'num.partitions': partitions, 'auto.create.topics.enable': true } })
  return { bootstrap: kafka.bootstrap, pid: kafka.brokers[0].pid!, stop: kafka.stop }
}

/** Asks `bootstrap` for Metadata with our client until it answers; true once it did. */
async function metadataAnswered (bootstrap: string): Promise<boolean> {
  const client = new KafkaClient({ bootstrapServers: bootstrap.split(','), retries: 0, connectTimeoutMs: 1000, requestTimeoutMs: 2000 })
  try {
    await client.metadata([])
    return true
  } catch {
    return false
  } finally {
    await client.close()
  }
}

/**
 * Start-up: from spawning the broker to its first answered Metadata (asked with our client every 5 ms once the
 * broker printed its address). Real Kafka is timed around startRealKafka(), which formats the storage (one short
 * JVM run), starts the node and returns once Metadata is answered, asking every 500 ms.
 */
async function startUp (): Promise<Table> {
  const kfakeBin = await kfakeProgram()
  // startRealKafka() looks its jars up in the peer cache first (java -version, mvn --version): timed alone here and
  // taken off its start-up figure, since the other brokers are started from programs already at hand.
  const lookupBegan = performance.now()
  await kafkaJars()
  const lookupSeconds = (performance.now() - lookupBegan) / 1000
  const starters: Array<{ name: string, start: () => Promise<Mock>, polls: boolean, minus?: number }> = [
    { name: 'kafka-direct fake broker', start: async () => await startOurs(4), polls: true },
    { name: 'kfake (franz-go)', start: async () => await startKfake({ bin: kfakeBin, topics: [{ name: TOPIC, partitions: 4 }] }), polls: true },
    { name: `Apache Kafka ${KAFKA_VERSION}`, start: async () => await startReal(4), polls: false, minus: lookupSeconds }
  ]
  if (mockAvailable()) {
    const bin = await buildMock()
    starters.splice(1, 0, { name: 'librdkafka mock cluster', start: async () => await startMock(bin, TOPIC, 4), polls: true })
  }
  const seconds = new Map<string, number[]>(starters.map(s => [s.name, []]))
  const notes: string[] = []
  // Interleaved rounds, as for the reads: every broker once per round.
  for (let i = 0; i < STARTS; i++) {
    for (const s of starters) {
      const began = performance.now()
      let broker: Mock | undefined
      try {
        broker = await s.start()
        while (s.polls && !await metadataAnswered(broker.bootstrap)) await new Promise(resolve => setTimeout(resolve, 5))
        const took = (performance.now() - began) / 1000 - (s.minus ?? 0)
        seconds.get(s.name)!.push(took)
        process.stderr.write(`  ${s.name}: start ${i + 1}: ${took.toFixed(2)} s to the first Metadata\n`)
      } catch (err) {
        notes.push(`${s.name}: start ${i + 1} failed: ${(err as Error).message.split('\n')[0]}`)
      } finally {
        await broker?.stop()
      }
    }
  }
  const inProcess = await startInProcess()
  const rows = [...seconds].filter(([, xs]) => xs.length > 0).map(([name, xs]) => ({ name, unitsPerSec: 1 / median(xs), runs: xs.map(x => 1 / x), seconds: median(xs) }))
  const note = [
    `Each broker started ${STARTS} times (interleaved), each time from spawning its process to the first Metadata it answered ` +
    '(1/s below is 1 / median seconds). Ours is `kafka-direct fake-broker` (Node, the bundled bin), the mock and kfake their ' +
    `programs in test-interop/, Apache Kafka ${KAFKA_VERSION} through startRealKafka() (storage format + JVM start + the ` +
    `first Metadata; that harness asks every 500 ms, so its figure is up to 0.5 s late), less the ${lookupSeconds.toFixed(2)} s its ` +
    'cached jar lookup took when timed alone.',
    ...rows.map(r => `- ${r.name}: median ${r.seconds.toFixed(2)} s (${r.runs.map(x => (1 / x).toFixed(2)).join(', ')} s)`),
    `- kafka-direct fake broker in a test process: \`FakeCluster.start()\` to the first Metadata answered to our client (connect, ` +
    `ApiVersions, Metadata), each in a fresh Node process (cold): median ${inProcess.metadata} ms (${inProcess.metadataRuns} ms), of which the process had ` +
    `${inProcess.cpu} ms of CPU; ` +
    `start() alone ${inProcess.started} ms; loading the fake broker's and the client's modules before it ${inProcess.imports} ms ` +
    '(tools/bench/fake-broker-start.ts). Most of the spawn-to-Metadata time above is Node starting and loading the command.',
    ...notes.map(n => `- ${n}`)
  ].join('\n')
  return { title: 'Start-up: from spawn to the first answered Metadata', unit: 'starts', rows, baseline: 'librdkafka mock cluster', note }
}

/** The bytes our log holds after the head-to-head's kcat -P fill (the same Produce requests, in this process). */
async function storedAfterKcatFill (input: Buffer[]): Promise<number> {
  const cluster = await FakeCluster.start({ topics: [{ name: TOPIC, partitions: input.length }] })
  try {
    await fillWithKcat(cluster.bootstrap, input)
    let stored = 0
    for (let p = 0; p < input.length; p++) stored += cluster.partitionState(TOPIC, p).log.sizeBytes
    return stored
  } finally {
    await cluster.stop()
  }
}

/** FakeCluster.start() to the first answered Metadata, in STARTS fresh Node processes (tools/bench/fake-broker-start.ts). */
async function startInProcess (): Promise<{ metadata: string, metadataRuns: string, cpu: string, started: string, imports: string }> {
  const runs: Array<{ importMs: number, startedMs: number, metadataMs: number, cpuMs: number }> = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, [join(root, 'dist/tools/bench/fake-broker-start.js')],
      (err, stdout, stderr) => err === null ? resolve(stdout) : reject(new Error(`fake-broker-start: ${stderr}`))))
    runs.push(JSON.parse(out))
  }
  const ms = (xs: number[]): string => median(xs).toFixed(1)
  return {
    metadata: ms(runs.map(r => r.metadataMs)),
    metadataRuns: runs.map(r => r.metadataMs.toFixed(1)).join(', '),
    cpu: ms(runs.map(r => r.cpuMs)),
    started: ms(runs.map(r => r.startedMs)),
    imports: ms(runs.map(r => r.importMs))
  }
}

async function headToHead (): Promise<{ table: Table, memory: string }> {
  const total = SHARED_PER_PARTITION * H2H_PARTITIONS
  const rows: Array<CaseResult & { seconds: number }> = []
  const notes: string[] = []
  const details: string[] = []
  const mem: string[] = []
  const input = payloads(SHARED_PER_PARTITION, H2H_PARTITIONS)
  const brokers: Array<{ name: string, bootstrap: string, pid: number }> = []
  const running: Mock[] = []
  /** Starts a broker, fills it with kcat -P and notes its memory; a failure is noted and the broker left out. */
  const add = async (name: string, start: () => Promise<Mock>): Promise<void> => {
    try {
      const b = await start()
      running.push(b)
      const idle = procRssMiB(b.pid)
      await fillWithKcat(b.bootstrap, input)
      const filled = procRssMiB(b.pid)
      if (idle !== undefined && filled !== undefined) mem.push(`${name}: process RSS ${idle.toFixed(1)} MiB idle, ${filled.toFixed(1)} MiB after filling (+${(filled - idle).toFixed(1)} MiB)`)
      brokers.push({ name, bootstrap: b.bootstrap, pid: b.pid })
    } catch (err) {
      notes.push(`${name} failed: ${(err as Error).message}`)
    }
  }
  try {
    const stored = await storedAfterKcatFill(input)
    await add('kafka-direct fake broker', async () => await startOurs(H2H_PARTITIONS))
    const ours = mem.findIndex(m => m.startsWith('kafka-direct fake broker:'))
    const grew = /\(\+([\d.]+) MiB\)/.exec(mem[ours] ?? '')
    if (grew !== null) mem[ours] += `; its log stores ${(stored / MIB).toFixed(1)} MiB of batches (the same kcat -P fill of an in-process FakeCluster), so RSS grew ${(Number(grew[1]) * MIB / stored).toFixed(2)} × the stored bytes`
    if (!existsSync('/usr/include/librdkafka/rdkafka_mock.h') || !haveCommand('cc')) {
      notes.push('librdkafka mock not run: rdkafka_mock.h or cc is missing (apt-get install librdkafka-dev)')
    } else {
      await add('librdkafka mock cluster', async () => await startMock(await buildMock(), TOPIC, H2H_PARTITIONS))
    }
    await add('kfake (franz-go)', async () => await startKfake({ topics: [{ name: TOPIC, partitions: H2H_PARTITIONS }] }))
    await add(`Apache Kafka ${KAFKA_VERSION}`, async () => await startReal(H2H_PARTITIONS))
    for (const [name, { row: runs, defaults, error }] of await timeKcat(brokers, total, true)) {
      if (runs.length > 0) {
        rows.push(row(name, runs))
        details.push(`- ${name}: median wall ${row(name, runs).seconds.toFixed(2)} s (${spread(runs)})${cpuNote(runs)}; ` +
          `with kcat's default queue: median ${row(name, defaults).seconds.toFixed(2)} s (${spread(defaults)}), ` +
          `${defaults.filter(r => r.backedOff).length} of ${defaults.length} reads backed off`)
      }
      if (error !== undefined) notes.push(`${name}: ${error}`)
    }
  } finally {
    for (const b of running) await b.stop()
  }
  const note = [
    `${H2H_PARTITIONS} × ${SHARED_PER_PARTITION.toLocaleString('en')} records × ${VALUE_BYTES} bytes, written into each broker by kcat -P ` +
    `(batch.num.messages=${BATCH}); read by kcat -C -e -o beginning, spawn to exit, median of ${RUNS} after one untimed warm-up read each, ` +
    `the brokers' runs interleaved; fetch.wait.max.ms=${WAIT_MS}, queued.min.messages and queued.max.messages.kbytes raised so that ` +
    'kcat\'s local queue can hold the whole topic (with its defaults, librdkafka 2.0 stops fetching for a fixed 1000 ms whenever ' +
    'its queue holds 100,000 records, which a broker answering 1 MiB a partition, as Kafka does, causes at random: the bimodal ' +
    'times of issue 15; each round also reads once with the defaults and counts the reads that backed off). ' +
    'Broker CPU is the broker process\'s user + system time during a read (/proc, in 10 ms ticks). Each broker runs in its own process on loopback: ours is ' +
    '`kafka-direct fake-broker` (Node), the mock test-interop/consumer/mock-cluster.c (C), kfake test-interop/go/kfake (Go), ' +
    `Apache Kafka ${KAFKA_VERSION} one combined KRaft node started by test-interop/real-kafka (JVM flags of that harness: ` +
    '-Xmx512m, SerialGC, C1 only; its log on the local disk, read through the page cache). kcat\'s output goes to a file.',
    ...details,
    ...notes.map(n => `- ${n}`)
  ].join('\n')
  return {
    table: { title: `kcat reading ${total.toLocaleString('en')} records: our fake broker vs librdkafka's mock cluster, kfake and Apache Kafka`, unit: 'records', rows, baseline: 'librdkafka mock cluster', note },
    memory: mem.map(m => `- ${m}`).join('\n')
  }
}

async function main (): Promise<void> {
  if (!haveCommand('kcat')) {
    report('fake-broker', 'Fake-broker benchmark (issue 4): not run, kcat is not installed.', [])
    return
  }
  const loadBefore = os.loadavg()[0]
  const start = await startUp()
  const head = await headToHead()
  const full = await fullSize()
  const loadAfter = os.loadavg()[0]
  head.table.note = `${head.table.note ?? ''}\n\nMemory after filling:\n${head.memory}`
  full.table.note = `${full.table.note ?? ''}\n\nMemory:\n${full.memory}`
  report('fake-broker', 'Broker benchmark (issues 4 and 12): `npm run bench -- fake-broker` (tools/bench/fake-broker.bench.ts). ' +
    `The machine is shared and has ${os.cpus().length} cores (kcat and the broker compete for them); ` +
    `load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. One run of this benchmark ` +
    '(the machine is shared with other work; read the ratios, not the absolute numbers).', [start, head.table, full.table])
}

await main()
