// Transpiles the project's TypeScript (no type check) into a temp directory so that child processes start in
// milliseconds with plain `node`, instead of seconds through a TypeScript loader. Used by the crash test, which
// starts the word count a dozen times.
import ts from 'typescript'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')

/**
 * Writes JS for the entry files (paths relative to the repository root) and every module they import, relatively,
 * under outDir; returns outDir.
 */
export async function transpileProject (outDir: string, entries: string[]): Promise<string> {
  await writeFile(join(await mkdirp(outDir), 'package.json'), '{"type":"module"}\n')
  const todo = entries.map(e => join(ROOT, e))
  const done = new Set<string>()
  while (todo.length > 0) {
    const file = todo.pop() as string
    if (done.has(file)) continue
    done.add(file)
    const source = await readFile(file, 'utf8')
    // Static imports, re-exports and literal dynamic imports of our own modules ('./x.js' is the source './x.ts').
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) todo.push(join(dirname(file), `${m[1] as string}.ts`))
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file
    })
    const target = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js')
    await mkdirp(dirname(target))
    await writeFile(target, out.outputText)
  }
  return outDir
}
async function mkdirp (dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  return dir
}
