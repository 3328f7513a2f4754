import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { iterateRecords, scanBatches } from '../../protocol/records/index.js'
import { PeerUnavailable } from '../peers/cache.js'
import { javaClient, type JavaClient } from '../peers/java-client.js'
import { OPENSSL, selfSignedCert } from '../../test/consumer/tls-cert.js'
import { produceDataset, runProcess } from './helpers.js'

// The Java client (kafka-clients 4.x from Maven), whose behaviour defines the protocol, against the fake broker:
// our programs in test-interop/java/ produce idempotently, read by assign and seek, run a two-member classic
// consumer group with commits, and call the AdminClient. Each program prints plain lines that the tests check.

// A cold first run resolves kafka-clients from Maven and compiles our programs, and each program is a JVM start:
// on a busy 2-core machine that can outlast tap's 120 s per-file default.
t.setTimeout(600_000)

let java: JavaClient | undefined
let skip: string | false = false
try {
  java = await javaClient()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = `Java client unavailable: ${err.message}`
}

async function run (t: Tap.Test, main: string, args: string[], jvm: string[] = []): Promise<string[]> {
  const r = await runProcess('java', java!.args(main, args, jvm), { timeoutMs: 120_000 })
  t.equal(r.code, 0, `${main} exits 0`, { stderr: r.stderr.slice(-3000) })
  return r.stdout.toString().split('\n').filter(l => l.length > 0)
}

t.test('the Java producer (idempotent, its default) writes in order with producer ids and sequences', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  for (const compression of ['none', 'lz4']) {
    const lines = await run(t, 'Produce', [cluster.bootstrap, 'orders', '4', '200', compression])
    const base = compression === 'none' ? 0 : 50
    t.same(lines, [0, 1, 2, 3].map(p => `partition ${p} first ${base} last ${base + 49} count 50`), `acks with ${compression}`)
  }
  for (let p = 0; p < 4; p++) {
    t.equal(cluster.highWatermark('orders', p), 100n)
    const blob = cluster.state.partition('orders', p)!.log.read(0, 1 << 30, true)
    const { batches } = scanBatches(blob)
    t.ok(batches.every(b => b.producerId >= 0n && b.producerEpoch >= 0), `partition ${p}: every batch carries a producer id`)
    t.ok(batches.some(b => b.compression === 'lz4'), `partition ${p}: the second run compressed with lz4`)
    // The sequences of one producer run continue batch after batch from 0, the broker's idempotence check.
    for (const pid of new Set(batches.map(b => b.producerId))) {
      let next = 0
      for (const b of batches.filter(x => x.producerId === pid)) {
        t.equal(b.baseSequence, next, `partition ${p} producer ${pid} sequence`)
        next += b.recordCount
      }
    }
    const values = [...iterateRecords(blob, { topic: 'orders', partition: p })].map(r => `${r.key?.toString()}=${r.value?.toString()}:${r.headers.map(h => `${h.key}=${h.value?.toString()}`).join(',')}`)
    const expected = []
    for (let run = 0; run < 2; run++) for (let i = p; i < 200; i += 4) expected.push(`k${i}=v${i}:h=i${i}`)
    t.same(values, expected, `partition ${p}: keys, values and headers`)
  }
})

t.test('the Java consumer reads by assign and seek, across gzip batches and fetch size limits', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const lines = await run(t, 'AssignConsume', [cluster.bootstrap, 'shared', '3', '1', '30'])
  const got: string[][] = [[], [], []]
  const offsets: number[][] = [[], [], []]
  let wrongKeys = 0
  for (const line of lines.filter(l => l.startsWith('record '))) {
    const [, p, o, key, value] = line.split(' ')
    if (key !== `k${o}`) wrongKeys++
    got[Number(p)].push(value)
    offsets[Number(p)].push(Number(o))
  }
  t.equal(wrongKeys, 0, 'each record has its key')
  t.same(got, [expected[0], expected[1].slice(30), expected[2]], 'every record from the seek position on, in order')
  t.same(offsets[1][0], 30, 'partition 1 starts at the sought offset')
  t.same(lines.filter(l => l.startsWith('end ')), ['end 0 120', 'end 1 120', 'end 2 120'], 'positions end at the end offsets')
})

