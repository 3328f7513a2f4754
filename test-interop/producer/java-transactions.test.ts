import t from 'tap'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { PeerUnavailable } from '../peers/cache.js'
import { compileJava, kafkaClientsCoordinates, resolveJars } from '../peers/maven.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { runProcess } from '../fake-broker/helpers.js'

// The Java client (kafka-clients 4.4) against the fake broker's transaction coordinator: its KafkaProducer with a
// transactional.id commits, aborts, commits consumer offsets with sendOffsetsToTransaction, and is fenced as a
// zombie; its read_committed KafkaConsumer sees exactly the committed records, ours and its own. Twice: with the
// fake finalizing transaction.version 2 (as Kafka 4.4 does), where the Java client uses transaction protocol v2
// (Produce v13 and TxnOffsetCommit v6, by topic id, without AddPartitionsToTxn / AddOffsetsToTxn, EndTxn v5), and at
// level 1, where it keeps to protocol v1; the broker's request log shows which.

let java: { classpath: string[], classes: string } | string
try {
  const source = join(import.meta.dirname, '..', 'java', 'TxnClient.java')
  const classpath = await resolveJars('kafka-clients', kafkaClientsCoordinates())
  java = { classpath, classes: await compileJava('txn-client', [source], classpath, [readFileSync(source, 'utf8')]) }
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  java = `Java peer unavailable: ${err.message}`
}
const skip = typeof java === 'string' ? java : false

async function runJava (...args: string[]): Promise<string[]> {
  if (typeof java === 'string') throw new Error(java)
  const r = await runProcess('java', ['-cp', [java.classes, ...java.classpath].join(':'), 'TxnClient', ...args], { timeoutMs: 120_000 })
  if (r.code !== 0) throw new Error(`TxnClient ${args[0]} exited ${r.code}: ${r.stderr.split('\n').filter(l => !l.includes('SLF4J') && !l.includes(' INFO ')).slice(-15).join('\n')}`)
  return r.stdout.toString().split('\n').filter(l => l !== '')
}

for (const tv of [2, 1] as const) {
  t.test(`Java transactional producer and read_committed consumer against the fake broker, transaction.version ${tv}`, { skip }, async t => {
    const requests = new Set<string>()
    const cluster = await FakeCluster.start({
      topics: [{ name: 'jt', partitions: 2 }, { name: 'jin', partitions: 1 }],
      transactionVersion: tv,
      verbose: true,
      log: line => { const m = / client=(\S+) (\w+) v(\d+) #/.exec(line); if (m !== null && m[1] !== 'kafka-direct') requests.add(`${m[2]} v${m[3]}`) }
    })
    t.teardown(() => cluster.stop())
    const b = cluster.bootstrap

    t.same(await runJava('commit', b, 'jt', 'java-tx', 'c1', '5', 'jgroup', 'jin', '42'), ['COMMITTED'])
    t.equal(cluster.state.groups.committed('jgroup', 'jin', 0)?.offset, 42n, 'sendOffsetsToTransaction committed the offset')
    t.same(await runJava('abort', b, 'jt', 'java-tx', 'a1', '4'), ['ABORTED'])
    const zombie = await runJava('zombie', b, 'jt', 'java-tx')
    t.match(zombie[0], /^FENCED /, 'the zombie is fenced')
    t.equal(zombie[1], 'FRESH_COMMITTED')

    // Ours, in the same topic: one committed and one aborted transaction.
    const ours = new TransactionalProducer({ bootstrapServers: b, 'transactional.id': 'ours', 'linger.ms': 0 })
    t.teardown(() => ours.close())
    await ours.initTransactions()
    ours.beginTransaction()
    await ours.send({ topic: 'jt', partition: 0, value: 'ours-kept' })
    await ours.commitTransaction()
    ours.beginTransaction()
    await ours.send({ topic: 'jt', partition: 1, value: 'ours-dropped' })
    await ours.abortTransaction()

    const read = await runJava('read', b, 'jt')
    t.equal(read.at(-1), 'END')
    const values = read.slice(0, -1).map(l => l.split(' ')[1]).sort()
    t.same(values, ['c1-0', 'c1-1', 'c1-2', 'c1-3', 'c1-4', 'fresh-0', 'ours-kept'], 'read_committed: committed records only, none aborted, no zombie writes')
    const sent = [...requests]
    const has = (prefix: string): boolean => sent.some(r => r.startsWith(prefix))
    if (tv === 2) {
      // Kafka 4.4's client names topics by id where the broker serves it: Produce v13 and TxnOffsetCommit v6.
      t.ok(has('EndTxn v5') && has('Produce v13') && has('TxnOffsetCommit v6'), `the Java client used protocol v2, topics by id: ${sent.sort().join(', ')}`)
      t.notOk(has('AddPartitionsToTxn') || has('AddOffsetsToTxn') || has('EndTxn v4'), 'and none of protocol v1\'s requests')
    } else {
      t.ok(has('AddPartitionsToTxn') && has('AddOffsetsToTxn') && has('EndTxn v4'), `the Java client used protocol v1: ${sent.sort().join(', ')}`)
      t.notOk(has('EndTxn v5') || has('TxnOffsetCommit v5'), 'and none of protocol v2\'s requests')
    }
  })
}
