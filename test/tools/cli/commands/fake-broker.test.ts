import t from 'tap'
import { ConsumerGroupHeartbeat, JoinGroup, Metadata, SyncGroup } from '../../../../protocol/apis/index.js'
import { ErrorCode } from '../../../../protocol/error-codes.js'
import { encodeAssignment, encodeSubscription } from '../../../../protocol/group/consumer-protocol.js'
import { run } from '../../../../tools/cli/commands/fake-broker.js'
import type { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { RawClient } from '../../fake-broker/raw-client.js'
import { runKcat, type KcatRun } from '../run-kcat.js'

t.test('fake-broker prints the bootstrap list first, serves until stopped, then exits 0', async t => {
  const out: string[] = []
  const err: string[] = []
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--brokers', '2', '--topic', 'a:3', '--topic', 'b', '--verbose', '--reassignment-delay', '5000'], {
    stdout: { write: s => out.push(s) },
    stderr: { write: s => err.push(s) },
    signal: ac.signal,
    onStart: c => { cluster = c; started() }
  })
  await up
  const bootstrap = out.join('').split('\n')[0]
  t.match(bootstrap, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/)
  t.equal(bootstrap, cluster!.bootstrap)
  const c = await RawClient.connect(bootstrap)
  const md = await c.request(Metadata, 1, { topics: null }, 'cli-test')
  c.close()
  t.same(md.topics.map((x: any) => [x.name, x.partitions.length]).sort(), [['a', 3], ['b', 1]])
  // --reassignment-delay holds a move in progress.
  const b0 = cluster!.state.partition('b', 0)!
  const [kept, removed] = b0.replicas
  cluster!.state.reassignments.start(b0, [kept])
  t.same([[...b0.replicas], b0.reassignment?.removing], [[kept, removed], [removed]], 'without the delay the removal would be done at once')
  ac.abort()
  t.equal(await exit, 0)
  t.match(err.join(''), /client=cli-test Metadata v1/)
})

