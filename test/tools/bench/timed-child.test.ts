import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runTimed } from '../../../tools/bench/timed-child.js'

// A benchmark peer that outlives its timeout is killed with everything it started: a JVM under GNU time and a
// shell once kept running, holding the harness's stderr pipe open, and the harness waited for it.

/** Running, not a zombie: an orphan killed with its group may wait unreaped for whoever adopted it. */
function alive (pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    try { process.kill(pid, 0); return true } catch { return false }
  }
}

t.test('a timeout kills the child and its own children, and reports a failure', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-timed-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const pidFile = join(dir, 'pid')
  const r = await runTimed('sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { timeoutMs: 500 })
  t.equal(r.ok, false)
  t.ok(r.seconds < 10, `returned after ${r.seconds.toFixed(2)} s`)
  const grandchild = Number(readFileSync(pidFile, 'utf8'))
  t.ok(grandchild > 0)
  for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise(resolve => setTimeout(resolve, 20))
  t.notOk(alive(grandchild), 'the grandchild is gone too')
})

t.test('a child that exits by itself is timed and its stdout lines counted', async t => {
  const r = await runTimed('sh', ['-c', 'printf "a\\nb\\n{\\"n\\": 2}\\n"'])
  t.equal(r.ok, true)
  t.equal(r.lines, 3)
  t.same(r.json, { n: 2 })
})
