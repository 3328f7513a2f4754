import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import * as kd from '../../index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { transpileProject } from '../streaming/transpile.js'

// The README's TypeScript examples, run as written: every ```ts block is extracted, transpiled and run as its own
// program (a child process) that imports 'kafka-direct' through the package's own exports map, against a fake
// broker holding a topic "lines". The one change made to an example is the address: localhost:9092 becomes the
// fake broker's (127.0.0.1 and a free port), since tests may not take a fixed port.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1] as string)

interface Run { code: number | null, stdout: string, stderr: string }

/** The project transpiled into node_modules/kafka-direct, with package.json's exports pointed at the sources. */
async function installPackage (dir: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string, exports: Record<string, string | { default: string }> }
  const exports: Record<string, string> = {}
  const entries: string[] = []
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default
    if (!file.startsWith('./dist/')) continue
    exports[sub] = file.replace('./dist/', './')
    entries.push(file.replace('./dist/', '').replace(/\.js$/, '.ts'))
  }
  const at = join(dir, 'node_modules', pkg.name)
  await transpileProject(at, entries)
  await writeFile(join(at, 'package.json'), JSON.stringify({ name: pkg.name, type: 'module', exports }))
}

function runExample (dir: string, name: string, source: string, bootstrap: string): Promise<Run> {
  const [host, port] = bootstrap.split(':') as [string, string]
  const code = source
    .replaceAll("'localhost:9092'", `'${bootstrap}'`)
    .replaceAll("{ host: 'localhost', port: 9092 }", `{ host: '${host}', port: ${port} }`)
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
  return writeFile(join(dir, name), js).then(() => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, name)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', c => out.push(c))
    child.stderr.on('data', c => err.push(c))
    child.once('error', reject)
    child.once('close', code => { clearTimeout(timer); resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }) })
  }))
}

t.test('the README names only exports that exist', async t => {
  for (const name of ['SimpleConsumer', 'StreamingContext', 'createDirectStream', 'offsetRangesOf', 'Metadata', 'compileMessage', 'encodeRequest', 'decodeResponse', 'tpKey']) {
    t.ok(readme.includes(name), `README mentions ${name}`)
    t.ok(name in kd, `kafka-direct exports ${name}`)
  }
})

t.test('every TypeScript example in the README runs as written', async t => {
  t.ok(blocks.length >= 4, `${blocks.length} examples found`)
  const dir = await mkdtemp(join(tmpdir(), 'kd-readme-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  await installPackage(dir)
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 2 }, { name: 'greetings', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  cluster.produce('lines', 0, [{ value: 'to be or' }, { value: 'not to be' }, { value: 'that is' }])
  cluster.produce('lines', 1, [{ value: 'the question' }])

  // What each example must show, told apart by what it imports.
  const checks: Array<{ is: RegExp, check: (r: Run, t: Tap.Test) => void }> = [
    {
      is: /encodeRequest/,
      check: (r, t) => { t.equal(r.stdout, 'lines 2 partitions\n') }
    },
    {
      is: /SimpleConsumer/,
      check: (r, t) => { t.equal(r.stdout, '3 records in [0, 3)\n0n to be or\n1n not to be\n2n that is\n') }
    },
    {
      is: /FakeCluster/,
      check: (r, t) => { t.equal(r.stdout, '') }
    },
    {
      is: /GroupConsumer/,
      check: (r, t) => { t.same(r.stdout.trim().split('\n').sort(), ['0 0n to be or', '0 1n not to be', '0 2n that is', '1 0n the question']) }
    },
    {
      is: /producer\.send\(/,
      check: (r, t) => { t.equal(r.stdout, 'greetings 0 0n\n') }
    },
    {
      is: /sendOffsetsToTransaction/,
      check: (r, t) => { t.equal(r.stdout, 'committed\n') }
    },
    {
      is: /Admin\.connect/,
      check: (r, t) => { t.equal(r.stdout, "[ 'cleanup.policy=compact', 'retention.ms=60000' ]\nOFFSET_OUT_OF_RANGE\n") }
    },
    {
      is: /createDirectStream/,
      check: (r, t) => {
        t.match(r.stdout, /topic: 'lines',\s+partition: 0,\s+fromOffset: 0n,\s+untilOffset: 3n/, 'the first batch\'s offset ranges')
        t.match(r.stdout, /topic: 'lines',\s+partition: 1,\s+fromOffset: 0n,\s+untilOffset: 1n/)
        for (const [word, n] of [['to', 2], ['be', 2], ['or', 1], ['question', 1]]) t.match(r.stdout, new RegExp(`\\(${word},${n}\\)`), `counted ${word}`)
      }
    }
  ]
  for (const [i, source] of blocks.entries()) {
    const matching = checks.filter(c => c.is.test(source))
    t.equal(matching.length, 1, `example ${i + 1} is one the test knows`)
    const r = await runExample(dir, `example-${i + 1}.mjs`, source, cluster.bootstrap)
    t.test(`example ${i + 1}: ${source.split('\n').find(l => l.startsWith('import') && l.includes('kafka-direct'))}`, async t => {
      t.equal(r.code, 0, `exits 0 (stderr: ${r.stderr.slice(-800)})`)
      matching[0]?.check(r, t)
    })
  }
})