t.test('fake-broker rejects bad options with exit code 2', async t => {
  const err: string[] = []
  t.equal(await run(['--brokers', 'zero'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--brokers/)
})

t.test('--control steers faults from stdin, one answer line per command, in order', async t => {
  const { PassThrough } = await import('node:stream')
  const stdin = new PassThrough()
  const out: string[] = []
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const answers: string[] = []
  let waiting: Array<() => void> = []
  const exit = run(['--brokers', '2', '--topic', 'a:2', '--control'], {
    stdout: { write: s => { out.push(s); for (const l of s.split('\n').filter(x => x !== '')) answers.push(l); for (const w of waiting) w(); waiting = [] } },
    stderr: { write: () => {} },
    stdin,
    signal: ac.signal,
    onStart: c => { cluster = c; started() }
  })
  await up
  const ask = async (line: string): Promise<string> => {
    const n = answers.length + 1
    stdin.write(line + '\n')
    while (answers.length < n) await new Promise<void>(resolve => waiting.push(resolve))
    return answers[n - 1]
  }
  t.match(await ask('produce a 0 x y z'), /^ok base offset 0$/)
  t.equal(await ask('high-watermark a 0'), 'ok 3')
  const before = cluster!.partitionState('a', 1).leaderId
  t.match(await ask(`move-leader a 1 ${before === 1 ? 2 : 1}`), /^ok a 1 leader/)
  t.not(cluster!.partitionState('a', 1).leaderId, before)
  t.match(await ask('delete-records a 0 2'), /^ok log start 2$/)
  t.equal(cluster!.logStartOffset('a', 0), 2n)
  t.match(await ask('fail-next Fetch 2 NOT_LEADER_OR_FOLLOWER a 0'), /^ok/)
  t.match(await ask('latency 5 Metadata'), /^ok/)
  t.match(await ask('drop-mid-response Fetch'), /^ok/)
  t.match(await ask('broker-down 1'), /^ok broker 1 down/)
  t.match(await ask('broker-up 1'), /^ok broker 1 up/)
  t.match(await ask('clear'), /^ok cleared/)
  t.match(await ask('fail-next Fetch 1 NO_SUCH_ERROR'), /^error config ERROR: unknown error/)
  t.match(await ask('explode'), /^error config command: unknown command "explode"/)
  const c = await RawClient.connect(cluster!.bootstrap)
  const md = await c.request(Metadata, 1, { topics: null }, 'cli-test')
  c.close()
  t.equal(md.topics.length, 1, 'the cluster still serves after every command')
  ac.abort()
  t.equal(await exit, 0)
})

t.test('--sasl-user makes the listener require SASL; our kcat mode authenticates with -X sasl.*', async t => {
  const out: string[] = []
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--topic', 't', '--sasl-user', 'alice:pa:ss', '--sasl-mechanisms', 'SCRAM-SHA-256'], {
    stdout: { write: s => out.push(s) }, stderr: { write: () => {} }, signal: ac.signal, onStart: c => { cluster = c; started() }
  })
  await up
  cluster!.produce('t', 0, [{ value: 'hello' }])
  const consume = async (extra: string[]): Promise<KcatRun> => await runKcat(['-b', cluster!.bootstrap, '-C', '-t', 't', '-e', '-q', '-X', 'retries=0', ...extra])
  const sasl = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-256', '-X', 'sasl.username=alice']
  const ok = await consume([...sasl, '-X', 'sasl.password=pa:ss'])
  t.equal(ok.code, 0, ok.stderr)
  t.equal(ok.stdout, 'hello\n', 'the password after the first ":" is all of it')
  const refused = await consume([...sasl, '-X', 'sasl.password=nope'])
  t.equal(refused.code, 1)
  t.match(refused.stderr, /SASL_AUTHENTICATION_FAILED/)
  const plain = await consume(['-X', 'security.protocol=sasl_plaintext', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=pa:ss'])
  t.match(plain.stderr, /enables SCRAM-SHA-256: UNSUPPORTED_SASL_MECHANISM/, 'only the listed mechanisms are enabled')
  ac.abort()
  t.equal(await exit, 0)

  const err: string[] = []
  t.equal(await run(['--sasl-user', 'nopassword'], { stderr: { write: s => err.push(s) } }), 2)
  t.equal(await run(['--sasl-mechanisms', 'PLAIN'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--sasl-user: expected NAME:PASSWORD[\s\S]*--sasl-mechanisms: needs at least one --sasl-user/)
})

t.test('--sasl-mechanisms OAUTHBEARER needs no users; --oauthbearer-required-scope is checked in every token', async t => {
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--topic', 't', '--sasl-mechanisms', 'OAUTHBEARER', '--oauthbearer-required-scope', 'kafka'], {
    stdout: { write: () => {} }, stderr: { write: () => {} }, signal: ac.signal, onStart: c => { cluster = c; started() }
  })
  await up
  cluster!.produce('t', 0, [{ value: 'hello' }])
  const consume = async (config: string): Promise<KcatRun> => await runKcat(['-b', cluster!.bootstrap, '-C', '-t', 't', '-e', '-q', '-X', 'retries=0',
    '-X', 'security.protocol=sasl_plaintext', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', `sasl.oauthbearer.config=${config}`])
  const ok = await consume('principal=alice scope=kafka')
  t.equal(ok.code, 0, ok.stderr)
  t.equal(ok.stdout, 'hello\n')
  const refused = await consume('principal=alice')
  t.equal(refused.code, 1)
  t.match(refused.stderr, /the broker refused the token: insufficient_scope \(scope needed: \[kafka\]\)/)
  ac.abort()
  t.equal(await exit, 0)

  const err: string[] = []
  t.equal(await run(['--oauthbearer-required-scope', 'kafka'], { stderr: { write: s => err.push(s) } }), 2)
  t.equal(await run(['--sasl-mechanisms', 'PLAIN,OAUTHBEARER'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--oauthbearer-required-scope: needs --sasl-mechanisms with OAUTHBEARER[\s\S]*--sasl-mechanisms: needs at least one --sasl-user/)
})

t.test('--max-partitions caps the cluster: topics past it are refused at start with one error line', async t => {
  const err: string[] = []
  const code = await run(['--max-partitions', '4', '--topic', 'a:3', '--topic', 'b:2'], { stdout: { write: () => {} }, stderr: { write: s => err.push(s) }, signal: AbortSignal.abort() })
  t.equal(code, 1)
  t.match(err.join(''), /topic b: 2 partitions would take the cluster past its 4 \(maxPartitions\)/)
})

t.test('--authorizer, --super-users and --allow-everyone-if-no-acl-found start a cluster that enforces ACLs', async t => {
  const start = async (argv: string[]): Promise<{ cluster: FakeCluster, stop: () => Promise<number> }> => {
    const ac = new AbortController()
    let cluster!: FakeCluster
    let started!: () => void
    const up = new Promise<void>(resolve => { started = resolve })
    const exit = run(argv, { stdout: { write: () => {} }, stderr: { write: () => {} }, signal: ac.signal, onStart: c => { cluster = c; started() } })
    await up
    return { cluster, stop: async () => { ac.abort(); return await exit } }
  }
  const none = await start([])
  t.equal(none.cluster.state.authorizer, undefined, 'no flag: no authorizer')
  t.equal(await none.stop(), 0)
  const plain = await start(['--authorizer'])
  t.same([...plain.cluster.state.authorizer!.superUsers], [])
  t.equal(plain.cluster.state.authorizer!.allowEveryoneIfNoAclFound, false)
  t.equal(await plain.stop(), 0)
  const supers = await start(['--super-users', 'User:a; User:b', '--allow-everyone-if-no-acl-found'])
  t.same([...supers.cluster.state.authorizer!.superUsers], ['User:a', 'User:b'])
  t.equal(supers.cluster.state.authorizer!.allowEveryoneIfNoAclFound, true)
  t.equal(await supers.stop(), 0)
  const err: string[] = []
  t.equal(await run(['--super-users', 'admin'], { stderr: { write: s => err.push(s) } }), 1, 'a super user that is no principal is refused')
  t.match(err.join(''), /authorizer.superUsers/)
})

/**
 * Runs the CLI with `args`, makes a classic group of one synced member, and returns what a KIP-848 member's first
 * heartbeat to that group gets: accepted (the group is upgraded) or GROUP_ID_NOT_FOUND (it stays classic).
 */
async function kip848JoinToClassicGroup (t: any, args: string[]): Promise<number> {
  const ac = new AbortController()
  let started!: (cluster: FakeCluster) => void
  const up = new Promise<FakeCluster>(resolve => { started = resolve })
  const exit = run(['--topic', 't:2', ...args], { stdout: { write: () => {} }, stderr: { write: () => {} }, signal: ac.signal, onStart: c => { started(c) } })
  const cluster = await up
  const c = await RawClient.connect(`127.0.0.1:${cluster.state.coordinatorFor('g')!.port}`)
  try {
    // JoinGroup v3 has no member-id round trip: one join, and with no rebalance delay the member leads at once.
    const j = await c.request(JoinGroup, 3, {
      groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['t'], userData: null }, 0) }]
    })
    t.equal(j.errorCode, ErrorCode.NONE, 'the classic member joins')
    const assignment = encodeAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }], userData: null }, 0)
    const s = await c.request(SyncGroup, 3, { groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, assignments: [{ memberId: j.memberId, assignment }] })
    t.equal(s.errorCode, ErrorCode.NONE, 'and syncs')
    const hb = await c.request(ConsumerGroupHeartbeat, 1, {
      groupId: 'g', memberId: 'kip848-member', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: []
    })
    return hb.errorCode
  } finally {
    c.close()
    ac.abort()
    t.equal(await exit, 0)
  }
}

