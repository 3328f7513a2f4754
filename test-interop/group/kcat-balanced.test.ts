import t from 'tap'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { startMember, until, type Seen } from './member-processes.js'

// kafka-direct -G and kcat -G in one balanced group on the fake broker, each a process printing "%p %o": the
// partitions split between them, each record is printed once while the group is stable, and after our process is
// killed with SIGKILL, kcat takes every partition and prints every later record.

const KCAT = '/usr/bin/kcat'
const here = dirname(fileURLToPath(import.meta.url))
const CLI = join(here, '..', '..', 'tools', 'cli', 'main.ts')
// Our CLI from its TypeScript source, with the loader this test runs under (tap's).
const loader = process.execArgv.filter(a => a.includes('@tapjs/typescript'))

t.test('kafka-direct -G and kcat -G share a group, through a SIGKILL of ours', { skip: existsSync(KCAT) ? false : 'kcat is not installed' }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'bal', partitions: 4 }], groupMinSessionTimeoutMs: 1000 })
  t.teardown(() => cluster.stop())
  const seen: Seen = new Map()
  const b = cluster.bootstrap
  const common = ['-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=300', '-X', 'fetch.wait.max.ms=50', '-q', '-f', '%p %o\\n']
  const ours = startMember(t, 'ours', process.execPath, [...loader, CLI, '-b', b, '-G', 'bal-group', 'bal', '-o', 'beginning', ...common], seen)
  startMember(t, 'kcat', KCAT, ['-b', b, '-G', 'bal-group', 'bal', '-u', '-X', 'auto.offset.reset=earliest', ...common], seen)
  const describe = (): ReturnType<typeof cluster.state.groups.describe> => cluster.state.groups.describe('bal-group')
  await until(() => describe().groupState === 'Stable' && describe().members.length === 2, 'a stable group of two')
  const clients = describe().members.map(m => m.clientId).sort()
  t.same(clients, ['kafka-direct', 'rdkafka'])
  const produce = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => {
    const p = (from + i) % 4
    return `${p}:${cluster.produce('bal', p, [{ value: `v${from + i}` }])}`
  })
  const phase1 = produce(0, 200)
  await until(() => phase1.every(k => seen.has(k)), 'every record of phase 1')
  t.same([...new Set(phase1.flatMap(k => seen.get(k) ?? []))].sort(), ['kcat', 'ours'], 'both print')
  t.same(phase1.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record printed twice while stable')
  ours.child.kill('SIGKILL')
  await until(() => describe().groupState === 'Stable' && describe().members.length === 1, 'kcat alone')
  const phase2 = produce(200, 100)
  await until(() => phase2.every(k => seen.has(k)), 'every record of phase 2')
  t.same([...new Set(phase2.flatMap(k => seen.get(k) ?? []))], ['kcat'])
  t.same(phase2.filter(k => (seen.get(k) ?? []).length !== 1), [], 'each once')
})
