import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable } from '../real-kafka/start-kafka.js'
import { javaMemberCommand, startMember, until, type Seen } from './member-processes.js'

// OffsetCommit v10 and OffsetFetch v10 (topics by id, KIP-848) on the fake broker, checked by a client we did not
// write: a Java KafkaConsumer (kafka-clients 4.4, group.protocol=consumer) names topics by id when it knows every id,
// as it does once Metadata answered. The first member reads the topic and auto-commits (OffsetCommit v10); it is
// killed, and a second member of the same group starts from the committed offsets (OffsetFetch v10) rather than
// from the beginning (auto.offset.reset=earliest): it reads only what was produced after. The versions are read
// from the fake broker's request log.

const PARTITIONS = 2

t.test('fake broker: a Java 4.4 consumer (group.protocol=consumer) commits and reads back offsets by topic id', async t => {
  let java: { cmd: string, classpath: string }
  try { java = await javaMemberCommand() } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(err.message); return }
    throw err
  }
  const lines: string[] = []
  const cluster = await FakeCluster.start({ groupConsumerHeartbeatIntervalMs: 500, groupConsumerSessionTimeoutMs: 6000, verbose: true, log: line => { lines.push(line) } })
  t.teardown(() => cluster.stop())
  const topic = 'offsets-by-id'
  const group = 'offsets-by-id-group'
  cluster.createTopic(topic, PARTITIONS)
  const id = cluster.state.topics.get(topic)?.id ?? 'none'
  const produce = (from: number, n: number): string[] => {
    const keys: string[] = []
    for (let i = from; i < from + n; i++) keys.push(`${i % PARTITIONS}:${cluster.produce(topic, i % PARTITIONS, [{ value: `v${i}` }])}`)
    return keys
  }
  const args = ['-cp', java.classpath, 'GroupMember', cluster.bootstrap, topic, group, 'consumer', '-']

  const first = produce(0, 20)
  const seen: Seen = new Map()
  const j1 = startMember(t, 'java1', java.cmd, args, seen)
  await until(() => first.every(k => seen.has(k)), 'the first member to read the first 20 records')
  const committed = (p: number): bigint | undefined => cluster.state.groups.committed(group, topic, p)?.offset
  await until(() => committed(0) === 10n && committed(1) === 10n, 'the first member\'s auto-commit of offsets 10 and 10')
  j1.child.kill('SIGKILL')

  const second = produce(20, 10)
  const after: Seen = new Map()
  startMember(t, 'java2', java.cmd, args, after)
  await until(() => second.every(k => after.has(k)), 'the second member to read the 10 later records')
  t.same(first.filter(k => after.has(k)), [], 'the second member started from the committed offsets, not from the beginning')

  const versions = (api: string): string[] => [...new Set(lines.map(l => new RegExp(` ${api} (v\\d+) #`).exec(l)?.[1]).filter(v => v !== undefined))]
  t.same(versions('OffsetCommit'), ['v10'], 'every commit named the topic by id')
  t.same(versions('OffsetFetch'), ['v10'], 'the committed offsets were read by id')
  t.ok(lines.some(l => l.includes(' OffsetCommit v10 #') && l.includes(`${id}[`)), 'the request log shows the topic id')
})
