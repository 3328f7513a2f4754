import type { Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { JsonBatchFileSink } from '../../streaming/sinks/json-batch-file-sink.js'
import { transpileProject } from './transpile.js'
import { seededRandom, testSeed } from './seeded-random.js'

// The exactly-once proof, shared by the fake-broker test (crash-recovery.test.ts) and the real-Kafka one
// (test-interop/real-kafka/direct-stream-crash.test.ts): the word count runs as a child process with a checkpoint
// and an --out directory, and is killed with SIGKILL at random moments (during start-up, recovery, reads, output
// writes) while a producer keeps writing. After a final run catches up and exits on SIGTERM, the union of the
// output files must count every produced word exactly once, and their offset ranges must tile each partition's
// log exactly. The broker is whatever `CrashBroker` wraps.

export const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']

export interface CrashBroker {
  bootstrap: string
  /** The topic "text", with `partitions` partitions, exists. */
  partitions: number
  /** Appends one record; resolves once the broker has it. */
  produce: (partition: number, value: string) => void | Promise<void>
  /** Each partition's high watermark, in partition order. */
  highWatermarks: () => Promise<bigint[]>
}

export interface CrashRunOptions {
  kills: number
  /** Extra wordcount flags (the receiver mode: --receiver --wal --group wc). */
  args?: string[]
  /** Runs after the kills, before the final run (the receiver test deletes what the group committed). */
  beforeFinalRun?: () => Promise<void>
}

interface Run { child: ChildProcess, exited: Promise<{ code: number | null, signal: string | null, stderr: string }>, batches: () => number, onBatch: (fn: () => void) => void }

export async function killAndRecover (t: Test, broker: CrashBroker, opts: CrashRunOptions): Promise<void> {
  const dir = t.testdir()
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/wordcount.ts'])
  const checkpoint = join(dir, 'checkpoint')
  const out = join(dir, 'out')
  const partitions = broker.partitions
  // Which words, which partitions and when the kills land are random, from a printed seed: KD_TEST_SEED replays a run.
  const seed = testSeed()
  const random = seededRandom(seed)
  t.comment(`seed ${seed} (replay with KD_TEST_SEED=${seed})`)

  // The producer: a line of 1-4 random words to a random partition, five every few ms; expected counts are kept
  // for the lines the broker acknowledged.
  const expected = new Map<string, number>()
  let produced = 0
  let producing = true
  const produceLine = async (): Promise<void> => {
    const words = Array.from({ length: 1 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)] as string)
    await broker.produce(Math.floor(random() * partitions), words.join(' '))
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1)
    produced++
  }
  const producer = (async () => {
    while (producing) {
      for (let i = 0; i < 5; i++) await produceLine()
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  })()
  t.teardown(() => { producing = false })

  const args = ['wordcount', '-b', broker.bootstrap, '-t', 'text', '--from', 'beginning', '--batch-interval', '40',
    '--max-rate-per-partition', '5000', '--checkpoint', checkpoint, '--out', out, ...(opts.args ?? [])]
  const start = (): Run => {
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    let stderr = ''
    let batches = 0
    let listener: (() => void) | undefined
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
    child.stdout?.on('data', (d: Buffer) => {
      batches += d.toString().split('\n').filter(l => / records \| /.test(l)).length
      listener?.()
    })
    const exited = new Promise<{ code: number | null, signal: string | null, stderr: string }>(resolve => {
      child.on('exit', (code, signal) => { resolve({ code, signal, stderr }) })
    })
    return { child, exited, batches: () => batches, onBatch: fn => { listener = fn } }
  }

  let killedAfterProgress = 0
  for (let i = 0; i < opts.kills; i++) {
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
  producing = false
  await producer
  t.ok(killedAfterProgress >= opts.kills / 2)

  // The final run catches up with everything produced, then is asked to stop with SIGTERM.
  const hw = await broker.highWatermarks()
  await opts.beforeFinalRun?.()
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
  for (let p = 0; p < partitions; p++) {
    let next = 0n
    for (const [from, until] of ranges.get(p) ?? []) {
      if (from !== next) t.fail(`partition ${p}: range ${from}..${until} does not start where the previous ended (${next}); seed ${seed}`)
      next = until
    }
    t.ok(next >= (hw[p] as bigint), `partition ${p} covered up to ${next} (high watermark ${hw[p]})`)
  }
  const words = [...expected.values()].reduce((a, b) => a + b, 0)
  t.same(Object.fromEntries([...counts].sort()), Object.fromEntries([...expected].sort()),
    `${files.length} output files count all ${words} words of ${produced} records exactly once (seed ${seed})`)
}
