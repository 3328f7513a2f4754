import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Runs one benchmark peer as a whole child process and times it from spawn to exit, so start-up, connection
// set-up, group joins and end-of-log waits all count, as they do for someone running the tool. Peak RSS comes from
// GNU time (`/usr/bin/time -f %M`, the child's ru_maxrss in KiB); without it, from the child's own report (peers
// we wrote print `{"maxRssKiB": ...}` from process.resourceUsage()).
//
// The child's stdout goes to a file, as in `kcat ... > out`, and is counted after it exits. Read through a pipe
// instead, the counting ran in this process while the child ran, on the event loop that also serves the benchmark's
// broker: printing consumers (kcat, our CLI) were slowed by their own output, silent ones (kafkajs) were not.

export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

export interface ChildResult {
  ok: boolean
  /** Wall time from spawn to exit, in seconds. */
  seconds: number
  exitCode: number | null
  /** Peak resident set size in MiB, when known. */
  maxRssMiB?: number
  /** Lines on stdout (for kcat-style `-f '%o\n'` output: records printed). */
  lines: number
  /** The last stdout line that parsed as JSON (peers we wrote report their counts this way). */
  json?: Record<string, unknown>
  stderrTail: string
  /** Lines of stderr that matched `ChildOptions.countStderr` (0 without it). */
  stderrMatches: number
}

export interface ChildOptions {
  /** Kill the child after this long and report a failure. Default 600 s. */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
  /** Count the child's stderr lines that match this (a client's debug log line, say). */
  countStderr?: RegExp
}

/** Spawns `cmd args` with stdout to a file, counts its lines after exit, keeps the tail of stderr. */
export async function runTimed (cmd: string, args: string[], opts: ChildOptions = {}): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-bench-'))
  const rssFile = join(dir, 'rss')
  const outFile = join(dir, 'stdout')
  const out = openSync(outFile, 'w')
  const [file, argv] = GNU_TIME !== undefined ? [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args]
  const start = performance.now()
  // Its own process group, so a timeout kills what it started too: GNU time, a shell, and the JVM under them
  // (killing only the first left ProducerPerformance running, holding stderr open, and this wait never ended).
  const child = spawn(file, argv, { stdio: ['ignore', out, 'pipe'], env: opts.env ?? process.env, detached: true })
  closeSync(out)
  let stderr = ''
  let stderrMatches = 0
  let partial = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString()
    stderr = (stderr + text).slice(-4000)
    if (opts.countStderr === undefined) return
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (opts.countStderr.test(line)) stderrMatches++
  })
  const timeoutMs = opts.timeoutMs ?? 600_000
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    try { if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL') } catch { child.kill('SIGKILL') }
  }, timeoutMs)
  const exitCode = await new Promise<number | null>(resolve => {
    child.once('error', err => { stderr += `\nspawn failed: ${err.message}`; resolve(null) })
    child.once('close', code => resolve(code))
  })
  clearTimeout(timer)
  const seconds = (performance.now() - start) / 1000
  const { lines, lastJson } = countLines(outFile)
  let maxRssMiB: number | undefined
  if (GNU_TIME !== undefined && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figure when the child fails.
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? ''
    const kib = Number(last)
    if (Number.isFinite(kib) && kib > 0) maxRssMiB = kib / 1024
  }
  if (maxRssMiB === undefined && typeof lastJson?.maxRssKiB === 'number') maxRssMiB = lastJson.maxRssKiB / 1024
  rmSync(dir, { recursive: true, force: true })
  if (timedOut) stderr += `\nkilled after ${timeoutMs} ms`
  return { ok: exitCode === 0 && !timedOut, seconds, exitCode, maxRssMiB, lines, json: lastJson, stderrTail: stderr.trim().split('\n').slice(-5).join(' | '), stderrMatches }
}

/** True when `cmd` can be found (absolute path, or on PATH). */
export function haveCommand (cmd: string): boolean {
  if (cmd.includes('/')) return existsSync(cmd)
  return (process.env.PATH ?? '').split(':').some(d => d !== '' && existsSync(join(d, cmd)))
}

/**
 * Lines in a file, read a chunk at a time (record output can be large), and the last line that parses as JSON
 * object (peers we wrote report their counts that way).
 */
function countLines (path: string): { lines: number, lastJson: Record<string, unknown> | undefined } {
  const fd = openSync(path, 'r')
  const chunk = Buffer.allocUnsafe(1 << 20)
  let lines = 0
  // Only the current partial line is kept (up to 4 KiB), to find a trailing JSON report.
  let tail = ''
  let lastJson: Record<string, unknown> | undefined
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      let from = 0
      for (let i = chunk.indexOf(10, 0); i !== -1 && i < n; i = chunk.indexOf(10, from)) {
        lines++
        const startsJson = tail !== '' ? tail.startsWith('{') : chunk[from] === 0x7b
        if (startsJson) {
          try { lastJson = JSON.parse(tail + chunk.toString('utf8', from, i)) } catch { /* a record that starts with "{" */ }
        }
        tail = ''
        from = i + 1
      }
      if (from < n && tail.length < 4096) tail += chunk.toString('utf8', from, Math.min(n, from + 4096))
    }
  } finally {
    closeSync(fd)
  }
  return { lines, lastJson }
}
