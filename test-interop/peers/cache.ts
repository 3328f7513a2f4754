import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

// Third-party peers (Kafka's jars, Go programs built against franz-go or Sarama, compiled Java programs) are
// resolved and built into a cache directory outside the repository, never committed. Each entry is keyed by a
// hash of what it was built from, so a changed version or source rebuilds it, and is guarded by a lock directory
// so that tap's parallel jobs resolve it once.

export const PEER_CACHE = process.env.KAFKA_DIRECT_PEER_CACHE ?? join(homedir(), '.cache', 'kafka-direct-peers')

/**
 * The marker that starts the skip reason of a test whose peer is not installed. `.ci/run` counts skips and, in CI
 * (CI=true), fails when any reason carries it: CI installs every peer, so there such a skip is a broken install, not
 * a choice. Skips for other reasons (a Node version without an API) carry no marker and are only listed.
 */
export const PEER_MISSING = 'PEER MISSING:'

/** A skip reason for a peer that is not installed: "PEER MISSING: kcat is not installed". */
export function peerMissing (what: string): string {
  return `${PEER_MISSING} ${what}`
}

/** Why a peer is not available: tests skip with this text, and CI fails when it names something CI installs. */
export class PeerUnavailable extends Error {
  override name = 'PeerUnavailable'
  constructor (what: string) {
    super(peerMissing(what))
  }
}

export interface ExecResult { code: number, stdout: string, stderr: string }

export function exec (cmd: string, args: string[], opts: { cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number } = {}): Promise<ExecResult> {
  return new Promise(resolve => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 127
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + (err !== null && code === 127 ? String(err.message) : '') })
    })
  })
}

export async function hasCommand (cmd: string, versionArg = '--version'): Promise<boolean> {
  return (await exec(cmd, [versionArg], { timeoutMs: 30_000 })).code === 0
}

export function digest (...parts: string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\0')
  return h.digest('hex').slice(0, 16)
}

/**
 * Builds the cache entry `dir` once: `build(dir)` runs only when `dir/.done` is missing, under a lock shared by
 * concurrent processes. A failed build leaves nothing behind, so the next run tries again.
 */
export async function cached (name: string, key: string, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(PEER_CACHE, `${name}-${key}`)
  const done = join(dir, '.done')
  if (existsSync(done)) return dir
  mkdirSync(PEER_CACHE, { recursive: true })
  const lock = `${dir}.lock`
  const deadline = Date.now() + 15 * 60_000
  for (;;) {
    try { mkdirSync(lock); break } catch {
      if (existsSync(done)) return dir
      if (Date.now() > deadline) throw new PeerUnavailable(`timed out waiting for ${lock} (remove it if no build is running)`)
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }
  try {
    if (existsSync(done)) return dir
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    try {
      await build(dir)
    } catch (err) {
      rmSync(dir, { recursive: true, force: true })
      throw err
    }
    writeFileSync(done, new Date().toISOString() + '\n')
    return dir
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

export function readLines (file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(l => l.length > 0)
}
