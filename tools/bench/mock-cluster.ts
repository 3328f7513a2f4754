import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { repoRoot } from './harness.js'
import { haveCommand } from './timed-child.js'

// librdkafka's mock cluster (rdkafka_mock.h) as a benchmark broker, driven by test-interop/consumer/mock-cluster.c:
// built once with the system's librdkafka, started with one broker and one topic, stopped with "quit".

export interface Mock { bootstrap: string, pid: number, stop: () => Promise<void> }

/** Whether the mock can be built here (librdkafka's headers and a C compiler). */
export function mockAvailable (): boolean {
  return existsSync('/usr/include/librdkafka/rdkafka_mock.h') && haveCommand('cc')
}

export async function buildMock (): Promise<string> {
  const root = repoRoot()
  const out = join(root, 'test-interop', '.build')
  mkdirSync(out, { recursive: true })
  const bin = join(out, 'mock-cluster-bench')
  await new Promise<void>((resolve, reject) => execFile('cc', ['-O2', '-o', bin, join(root, 'test-interop/consumer/mock-cluster.c'), '-lrdkafka'],
    (err, _o, stderr) => err === null ? resolve() : reject(new Error(`cc: ${stderr}`))))
  return bin
}

export async function startMock (bin: string, topic: string, partitions: number): Promise<Mock> {
  // One broker, the topic, no records from the helper's own producer.
  const child: ChildProcessWithoutNullStreams = spawn(bin, ['1', topic, String(partitions), '0'])
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const bootstrap = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', line => { if (line.startsWith('BOOTSTRAP ')) resolve(line.slice(10)) })
    void exited.then(() => reject(new Error(`mock-cluster exited: ${stderr}`)))
  })
  return { bootstrap, pid: child.pid as number, stop: async () => { child.stdin.end('quit\n'); await exited } }
}
