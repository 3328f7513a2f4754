import t from 'tap'
import { Admin } from '../../../consumer/admin/index.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../../consumer/producer/producer-errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { KafkaError, ProtocolError, UnsupportedVersionError } from '../../../protocol/errors.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { apiVersionsBody, startRawBroker, type RawRequest } from '../raw-broker.js'

// Admin.listTransactions, describeTransactions and fenceProducers (KIP-664) against a three-broker fake cluster,
// whose transactional ids are spread over coordinators, and against hand-driven brokers for the answers the fake
// does not give (old ListTransactions versions, an id left out of an answer).

const FAST = { retryBackoffMs: 1, retryBackoffMaxMs: 5 }

async function setup (t: Tap.Test, config: Record<string, unknown> = {}): Promise<{ cluster: FakeCluster, admin: Admin }> {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 3 }] })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap, ...FAST, ...config })
  t.teardown(() => admin.close())
  return { cluster, admin }
}

function producer (t: Tap.Test, cluster: FakeCluster, id: string): TransactionalProducer {
  const p = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': id, 'linger.ms': 0, ...FAST })
  t.teardown(async () => await p.close())
  return p
}

/** A producer with a transaction open in the given partitions of `orders` (one record each). */
async function openTransaction (t: Tap.Test, cluster: FakeCluster, id: string, partitions: number[]): Promise<TransactionalProducer> {
  const p = producer(t, cluster, id)
  await p.initTransactions()
  p.beginTransaction()
  for (const partition of partitions) await p.send({ topic: 'orders', partition, value: `${id}-${partition}` })
  return p
}

/** Transactional ids whose coordinators are different brokers, so calls must go to more than one. */
function idsOnTwoCoordinators (cluster: FakeCluster): [string, string] {
  const first = 'tx-0'
  const firstNode = cluster.state.coordinatorFor(first)?.id
  for (let i = 1; ; i++) {
    if (cluster.state.coordinatorFor(`tx-${i}`)?.id !== firstNode) return [first, `tx-${i}`]
  }
}

t.test('an ongoing and a committed transaction: listed from every coordinator, filtered, described', async t => {
  const { cluster, admin } = await setup(t)
  const [open, done] = idsOnTwoCoordinators(cluster)
  await openTransaction(t, cluster, open, [2, 0])
  const b = producer(t, cluster, done)
  await b.initTransactions()
  b.beginTransaction()
  await b.send({ topic: 'orders', partition: 1, value: 'z' })
  await b.commitTransaction()

  const all = await admin.listTransactions()
  t.same(all.map(l => l.transactionalId), [open, done].sort(), 'both, sorted, though two brokers coordinate them')
  const byId = new Map(all.map(l => [l.transactionalId, l]))
  t.equal(byId.get(open)?.state, 'Ongoing')
  t.equal(byId.get(open)?.coordinatorId, cluster.state.coordinatorFor(open)?.id)
  t.equal(byId.get(done)?.coordinatorId, cluster.state.coordinatorFor(done)?.id)
  t.same((await admin.listTransactions({ states: ['Ongoing'] })).map(l => l.transactionalId), [open])
  t.same((await admin.listTransactions({ producerIds: [byId.get(done)!.producerId] })).map(l => l.transactionalId), [done])
  t.same((await admin.listTransactions({ durationFilterMs: 3_600_000 })), [], 'none has run for an hour')
  t.same((await admin.listTransactions({ durationFilterMs: 0, states: ['Ongoing'] })).map(l => l.transactionalId).length <= 1, true)
  t.same((await admin.listTransactions({ transactionalIdPattern: `^${done}$` })).map(l => l.transactionalId), [done])
  const bad = await admin.listTransactions({ transactionalIdPattern: '(' }).catch((e: unknown) => e)
  t.ok(bad instanceof KafkaError && bad.errorCode === ErrorCode.INVALID_REGULAR_EXPRESSION, 'a pattern that does not compile is the broker\'s error')

  const [d1, d2, ghost] = await admin.describeTransactions([open, done, 'ghost'])
  t.equal(d1.error, null)
  t.same([d1.transactionalId, d1.state, d1.producerId, d1.coordinatorId], [open, 'Ongoing', byId.get(open)?.producerId, cluster.state.coordinatorFor(open)?.id])
  t.same(d1.partitions, [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 2 }])
  t.ok(d1.transactionStartTimeMs !== null && d1.transactionStartTimeMs > 0n)
  t.equal(d1.transactionTimeoutMs, 60_000)
  t.same([d2.state, d2.partitions], ['CompleteCommit', []])
  t.equal(ghost.error?.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)
  t.same([ghost.state, ghost.producerId, ghost.partitions], ['', -1n, []])
  t.same(await admin.describeTransactions([]), [])
})

