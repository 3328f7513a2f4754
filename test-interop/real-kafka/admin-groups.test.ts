import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { GroupOffsets } from '../../consumer/coordinator/index.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { produce } from '../../consumer/producer.js'
import { KafkaError } from '../../protocol/errors.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { run as runGroups } from '../../tools/cli/commands/groups.js'
import { kafkaTools } from '../peers/kafka-tools.js'
import { runProcess } from '../fake-broker/helpers.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// The Admin client's group calls against real Kafka 4.x and the same script against the fake broker: listed,
// described (a classic group with a member, a consumer-protocol group, an empty one, one that does not exist),
// offsets listed with lag, reset (dry run and execute, refused while the group has members), deleted. Then our
// `groups --reset-offsets --dry-run` and Kafka's own kafka-consumer-groups.sh print the same plan for the same
// group, on real Kafka and on the fake broker, and `groups --describe` the same rows.

t.setTimeout(600_000)
const skip = await realKafkaSkip()

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z

async function until (what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const start = Date.now()
  while (!await cond()) {
    if (Date.now() - start > 60_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The same group script on any cluster; returns what the test compares. */
async function script (bootstrap: string): Promise<Record<string, unknown>> {
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
  const members: GroupConsumer[] = []
  try {
    await admin.createTopics([{ name: 'ga', partitions: 2, replicationFactor: 1 }, { name: 'gb', partitions: 1, replicationFactor: 1 }])
    // ga[0] holds offsets 0-5 (timestamps T0, T0+1s, ...), ga[1] offsets 0-3.
    for (let i = 0; i < 6; i++) await produce(admin.client, 'ga', 0, [{ value: `a${i}`, timestamp: T0 + i * 1000 }])
    for (let i = 0; i < 4; i++) await produce(admin.client, 'ga', 1, [{ value: `b${i}`, timestamp: T0 + i * 1000 }])
    const offsets = new GroupOffsets(admin.client)
    await offsets.commit('gidle', [{ topic: 'ga', partition: 0, offset: 3n }, { topic: 'ga', partition: 1, offset: 1n }])
    const classic = new GroupConsumer({ bootstrapServers: bootstrap, 'group.id': 'glive', 'client.id': 'classic', 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 50, 'enable.auto.commit': false, 'partition.assignment.strategy': 'range' })
    const modern = new GroupConsumer({ bootstrapServers: bootstrap, 'group.id': 'g848', 'client.id': 'modern', 'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 50, 'group.protocol': 'consumer', 'group.remote.assignor': 'range' })
    members.push(classic, modern)
    classic.subscribe(['ga'])
    modern.subscribe(['gb'])
    const reads = members.map(async m => { for await (const _ of m) { /* read along */ } })
    await until('both members assigned', () => classic.assignment().length === 2 && modern.assignment().length === 1)
    await classic.commit({ offsets: [{ topic: 'ga', partition: 0, offset: 2n }, { topic: 'gb', partition: 0, offset: 0n }] })
    const out: Record<string, unknown> = {}
    await until('the consumer-protocol group is Stable', async () => (await admin.describeGroups(['g848']))[0].state === 'Stable')
    out.listed = (await admin.listGroups()).map(g => [g.groupId, g.protocolType, g.state, g.type])
    out.listedEmpty = (await admin.listGroups({ states: ['Empty'] })).map(g => g.groupId)
    out.listedConsumer = (await admin.listGroups({ types: ['consumer'] })).map(g => g.groupId)
    const described = await admin.describeGroups(['glive', 'g848', 'gidle', 'ghost'])
    out.described = described.map(g => [g.groupId, g.error?.errorName ?? null, g.type, g.state, g.protocolType, g.protocol, g.groupEpoch > 0,
      g.members.map(m => [m.clientId, m.topics, m.assignment.map(tp => `${tp.topic}:${tp.partition}`).sort(), m.memberEpoch > 0])])
    out.lag = (await admin.listGroupOffsets('gidle')).map(p => [p.topic, p.partition, p.committed, p.logEndOffset, p.lag])
    out.lagAsked = (await admin.listGroupOffsets('glive', [{ topic: 'ga', partition: 1 }, { topic: 'gb', partition: 0 }])).map(p => [p.topic, p.partition, p.committed, p.logEndOffset, p.lag])
    const plan = async (spec: Parameters<Admin['alterGroupOffsets']>[1], dryRun = true): Promise<unknown> =>
      (await admin.alterGroupOffsets('gidle', spec, { dryRun })).map(p => [p.topic, p.partition, p.offset, p.error?.errorName ?? null])
    out.earliest = await plan('earliest')
    out.byTime = await plan({ timestampMs: BigInt(T0 + 4500) })
    out.shifted = await plan({ shiftBy: -2n })
    out.toOffset = await plan({ offset: 5n })
    out.latest = await plan('latest', false)
    out.afterReset = (await admin.listGroupOffsets('gidle')).map(p => [p.topic, p.partition, p.committed, p.lag])
    out.refused = await admin.alterGroupOffsets('glive', 'earliest').then(() => 'accepted', (err: unknown) => err instanceof KafkaError ? err.errorName : String(err))
    // What the broker itself answers to a commit from outside into a group with members.
    out.outsideCommit = (await offsets.commitEach('glive', [{ topic: 'ga', partition: 0, offset: 0n }])).map(r => r.errorCode)
    out.deleteOffsets = (await admin.deleteGroupOffsets('glive', [{ topic: 'ga', partition: 0 }, { topic: 'gb', partition: 0 }])).map(r => [r.topic, r.partition, r.error?.errorName ?? null])
    out.deleteOffsetsGhost = (await admin.deleteGroupOffsets('ghost', [{ topic: 'ga', partition: 0 }])).map(r => r.error?.errorName ?? null)
    out.deleted = (await admin.deleteGroups(['gidle', 'glive', 'ghost'])).map(r => [r.groupId, r.error?.errorName ?? null])
    await Promise.all(members.map(async m => { await m.close() }))
    await Promise.all(reads)
    out.afterClose = (await admin.describeGroups(['glive']))[0].state
    out.resetAfterClose = (await admin.alterGroupOffsets('glive', 'earliest', { partitions: [{ topic: 'ga', partition: 0 }] })).map(p => [p.offset, p.error])
    return out
  } finally {
    await Promise.all(members.map(async m => { await m.close() }))
    await admin.close()
  }
}

/** Our `groups` command's output. */
async function ours (args: string[]): Promise<string> {
  const o: string[] = []
  const code = await runGroups(args, { stdout: { write: s => { o.push(s) } }, stderr: { write: () => {} } })
  if (code !== 0) throw new Error(`groups ${args.join(' ')} exited ${code}: ${o.join('')}`)
  return o.join('')
}

/** The rows of a reset plan (GROUP TOPIC PARTITION NEW-OFFSET), sorted: Kafka prints them in hash-map order. */
function planRows (out: string): string[] {
  return out.split('\n').map(l => l.trim().split(/\s+/).join(' ')).filter(l => /^\S+ \S+ \d+ \d+$/.test(l)).sort()
}

async function comparePlans (t: Tap.Test, bootstrap: string, where: string): Promise<void> {
  const tool = await kafkaTools()
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
  try {
    await admin.createTopics([{ name: 'plan', partitions: 3, replicationFactor: 1 }])
    for (let p = 0; p < 3; p++) for (let i = 0; i < 4 + p; i++) await produce(admin.client, 'plan', p, [{ value: `${i}`, timestamp: T0 + i * 1000 }])
    await new GroupOffsets(admin.client).commit('planned', [0, 1, 2].map(partition => ({ topic: 'plan', partition, offset: 2n })))
  } finally {
    await admin.close()
  }
  // --describe: the same rows (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID).
  const describeArgs = ['--bootstrap-server', bootstrap, '--describe', '--group', 'planned']
  const described = await runProcess('java', tool('consumerGroups', describeArgs), { timeoutMs: 120_000 })
  t.equal(described.code, 0, 'kafka-consumer-groups --describe', { stderr: described.stderr })
  const describeRows = (out: string): string[] => out.split('\n').map(l => l.trim().split(/\s+/).join(' ')).filter(l => l.startsWith('planned ')).sort()
  t.equal(describeRows(described.stdout.toString()).length, 3, 'Kafka described three partitions')
  t.same(describeRows(await ours(describeArgs)), describeRows(described.stdout.toString()), `${where}: --describe rows as kafka-consumer-groups.sh prints them`)
  for (const scenario of [['--to-earliest'], ['--to-latest'], ['--shift-by', '-1'], ['--shift-by', '10'], ['--to-offset', '3'], ['--to-datetime', '2026-01-01T00:00:01.500']]) {
    for (const scope of [['--all-topics'], ['--topic', 'plan:0,2']]) {
      const args = ['--bootstrap-server', bootstrap, '--reset-offsets', '--group', 'planned', ...scope, ...scenario, '--dry-run']
      const kafka = await runProcess('java', tool('consumerGroups', args), { timeoutMs: 120_000 })
      t.equal(kafka.code, 0, `kafka-consumer-groups ${args.slice(2).join(' ')}`, { stderr: kafka.stderr })
      const theirs = planRows(kafka.stdout.toString())
      t.ok(theirs.length > 0, 'Kafka printed a plan')
      t.same(planRows(await ours(args)), theirs, `${where}: the same plan as kafka-consumer-groups.sh for ${scope.join(' ')} ${scenario.join(' ')}`)
    }
  }
}

t.test('the Admin client\'s group calls on real Kafka 4.x, and the fake broker answers the same', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const real = await script(kafka.bootstrap)
  t.same(real.refused, 'NON_EMPTY_GROUP', 'a reset of a group with members is refused')
  t.same(real.outsideCommit, [25], 'real Kafka answers UNKNOWN_MEMBER_ID to a commit without a member id into a group with members')
  t.same(real.deleted, [['gidle', null], ['glive', 'NON_EMPTY_GROUP'], ['ghost', 'GROUP_ID_NOT_FOUND']])
  t.same(real.described, [
    ['glive', null, 'classic', 'Stable', 'consumer', 'range', false, [['classic', ['ga'], ['ga:0', 'ga:1'], false]]],
    ['g848', null, 'consumer', 'Stable', 'consumer', 'range', true, [['modern', ['gb'], ['gb:0'], true]]],
    ['gidle', null, 'classic', 'Empty', '', '', false, []],
    ['ghost', 'GROUP_ID_NOT_FOUND', 'classic', '', '', '', false, []]
  ], 'real Kafka describes both kinds of group')
  t.same(real.lag, [['ga', 0, 3n, 6n, 3n], ['ga', 1, 1n, 4n, 3n]])
  t.same(real.byTime, [['ga', 0, 5n, null], ['ga', 1, 4n, null]], 'ga[1] has no record that new: its log end')
  const fake = await FakeCluster.start({ autoCreateTopics: false, groupConsumerHeartbeatIntervalMs: 100 })
  t.teardown(() => fake.stop())
  const mine = await script(fake.bootstrap)
  for (const key of Object.keys(real)) t.same(mine[key], real[key], `fake broker vs real Kafka: ${key}`)

  await comparePlans(t, kafka.bootstrap, 'real Kafka')
  await comparePlans(t, fake.bootstrap, 'fake broker')
})
