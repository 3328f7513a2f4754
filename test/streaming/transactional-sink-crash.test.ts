// Exactly-once to Kafka: the word count writes each batch's counts to an output topic, with the batch's offsets
// as its group's committed offsets, in one transaction (--out-topic, --transactional-id). It runs as a child
// process over the fake broker and is killed with SIGKILL at random moments while a producer keeps writing; each
// restart fences the killed instance and resumes from the committed offsets. Afterwards a read_committed reader of
// the output topic must find every input word counted exactly once, while a read_uncommitted reader may also see
// the counts of transactions that a kill left open and the next instance aborted.
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { iterateRecords } from '../../protocol/records/index.js'
import { transpileProject } from './transpile.js'

const KILLS = 12
const PARTITIONS = 3
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta']
const GROUP = 'wc-txn-group'

t.test('SIGKILLed at random moments and restarted, the transactional word count counts every record exactly once', async t => {
  const dir = t.testdir()
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/wordcount.ts'])
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'text', partitions: PARTITIONS }, { name: 'counts', partitions: 2 }] })
  t.teardown(async () => { await cluster.stop() })

  const expected = new Map<string, number>()
  let produced = 0
  const produceLine = (): void => {
    const words = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => WORDS[Math.floor(Math.random() * WORDS.length)] as string)
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1)
    cluster.produce('text', Math.floor(Math.random() * PARTITIONS), [{ value: words.join(' ') }])
    produced++
  }
  const producer = setInterval(() => { for (let i = 0; i < 5; i++) produceLine() }, 5)
  t.teardown(() => { clearInterval(producer) })

  const args = ['wordcount', '-b', cluster.bootstrap, '-t', 'text', '--from', 'beginning', '--batch-interval', '40',
    '--max-rate-per-partition', '5000', '--out-topic', 'counts', '--transactional-id', 'wc-txn', '--commit-group', GROUP]
  const start = (): { child: ChildProcess, exited: Promise<{ code: number | null, signal: string | null, stderr: string }>, batches: () => number, onBatch: (fn: () => void) => void } => {
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
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
  for (let i = 0; i < KILLS; i++) {
    const run = start()
    if (i % 2 === 1) {
      await new Promise<void>(resolve => { run.onBatch(() => { if (run.batches() >= 1 + (i % 3)) resolve() }); void run.exited.then(() => { resolve() }) })
      killedAfterProgress++
    }
    if (i === KILLS - 1) {
      // The last kill lands for certain inside a transaction: its EndTxn is held back, and the process killed
      // while it waits. The records of that batch are in the log, uncommitted; the next instance aborts them.
      await new Promise<void>(resolve => {
        const remove = cluster.faults.intercept(req => {
          if (req.apiName !== 'EndTxn') return undefined
          remove()
          resolve()
          return { delayMs: 1000 }
        })
        void run.exited.then(() => { remove(); resolve() })
      })
    } else {
      await new Promise(resolve => setTimeout(resolve, Math.floor(Math.random() * 120)))
    }
    run.child.kill('SIGKILL')
    const end = await run.exited
    t.equal(end.signal, 'SIGKILL', `run ${i} was killed (stderr: ${end.stderr.slice(-300)})`)
  }
  clearInterval(producer)
  t.ok(killedAfterProgress >= KILLS / 2)

  // The final run catches up with everything produced (the group's committed offsets reach the high watermarks),
  // then is asked to stop with SIGTERM.
  const hw = Array.from({ length: PARTITIONS }, (_, p) => cluster.highWatermark('text', p))
  const caughtUp = (): boolean => hw.every((h, p) => (cluster.state.groups.committed(GROUP, 'text', p)?.offset ?? -1n) >= h)
  const last = start()
  await new Promise<void>(resolve => {
    last.onBatch(() => { if (caughtUp()) resolve() })
    void last.exited.then(() => { resolve() })
  })
  last.child.kill('SIGTERM')
  const end = await last.exited
  t.equal(end.code, 0, `exits 0 on SIGTERM (stderr: ${end.stderr.slice(-500)})`)
  t.ok(caughtUp(), 'the committed offsets reach every partition\'s high watermark')

  const sum = (committed: boolean): Map<string, number> => {
    const counts = new Map<string, number>()
    for (let p = 0; p < 2; p++) {
      const log = cluster.partitionState('counts', p).log
      const until = committed ? Number(log.lastStableOffset) : Number(log.highWatermark)
      const aborted = log.abortedTransactions(0, until).map(a => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }))
      for (const r of iterateRecords(log.read(0, 1 << 30, true, until), committed ? { isolation: 'read_committed', abortedTransactions: aborted } : {})) {
        const w = String(r.key)
        counts.set(w, (counts.get(w) ?? 0) + Number(String(r.value)))
        if (r.headers.find(h => h.key === 'batchTime') === undefined) t.fail('a count without its batchTime header')
      }
    }
    return counts
  }
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0)
  const committed = sum(true)
  const uncommitted = sum(false)
  const abortedSpans = [0, 1].reduce((n, p) => n + cluster.partitionState('counts', p).log.abortedTransactions(0, Number.MAX_SAFE_INTEGER).length, 0)
  t.same(Object.fromEntries([...committed].sort()), Object.fromEntries([...expected].sort()),
    `read_committed: all ${total(expected)} words of ${produced} records counted exactly once`)
  t.ok(abortedSpans >= 1, 'at least the transaction killed while committing was aborted')
  t.ok(total(uncommitted) > total(committed),
    `read_uncommitted sees ${total(uncommitted)} words, ${total(uncommitted) - total(committed)} of them from ${abortedSpans} aborted transaction spans`)
  t.comment(`${abortedSpans} aborted transaction spans in the output topic; read_uncommitted total ${total(uncommitted)} vs ${total(committed)}`)
})
