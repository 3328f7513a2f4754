import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Our peer programs' sources (test-interop/java, test-interop/go) are read from the repository, also when this
// code runs compiled under dist/ (the benchmarks in tools/bench use the peers too).

/** test-interop/<sub> in the repository: the first directory above this file that holds package.json. */
export function interopSourceDir (sub: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'test-interop', sub)
    if (dirname(dir) === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`)
  }
}
