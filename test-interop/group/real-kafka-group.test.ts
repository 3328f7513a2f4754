import t from 'tap'
import { KafkaClient } from '../../consumer/cluster.js'
import { produce } from '../../consumer/producer.js'
import { CreateTopics } from '../../protocol/apis/create-topics.js'
import { GroupConsumer } from '../../consumer/group/index.js'
import { kafkaJars, realKafkaFor, realKafkaSkip, PeerUnavailable } from '../real-kafka/start-kafka.js'
import { runProcess } from '../fake-broker/helpers.js'
import { javaMemberCommand, note, startMember, until, type Seen } from './member-processes.js'
import { RequestCapture, checkSentFrom } from '../real-kafka/request-capture.js'
import { describeGroup, listGroups } from '../../consumer/admin/index.js'

// Our group consumer in groups with the Java client's KafkaConsumer on real Apache Kafka 4.x (classic protocol),
// for each assignor both offer: two Java members and ours split six partitions; while the group is stable each
// record goes to exactly one member; one Java member is killed with SIGKILL, its partitions move after the
// session timeout and the survivors read each later record exactly once. Then Kafka's own kafka-consumer-groups
// --describe shows our member, its partitions and committed offsets. Last, every request the classic group consumer
// and the group admin can send (read from consumer/group/, except the KIP-848 member: real-kafka-kip848.test.ts)
// was sent at the version negotiated with Kafka.

const skip = await realKafkaSkip()
// A Kafka start and several Java members per case: past tap's 120 s on a loaded machine.
t.setTimeout(600_000)
const PARTITIONS = 6

const ASSIGNORS: Array<[string, string]> = [
  ['range', 'org.apache.kafka.clients.consumer.RangeAssignor'],
  ['roundrobin', 'org.apache.kafka.clients.consumer.RoundRobinAssignor'],
  ['cooperative-sticky', 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor']
]

t.test('real Kafka: mixed groups of Java consumers and ours', { skip }, async t => {
  let java: { cmd: string, classpath: string }
  try { java = await javaMemberCommand() } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(err.message); return }
    throw err
  }
  const kafka = await realKafkaFor(t, { config: { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 1000 } })
  const client = new KafkaClient({ bootstrapServers: kafka.bootstrap })
  t.teardown(() => client.close())
  const md = await client.metadata([])
  const capture = new RequestCapture()

  for (const [ours, javaClass] of ASSIGNORS) {
    t.test(`${ours}: two Java members and ours, through a SIGKILL`, async t => {
      const topic = `rk-${ours}`
      const group = `rk-group-${ours}`
      const created = await client.request(md.brokers[0].nodeId, CreateTopics, { topics: [{ name: topic, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
      t.equal(created.body.topics[0].errorCode, 0, 'topic created')
      const seen: Seen = new Map()
      const javaArgs = ['-cp', java.classpath, 'GroupMember', kafka.bootstrap, topic, group, 'classic', javaClass]
      const j1 = startMember(t, 'java1', java.cmd, javaArgs, seen)
      const j2 = startMember(t, 'java2', java.cmd, javaArgs, seen)
      const m = new GroupConsumer({
        bootstrapServers: kafka.bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 500, 'fetch.wait.max.ms': 100, 'partition.assignment.strategy': ours, 'auto.commit.interval.ms': 200,
        createSocket: capture.socketFactory()
      })
      t.teardown(() => m.close())
      m.subscribe([topic])
      const loop = (async () => { for await (const r of m) note(seen, 'ours', r.partition, r.offset) })()
      const split = (members: Array<{ owned: Set<number> }>): boolean => {
        const all = [...members.flatMap(x => [...x.owned]), ...m.assignment().map(tp => tp.partition)]
        return all.length === PARTITIONS && new Set(all).size === PARTITIONS && members.every(x => x.owned.size > 0) && m.assignment().length > 0
      }
      await until(() => split([j1, j2]), 'the six partitions split among three members')
      const send = async (from: number, n: number): Promise<string[]> => {
        const keys: string[] = []
        for (let i = from; i < from + n; i++) {
          const p = i % PARTITIONS
          keys.push(`${p}:${await produce(client, topic, p, [{ key: `k${i}`, value: `v${i}` }])}`)
        }
        return keys
      }
      const phase1 = await send(0, 120)
      await until(() => phase1.every(k => seen.has(k)), 'every record of phase 1')
      t.same([...new Set(phase1.flatMap(k => seen.get(k) ?? []))].sort(), ['java1', 'java2', 'ours'])
      t.same(phase1.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record read twice while stable')
      j2.child.kill('SIGKILL')
      j2.owned.clear()
      await until(() => split([j1]), 'the survivors to take the killed member\'s partitions')
      const phase2 = await send(120, 120)
      await until(() => phase2.every(k => seen.has(k)), 'every record of phase 2')
      t.same(phase2.filter(k => (seen.get(k) ?? []).length !== 1), [], 'no record of phase 2 read twice')

      // Kafka's own tool describes the group: our member, its partitions and committed offsets.
      await m.commit()
      const ownedByUs = m.assignment().map(tp => tp.partition).sort()
      const tools = await kafkaJars()
      const r = await runProcess('java', ['-cp', tools.join(':'), 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', kafka.bootstrap, '--describe', '--group', group], { timeoutMs: 120_000 })
      t.equal(r.code, 0, 'kafka-consumer-groups --describe exits 0', { stderr: r.stderr })
      const rows = r.stdout.toString().split('\n').map(l => l.trim().split(/\s+/)).filter(c => c[0] === group)
      const ourRows = rows.filter(c => c.includes(m.memberId))
      t.same(ourRows.map(c => Number(c[2])).sort(), ownedByUs, 'kafka-consumer-groups lists our member with its partitions')
      for (const c of ourRows) t.match(c[3], /^\d+$/, `a committed offset for partition ${c[2]}`)
      t.ok(ourRows.every(c => c.includes('kafka-direct')), 'with our client id')
      await m.close()
      await loop
    })
  }

  t.test('every request of the classic group consumer was sent at the version negotiated with Kafka (and the group admin answers)', async t => {
    const admin = new KafkaClient({ bootstrapServers: kafka.bootstrap, createSocket: capture.socketFactory() })
    t.teardown(() => admin.close())
    t.ok((await listGroups(admin)).some(g => g.groupId === 'rk-group-range'), 'our groups are listed')
    t.equal((await describeGroup(admin, 'rk-group-range')).groupId, 'rk-group-range')
    const apis = await checkSentFrom(t, capture, kafka.brokers[0].port, rel => rel.startsWith('consumer/group/') && rel !== 'consumer/group/consumer-membership.ts')
    // The group admin (ListGroups, DescribeGroups, ...) lives in consumer/admin/ now: admin.test.ts checks its requests.
    t.ok(apis.has('JoinGroup') && apis.has('SyncGroup') && apis.has('Heartbeat'), 'JoinGroup, SyncGroup and Heartbeat among them')
  })
})
