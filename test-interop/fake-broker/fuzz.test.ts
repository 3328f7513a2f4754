import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fuzzFrames, sendFrames } from '../../test/tools/fake-broker/fuzz-requests.js'
import { transpileProject } from '../../test/streaming/transpile.js'
import { runProcess, which } from './helpers.js'

// The fake broker survives every client: 20,000 mutated requests of every API it serves, from a printed seed
// (KD_FUZZ_SEED replays one), against `kafka-direct fake-broker` in its own process. It must stay alive, stay
// within 200 MiB of resident memory throughout, and kcat must produce and consume on it during and after.

const kcat = which('kcat')
// A fixed seed by default, so that CI sends the same requests each run; KD_FUZZ_SEED explores others.
const seed = Number(process.env.KD_FUZZ_SEED ?? 20261206)
const COUNT = 20_000
const RSS_LIMIT = 200 * 2 ** 20

function rssOf (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)
  return kb === null ? 0 : Number(kb[1]) * 1024
}

t.test(`${COUNT} mutated requests (seed ${seed}): the broker stays up, under 200 MiB, and kcat works during and after`, { skip: kcat === undefined ? 'kcat is not installed' : false }, async t => {
  t.comment(`fuzz seed ${seed} (replay with KD_FUZZ_SEED=${seed})`)
  const dir = t.testdir()
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/fake-broker.ts'])
  const broker = spawn(process.execPath, [join(js, 'tools/cli/main.js'), 'fake-broker', '--topic', 't:3', '--topic', 'stable:1'], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (broker.exitCode === null) broker.kill('SIGKILL') })
  let stderr = ''
  broker.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = ''
    broker.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out.split('\n')[0]) })
    broker.once('exit', code => { reject(new Error(`fake-broker exited (${code}) before listening: ${stderr}`)) })
  })
  let maxRss = 0
  const sampler = setInterval(() => { if (broker.exitCode === null) maxRss = Math.max(maxRss, rssOf(broker.pid!)) }, 100)
  t.teardown(() => { clearInterval(sampler) })

  const kcatRoundTrip = async (label: string): Promise<void> => {
    const input = Array.from({ length: 50 }, (_, i) => `${label}-${i}`).join('\n') + '\n'
    const produced = await runProcess(kcat!, ['-b', bootstrap, '-P', '-t', 'stable', '-p', '0'], { input, timeoutMs: 60_000 })
    t.equal(produced.code, 0, `kcat -P ${label}: ${produced.stderr.trim().split('\n').slice(-1)[0] ?? ''}`)
    const consumed = await runProcess(kcat!, ['-b', bootstrap, '-C', '-t', 'stable', '-p', '0', '-o', 'beginning', '-e', '-q'], { timeoutMs: 60_000 })
    t.equal(consumed.code, 0, `kcat -C ${label}`)
    t.ok(consumed.stdout.toString().includes(`${label}-49\n`), `kcat reads back what it wrote ${label}`)
  }

  // kcat runs while the fuzz is under way (from its second quarter), and once more when it is over.
  const fuzz = sendFrames(bootstrap, fuzzFrames(seed, COUNT), { parallel: 8, waitMs: 100 })
  const during = (async () => {
    await new Promise(resolve => setTimeout(resolve, 2000))
    await kcatRoundTrip('during')
  })()
  const [{ answered, closed }] = await Promise.all([fuzz, during])
  t.comment(`${answered} answered, ${closed} connections closed by the broker`)
  t.equal(broker.exitCode, null, 'the broker process is alive')
  await kcatRoundTrip('after')
  const listed = await runProcess(kcat!, ['-b', bootstrap, '-L'], { timeoutMs: 30_000 })
  t.equal(listed.code, 0, 'kcat -L')
  t.ok(maxRss > 0 && maxRss < RSS_LIMIT, `resident memory peaked at ${(maxRss / 2 ** 20).toFixed(1)} MiB (limit 200 MiB)`)
  t.notMatch(stderr, /internal error/, 'no handler threw')
  broker.kill('SIGTERM')
  const code = await new Promise<number | null>(resolve => { if (broker.exitCode !== null) resolve(broker.exitCode); else broker.once('exit', resolve) })
  t.equal(code, 0, 'and it stops cleanly on SIGTERM')
})
