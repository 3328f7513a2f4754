import t from 'tap'
import { run } from '../../../../tools/cli/commands/groups.js'
import { parseDateTime, parseGroupsArgs } from '../../../../tools/cli/commands/groups-args.js'
import { KafkaClient } from '../../../../consumer/cluster.js'
import { GroupOffsets } from '../../../../consumer/coordinator/index.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { drain, member } from '../../../consumer/group/helpers.js'

// `kafka-direct groups` against the fake broker: kafka-consumer-groups.sh's flags, tables and error lines.

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

async function setup (t: Tap.Test): Promise<{ cluster: FakeCluster, b: string[], offsets: GroupOffsets }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 2 }, { name: 'u', partitions: 1 }], groupMinSessionTimeoutMs: 100 })
  for (let i = 0; i < 10; i++) cluster.produce('t', i % 2, [{ value: `v${i}`, timestamp: T0 + i * 1000 }])
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap })
  t.teardown(async () => { await client.close(); await cluster.stop() })
  return { cluster, b: ['--bootstrap-server', cluster.bootstrap], offsets: new GroupOffsets(client) }
}

async function cli (args: string[]): Promise<{ code: number, out: string, err: string }> {
  const c = capture()
  const code = await run(args, c.io)
  return { code, out: c.out(), err: c.err() }
}

/** The rows of a table printed with a header starting with `first`. */
function rows (out: string, first: string): string[][] {
  const lines = out.split('\n').filter(l => l.trim() !== '')
  const at = lines.findIndex(l => l.startsWith(first))
  return lines.slice(at + 1).map(l => l.trim().split(/\s+/))
}

t.test('--list, with --state and --type columns and filters', async t => {
  const { cluster, b, offsets } = await setup(t)
  await offsets.commit('idle', [{ topic: 't', partition: 0, offset: 1n }])
  const live = member(t, cluster, { 'group.id': 'live' })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 10)
  t.same(await cli([...b, '--list']), { code: 0, out: 'idle\nlive\n', err: '' })
  const states = await cli([...b, '--list', '--state'])
  t.equal(states.out, `${'GROUP'.padEnd(25)} ${'STATE'.padEnd(20)}\n${'idle'.padEnd(25)} ${'Empty'.padEnd(20)}\n${'live'.padEnd(25)} ${'Stable'.padEnd(20)}\n`, 'the tool\'s printGroupInfo widths')
  t.same(rows((await cli([...b, '--list', '--state', 'stable'])).out, 'GROUP'), [['live', 'Stable']], 'states match case-insensitively')
  t.same(rows((await cli([...b, '--list', '--type', 'classic', '--state'])).out, 'GROUP'), [['idle', 'Classic', 'Empty'], ['live', 'Classic', 'Stable']])
})

t.test('--describe --group (and the older --describe GROUP); a group that does not exist', async t => {
  const { b, offsets } = await setup(t)
  await offsets.commit('idle', [{ topic: 't', partition: 0, offset: 1n }])
  const d = await cli([...b, '--describe', '--group', 'idle'])
  t.equal(d.code, 0)
  t.same(rows(d.out, 'GROUP'), [['idle', 't', '0', '1', '5', '4', '-', '-', '-']])
  t.equal((await cli([...b, '--describe', 'idle'])).out, d.out)
  t.same(await cli([...b, '--describe', '--group', 'ghost']), { code: 1, out: '\nError: Consumer group \'ghost\' does not exist.\n', err: '' })
})

t.test('--delete deletes empty groups and names the ones it could not', async t => {
  const { cluster, b, offsets } = await setup(t)
  await offsets.commit('idle', [{ topic: 't', partition: 0, offset: 1n }])
  await offsets.commit('idle2', [{ topic: 't', partition: 0, offset: 1n }])
  t.same(await cli([...b, '--delete', '--group', 'idle']), { code: 0, out: 'Deletion of requested consumer groups (\'idle\') was successful.\n', err: '' })
  const live = member(t, cluster, { 'group.id': 'live' })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 10)
  const r = await cli([...b, '--delete', '--group', 'live', '--group', 'idle2'])
  t.equal(r.code, 1)
  t.match(r.out, /^\nError: Deletion of some consumer groups failed:\n\* Group 'live' could not be deleted due to: NON_EMPTY_GROUP: .*\n\nThese consumer groups were deleted successfully: 'idle2'\n$/)
  t.equal((await cli([...b, '--list'])).out, 'live\n')
})

