import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable } from '../peers/cache.js'
import { javaClient, type JavaClient } from '../peers/java-client.js'
import { runProcess } from './helpers.js'

// The Java AdminClient's replica calls against the fake broker, through our program test-interop/java/ReplicaAdmin:
// describeLogDirs, alterPartitionReassignments (a move listed in progress, then completed; refusals),
// listPartitionReassignments, electLeaders (preferred and unclean) and describeMetadataQuorum.

t.setTimeout(600_000)

let java: JavaClient | undefined
let skip: string | false = false
try {
  java = await javaClient()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = `Java client unavailable: ${err.message}`
}

t.test('the Java AdminClient moves replicas, elects leaders and reads log dirs and the quorum from the fake broker', { skip }, async t => {
  // A second's delay, so that the program lists the move in progress before it completes.
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'moves', partitions: 2 }], reassignmentDelayMs: 1000 })
  t.teardown(() => cluster.stop())
  cluster.produce('moves', 0, [{ value: 'x' }])
  const r = await runProcess('java', java!.args('ReplicaAdmin', [cluster.bootstrap, 'moves']), { timeoutMs: 120_000 })
  t.equal(r.code, 0, 'ReplicaAdmin exits 0', { stderr: r.stderr.slice(-3000) })
  const out = new Map<string, string>()
  for (const l of r.stdout.toString().split('\n').filter(l => l.length > 0)) out.set(l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1))
  t.equal(out.get('describeLogDirs'), [1, 2, 3].map(b => `${b}:/var/lib/kafka-direct/broker-${b}[moves-0, moves-1] error=null total=true usable=true`).join(' ').replace(/^/, 'ok '))
  t.equal(out.get('alterPartitionReassignments'), 'ok {ghost-0=UnknownTopicOrPartitionException, moves-0=ok, moves-1=ok, moves-7=UnknownTopicOrPartitionException}')
  t.equal(out.get('listPartitionReassignments'), 'ok {moves-0=replicas=[3, 2, 1] adding=[] removing=[1]}', 'the removal is in progress; the reorder completed at once')
  t.equal(out.get('awaitReassignments'), 'ok p0@3[3, 2] p1@2[3, 2, 1]', 'broker 1 left p0, whose leadership moved to 3')
  t.equal(out.get('cancelReassignment'), 'ok {moves-1=NoReassignmentInProgressException}')
  t.equal(out.get('electLeaders'), 'ok {moves-0=ElectionNotNeededException, moves-1=ok, moves-9=UnknownTopicOrPartitionException} p0@3[3, 2] p1@3[3, 2, 1]')
  t.equal(out.get('electLeadersUnclean'), 'ok ElectionNotNeededException')
  t.equal(out.get('describeMetadataQuorum'), 'ok leader=1 epoch=1 hw=true voters=[1] observers=[2, 3] nodes=[1]')
  t.equal(cluster.state.partition('moves', 1)!.leaderId, 3)
})