t.test('listTransactions retries a loading coordinator and throws other broker errors', async t => {
  const { cluster, admin } = await setup(t)
  const p = producer(t, cluster, 'tx-a')
  await p.initTransactions()
  cluster.faults.failNext('ListTransactions', 1, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
  t.same((await admin.listTransactions()).map(l => l.transactionalId), ['tx-a'])
  cluster.faults.failNext('ListTransactions', 1, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  const err = await admin.listTransactions().catch((e: unknown) => e)
  t.ok(err instanceof KafkaError && err.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  t.match((err as Error).message, /ListTransactions at broker \d+/)
})

t.test('describeTransactions: coordinator errors are retried; once retries are spent they answer per id', async t => {
  const { cluster, admin } = await setup(t, { retries: 2 })
  const [x, y] = idsOnTwoCoordinators(cluster)
  for (const id of [x, y]) await producer(t, cluster, id).initTransactions()
  cluster.faults.failNext('DescribeTransactions', 1, ErrorCode.NOT_COORDINATOR)
  cluster.faults.failNext('DescribeTransactions', 1, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
  const seen: string[] = []
  cluster.faults.intercept(req => { if (req.apiName === 'FindCoordinator') seen.push(req.apiName); return undefined })
  const answers = await admin.describeTransactions([x, y, x])
  t.same(answers.map(d => [d.transactionalId, d.error, d.state]), [[x, null, 'Empty'], [y, null, 'Empty'], [x, null, 'Empty']], 'a repeated id answers twice, asked once')
  t.ok(seen.length >= 3, 'NOT_COORDINATOR sent the id back to FindCoordinator')

  cluster.faults.failNext('DescribeTransactions', 10, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  const [spent] = await admin.describeTransactions([x])
  t.equal(spent.error?.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the last retriable error, for that id')
  cluster.faults.clear()

  cluster.faults.failNext('DescribeTransactions', 1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const [denied] = await admin.describeTransactions([x])
  t.same([denied.error?.errorCode, denied.coordinatorId], [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, cluster.state.coordinatorFor(x)?.id])

  cluster.faults.failNext('FindCoordinator', 1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const [unfound] = await admin.describeTransactions([y])
  t.same([unfound.error?.errorCode, unfound.coordinatorId], [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1], 'FindCoordinator\'s refusal is the id\'s answer')
})

t.test('fenceProducers bumps the epoch; the live producer\'s commit then fails as fenced', async t => {
  const { cluster, admin } = await setup(t)
  const live = await openTransaction(t, cluster, 'payments', [0])
  const [before] = await admin.describeTransactions(['payments'])
  cluster.faults.failNext('InitProducerId', 1, ErrorCode.CONCURRENT_TRANSACTIONS)
  const [fenced, unknown] = await admin.fenceProducers(['payments', 'never-used'])
  t.same([fenced.error, fenced.producerId, fenced.producerEpoch > before.producerEpoch], [null, before.producerId, true])
  t.equal(unknown.error, null, 'an id never used is initialised (Kafka does the same)')
  t.ok(unknown.producerId >= 0n)
  const err = await live.commitTransaction().catch((e: unknown) => e)
  t.ok(err instanceof TransactionError, 'the fenced producer cannot commit')
  t.equal((err as TransactionError).fenced, true)
  t.match((err as Error).message, /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/)
  const [after] = await admin.describeTransactions(['payments'])
  t.same([after.state, after.partitions, after.producerEpoch], ['Empty', [], fenced.producerEpoch], 'its open transaction was aborted, then the epoch bumped (Empty, as in Kafka)')

  cluster.faults.failNext('InitProducerId', 1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  const [denied] = await admin.fenceProducers(['payments'])
  t.same([denied.error?.errorCode, denied.producerId, denied.producerEpoch], [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1n, -1])
  t.match(denied.error?.message, /FenceProducers payments/)
})

t.test('fenceProducers sends the request timeout (or the given timeoutMs) as the transaction timeout', async t => {
  const { cluster, admin } = await setup(t, { requestTimeoutMs: 12_345 })
  const sent: number[] = []
  cluster.faults.intercept(req => {
    if (req.apiName === 'InitProducerId') sent.push((req.body as { transactionTimeoutMs: number }).transactionTimeoutMs)
    return undefined
  })
  await admin.fenceProducers(['a'])
  await admin.fenceProducers(['a'], { timeoutMs: 5000 })
  t.same(sent, [12_345, 5000])
})

t.test('abortTransaction ends a producer\'s open transaction in one partition; errors are thrown', async t => {
  const { cluster, admin } = await setup(t)
  await openTransaction(t, cluster, 'hanging', [1, 2])
  const [state] = await admin.describeProducers([{ topic: 'orders', partition: 1 }])
  const open = state.producers.find(a => a.currentTxnStartOffset >= 0n)!
  const spec = { topic: 'orders', partition: 1, producerId: open.producerId, producerEpoch: open.producerEpoch, coordinatorEpoch: 0 }
  // A leader that moved is looked up again (NOT_LEADER_OR_FOLLOWER refreshes the topic's metadata).
  cluster.faults.failNext('WriteTxnMarkers', 1, ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: 'orders', partition: 1 })
  await admin.abortTransaction(spec)
  const [p1, p2] = await admin.describeProducers([{ topic: 'orders', partition: 1 }, { topic: 'orders', partition: 2 }])
  t.equal(p1.producers.find(a => a.producerId === open.producerId)?.currentTxnStartOffset, -1n, 'no open transaction left in orders[1]')
  t.ok(p2.producers.some(a => a.currentTxnStartOffset >= 0n), 'orders[2] untouched')
  const log = cluster.state.partition('orders', 1)!.log
  t.equal(log.lastStableOffset, log.highWatermark)

  const stale = await admin.abortTransaction({ ...spec, producerEpoch: open.producerEpoch - 1 }).catch((e: unknown) => e)
  t.ok(stale instanceof KafkaError && stale.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH)
  t.match((stale as Error).message, /WriteTxnMarkers \(abort producer \d+ epoch -?\d+\) orders\[1\]/)
})

/** A one-broker cluster answering ListTransactions and DescribeTransactions by hand, at the given max versions. */
async function rawCluster (t: Tap.Test, listMax: number, answer: (req: RawRequest) => void): Promise<Admin> {
  let port = 0
  const b = await startRawBroker(req => {
    if (req.api.name === 'ApiVersions') req.reply(apiVersionsBody([[18, 0, 3], [3, 0, 12], [10, 0, 4], [27, 1, 2], [65, 0, 0], [66, 0, listMax]]))
    else if (req.api.name === 'Metadata') {
      req.reply({
        brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
        controllerId: 1,
        topics: [{ errorCode: 0, name: 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }]
      })
    }
    else if (req.api.name === 'FindCoordinator') req.reply({ throttleTimeMs: 0, coordinators: (req.body as { coordinatorKeys: string[] }).coordinatorKeys.map(key => ({ key, nodeId: 1, host: '127.0.0.1', port, errorCode: 0, errorMessage: null })) })
    else answer(req)
  })
  port = b.port
  t.teardown(() => b.close())
  const admin = await Admin.connect({ bootstrapServers: b.address, ...FAST, retries: 1 })
  t.teardown(() => admin.close())
  return admin
}

t.test('a broker too old for a filter is refused rather than listing everything', async t => {
  const admin = await rawCluster(t, 0, req => req.reply({ throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: [{ transactionalId: 'a', producerId: 1n, transactionState: 'Ongoing' }] }))
  t.same((await admin.listTransactions()).map(l => l.state), ['Ongoing'])
  await t.rejects(admin.listTransactions({ durationFilterMs: 10 }), UnsupportedVersionError)
  await t.rejects(admin.listTransactions({ transactionalIdPattern: 'a.*' }), /v2\+/)
  const admin1 = await rawCluster(t, 1, req => req.reply({ throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: [] }))
  t.same(await admin1.listTransactions({ durationFilterMs: 10, transactionalIdPattern: '' }), [], 'an empty pattern is no filter')
})

t.test('an id the coordinator leaves out is asked again, then answers COORDINATOR_NOT_AVAILABLE; a bad answer throws', async t => {
  let asked = 0
  const admin = await rawCluster(t, 2, req => {
    asked++
    if (asked > 2) {
      // A frame cut short after the header: correlation id, empty tag section, one byte of throttleTimeMs.
      const frame = Buffer.alloc(10)
      frame.writeInt32BE(6, 0)
      frame.writeInt32BE(req.header.correlationId, 4)
      req.socket.write(frame)
      return
    }
    req.reply({ throttleTimeMs: 0, transactionStates: [{ errorCode: 0, transactionalId: 'other', transactionState: 'Empty', transactionTimeoutMs: 1, transactionStartTimeMs: -1n, producerId: 1n, producerEpoch: 0, topics: [] }] })
  })
  const [d] = await admin.describeTransactions(['mine'])
  t.equal(asked, 2, 'asked, then retried once')
  t.equal(d.error?.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  await t.rejects(admin.describeTransactions(['mine']), ProtocolError, 'a request that fails (an undecodable answer) throws')
})

t.test('abortTransaction throws when the leader\'s answer lacks the partition', async t => {
  const admin = await rawCluster(t, 2, req => req.reply({ markers: [{ producerId: 5n, topics: [] }] }))
  const err = await admin.abortTransaction({ topic: 't', partition: 0, producerId: 5n, producerEpoch: 0, coordinatorEpoch: 0 }).catch((e: unknown) => e)
  t.ok(err instanceof KafkaError && err.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR)
  t.match((err as Error).message, /the answer has no result for the partition/)
})
