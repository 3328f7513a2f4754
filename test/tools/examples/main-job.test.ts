import t from 'tap'
import { spawn } from 'node:child_process'
import * as net from 'node:net'
import { fileURLToPath } from 'node:url'

// `npm start -- --brokers HOST:PORT --topics T` against brokers that never answer must fail, with the cause, not
// report a clean stop: no batch ever ran.

const MAIN_JOB = fileURLToPath(new URL('../../../tools/examples/main-job.ts', import.meta.url))

async function refusedPort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

t.test('the main job exits 1 with the cause when its brokers are never reached', async t => {
  const port = await refusedPort()
  // Run with this process's loader flags (tap's TypeScript import hook), so the .ts source runs as it is.
  const child = spawn(process.execPath, [...process.execArgv, MAIN_JOB, '--brokers', `127.0.0.1:${port}`, '--topics', 'lines', '--duration', '1000'],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill() })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  t.equal(code, 1, 'a job that never ran a batch fails')
  t.match(stderr, /main-job: ConnectionError: .*ECONNREFUSED/, 'naming the cause')
  t.notMatch(stdout, /^stopped/m, 'and does not claim a clean stop')
})

t.test('wordcount fails the same way', async t => {
  const { run } = await import('../../../tools/cli/commands/wordcount.js')
  const port = await refusedPort()
  await t.rejects(run(['-b', `127.0.0.1:${port}`, '-t', 'lines', '--quiet', '--duration', '1000']), { name: 'ConnectionError', message: /ECONNREFUSED/ })
})
