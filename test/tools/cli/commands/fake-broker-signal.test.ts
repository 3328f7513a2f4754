import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { transpileProject } from '../../../streaming/transpile.js'

// `fake-broker --control` reads commands from stdin; a SIGTERM (or SIGINT) must stop it even while that stdin
// stays open, as it does when a test harness or a shell pipeline keeps the pipe.

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`fake-broker --control stops on ${signal} while its stdin stays open`, async t => {
    const dir = t.testdir()
    const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/fake-broker.ts'])
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), 'fake-broker', '--control', '--topic', 't'], { stdio: ['pipe', 'pipe', 'pipe'] })
    t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    const exited = new Promise<{ code: number | null, signal: string | null }>(resolve => child.once('exit', (code, sig) => { resolve({ code, signal: sig }) }))
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve() })
      child.once('exit', () => { reject(new Error('exited before printing its bootstrap list')) })
    })
    t.match(out, /^127\.0\.0\.1:\d+\n/)
    // A command first, so that the control reader is surely live when the signal comes.
    child.stdin.write('high-watermark t 0\n')
    await new Promise<void>(resolve => { child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ok 0')) resolve() }) })
    child.kill(signal)
    // The stdin pipe is still open here; only the signal can end the process. Should it ignore the signal, the
    // teardown SIGKILL ends it and the exit below reports that instead of code 0.
    const guard = setTimeout(() => { child.kill('SIGKILL') }, 30_000)
    const result = await exited
    clearTimeout(guard)
    t.same(result, { code: 0, signal: null }, `exits 0 on ${signal}`)
  })
}