/** Runs GroupConsume (two members, `mode` its extra arguments) over "grouped" (4 partitions × 50) and checks the split. */
async function checkGroup (t: Tap.Test, cluster: FakeCluster, group: string, mode: string[]): Promise<void> {
  const lines = await run(t, 'GroupConsume', [cluster.bootstrap, group, 'grouped', '200', ...mode])
  // Members print what they hold after each change (before giving partitions up, after getting new ones): whenever
  // both hold some, together they hold all four, once each.
  const held = new Map<string, number[]>()
  let bothHeld = 0
  let overlaps = 0
  for (const l of lines.filter(l => l.startsWith('assigned '))) {
    const [, member, parts] = l.split(' ')
    held.set(member, (parts ?? '').split(',').filter(x => x !== '').map(Number))
    const all = [...held.values()]
    if (all.length === 2 && all.every(ps => ps.length > 0)) {
      bothHeld++
      if (all.flat().sort().join() !== '0,1,2,3') overlaps++
    }
  }
  t.ok(bothHeld > 0, 'both members held partitions at once')
  t.equal(overlaps, 0, 'while both hold partitions, each partition has one owner')
  const seen = new Map<string, number>()
  let wrongValues = 0
  for (const l of lines.filter(l => l.startsWith('record '))) {
    const [, , p, o, value] = l.split(' ')
    if (value !== `p${p}-${o}`) wrongValues++
    seen.set(`${p}:${o}`, (seen.get(`${p}:${o}`) ?? 0) + 1)
  }
  t.equal(wrongValues, 0, 'each record has its value')
  t.equal(seen.size, 200, 'every record was read')
  t.ok([...seen.values()].every(n => n === 1), 'and none twice')
  t.same(lines.filter(l => l.startsWith('done ')).sort(), ['done m1', 'done m2'])
  for (let p = 0; p < 4; p++) t.equal(cluster.state.groups.committed(group, 'grouped', p)?.offset, 50n, `committed offset of partition ${p}`)
}

function fillGrouped (cluster: FakeCluster): void {
  for (let p = 0; p < 4; p++) {
    for (let start = 0; start < 50; start += 10) {
      cluster.produce('grouped', p, Array.from({ length: 10 }, (_, i) => ({ key: `k${start + i}`, value: `p${p}-${start + i}`, timestamp: 1_700_000_000_000 + start + i })))
    }
  }
}

t.test('a two-member Java consumer group (classic protocol) splits the partitions, commits, and the AdminClient sees it', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'grouped', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  fillGrouped(cluster)
  await checkGroup(t, cluster, 'java-group', [])
  
  const admin = new Map<string, string>()
  for (const l of await run(t, 'AdminCalls', [cluster.bootstrap, 'fresh', 'grouped', 'java-group'])) {
    const space = l.indexOf(' ')
    admin.set(l.slice(0, space), l.slice(space + 1))
  }
  t.equal(admin.get('createTopics'), 'ok fresh')
  t.match(admin.get('createTopicsExisting'), /^error TopicExistsException /)
  t.equal(admin.get('createTopicsValidateOnly'), 'ok false', 'validateOnly creates nothing')
  t.equal(admin.get('listTopics'), 'ok [fresh, grouped]')
  t.match(admin.get('describeTopics'), /^ok fresh internal=false p0@[123]\/1\/1 p1@[123]\/1\/1 p2@[123]\/1\/1$/)
  // By id: Metadata v12+ with the topic id and the name left at "" (the fake broker once looked the name up).
  t.equal(admin.get('describeTopicsById'), 'ok fresh partitions=3 sameId=true zeroId=false')
  // Features come from ApiVersions; the fake broker has one, transaction.version (2, as a new Kafka 4.x cluster).
  t.equal(admin.get('describeFeatures'), 'ok finalized=[transaction.version] supported=[transaction.version]')
  const nodes = cluster.state.brokers.map(b => `${b.id}@127.0.0.1:${b.port},`).join('')
  t.match(admin.get('describeCluster'), new RegExp(`^ok clusterId=\\S+ controller=[123] nodes=${nodes}$`))
  // Partition 0 holds timestamps 1_700_000_000_000 + 0..49; the largest is the last record's.
  t.equal(admin.get('listOffsets'), 'ok {earliest=0, forTimestamp=2, latest=50, maxTimestamp=49}')
  t.equal(admin.get('deleteRecords'), 'ok 2')
  t.equal(admin.get('listOffsetsAfterDelete'), 'ok 2')
  t.equal(cluster.logStartOffset('grouped', 0), 2n)
  t.equal(admin.get('listConsumerGroups'), 'ok java-group:Classic:Empty')
  t.match(admin.get('describeConsumerGroups'), /^ok state=Empty type=Classic assignor= coordinator=[123] members=0$/)
  t.equal(admin.get('listConsumerGroupOffsets'), 'ok {grouped-0=50, grouped-1=50, grouped-2=50, grouped-3=50}')
  t.equal(admin.get('alterConsumerGroupOffsets'), 'ok 1')
  t.equal(admin.get('deleteTopics'), 'ok false', 'the topic is gone')
  t.equal(admin.get('deleteTopicsById'), 'ok false', 'DeleteTopics v6 by topic id')
  // Served since issues 14 and 15: DescribeConfigs, CreatePartitions, OffsetDelete, DeleteGroups.
  for (const call of ['describeConfigs', 'createPartitions', 'deleteConsumerGroupOffsets', 'deleteConsumerGroups']) t.match(admin.get(call), /^ok/, `${call} succeeds`)
  // Served since the replica APIs (ReplicaAdmin, java-replica-admin.test.ts, checks them in depth).
  t.equal(admin.get('describeLogDirs'), 'ok [1]')
})

