import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { createReceiverStream, type ReceiverInputDStream } from '../../../streaming/receiver-stream.js'
import { StreamingContext } from '../../../streaming/context.js'
import { valueString } from '../../../streaming/message-handlers.js'
import { offsetRangesOf, type OffsetRange } from '../../../streaming/offset-range.js'
import { transpileProject } from '../transpile.js'

// Receivers that share a consumer group (createReceiverStream with shareGroup): two of them split the partitions,
// a second one joining mid-stream takes half of them over in a rebalance, and between them every record is stored,
// and processed by a batch, exactly once, with offset ranges that hold exactly what each receiver stored.

const PARTITIONS = 4

async function cluster (t: any): Promise<FakeCluster> {
  const c = await FakeCluster.start({ topics: [{ name: 'lines', partitions: PARTITIONS }], groupMinSessionTimeoutMs: 100 })
  t.teardown(async () => { await c.stop() })
  return c
}

async function tempDir (t: any): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kd-group-receiver-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** n records per partition, numbered from `from`. */
function produce (c: FakeCluster, from: number, n: number): void {
  for (let p = 0; p < PARTITIONS; p++) c.produce('lines', p, Array.from({ length: n }, (_, i) => ({ value: `p${p}-${from + i}` })))
}

interface Member { ctx: StreamingContext, stream: ReceiverInputDStream<string>, seen: string[], ranges: OffsetRange[] }

function member (c: FakeCluster, checkpointDir: string): Member {
  const ctx = new StreamingContext({ batchIntervalMs: 50, checkpointDir, conf: { 'spark.streaming.receiver.writeAheadLog.enable': true }, log: () => {} })
  const stream = createReceiverStream(ctx, {
    'bootstrap.servers': c.bootstrap,
    'group.id': 'receivers',
    'auto.offset.reset': 'smallest',
    'fetch.max.wait.ms': 30,
    'session.timeout.ms': 2000,
    'heartbeat.interval.ms': 50,
    'retry.backoff.ms': 5,
    'retry.backoff.max.ms': 50
  }, ['lines'], { messageHandler: valueString, shareGroup: true })
  const m: Member = { ctx, stream, seen: [], ranges: [] }
  stream.foreachRDD(rdd => {
    m.seen.push(...(rdd.collect() as string[]))
    m.ranges.push(...offsetRangesOf(rdd).filter(r => r.untilOffset > r.fromOffset))
  })
  return m
}

