import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleCli } from '../../../tools/build/bundle-cli.js'
import { runKcat } from '../cli/run-kcat.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// The package's bin is one CommonJS file built from the sources (tools/build/bundle-cli.ts). It must behave as the
// ES module command does: same output, same exit codes, every subcommand reachable (they are loaded by name).

function exec (file: string, args: string[], input = ''): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', c => out.push(c))
    child.stderr.on('data', c => err.push(c))
    child.once('error', reject)
    child.once('close', code => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }))
    child.stdin.end(input)
  })
}


t.test('the bundled command runs every mode as the module command does', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'kd-bundle-'))
  t.teardown(async () => await rm(dir, { recursive: true, force: true }))
  const bin = join(dir, 'kafka-direct.cjs')
  const { modules } = await bundleCli(bin)
  t.ok(modules > 50, `${modules} modules bundled`)
  t.equal((await stat(bin)).mode & 0o111, 0o111, 'executable')

  const help = await exec(bin, ['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: kafka-direct <command>/)

  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 2 }] })
  t.teardown(async () => await cluster.stop())
  const b = cluster.bootstrap
  const produced = await exec(bin, ['-b', b, '-P', '-t', 'lines', '-p', '1', '-K', ':', '-z', 'lz4'], 'k1:one\nk2:two\n')
  t.equal(produced.code, 0, produced.stderr)
  cluster.produce('lines', 0, Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: [{ key: 'h', value: String(i) }] })))

  for (const args of [
    ['-b', b, '-C', '-t', 'lines', '-e', '-f', '%t %p %o %k %s %h\\n'],
    ['-b', b, '-C', '-t', 'lines', '-p', '1', '-e', '-J'],
    ['-b', b, '-C', '-t', 'lines', '-o', '-2', '-e', '-X', 'check.crcs=true'],
    ['-b', b, '-Q', '-t', 'lines:0:0'],
    ['-b', b, '-C', '-t', 'nosuchtopic', '-e']
  ]) {
    const [bundled, module] = await Promise.all([exec(bin, args), runKcat(args)])
    // -J carries timestamps, equal here because both read the same stored records.
    t.same(bundled, module, args.join(' '))
  }

  const decoded = await exec(bin, ['decode', '--hex'], '0000000a0012000000000001ffff')
  t.equal(decoded.code, 0, decoded.stderr)
  t.match(decoded.stdout, /ApiVersions/)
})
