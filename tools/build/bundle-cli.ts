import { readFile, writeFile, chmod } from 'node:fs/promises'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

// Builds the `kafka-direct` command as one CommonJS file (dist/kafka-direct.cjs, the package's bin).
//
// Why: the command is short-lived, so its start-up counts. Loaded as ~100 ES modules, each one costs Node's ESM
// loader a resolution (file system lookups, package scope checks), a read and an asynchronous link before anything
// runs: measured ~40 ms of a 150-190 ms `-L`. In one file the same code starts with one read, and V8 compiles each
// function only when it first runs.
//
// How: each TypeScript module reachable from tools/cli/main.ts (plus the command modules it imports by computed
// name) is transpiled on its own to CommonJS by the TypeScript compiler, wrapped in a function keyed by its path,
// and required through a small resolver at the top of the bundle. Type checking is the normal build's job (tsc),
// which runs first. The library itself stays ES modules (dist/**/*.js); only the command is bundled.
//
//   node dist/tools/build/bundle-cli.js [OUT]      (default dist/kafka-direct.cjs)

/** The repository: the nearest directory above this file with our package.json (this runs from dist/ or from source). */
function findRoot (from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'tools', 'cli', 'main.ts'))) return dir
    if (dirname(dir) === dir) throw new Error(`no kafka-direct checkout above ${from}`)
  }
}
const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
const ENTRY = 'tools/cli/main.ts'
/** Loaded by computed name (`import(\`./commands/${name}.js\`)`), so not found by following imports. */
const COMMANDS_DIR = 'tools/cli/commands'

/** Our modules imported by a source file: static imports, re-exports and literal dynamic imports ('./x.js' is './x.ts'). */
function localImports (source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map(m => `${m[1] as string}.ts`)
}

/**
 * The entry modules (paths relative to the repository) and every module they import relatively, each transpiled on
 * its own (no type check) to `module`, as [path relative to the repository with .js, code], sorted by path. Shared
 * with the tests that run the command as child processes (test/streaming/transpile.ts).
 */
export async function transpileGraph (entries: readonly string[], module: ts.ModuleKind): Promise<Array<[string, string]>> {
  const todo = [...entries]
  const seen = new Set<string>()
  const modules: Array<[string, string]> = []
  while (todo.length > 0) {
    const file = todo.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const source = await readFile(join(ROOT, file), 'utf8')
    for (const imp of localImports(source)) todo.push(relative(ROOT, join(ROOT, dirname(file), imp)))
    const out = ts.transpileModule(source, {
      compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file
    })
    modules.push([file.replace(/\.ts$/, '.js'), out.outputText])
  }
  return modules.sort((a, b) => a[0].localeCompare(b[0]))
}

/** Every module the command can load, as CommonJS. */
async function collect (): Promise<Array<[string, string]>> {
  const commands = readdirSync(join(ROOT, COMMANDS_DIR)).filter(f => f.endsWith('.ts')).map(f => `${COMMANDS_DIR}/${f}`)
  const modules = await transpileGraph([ENTRY, ...commands], ts.ModuleKind.CommonJS)
  // The entry's shebang belongs on the bundle's first line only.
  return modules.map(([id, code]) => [id, code.replace(/^#!.*\n/, '')])
}

const RUNTIME = `
const defined = Object.create(null)
const loaded = Object.create(null)
const posix = require('node:path').posix
/** A module of the bundle by its path ('protocol/errors.js'), evaluated on first require, as Node would. */
function load (id) {
  const hit = loaded[id]
  if (hit !== undefined) return hit.exports
  const factory = defined[id]
  if (factory === undefined) throw new Error('kafka-direct bundle: no module ' + id)
  const module = { exports: {} }
  loaded[id] = module
  const dir = posix.dirname(id)
  factory.call(module.exports, module.exports, spec => spec.startsWith('.') ? load(posix.normalize(posix.join(dir, spec))) : require(spec), module)
  return module.exports
}
`

export async function bundleCli (out: string): Promise<{ modules: number, bytes: number }> {
  const modules = await collect()
  let code = '#!/usr/bin/env node\n// kafka-direct command line, bundled by tools/build/bundle-cli.ts from the TypeScript sources. Do not edit.\n\'use strict\'\n'
  code += RUNTIME
  for (const [id, body] of modules) code += `defined[${JSON.stringify(id)}] = function (exports, require, module) {\n${body}\n}\n`
  code += `load(${JSON.stringify(ENTRY.replace(/\.ts$/, '.js'))})\n`
  await writeFile(out, code)
  await chmod(out, 0o755)
  return { modules: modules.length, bytes: code.length }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(ROOT, 'dist', 'kafka-direct.cjs')
  // Quiet, like tsc before it, unless asked (npm start runs the build).
  const { modules, bytes } = await bundleCli(out)
  if (process.env.KD_BUILD_VERBOSE !== undefined) process.stdout.write(`${relative(process.cwd(), out)}: ${modules} modules, ${(bytes / 1024).toFixed(0)} KiB\n`)
}
