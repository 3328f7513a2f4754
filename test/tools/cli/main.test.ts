import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { transpileProject } from '../../streaming/transpile.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// The command as a process: what only a real process shows (where usage goes, exit codes, a reader that closes the
// pipe early). The project is transpiled once so the children start with plain node.

interface Exit { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

function exec (js: string, args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', c => out.push(c))
    child.stderr.on('data', c => err.push(c))
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }))
  })
}

t.test('the command as a child process', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'kd-main-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/kcat.ts'])

  t.test('without arguments the usage goes to stderr and the exit code is 1, as with kcat', async t => {
    const r = await exec(js, [])
    t.equal(r.code, 1)
    t.equal(r.stdout, '', 'nothing on stdout for a pipe to take as data')
    t.match(r.stderr, /^Usage: kafka-direct <command>/)
    const help = await exec(js, ['--help'])
    t.equal(help.code, 0, 'asked for, usage is the output')
    t.match(help.stdout, /^Usage: kafka-direct <command>/)
  })

  t.test('a reader that closes the pipe early (| head) ends the consumer quietly, as kcat', async t => {
    const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 1 }] })
    t.teardown(async () => await cluster.stop())
    // Enough output to fill the pipe many times over, so writes continue after the reader is gone.
    for (let i = 0; i < 20; i++) cluster.produce('lines', 0, Array.from({ length: 1000 }, (_, j) => ({ value: `line ${i * 1000 + j} ${'x'.repeat(100)}` })))
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), '-b', cluster.bootstrap, '-C', '-t', 'lines', '-o', 'beginning', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] })
    t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    const err: Buffer[] = []
    child.stderr.on('data', c => err.push(c))
    // Read the first line, then close our end of the pipe as head does.
    const first = await new Promise<string>(resolve => {
      let text = ''
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString()
        if (text.includes('\n')) { child.stdout.destroy(); resolve(text.slice(0, text.indexOf('\n'))) }
      })
    })
    t.match(first, /^line 0 x+$/)
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.once('close', (c, s) => resolve([c, s])))
    t.equal(signal, null, 'not killed')
    t.equal(code, 0, 'exits 0: the reader had what it wanted')
    t.equal(Buffer.concat(err).toString(), '', 'no EPIPE, no stack trace')
  })
})
