// Transpiles the project's TypeScript (no type check) into a temp directory so that child processes start in
// milliseconds with plain `node`, instead of seconds through a TypeScript loader. Used by the crash test, which
// starts the word count a dozen times.
import ts from 'typescript'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { transpileGraph } from '../../tools/build/bundle-cli.js'

/**
 * Writes JS for the entry files (paths relative to the repository root) and every module they import, relatively,
 * under outDir; returns outDir.
 */
export async function transpileProject (outDir: string, entries: string[]): Promise<string> {
  await writeFile(join(await mkdirp(outDir), 'package.json'), '{"type":"module"}\n')
  for (const [id, code] of await transpileGraph(entries, ts.ModuleKind.ESNext)) {
    const target = join(outDir, id)
    await mkdirp(dirname(target))
    await writeFile(target, code)
  }
  return outDir
}
async function mkdirp (dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  return dir
}