async function waitFor (what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** Every range of one partition, across members, sorted: they must tile [0, end) without overlap. */
function tiles (ranges: OffsetRange[], partition: number, end: bigint): boolean {
  const mine = ranges.filter(r => r.partition === partition).sort((a, b) => Number(a.fromOffset - b.fromOffset))
  let at = 0n
  for (const r of mine) {
    if (r.fromOffset !== at) return false
    at = r.untilOffset
  }
  return at === end
}

t.test('two receivers in one group store every record exactly once between them, through a rebalance', async t => {
  const c = await cluster(t)
  const dir = await tempDir(t)
  produce(c, 0, 50)
  const a = member(c, join(dir, 'a'))
  await a.ctx.start()
  t.teardown(async () => { await a.ctx.stop() })
  // The first receiver alone owns every partition and stores all that is there.
  await waitFor('the first receiver to take the first records', () => a.seen.length >= PARTITIONS * 50)
  t.equal(a.stream.assignment.length, PARTITIONS, 'alone in the group, it owns every partition')

  // A second receiver joins while records keep coming: the group rebalances and splits the partitions.
  produce(c, 50, 50)
  const b = member(c, join(dir, 'b'))
  await b.ctx.start()
  t.teardown(async () => { await b.ctx.stop() })
  let next = 100
  await waitFor('the partitions to be split', () => {
    if (next < 300) { produce(c, next, 10); next += 10 }
    return a.stream.assignment.length === PARTITIONS / 2 && b.stream.assignment.length === PARTITIONS / 2
  })
  produce(c, next, 40)
  next += 40
  const total = PARTITIONS * next
  await waitFor('every record to be processed', () => a.seen.length + b.seen.length >= total)
  // A little longer: a duplicate processed late would show now.
  await new Promise(resolve => setTimeout(resolve, 300))
  await a.ctx.stop()
  await b.ctx.stop()

  const all = [...a.seen, ...b.seen]
  t.equal(all.length, total, 'as many records processed as produced')
  t.equal(new Set(all).size, total, 'no record processed twice')
  t.ok(b.seen.length > 0, 'the second receiver processed records too')
  for (let p = 0; p < PARTITIONS; p++) {
    const values = all.filter(v => v.startsWith(`p${p}-`)).map(v => Number(v.slice(v.indexOf('-') + 1))).sort((x, y) => x - y)
    t.same(values, Array.from({ length: next }, (_, i) => i), `p${p}: every record once`)
    t.ok(tiles([...a.ranges, ...b.ranges], p, BigInt(next)), `p${p}: the two receivers' offset ranges tile the partition without overlap`)
  }
})

interface Child { proc: ChildProcess, lines: string[], stderr: () => string, exited: Promise<{ code: number | null, signal: string | null }> }

t.test('SIGKILL of one receiver: the other takes its partitions, its restart replays its log, every record once', async t => {
  const c = await cluster(t)
  const dir = await tempDir(t)
  const js = await transpileProject(join(dir, 'js'), ['test/streaming/receiver/group-receiver-child.ts'])
  const start = (name: string): Child => {
    const proc = spawn(process.execPath, [join(js, 'test/streaming/receiver/group-receiver-child.js'), c.bootstrap, join(dir, name)], { stdio: ['ignore', 'pipe', 'pipe'] })
    t.teardown(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL') })
    const lines: string[] = []
    let stderr = ''
    proc.stdout?.on('data', (d: Buffer) => { lines.push(...d.toString().split('\n').filter(l => l !== '')) })
    proc.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    const exited = new Promise<{ code: number | null, signal: string | null }>(resolve => { proc.on('exit', (code, signal) => { resolve({ code, signal }) }) })
    return { proc, lines, stderr: () => stderr, exited }
  }
  const owns = (ch: Child, n: number): boolean => ch.lines.length > 0 && (ch.lines[ch.lines.length - 1] as string).endsWith(`owns ${n}`)
  const recordsIn = (ch: Child): number => ch.lines.reduce((n, l) => n + Number(/^batch \d+ (\d+) records/.exec(l)?.[1] ?? 0), 0)

  // A producer keeps writing to every partition while receivers come, die and come back.
  produce(c, 0, 30)
  let next = 30
  let producing = true
  const producer = (async () => {
    while (producing) {
      produce(c, next, 5)
      next += 5
      await new Promise(resolve => setTimeout(resolve, 25))
    }
  })()
  t.teardown(() => { producing = false })

  const a = start('a')
  const b = start('b')
  await waitFor('both receivers to own half the partitions', () => owns(a, PARTITIONS / 2) && owns(b, PARTITIONS / 2), 60_000)
  // Killed in the middle of its work: after some batches of its half, at a random moment.
  await waitFor('the first receiver to process records of its half', () => recordsIn(a) > 0, 60_000)
  const at = Math.floor(Math.random() * 100)
  t.comment(`killing receiver a ${at} ms after its first records`)
  await new Promise(resolve => setTimeout(resolve, at))
  a.proc.kill('SIGKILL')
  t.equal((await a.exited).signal, 'SIGKILL', 'receiver a was killed')
  await waitFor('the survivor to take every partition (after session.timeout.ms)', () => owns(b, PARTITIONS), 60_000)

  // The killed receiver comes back with its checkpoint and log: it replays what it stored, and rejoins.
  const a2 = start('a')
  await waitFor('the group to split again', () => owns(a2, PARTITIONS / 2) && owns(b, PARTITIONS / 2), 60_000)
  producing = false
  await producer
  const total = next

  type Output = { name: string, values: string[], ranges: Array<[number, string, string]> }
  const outputs = async (): Promise<Output[]> => {
    const files: Output[] = []
    for (const name of ['a', 'b']) {
      const out = join(dir, name, 'out')
      for (const f of (await readdir(out)).filter(f => f.endsWith('.json'))) files.push({ ...JSON.parse(await readFile(join(out, f), 'utf8')), name: `${name}/${f}` })
    }
    return files
  }
  const until = Date.now() + 60_000
  for (;;) {
    const n = (await outputs()).reduce((k, f) => k + f.values.length, 0)
    if (n >= PARTITIONS * total) break
    if (Date.now() > until) { t.fail(`only ${n} of ${PARTITIONS * total} records in the outputs (a: ${a2.stderr().slice(-400)})`); break }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  await new Promise(resolve => setTimeout(resolve, 300))
  a2.proc.kill('SIGTERM')
  b.proc.kill('SIGTERM')
  t.equal((await a2.exited).code, 0, `receiver a exits 0 on SIGTERM (stderr: ${a2.stderr().slice(-300)})`)
  t.equal((await b.exited).code, 0, `receiver b exits 0 on SIGTERM (stderr: ${b.stderr().slice(-300)})`)

  const files = await outputs()
  const all = files.flatMap(f => f.values)
  t.equal(all.length, PARTITIONS * total, 'as many records in the outputs as produced')
  t.equal(new Set(all).size, PARTITIONS * total, 'no record in two outputs, or twice in one')
  const ranges: OffsetRange[] = files.flatMap(f => f.ranges.map(([partition, from, until]) => ({ topic: 'lines', partition, fromOffset: BigInt(from), untilOffset: BigInt(until) })))
  for (let p = 0; p < PARTITIONS; p++) {
    const ok = tiles(ranges, p, BigInt(total))
    t.ok(ok, `p${p}: the outputs' offset ranges tile the partition without overlap`)
    if (!ok) {
      // Which outputs hold which ranges of the partition, for the diagnosis.
      const held = files.flatMap(f => f.ranges.filter(r => r[0] === p).map(r => `${f.name} ${r[1]}..${r[2]}`)).sort()
      t.comment(`p${p}: ${held.join(', ')}\na: ${a.stderr().split('\n').filter(l => l.startsWith('receiver')).join(' | ')}\na2: ${a2.stderr().split('\n').filter(l => l.startsWith('receiver') || l.startsWith('recovered')).join(' | ')}`)
    }
  }
})
