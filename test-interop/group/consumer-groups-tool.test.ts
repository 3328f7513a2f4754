import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { kafkaJars, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { runProcess } from '../fake-broker/helpers.js'

// Kafka's own kafka-consumer-groups (ConsumerGroupCommand, from the kafka-tools jar) against our fake broker's
// coordinator, with two of our members in a group: it lists the group and describes both members, their
// partitions, committed offsets, log-end offsets and lag, as it does on real Kafka (real-kafka-group.test.ts).

const skip = await realKafkaSkip()

t.test('kafka-consumer-groups --list and --describe on the fake broker show our members', { skip }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'tool', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  for (let i = 0; i < 40; i++) cluster.produce('tool', i % 4, [{ value: `v${i}` }])
  const members = ['one', 'two'].map(id => new GroupConsumer({
    bootstrapServers: cluster.bootstrap, 'group.id': 'tool-group', 'client.id': id, 'auto.offset.reset': 'earliest',
    'fetch.wait.max.ms': 50, 'partition.assignment.strategy': 'range'
  }))
  for (const m of members) { t.teardown(() => m.close()); m.subscribe(['tool']) }
  const seen = new Set<string>()
  const loops = members.map(async m => { for await (const r of m) seen.add(`${r.partition}:${r.offset}`) })
  const start = Date.now()
  while (!(seen.size === 40 && members.every(m => m.assignment().length === 2))) {
    if (Date.now() - start > 30_000) throw new Error('timed out waiting for a 2+2 group that read everything')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  // Both members move past their last record: partitions end at 10, all but the last record of each are
  // processed by the iterators, and commit() stores what was processed.
  await Promise.all(members.map(async m => { await m.commit() }))
  const jars = (await kafkaJars()).join(':')
  const tool = async (...args: string[]): Promise<string> => {
    const r = await runProcess('java', ['-cp', jars, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', cluster.bootstrap, ...args], { timeoutMs: 120_000 })
    t.equal(r.code, 0, `kafka-consumer-groups ${args.join(' ')} exits 0`, { stderr: r.stderr })
    return r.stdout.toString()
  }
  t.match(await tool('--list'), /^tool-group$/m)
  const out = await tool('--describe', '--group', 'tool-group')
  const rows = out.split('\n').map(l => l.trim().split(/\s+/)).filter(c => c[0] === 'tool-group')
  t.equal(rows.length, 4, 'a row per partition')
  for (const m of members) {
    const mine = rows.filter(c => c.includes(m.memberId))
    t.same(mine.map(c => Number(c[2])).sort(), m.assignment().map(tp => tp.partition).sort(), `member ${m.memberId}'s partitions`)
    for (const c of mine) {
      t.equal(c[4], '10', 'log-end offset')
      t.equal(BigInt(c[3]) + BigInt(c[5]), 10n, 'current offset + lag = log end')
    }
  }
  t.same(new Set(rows.map(c => c[c.length - 1])), new Set(['one', 'two']), 'client ids')
  const state = await tool('--describe', '--group', 'tool-group', '--state')
  t.match(state, /tool-group\s+\S+\s+\(1\)\s+range\s+Stable\s+2/)
  const membersOut = await tool('--describe', '--group', 'tool-group', '--members', '--verbose')
  t.match(membersOut, /tool-group\s+one-\S+\s+\S+\s+one\s+2\s+\S+\s+tool:\d,\d/)
  // DeleteGroups and OffsetDelete (KIP-229, KIP-496) through the tool: refused while the group is live and
  // subscribed, done once it is empty.
  t.match(await tool('--delete-offsets', '--group', 'tool-group', '--topic', 'tool:0'), /GroupSubscribedToTopic|subscribed/i)
  await Promise.all(members.map(async m => { await m.close() }))
  await Promise.all(loops)
  t.match(await tool('--delete-offsets', '--group', 'tool-group', '--topic', 'tool:0'), /tool\s+0\s+Successful/)
  t.match(await tool('--delete', '--group', 'tool-group'), /Deletion of requested consumer groups \('tool-group'\) was successful/)
  t.notMatch(await tool('--list'), /tool-group/)
})

t.test('kafka-consumer-groups --describe of a KIP-848 group on the fake broker (ConsumerGroupDescribe)', { skip }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'tool', partitions: 4 }], groupConsumerHeartbeatIntervalMs: 100 })
  t.teardown(() => cluster.stop())
  for (let i = 0; i < 40; i++) cluster.produce('tool', i % 4, [{ value: `v${i}` }])
  const members = ['one', 'two'].map(id => new GroupConsumer({
    bootstrapServers: cluster.bootstrap, 'group.id': 'kip848-group', 'client.id': id, 'auto.offset.reset': 'earliest',
    'fetch.wait.max.ms': 50, 'group.protocol': 'consumer', 'group.remote.assignor': 'range'
  }))
  for (const m of members) { t.teardown(() => m.close()); m.subscribe(['tool']) }
  const seen = new Set<string>()
  const loops = members.map(async m => { for await (const r of m) seen.add(`${r.partition}:${r.offset}`) })
  const start = Date.now()
  while (!(seen.size === 40 && members.every(m => m.assignment().length === 2) && cluster.state.consumerGroups.describe('kip848-group')?.groupState === 'Stable')) {
    if (Date.now() - start > 30_000) throw new Error('timed out waiting for a stable 2+2 group that read everything')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  await Promise.all(members.map(async m => { await m.commit() }))
  const jars = (await kafkaJars()).join(':')
  const tool = async (...args: string[]): Promise<string> => {
    const r = await runProcess('java', ['-cp', jars, 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', cluster.bootstrap, ...args], { timeoutMs: 120_000 })
    t.equal(r.code, 0, `kafka-consumer-groups ${args.join(' ')} exits 0`, { stderr: r.stderr })
    return r.stdout.toString()
  }
  t.match(await tool('--list', '--type', 'consumer'), /^kip848-group\s+Consumer\s*$/m, 'listed with type Consumer (ListGroups v5)')
  const out = await tool('--describe', '--group', 'kip848-group')
  const rows = out.split('\n').map(l => l.trim().split(/\s+/)).filter(c => c[0] === 'kip848-group')
  t.equal(rows.length, 4, 'a row per partition')
  for (const m of members) {
    const mine = rows.filter(c => c.includes(m.memberId))
    t.same(mine.map(c => Number(c[2])).sort(), m.assignment().map(tp => tp.partition).sort(), `member ${m.memberId}'s partitions`)
    for (const c of mine) t.equal(BigInt(c[3]) + BigInt(c[5]), 10n, 'current offset + lag = log end')
  }
  const state = await tool('--describe', '--group', 'kip848-group', '--state')
  t.match(state, /kip848-group\s+\S+\s+\(1\)\s+range\s+Stable\s+2/)
  const membersOut = await tool('--describe', '--group', 'kip848-group', '--members', '--verbose')
  for (const m of members) t.match(membersOut, new RegExp(`kip848-group\\s+${m.memberId}\\s+.*\\s+2\\s+.*tool:\\d,\\d`), `member ${m.memberId} with its two partitions`)
  await Promise.all(members.map(async m => { await m.close() }))
  await Promise.all(loops)
  t.match(await tool('--delete', '--group', 'kip848-group'), /Deletion of requested consumer groups \('kip848-group'\) was successful/)
})
