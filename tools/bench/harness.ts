import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import os from 'node:os'

// A small benchmark harness: warm-up, several timed runs, medians, and ratios against a baseline, written as
// Markdown (and JSON) under bench-results/ so the README can link the latest figures. Never used by tests.

export interface Case {
  name: string
  /** Runs the work once and returns how many units it processed (records, bytes, ops). */
  run: () => number | Promise<number>
}

export interface CaseResult { name: string, unitsPerSec: number, runs: number[] }

export async function measure (c: Case, opts: { warmupMs?: number, runs?: number, minRunMs?: number } = {}): Promise<CaseResult> {
  const warmupMs = opts.warmupMs ?? 300
  const minRunMs = opts.minRunMs ?? 200
  const runs = opts.runs ?? 7
  const warmEnd = performance.now() + warmupMs
  while (performance.now() < warmEnd) await c.run()
  const rates: number[] = []
  for (let i = 0; i < runs; i++) {
    let units = 0
    const start = performance.now()
    let elapsed = 0
    do {
      units += await c.run()
      elapsed = performance.now() - start
    } while (elapsed < minRunMs)
    rates.push(units / (elapsed / 1000))
  }
  return { name: c.name, unitsPerSec: median(rates), runs: rates }
}

export function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function fmt (n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`
  return n.toFixed(1)
}

export function repoRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above the benchmark')
    dir = up
  }
  return dir
}

export interface Table { title: string, unit: string, rows: CaseResult[], baseline?: string, note?: string }

/** Writes bench-results/<file>.md (and .json) and prints the same table. */
export function report (file: string, intro: string, tables: Table[]): void {
  const lines = [`# ${file}`, '', intro, '', `Machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`, '']
  for (const t of tables) {
    lines.push(`## ${t.title}`, '')
    if (t.note !== undefined) lines.push(t.note, '')
    // A table whose figures are all in its note (a memory measure) has no rate summary.
    if (t.rows.length === 0) continue
    const base = t.rows.find(r => r.name === t.baseline)
    lines.push(`| case | ${t.unit}/s (median) | ${base === undefined ? '' : `× ${base.name}`} |`, '|---|---:|---:|')
    for (const r of t.rows) lines.push(`| ${r.name} | ${fmt(r.unitsPerSec)} | ${base === undefined ? '' : (r.unitsPerSec / base.unitsPerSec).toFixed(2)} |`)
    lines.push('')
  }
  const text = lines.join('\n')
  const out = resolve(repoRoot(), 'bench-results')
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, `${file}.md`), text)
  writeFileSync(join(out, `${file}.json`), JSON.stringify(tables, null, 2))
  process.stdout.write(text + '\n')
}

export function readJson (path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'))
}
