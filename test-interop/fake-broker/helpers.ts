import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FakeCluster } from '../../tools/fake-broker/index.js'

// Shared by the interop tests: running peers as child processes, waiting for conditions driven by events, and one
// dataset that every client must read back identically, per partition and in order.

export interface ProcessResult { code: number | null, stdout: Buffer, stderr: string }

/** Runs a command without blocking the event loop (the fake broker lives in this process). */
export function runProcess (cmd: string, args: string[], opts: { input?: Buffer | string, timeoutMs?: number, env?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', d => out.push(d))
    child.stderr.on('data', d => err.push(d))
    const timer = setTimeout(() => { child.kill('SIGKILL') }, opts.timeoutMs ?? 120_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input ?? '')
  })
}

export function which (cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin'])) {
    if (existsSync(`${dir}/${cmd}`)) return `${dir}/${cmd}`
  }
  return undefined
}

/** Re-checks a condition each time `notify` is called: waits for events, not for time. */
export class Waiter {
  private checks: Array<() => boolean> = []
  notify (): void { this.checks = this.checks.filter(c => !c()) }
  until (cond: () => boolean): Promise<void> {
    if (cond()) return Promise.resolve()
    return new Promise(resolve => { this.checks.push(() => { if (!cond()) return false; resolve(); return true }) })
  }
}

/** The shared dataset: `perPartition` records in each of `partitions` partitions, with keys, values and headers. */
export function produceDataset (cluster: FakeCluster, topic: string, partitions: number, perPartition: number): string[][] {
  cluster.createTopic(topic, partitions)
  const expected: string[][] = []
  for (let p = 0; p < partitions; p++) {
    expected.push([])
    // Several batches per partition, one of them compressed, so clients cross batch boundaries.
    for (let start = 0; start < perPartition; start += 25) {
      const records = []
      for (let i = start; i < Math.min(perPartition, start + 25); i++) {
        const value = `p${p}-r${i}-${'x'.repeat(i % 7)}`
        records.push({ key: `k${i}`, value, timestamp: 1_700_000_000_000 + i })
        expected[p].push(value)
      }
      cluster.produce(topic, p, records, { compression: start % 50 === 0 ? 'none' : 'gzip' })
    }
  }
  return expected
}

/** The kafkajs consumer methods readDatasetWithKafkajs uses (kafkajs has no types here). */
interface KafkajsConsumer {
  connect: () => Promise<void>
  subscribe: (o: { topic: string, fromBeginning: boolean }) => Promise<void>
  run: (o: { eachMessage: (m: { partition: number, message: { value: Buffer } }) => Promise<void> }) => Promise<void>
  disconnect: () => Promise<void>
}

/** Reads `topic` from the beginning with a kafkajs group consumer until it holds as many records as `expected`. */
export async function readDatasetWithKafkajs (consumer: KafkajsConsumer, topic: string, expected: string[][]): Promise<string[][]> {
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got: string[][] = expected.map(() => [])
  await new Promise<void>((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        got[partition].push(message.value.toString())
        if (got.every((g, p) => g.length === expected[p].length)) resolve()
      }
    }).catch(reject)
  })
  await consumer.disconnect()
  return got
}

/** Writes the Java client's properties to a file in a temporary folder removed at teardown; returns its path. */
export function clientPropertiesFile (t: { teardown: (fn: () => void) => void }, lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kd-java-props-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'client.properties')
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

/** What test-interop/java/ReauthLoop.java printed: how many records it sent, and the values it read, in order. */
export function reauthLoopOutput (stdout: Buffer): { sent: number, read: string[] } {
  const lines = stdout.toString().split('\n')
  return {
    sent: Number(lines.find(l => l.startsWith('sent '))?.split(' ')[1]),
    read: lines.filter(l => l.startsWith('record ')).map(l => l.slice('record '.length))
  }
}
