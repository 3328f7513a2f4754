import { spawn } from 'node:child_process'
import { kfakeProgram } from './franz-go.js'

// franz-go's kfake in a child process: a fake Kafka cluster written independently of ours, for tests and
// benchmarks that compare brokers. Started on free loopback ports; stopped by PID.

export interface KfakeOptions {
  brokers?: number
  topics?: Array<{ name: string, partitions: number }>
  autoCreateTopics?: boolean
  /** The built program (kfakeProgram()), to skip the cache lookup, e.g. when timing start-up. */
  bin?: string
  /** How long to wait for the bootstrap line. Default 30 s. */
  startTimeoutMs?: number
}

export interface Kfake {
  bootstrap: string
  pid: number
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop: () => Promise<void>
}

/** Builds the kfake program when needed (PeerUnavailable without Go) and starts it. */
export async function startKfake (opts: KfakeOptions = {}): Promise<Kfake> {
  const bin = opts.bin ?? await kfakeProgram()
  const args = ['-brokers', String(opts.brokers ?? 1)]
  for (const t of opts.topics ?? []) args.push('-topic', `${t.name}:${t.partitions}`)
  if (opts.autoCreateTopics === true) args.push('-auto-create')
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', d => { stderr += String(d) })
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    process.kill(child.pid!, 'SIGTERM')
    const timer = setTimeout(() => { if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL') }, 5000)
    await exited
    clearTimeout(timer)
  }
  try {
    const bootstrap = await new Promise<string>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`kfake printed no bootstrap line within ${opts.startTimeoutMs ?? 30_000} ms: ${stderr}`)), opts.startTimeoutMs ?? 30_000)
      child.stdout.on('data', d => {
        out += String(d)
        const nl = out.indexOf('\n')
        if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl).trim()) }
      })
      child.once('exit', code => { clearTimeout(timer); reject(new Error(`kfake exited with ${code}: ${stderr}`)) })
      child.once('error', err => { clearTimeout(timer); reject(err) })
    })
    return { bootstrap, pid: child.pid!, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
