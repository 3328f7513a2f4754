import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Runs every tools/bench/*.bench.js, or those whose name contains one of the arguments (`npm run bench -- codec`).
const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here).filter(f => f.endsWith('.bench.js')).filter(f => wanted.length === 0 || wanted.some(w => f.includes(w)))
for (const f of files) {
  process.stdout.write(`\n### ${f}\n`)
  await import(join(here, f))
}