t.test('--group-consumer-migration-policy: disabled keeps a classic group with members classic; the default upgrades it', async t => {
  t.equal(await kip848JoinToClassicGroup(t, ['--group-consumer-migration-policy', 'disabled']), ErrorCode.GROUP_ID_NOT_FOUND)
  t.equal(await kip848JoinToClassicGroup(t, ['--group-consumer-migration-policy', 'DOWNGRADE']), ErrorCode.GROUP_ID_NOT_FOUND, 'downgrade only (any case, as Kafka parses it)')
  t.equal(await kip848JoinToClassicGroup(t, []), ErrorCode.NONE, 'bidirectional by default')
  t.equal(await kip848JoinToClassicGroup(t, ['--group-consumer-migration-policy', 'upgrade']), ErrorCode.NONE)
  const err: string[] = []
  t.equal(await run(['--group-consumer-migration-policy', 'sideways'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--group-consumer-migration-policy.*bidirectional, upgrade, downgrade, disabled, got "sideways"/)
})

t.test('--override sets static broker configs, as server.properties does; a bad one is refused with a reason', async t => {
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--override', 'producer.id.expiration.ms=5000', '--override', ' log.retention.ms = 60000'], {
    stdout: { write: () => {} },
    stderr: { write: () => {} },
    signal: ac.signal,
    onStart: c => { cluster = c; started() }
  })
  await up
  const id = String(cluster!.state.brokers[0].id)
  t.same([cluster!.state.configs.brokerValue(id, 'producer.id.expiration.ms'), cluster!.state.configs.brokerValue(id, 'log.retention.ms')], ['5000', '60000'])
  t.equal(cluster!.state.configs.brokerValue(id, 'no.such.config'), null)
  ac.abort()
  t.equal(await exit, 0)
  const err: string[] = []
  t.equal(await run(['--override', 'producer.id.expiration.ms'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--override.*expected NAME=VALUE, got "producer.id.expiration.ms"/)
  const bad: string[] = []
  t.equal(await run(['--override', 'producer.id.expiration.ms=0'], { stderr: { write: s => bad.push(s) } }), 1)
  t.match(bad.join(''), /brokerConfigs.*at least 1/)
})

t.test('--racks gives each broker its broker.rack (answered in Metadata); a wrong count or an unknown selector is refused', async t => {
  const ac = new AbortController()
  const out: string[] = []
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--brokers', '2', '--racks', 'east, west', '--override', 'replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector'], {
    stdout: { write: s => out.push(s) },
    stderr: { write: () => {} },
    signal: ac.signal,
    onStart: () => { started() }
  })
  await up
  const c = await RawClient.connect(out.join('').split('\n')[0])
  const md = await c.request(Metadata, 1, { topics: null }, 'cli-test')
  c.close()
  t.same(md.brokers.map((b: any) => b.rack), ['east', 'west'])
  ac.abort()
  t.equal(await exit, 0)
  const err: string[] = []
  t.equal(await run(['--brokers', '2', '--racks', 'east'], { stderr: { write: s => err.push(s) } }), 1)
  t.match(err.join(''), /racks.*one rack per broker: 2 brokers, 1 racks/)
  const bad: string[] = []
  t.equal(await run(['--override', 'replica.selector.class=com.example.Nearest'], { stderr: { write: s => bad.push(s) } }), 1)
  t.match(bad.join(''), /replica\.selector\.class.*got "com\.example\.Nearest"/)
})