t.test('--reset-offsets prints the plan, commits it only with --execute, and refuses a group with members', async t => {
  const { cluster, b, offsets } = await setup(t)
  await offsets.commit('g', [{ topic: 't', partition: 0, offset: 3n }, { topic: 't', partition: 1, offset: 4n }])
  const plan = async (...args: string[]): Promise<string[][]> => {
    const r = await cli([...b, '--reset-offsets', '--group', 'g', ...args])
    t.equal(r.code, 0, args.join(' '), { out: r.out, err: r.err })
    return rows(r.out, 'GROUP')
  }
  const exact = await cli([...b, '--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest', '--dry-run'])
  const line = (cells: string[]): string => `\n${cells[0].padEnd(30)} ${cells[1].padEnd(30)} ${cells[2].padEnd(10)} ${cells[3].padEnd(15)}`
  t.equal(exact.out, line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']) + line(['g', 't', '0', '0']) + line(['g', 't', '1', '0']) + '\n', 'printOffsetsToReset\'s format')
  t.equal(exact.err, '')
  t.same(await plan('--all-topics', '--to-latest', '--dry-run'), [['g', 't', '0', '5'], ['g', 't', '1', '5']])
  // t[0] holds values 0,2,4,6,8 (timestamps T0, T0+2s, ...); t[1] holds 1,3,5,7,9 (T0+1s, T0+3s, ...).
  t.same(await plan('--topic', 't', '--to-datetime', '2026-01-01T00:00:04.000', '--dry-run'), [['g', 't', '0', '2'], ['g', 't', '1', '2']])
  t.same(await plan('--topic', 't:1', '--to-datetime', '2026-01-01T01:00:04.000+01:00', '--dry-run'), [['g', 't', '1', '2']], 'with a zone')
  t.same(await plan('--all-topics', '--shift-by', '-1', '--dry-run'), [['g', 't', '0', '2'], ['g', 't', '1', '3']])
  t.same(await plan('--topic', 't:0', '--topic', 'u', '--to-offset', '4', '--dry-run'), [['g', 't', '0', '4'], ['g', 'u', '0', '0']], 'clamped to u[0]\'s empty log')
  const noMode = await cli([...b, '--reset-offsets', '--group', 'g', '--all-topics', '--to-earliest'])
  t.match(noMode.err, /WARN: No action will be performed as the --execute option is missing/)
  t.same((await offsets.fetch('g', [{ topic: 't', partition: 0 }])).get('t:0')?.offset, 3n, 'nothing committed yet')
  t.same(await plan('--all-topics', '--to-earliest', '--execute'), [['g', 't', '0', '0'], ['g', 't', '1', '0']])
  t.same((await offsets.fetch('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }])).get('t:1')?.offset, 0n, 'committed with --execute')
  const noCommit = await cli([...b, '--reset-offsets', '--group', 'g', '--topic', 'u', '--shift-by', '1', '--dry-run'])
  t.equal(noCommit.code, 1)
  t.match(noCommit.out, /^\nError: .*cannot shift u\[0\], which has no committed offset/)

  const live = member(t, cluster, { 'group.id': 'live' })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 10)
  t.same(await cli([...b, '--reset-offsets', '--group', 'live', '--all-topics', '--to-earliest', '--execute']), {
    code: 1, out: '\nError: Assignments can only be reset if the group \'live\' is inactive, but the current state is Stable.\n', err: ''
  })
  const missing = await cli([...b, '--reset-offsets', '--group', 'g', '--topic', 'ghost', '--to-earliest', '--dry-run'])
  t.match([missing.code, missing.err], [1, /topic ghost does not exist/])
})

t.test('--delete-offsets prints the tool\'s status table', async t => {
  const { cluster, b } = await setup(t)
  const live = member(t, cluster, { 'group.id': 'live', 'enable.auto.commit': false })
  live.subscribe(['t'])
  await drain(live, seen => seen.length === 10)
  await live.commit({ offsets: [{ topic: 't', partition: 0, offset: 1n }, { topic: 'u', partition: 0, offset: 0n }] })
  const ok = await cli([...b, '--delete-offsets', '--group', 'live', '--topic', 'u'])
  t.equal(ok.code, 0)
  t.equal(ok.out, `Request succeed for deleting offsets with topic u group live\n\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'u'.padEnd(30)} ${'0'.padEnd(15)} ${'Successful'.padEnd(15)}\n`)
  const refused = await cli([...b, '--delete-offsets', '--group', 'live', '--topic', 't:0'])
  t.equal(refused.code, 1)
  t.match(refused.out, /Error: Encounter some partition level error, see the follow-up details:\n\nTOPIC\s+PARTITION\s+STATUS\s*\nt\s+0\s+Error: :.*GROUP_SUBSCRIBED_TO_TOPIC/)
  t.match((await cli([...b, '--delete-offsets', '--group', 'ghost', '--topic', 't:0'])).out, /Error: 'ghost' does not exist\./)
})

t.test('bad command lines are refused with the reason, before connecting', async t => {
  const b = ['--bootstrap-server', '127.0.0.1:1']
  const refused = (args: string[]): string => { try { parseGroupsArgs(args); return 'accepted' } catch (err) { return (err as Error).message } }
  t.match(refused(['--list']), /--bootstrap-server is required/)
  t.match(refused([...b, '--list', '--delete']), /exactly one action/)
  t.match(refused([...b, '--delete']), /--delete needs --group/)
  t.match(refused([...b, '--describe', '--group', 'a', '--group', 'b']), /takes one --group/)
  t.match(refused([...b, '--reset-offsets', '--group', 'g', '--all-topics']), /exactly one of --to-earliest/)
  t.match(refused([...b, '--reset-offsets', '--group', 'g', '--to-latest']), /One of the reset scopes should be defined/)
  t.match(refused([...b, '--reset-offsets', '--group', 'g', '--all-topics', '--topic', 't', '--to-latest']), /One of the reset scopes/)
  t.match(refused([...b, '--reset-offsets', '--group', 'g', '--all-topics', '--to-latest', '--dry-run', '--execute']), /exclude each other/)
  t.match(refused([...b, '--list', '--to-latest']), /go with --reset-offsets/)
  t.match(refused([...b, '--delete-offsets', '--group', 'g']), /--delete-offsets needs --topic/)
  t.match(refused([...b, '--reset-offsets', '--group', 'g', '--all-topics', '--shift-by', 'x']), /--shift-by takes a whole number/)
  t.match(refused([...b, '--delete-offsets', '--group', 'g', '--topic', 't:a']), /partition "a" is not a partition number/)
  t.match(refused([...b, '-X', 'novalue']), /-X takes key=value/)
  t.match(refused([...b, '--group']), /--group needs a value/)
  t.same(parseGroupsArgs([...b, '-X', 'client.id=me', '--list', '--state', '--type', 'consumer']), {
    bootstrap: '127.0.0.1:1', action: 'list', groups: [], topics: [], allTopics: false, states: [], types: ['consumer'], reset: null, execute: false, dryRun: false, config: { 'client.id': 'me' }
  })
  const c = capture()
  t.equal(await run([...b, '--frobnicate'], c.io), 1)
  t.match(c.err(), /^% ERROR: unknown option --frobnicate/)
  const h = capture()
  t.equal(await run(['--help'], h.io), 0)
  t.match(h.out(), /--reset-offsets --group G/)
})

t.test('--to-datetime reads Kafka\'s formats: UTC without a zone, Z, +hh, +hhmm, +hh:mm; impossible dates refused', async t => {
  t.equal(parseDateTime('2026-01-01T00:00:00.000'), BigInt(T0))
  t.equal(parseDateTime('2026-01-01T00:00:00.000Z'), BigInt(T0))
  t.equal(parseDateTime('2026-01-01T02:00:00.000+02'), BigInt(T0))
  t.equal(parseDateTime('2026-01-01T02:30:00.000+0230'), BigInt(T0))
  t.equal(parseDateTime('2025-12-31T23:00:00.000-01:00'), BigInt(T0))
  t.throws(() => parseDateTime('2026-01-01T00:00:00'), /expected YYYY-MM-DDTHH:mm:SS\.sss/)
  t.throws(() => parseDateTime('2026-02-30T00:00:00.000'), /not a valid date and time/)
})
