// The exactly-once proof: the word count runs as a child process over the fake broker with a checkpoint and an
// --out directory, and is killed with SIGKILL at random moments (during start-up, recovery, reads, output writes)
// while a producer keeps writing. After a final run catches up and exits on SIGTERM, the union of the output files
// must count every produced word exactly once, and their offset ranges must tile each partition's log exactly.
// Once with the direct stream, once with the receiver-based stream and its write-ahead log (killed mid-append too).
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { JsonBatchFileSink } from '../../streaming/sinks/json-batch-file-sink.js'
import { transpileProject } from './transpile.js'
import { seededRandom, testSeed } from './seeded-random.js'

const KILLS = 12
const PARTITIONS = 3
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']

for (const mode of ['direct', 'receiver with write-ahead log'] as const) t.test(`${mode}: SIGKILLed at random moments and restarted, the word count counts every record exactly once`, async t => {
  // Which words, which partitions and when the kills land are random, from a printed seed: KD_TEST_SEED replays a run.
  const seed = testSeed()
  const random = seededRandom(seed)
  t.comment(`seed ${seed} (replay with KD_TEST_SEED=${seed})`)
  const dir = t.testdir()
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/wordcount.ts'])
  const checkpoint = join(dir, 'checkpoint')
  const out = join(dir, 'out')
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'text', partitions: PARTITIONS }] })
  t.teardown(async () => { await cluster.stop() })

  // The producer: a line of 1-4 random words to a random partition every few ms; expected counts kept as it goes.
  const expected = new Map<string, number>()
  let produced = 0
  const produceLine = (): void => {
    const words = Array.from({ length: 1 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)] as string)
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1)
    cluster.produce('text', Math.floor(random() * PARTITIONS), [{ value: words.join(' ') }])
    produced++
  }
  const producer = setInterval(() => { for (let i = 0; i < 5; i++) produceLine() }, 5)
  t.teardown(() => { clearInterval(producer) })

  const args = ['wordcount', '-b', cluster.bootstrap, '-t', 'text', '--from', 'beginning', '--batch-interval', '40',
    '--max-rate-per-partition', '5000', '--checkpoint', checkpoint, '--out', out, ...(mode === 'direct' ? [] : ['--receiver', '--wal', '--group', 'wc'])]
  const start = (): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stderr: string }>; batches: () => number; onBatch: (fn: () => void) => void } => {
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let batches = 0
    let listener: (() => void) | undefined
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    child.stdout?.on('data', (d: Buffer) => {
      batches += d.toString().split('\n').filter(l => / records \| /.test(l)).length
      listener?.()
    })
    const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>(resolve => {
      child.on('exit', (code, signal) => { resolve({ code, signal, stderr }) })
    })
    return { child, exited, batches: () => batches, onBatch: fn => { listener = fn } }
  }

  let killedAfterProgress = 0
  for (let i = 0; i < KILLS; i++) {
    const run = start()
    // Half the kills land at a random moment after spawning (start-up, recovery, the first batch); the others
    // after the run has completed a batch or more, in the middle of later batches.
    if (i % 2 === 1) {
      await new Promise<void>(resolve => { run.onBatch(() => { if (run.batches() >= 1 + (i % 3)) resolve() }); void run.exited.then(() => { resolve() }) })
      killedAfterProgress++
    }
    await new Promise(resolve => setTimeout(resolve, Math.floor(random() * 120)))
    run.child.kill('SIGKILL')
    const end = await run.exited
    t.equal(end.signal, 'SIGKILL', `run ${i} was killed (stderr: ${end.stderr.slice(-300)})`)
  }
  clearInterval(producer)
  t.ok(killedAfterProgress >= KILLS / 2)

  // The final run catches up with everything produced, then is asked to stop with SIGTERM.
  const hw = Array.from({ length: PARTITIONS }, (_, p) => cluster.highWatermark('text', p))
  if (mode !== 'direct') {
    // The receiver committed to its group only what its log had stored. Kafka now deletes all of that: whatever
    // the batches have not processed yet must come back from the write-ahead log.
    for (let p = 0; p < PARTITIONS; p++) {
      const committed = cluster.state.groups.committed('wc', 'text', p)?.offset ?? 0n
      if (committed > 0n) cluster.faults.deleteRecordsBefore('text', p, committed)
    }
    t.ok(cluster.logStartOffset('text', 0) > 0n || cluster.logStartOffset('text', 1) > 0n || cluster.logStartOffset('text', 2) > 0n, 'Kafka deleted records the receiver had stored')
  }
  const sink = new JsonBatchFileSink(out)
  const last = start()
  await new Promise<void>(resolve => {
    let checking = false
    last.onBatch(() => {
      if (checking) return
      checking = true
      void sink.committedOffsets().then(offsets => {
        checking = false
        if (hw.every((h, p) => (offsets.get(`text:${p}`) ?? -1n) >= h)) resolve()
      }, () => { checking = false })
    })
    void last.exited.then(() => { resolve() })
  })
  last.child.kill('SIGTERM')
  const end = await last.exited
  t.equal(end.code, 0, `exits 0 on SIGTERM (stderr: ${end.stderr.slice(-500)})`)

  const files = await sink.readAll()
  const counts = new Map<string, number>()
  const ranges = new Map<number, Array<[bigint, bigint]>>()
  for (const f of files) {
    for (const [w, n] of Object.entries(f.counts as Record<string, number>)) counts.set(w, (counts.get(w) ?? 0) + n)
    for (const r of f.offsetRanges) {
      const list = ranges.get(r.partition) ?? []
      list.push([BigInt(r.fromOffset), BigInt(r.untilOffset)])
      ranges.set(r.partition, list)
    }
  }
  // Every partition's ranges, in batch order, chain from 0 to at least the high watermark with no gap or overlap.
  for (let p = 0; p < PARTITIONS; p++) {
    let next = 0n
    for (const [from, until] of ranges.get(p) ?? []) {
      if (from !== next) t.fail(`partition ${p}: range ${from}..${until} does not start where the previous ended (${next}); seed ${seed}`)
      next = until
    }
    t.ok(next >= (hw[p] as bigint), `partition ${p} covered up to ${next} (high watermark ${hw[p]})`)
  }
  const producedUpToHw = [...expected.values()].reduce((a, b) => a + b, 0)
  t.same(Object.fromEntries([...counts].sort()), Object.fromEntries([...expected].sort()),
    `${files.length} output files count all ${producedUpToHw} words of ${produced} records exactly once (seed ${seed})`)
})
