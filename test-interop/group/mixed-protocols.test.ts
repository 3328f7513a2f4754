import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { produce } from '../../consumer/producer.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip, PeerUnavailable } from '../real-kafka/start-kafka.js'
import { javaMemberCommand, note, startMember, until, type Seen } from './member-processes.js'

// One group, two protocols (Kafka 4's online migration, KIP-848): two Java KafkaConsumers with the classic
// protocol form a classic group (one with the default [range, cooperative-sticky], which makes it eager, one with
// cooperative-sticky alone: the protocol they share); our GroupConsumer joins with group.protocol=consumer, which upgrades the group to a
// consumer group whose classic members get their partitions from the server-side assignor through
// JoinGroup/SyncGroup. While the three are stable every record goes to exactly one member. Ours leaves: the group
// is downgraded to a classic group and the Java members rebalance between them, again every record once; then one
// is killed with SIGKILL and the other takes everything. The same scenario on the fake broker and on real Kafka 4.x.

const PARTITIONS = 6
const skipReal = await realKafkaSkip()
// A Kafka start and several Java members per case: past tap's 120 s on a loaded machine.
t.setTimeout(600_000)

interface Target {
  bootstrap: string
  createTopic: (topic: string) => Promise<void>
  send: (topic: string, partition: number, i: number) => Promise<bigint>
  /** What the broker's own view says about the group, when we can ask it cheaply (the fake). */
  groupType?: (group: string) => 'classic' | 'consumer' | 'none'
}

async function scenario (t: Tap.Test, target: Target, java: { cmd: string, classpath: string }, name: string): Promise<void> {
  const topic = `mixed-${name}`
  const group = `mixed-group-${name}`
  await target.createTopic(topic)
  const seen: Seen = new Map()
  const javaArgs = (assignor: string): string[] => ['-cp', java.classpath, 'GroupMember', target.bootstrap, topic, group, 'classic', assignor]
  const j1 = startMember(t, 'java1', java.cmd, javaArgs('-'), seen)
  const j2 = startMember(t, 'java2', java.cmd, javaArgs('org.apache.kafka.clients.consumer.CooperativeStickyAssignor'), seen)
  const tiles = (members: Array<{ owned: Set<number> }>, extra: number[] = []): boolean => {
    const all = [...members.flatMap(x => [...x.owned]), ...extra]
    return all.length === PARTITIONS && new Set(all).size === PARTITIONS && members.every(x => x.owned.size > 0)
  }
  await until(() => tiles([j1, j2]), 'the two classic Java members to split the partitions')
  if (target.groupType !== undefined) t.equal(target.groupType(group), 'classic')

  const m = new GroupConsumer({
    bootstrapServers: target.bootstrap, 'group.id': group, 'group.protocol': 'consumer',
    'auto.offset.reset': 'earliest', 'fetch.wait.max.ms': 100, 'auto.commit.interval.ms': 200
  })
  t.teardown(() => m.close())
  m.subscribe([topic])
  const loop = (async () => { for await (const r of m) note(seen, 'ours', r.partition, r.offset) })()
  await until(() => m.assignment().length > 0 && tiles([j1, j2], m.assignment().map(tp => tp.partition)), 'the partitions split among the classic members and ours')
  if (target.groupType !== undefined) t.equal(target.groupType(group), 'consumer', 'upgraded to a consumer group')
  t.ok(m.generationId > 0, `our member epoch ${m.generationId}`)

  let next = 0
  const phase = async (n: number, readers: string[], what: string): Promise<void> => {
    const keys: string[] = []
    for (let i = next; i < next + n; i++) keys.push(`${i % PARTITIONS}:${await target.send(topic, i % PARTITIONS, i)}`)
    next += n
    await until(() => keys.every(k => seen.has(k)), `every record of ${what}`)
    t.same([...new Set(keys.flatMap(k => seen.get(k) ?? []))].sort(), readers, `${what}: read by ${readers.join(', ')}`)
    t.same(keys.filter(k => (seen.get(k) ?? []).length !== 1), [], `${what}: no record read twice while stable`)
  }
  await phase(120, ['java1', 'java2', 'ours'], 'the mixed group')

  // Ours leaves: only classic members remain, the group goes back to classic and rebalances.
  await m.close()
  await loop
  await until(() => tiles([j1, j2]), 'the classic members to take our partitions')
  if (target.groupType !== undefined) t.equal(target.groupType(group), 'classic', 'downgraded to a classic group')
  await phase(120, ['java1', 'java2'], 'the downgraded group')

  j2.child.kill('SIGKILL')
  j2.owned.clear()
  await until(() => tiles([j1]), 'the survivor to take the killed member\'s partitions')
  await phase(60, ['java1'], 'the group after a SIGKILL')
}

async function java (t: Tap.Test): Promise<{ cmd: string, classpath: string } | undefined> {
  try { return await javaMemberCommand() } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(err.message); return undefined }
    throw err
  }
}

t.test('fake broker: classic Java members and our KIP-848 member in one group, upgraded and downgraded', async t => {
  const j = await java(t)
  if (j === undefined) return
  const cluster = await FakeCluster.start({ groupConsumerHeartbeatIntervalMs: 500, groupConsumerSessionTimeoutMs: 6000 })
  t.teardown(() => cluster.stop())
  await scenario(t, {
    bootstrap: cluster.bootstrap,
    createTopic: async topic => { cluster.createTopic(topic, PARTITIONS) },
    send: async (topic, p, i) => cluster.produce(topic, p, [{ key: `k${i}`, value: `v${i}` }]),
    groupType: group => cluster.state.consumerGroups.has(group) ? 'consumer' : cluster.state.groups.hasMembers(group) ? 'classic' : 'none'
  }, j, 'fake')
})

t.test('real Kafka: classic Java members and our KIP-848 member in one group, upgraded and downgraded', { skip: skipReal }, async t => {
  const j = await java(t)
  if (j === undefined) return
  const kafka = await realKafkaFor(t, {
    config: {
      'group.initial.rebalance.delay.ms': 0,
      'group.consumer.heartbeat.interval.ms': 500,
      'group.consumer.min.heartbeat.interval.ms': 500,
      'group.consumer.session.timeout.ms': 6000,
      'group.consumer.min.session.timeout.ms': 6000
    }
  })
  const client = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  t.teardown(() => client.close())
  const md = await client.metadata([])
  await scenario(t, {
    bootstrap: kafka.bootstrap,
    createTopic: async topic => {
      const created = await client.request(md.brokers[0].nodeId, CreateTopics, { topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
      t.equal(created.body.topics[0].errorCode, 0, 'topic created')
    },
    send: async (topic, p, i) => produce(client, topic, p, [{ key: `k${i}`, value: `v${i}` }])
  }, j, 'real')
})