t.test('the same group with the cooperative-sticky assignor (KIP-429) and static members (KIP-345)', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'grouped', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  fillGrouped(cluster)
  await checkGroup(t, cluster, 'java-static-group', ['cooperative-sticky', 'static'])
})

t.test('the Java consumer follows a leader move in the middle of its reads', { skip }, async t => {
  const log: string[] = []
  const cluster = await FakeCluster.start({ brokers: 3, log: line => log.push(line), verbose: true })
  t.teardown(() => cluster.stop())
  // Enough records that partition 1 takes many 2 KiB fetches, so the move lands in the middle of its reads.
  const expected = produceDataset(cluster, 'moving', 3, 1500)
  const id = cluster.state.topics.get('moving')!.id
  const from = cluster.state.partition('moving', 1)!.leaderId
  const to = from % 3 + 1
  // On the second fetch that reads partition 1, its leadership moves (and its leader epoch goes up): the old leader,
  // now a follower, turns fetches with the old epoch away (FENCED_LEADER_EPOCH, as a Kafka follower does since
  // KIP-392 lets followers serve consumers), and the client must find the new leader and go on where it was.
  let fetches = 0
  cluster.faults.intercept(req => {
    const body = req.body as { topics?: Array<{ topicId?: string, topic?: string, partitions: Array<{ partition: number }> }> }
    const readsP1 = req.apiName === 'Fetch' && body.topics?.some(x => (x.topicId === id || x.topic === 'moving') && x.partitions.some(p => p.partition === 1)) === true
    if (readsP1 && ++fetches === 2) cluster.faults.moveLeader('moving', 1, to)
    return undefined
  })
  const lines = await run(t, 'AssignConsume', [cluster.bootstrap, 'moving', '3', '0', '0'])
  const got: string[][] = [[], [], []]
  for (const line of lines.filter(l => l.startsWith('record '))) {
    const [, p, , , value] = line.split(' ')
    got[Number(p)].push(value)
  }
  t.same(got, expected, 'every record once, in order, across the move')
  t.equal(cluster.state.partition('moving', 1)!.leaderId, to, 'the leader moved')
  t.ok(log.some(l => l.includes(`broker ${from}:`) && l.includes('Fetch') && l.includes('FENCED_LEADER_EPOCH')), 'the old leader turned a fetch away')
  t.ok(log.some(l => l.includes(`broker ${to}:`) && / Fetch v\d+ #\d+ \S*\[[\d,]*1[\d,]*\] -> ok/.test(l)), 'the new leader served partition 1')
  // KIP-320: with a new leader epoch the client checks its position against the new leader before fetching on.
  t.ok(log.some(l => l.includes(`broker ${to}:`) && l.includes('OffsetForLeaderEpoch') && l.includes('-> ok')), 'its position was validated with OffsetForLeaderEpoch')
})

/** A properties file with extra client settings, for -Dkd.client.config (see ClientConfig.java); removed in teardown. */
function clientConfig (t: Tap.Test, props: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'kd-java-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'client.properties')
  // Properties files treat backslashes as escapes; none of these values holds one.
  writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  return [`-Dkd.client.config=${file}`]
}

function jaas (mechanism: string, password: string): string {
  const module = mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule'
  return `${module} required username="alice" password="${password}";`
}

t.test('the Java client authenticates with SASL PLAIN and SCRAM-SHA-256/512, and refuses a wrong password', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 2, sasl: { users: { alice: 's3cret' } } })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 40)
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    const jvm = clientConfig(t, { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': mechanism, 'sasl.jaas.config': jaas(mechanism, 's3cret') })
    const lines = await run(t, 'AssignConsume', [cluster.bootstrap, 'shared', '3', '0', '0'], jvm)
    const got: string[][] = [[], [], []]
    for (const line of lines.filter(l => l.startsWith('record '))) got[Number(line.split(' ')[1])].push(line.split(' ')[4])
    t.same(got, expected, `${mechanism}: every record`)
  }
  const jvm = clientConfig(t, { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': jaas('SCRAM-SHA-256', 'wrong') })
  const refused = await runProcess('java', java!.args('AssignConsume', [cluster.bootstrap, 'shared', '3', '0', '0'], jvm), { timeoutMs: 120_000 })
  t.not(refused.code, 0, 'a wrong password fails the program')
  t.match(refused.stderr, /SaslAuthenticationException/, 'with the client\'s authentication error')
})

t.test('the Java producer over SASL_SSL (SCRAM-SHA-512, the broker\'s certificate trusted as PEM)', { skip: skip !== false ? skip : OPENSSL === undefined ? 'openssl is not installed' : false }, async t => {
  const { cert, cleanup } = await selfSignedCert()
  t.teardown(cleanup)
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'secure', partitions: 3 }], sasl: { users: { alice: 's3cret' } }, tls: { key: cert.key, cert: cert.cert } })
  t.teardown(() => cluster.stop())
  const jvm = clientConfig(t, {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': jaas('SCRAM-SHA-512', 's3cret'),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': cert.certFile
  })
  const lines = await run(t, 'Produce', [cluster.bootstrap, 'secure', '3', '90'], jvm)
  t.same(lines, [0, 1, 2].map(p => `partition ${p} first 0 last 29 count 30`))
  t.same([0, 1, 2].map(p => cluster.highWatermark('secure', p)), [30n, 30n, 30n])
})

