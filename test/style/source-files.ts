import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The production sources the style tests read: everything under protocol/, consumer/, streaming/ and tools/,
// the fake broker included.
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function tsFiles (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...tsFiles(p))
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

export function productionFiles (): string[] {
  return ['protocol', 'consumer', 'streaming', 'tools'].flatMap(d => tsFiles(join(root, d)))
}
