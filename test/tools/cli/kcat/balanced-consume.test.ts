import t from 'tap'
import { PassThrough } from 'node:stream'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { runKcat } from '../run-kcat.js'
import { run as runGroups } from '../../../../tools/cli/commands/groups.js'

// kafka-direct -G (kcat's balanced consumer) and kafka-direct groups, against the fake broker.

async function setup (t: Tap.Test): Promise<FakeCluster> {
  const c = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }] })
  for (let i = 0; i < 6; i++) c.produce('t', i % 2, [{ key: `k${i}`, value: `v${i}` }])
  c.produce('u', 0, [{ value: 'u0' }])
  t.teardown(() => c.stop())
  return c
}

async function groups (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', d => out.push(d))
  stderr.on('data', d => err.push(d))
  const code = await runGroups(args, { stdout, stderr })
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

t.test('-G reads every assigned partition of several topics, reports the rebalance and the ends, exits with -e, and commits', async t => {
  const c = await setup(t)
  const r = await runKcat(['-b', c.bootstrap, '-G', 'cli', '-o', 'beginning', '-e', '-f', '%t %p %o %k=%s\\n', 't', 'u'])
  t.equal(r.code, 0, 'exit 0', { stderr: r.stderr })
  t.same(r.stdout.trim().split('\n').sort(), [
    't 0 0 k0=v0', 't 0 1 k2=v2', 't 0 2 k4=v4', 't 1 0 k1=v1', 't 1 1 k3=v3', 't 1 2 k5=v5', 'u 0 0 =u0'
  ])
  t.match(r.stderr, /^% Group cli rebalanced \(memberid [^)]+\): assigned: t \[0\], t \[1\], u \[0\]$/m)
  t.match(r.stderr, /% Reached end of topic t \[0\] at offset 3/)
  t.match(r.stderr, /: exiting\n/)
  // Committed on exit: a second run with the same group starts where the first stopped and reads nothing new.
  const again = await runKcat(['-b', c.bootstrap, '-G', 'cli', '-o', 'beginning', '-e', '-q', 't', 'u'])
  t.equal(again.stdout, '')
  const d = await groups(['-b', c.bootstrap, '--describe', 'cli'])
  t.equal(d.code, 0, 'exit 0', { stderr: d.stderr })
  t.match(d.stdout, /Group 'cli': state Empty/)
  t.match(d.stdout, /^cli\s+t\s+0\s+3\s+3\s+0\s+-/m)
  t.match(d.stdout, /^cli\s+u\s+0\s+1\s+1\s+0\s+-/m)
})

t.test('-G -c stops after N records and commits only those', async t => {
  const c = await setup(t)
  const r = await runKcat(['-b', c.bootstrap, '-G', 'cnt', '-o', 'beginning', '-c', '2', '-q', '-f', '%p %o\\n', 't'])
  t.equal(r.code, 0, 'exit 0', { stderr: r.stderr })
  t.equal(r.stdout.trim().split('\n').length, 2)
  const rest = await runKcat(['-b', c.bootstrap, '-G', 'cnt', '-o', 'beginning', '-e', '-q', '-f', '%p %o\\n', 't'])
  t.equal(rest.stdout.trim().split('\n').length, 4, 'the other four records, none skipped')
})

t.test('-G -J prints kcat\'s JSON', async t => {
  const c = await setup(t)
  const r = await runKcat(['-b', c.bootstrap, '-G', 'json', '-o', 'beginning', '-e', '-q', '-J', 'u'])
  const rec = JSON.parse(r.stdout.trim()) as { topic: string, partition: number, offset: number, payload: string }
  t.match(rec, { topic: 'u', partition: 0, offset: 0, payload: 'u0' })
})

t.test('bad -G command lines fail with kcat\'s error shape', async t => {
  const c = await setup(t)
  t.match((await runKcat(['-b', c.bootstrap, '-G', 'g'])).stderr, /% ERROR: .*needs at least one topic/)
  t.match((await runKcat(['-b', c.bootstrap, '-G', 'g', '-o', '5', 't'])).stderr, /% ERROR: .*only beginning, end or stored/)
  t.match((await runKcat(['-b', c.bootstrap, '-C', 'stray'])).stderr, /% ERROR: .*unexpected argument/)
})

t.test('groups lists the groups; --describe shows members, assignments, offsets and lag of a live group', async t => {
  const c = await setup(t)
  const { GroupConsumer } = await import('../../../../consumer/group/index.js')
  const m = new GroupConsumer({ bootstrapServers: c.bootstrap, 'group.id': 'live', 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 20, 'client.id': 'me' })
  t.teardown(() => m.close())
  m.subscribe(['t'])
  const it = m[Symbol.asyncIterator]()
  for (let i = 0; i < 3; i++) await it.next()
  await m.commit()
  const list = await groups(['-b', c.bootstrap])
  t.equal(list.stdout, 'live\n')
  const d = await groups(['-b', c.bootstrap, '--describe', 'live'])
  t.match(d.stdout, /Group 'live': state Stable, protocol consumer\/range, 1 member/)
  const rows = d.stdout.split('\n').filter(l => l.startsWith('live ')).map(l => l.split(/\s+/))
  t.equal(rows.length, 2)
  for (const row of rows) {
    t.equal(row[6], m.memberId, 'owned by the member')
    t.equal(row[8], 'me')
    t.equal(BigInt(row[3]) + BigInt(row[5]), BigInt(row[4]), 'lag = log end - committed')
  }
  t.match(d.stdout, new RegExp(`^${m.memberId}\\s+-\\s+me\\s+\\S+\\s+t:0,t:1$`, 'm'))
  t.match((await groups(['-b', c.bootstrap, '--frobnicate'])).stderr, /% ERROR: .*unknown option/)
  await it.return(undefined)
})