t.test('the Java AdminClient creates, describes and deletes ACLs; a user without cluster rights is refused', { skip }, async t => {
  const cluster = await FakeCluster.start({
    topics: [{ name: 'orders' }, { name: 'other' }],
    sasl: { users: { admin: 'admin-secret', alice: 's3cret' }, mechanisms: ['PLAIN'] },
    authorizer: { superUsers: ['User:admin'] }
  })
  t.teardown(() => cluster.stop())
  const as = (user: string, password: string): string[] => clientConfig(t, {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${password}";`
  })
  const calls = async (user: string, password: string): Promise<Map<string, string>> => {
    const out = new Map<string, string>()
    for (const l of await run(t, 'AclCalls', [cluster.bootstrap], as(user, password))) out.set(l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1))
    return out
  }
  const admin = await calls('admin', 'admin-secret')
  t.equal(admin.get('createAcls'), 'ok 3')
  t.equal(admin.get('createAclsInvalid'), 'error InvalidRequestException The only valid name for the CLUSTER resource is kafka-cluster')
  t.equal(admin.get('describeAcls'), 'ok [GROUP:LITERAL:g DENY User:*@* READ, TOPIC:LITERAL:orders ALLOW User:alice@* READ, TOPIC:PREFIXED:ord ALLOW User:alice@* WRITE]')
  t.equal(admin.get('describeAclsMatch'), 'ok [TOPIC:LITERAL:orders ALLOW User:alice@* READ, TOPIC:PREFIXED:ord ALLOW User:alice@* WRITE]')
  t.equal(admin.get('describeAclsPrefixed'), 'ok [TOPIC:PREFIXED:ord ALLOW User:alice@* WRITE]')
  t.equal(admin.get('deleteAcls'), 'ok [TOPIC:PREFIXED:ord ALLOW User:alice@* WRITE]')
  t.equal(admin.get('describeAclsAfter'), 'ok [GROUP:LITERAL:g DENY User:*@* READ, TOPIC:LITERAL:orders ALLOW User:alice@* READ]')
  t.equal(admin.get('listTopics'), 'ok [orders, other]', 'the super user sees every topic')
  const alice = await calls('alice', 's3cret')
  for (const call of ['createAcls', 'createAclsInvalid', 'describeAcls', 'deleteAcls']) t.match(alice.get(call), /^error ClusterAuthorizationException /, `${call}: alice has no cluster ALTER/DESCRIBE`)
  t.equal(alice.get('listTopics'), 'ok [orders]', 'alice sees the topic she may read')
})
