import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
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
