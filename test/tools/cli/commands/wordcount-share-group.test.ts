import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { transpileProject } from '../../../streaming/transpile.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { JsonBatchFileSink } from '../../../../streaming/sinks/json-batch-file-sink.js'
import { parseWordCountArgs } from '../../../../tools/cli/commands/wordcount.js'

// `kafka-direct wordcount --share-group GROUP`: two word-count processes with the same group split the topic's
// partitions (each a member of the consumer group, through the receiver stream's shareGroup), and between them
// count every record once.

/** A batch file's counts, checked to be word -> number. */
function countsOf (value: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  if (value === null || typeof value !== 'object') return out
  for (const [w, n] of Object.entries(value)) if (typeof n === 'number') out[w] = n
  return out
}

t.test('--share-group parses as a receiver in the group; not with --group or twice', async t => {
  t.match(parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--share-group', 'g']), { receiver: true, shareGroup: true, group: 'g' })
  t.equal(parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--receiver']).shareGroup, false)
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--share-group', 'g', '--group', 'h']), { name: 'ConfigError', key: '--group' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--share-group', 'g', '--share-group', 'h']), { name: 'ConfigError', key: '--share-group' })
  t.throws(() => parseWordCountArgs(['-b', 'h:1', '-t', 'a', '--share-group']), { name: 'ConfigError', key: '--share-group' })
})

t.test('two wordcount processes sharing a group split the partitions and count every record once', async t => {
  const dir = t.testdir()
  const js = await transpileProject(join(dir, 'js'), ['tools/cli/main.ts', 'tools/cli/commands/wordcount.ts'])
  const cluster = await FakeCluster.start({ topics: [{ name: 'words', partitions: 4 }], groupInitialRebalanceDelayMs: 0 })
  t.teardown(() => cluster.stop())
  const start = (name: string): ChildProcess => {
    const child = spawn(process.execPath, [join(js, 'tools/cli/main.js'), 'wordcount', '-b', cluster.bootstrap, '-t', 'words', '--from', 'beginning',
      '--batch-interval', '100', '--quiet', '--out', join(dir, name), '--share-group', 'wc-shared'], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr?.resume()
    t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    return child
  }
  const a = start('a')
  const b = start('b')
  const until = async (cond: () => boolean | Promise<boolean>, what: string): Promise<void> => {
    for (let i = 0; i < 600; i++) { if (await cond()) return; await new Promise(resolve => setTimeout(resolve, 100)) }
    throw new Error(`timed out waiting for ${what}`)
  }
  // Both members in, the group settled: each holds two of the four partitions.
  await until(() => {
    const d = cluster.state.groups.describe('wc-shared')
    return d.groupState === 'Stable' && d.members.length === 2 && d.members.every(m => m.memberAssignment.length > 0)
  }, 'both processes to join the group')
  const expected = new Map<string, number>()
  for (let p = 0; p < 4; p++) {
    const words = [`p${p}`, 'shared', `p${p}`]
    cluster.produce('words', p, words.map(value => ({ value })))
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1)
  }
  const read = async (name: string): Promise<Array<{ offsetRanges: Array<{ partition: number, fromOffset: number | string, untilOffset: number | string }>, counts: Record<string, number> }>> =>
    existsSync(join(dir, name))
      ? (await new JsonBatchFileSink(join(dir, name)).readAll()).map(f => ({ offsetRanges: f.offsetRanges, counts: countsOf(f.counts) }))
      : []
  const totals = async (): Promise<Map<string, number>> => {
    const out = new Map<string, number>()
    for (const name of ['a', 'b']) for (const f of await read(name)) for (const [w, n] of Object.entries(f.counts)) out.set(w, (out.get(w) ?? 0) + n)
    return out
  }
  await until(async () => (await totals()).get('shared') === 4, 'every record counted')
  t.same(Object.fromEntries(await totals()), Object.fromEntries(expected), 'every record counted once between the two')
  const partitionsOf = async (name: string): Promise<number[]> =>
    [...new Set((await read(name)).flatMap(f => f.offsetRanges.filter(r => Number(r.untilOffset) > Number(r.fromOffset)).map(r => r.partition)))].sort()
  const [pa, pb] = [await partitionsOf('a'), await partitionsOf('b')]
  t.equal(pa.length, 2, `a read partitions ${pa.join(',')}`)
  t.equal(pb.length, 2, `b read partitions ${pb.join(',')}`)
  t.same([...pa, ...pb].sort(), [0, 1, 2, 3], 'the two split the four partitions')
  for (const child of [a, b]) {
    const exited = new Promise<number | null>(resolve => child.once('exit', code => { resolve(code) }))
    child.kill('SIGTERM')
    t.equal(await exited, 0, 'exits 0 on SIGTERM')
  }
})
