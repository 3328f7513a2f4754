import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'
import { Producer } from '../../../consumer/producer/producer.js'
import { TransactionError, TransactionStateError } from '../../../consumer/producer/producer-errors.js'
import { iterateRecords } from '../../../protocol/records/index.js'
import { ConfigError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'

// The transactional producer against the fake broker's transaction coordinator: what read_committed and
// read_uncommitted readers see of committed and aborted transactions, offsets committed with a transaction,
// a fenced zombie, abortable failures and a timed-out transaction.

async function setup (t: any, transactionVersion: 1 | 2 = 2, log?: (line: string) => void): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'out', partitions: 2 }, { name: 'in', partitions: 1 }], transactionVersion, log, verbose: log !== undefined })
  t.teardown(async () => await cluster.stop())
  return cluster
}

function txnProducer (t: any, cluster: FakeCluster, id = 'tx', config: Record<string, unknown> = {}): TransactionalProducer {
  const p = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': id, retryBackoffMs: 10, retryBackoffMaxMs: 50, 'linger.ms': 0, ...config })
  t.teardown(async () => await p.close())
  return p
}

/** What a reader sees of a partition, read_committed (up to the LSO, without aborted data) or not. */
function read (cluster: FakeCluster, partition: number, committed: boolean): string[] {
  const log = cluster.partitionState('out', partition).log
  const until = committed ? Number(log.lastStableOffset) : Number(log.highWatermark)
  const blob = log.read(0, 1 << 30, true, until)
  const aborted = log.abortedTransactions(0, until).map(a => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }))
  return [...iterateRecords(blob, committed ? { isolation: 'read_committed', abortedTransactions: aborted } : {})].map(r => String(r.value))
}

// Every scenario twice: against a broker that finalizes transaction.version 2 (Kafka 4.x) and one at level 1,
// where the producer keeps to protocol v1 (AddPartitionsToTxn, AddOffsetsToTxn, EndTxn without an epoch bump).
for (const tv of [2, 1] as const) {
  t.test(`v${tv}: a committed transaction: its records and offsets appear together`, async t => {
    const cluster = await setup(t, tv)
    const p = txnProducer(t, cluster)
    await p.initTransactions()
    p.beginTransaction()
    const sent = await Promise.all([
      p.send({ topic: 'out', partition: 0, value: 'a' }),
      p.send({ topic: 'out', partition: 1, value: 'b' }),
      p.send({ topic: 'out', partition: 0, value: 'c' })
    ])
    t.same(sent.map(m => m.offset), [0n, 0n, 1n])
    t.same(read(cluster, 0, true), [], 'nothing is visible before the commit')
    await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 42n }], { groupId: 'g' })
    t.equal(cluster.state.groups.committed('g', 'in', 0), undefined, 'offsets are staged, not committed')
    await p.commitTransaction()
    t.same(read(cluster, 0, true), ['a', 'c'])
    t.same(read(cluster, 1, true), ['b'])
    t.equal(cluster.state.groups.committed('g', 'in', 0)?.offset, 42n, 'the offsets are committed with the transaction')
    t.equal(p.transactionState, 'ready')
  })

  t.test(`v${tv}: an aborted transaction: read_uncommitted sees its records, read_committed does not`, async t => {
    const cluster = await setup(t, tv)
    const p = txnProducer(t, cluster)
    await p.initTransactions()
    p.beginTransaction()
    await p.send({ topic: 'out', partition: 0, value: 'dropped' })
    await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 7n }], 'g')
    await p.abortTransaction()
    p.beginTransaction()
    await p.send({ topic: 'out', partition: 0, value: 'kept' })
    await p.commitTransaction()
    t.same(read(cluster, 0, false), ['dropped', 'kept'])
    t.same(read(cluster, 0, true), ['kept'])
    t.equal(cluster.state.groups.committed('g', 'in', 0), undefined, 'the aborted offsets were not committed')
  })

  t.test(`v${tv}: many transactions in a row, each a batch of records over both partitions`, async t => {
    const cluster = await setup(t, tv)
    const p = txnProducer(t, cluster, 'tx', { 'linger.ms': 5 })
    await p.initTransactions()
    const expected: string[][] = [[], []]
    for (let n = 0; n < 20; n++) {
      p.beginTransaction()
      for (let i = 0; i < 50; i++) {
        const value = `${n}-${i}`
        const partition = i % 2
        const w = p.produce({ topic: 'out', partition, value })
        if (w !== undefined) await w
        if (n % 3 !== 2) expected[partition].push(value)
      }
      if (n % 3 === 2) await p.abortTransaction()
      else await p.commitTransaction()
    }
    t.same(read(cluster, 0, true), expected[0])
    t.same(read(cluster, 1, true), expected[1])
  })

  t.test(`v${tv}: a newer instance with the same transactional id fences the zombie`, async t => {
    const cluster = await setup(t, tv)
    const zombie = txnProducer(t, cluster)
    await zombie.initTransactions()
    zombie.beginTransaction()
    await zombie.send({ topic: 'out', partition: 0, value: 'zombie' })
    const fresh = txnProducer(t, cluster)
    await fresh.initTransactions()
    const err = await zombie.commitTransaction().catch((e: unknown) => e)
    t.ok(err instanceof TransactionError, 'the zombie\'s commit fails')
    t.equal((err as TransactionError).abortable, false, 'fatally')
    t.equal((err as TransactionError).fenced, true)
    t.throws(() => zombie.beginTransaction(), TransactionError, 'and the zombie can do nothing more')
    fresh.beginTransaction()
    await fresh.send({ topic: 'out', partition: 0, value: 'fresh' })
    await fresh.commitTransaction()
    t.same(read(cluster, 0, true), ['fresh'], 'the zombie\'s open transaction was aborted')
  })

  t.test(`v${tv}: a failed record makes the transaction abortable; after the abort the next one works`, async t => {
    const cluster = await setup(t, tv)
    const p = txnProducer(t, cluster)
    await p.initTransactions()
    p.beginTransaction()
    cluster.faults.failNext('Produce', 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
    const failed = p.send({ topic: 'out', partition: 0, value: 'refused' }).catch((e: unknown) => e)
    const err = await p.commitTransaction().catch((e: unknown) => e)
    t.ok(err instanceof TransactionError && err.abortable, 'commit says: abort')
    t.ok(await failed instanceof Error, 'the record\'s report carries the error')
    t.throws(() => p.produce({ topic: 'out', value: 'x' }), TransactionError, 'no more sends in a failed transaction')
    await p.abortTransaction()
    p.beginTransaction()
    await p.send({ topic: 'out', partition: 0, value: 'after' })
    await p.commitTransaction()
    t.same(read(cluster, 0, true), ['after'])
  })

  t.test(`v${tv}: a transaction that outlives transaction.timeout.ms is aborted by the coordinator; the producer recovers`, async t => {
    const cluster = await setup(t, tv)
    const p = txnProducer(t, cluster, 'slow', { 'transaction.timeout.ms': 200 })
    await p.initTransactions()
    p.beginTransaction()
    await p.send({ topic: 'out', partition: 0, value: 'too slow' })
    await new Promise(resolve => setTimeout(resolve, 600))
    const late = await p.send({ topic: 'out', partition: 0, value: 'late' }).catch((e: unknown) => e)
    t.ok(late instanceof Error, 'a send after the timeout fails')
    const err = await p.commitTransaction().catch((e: unknown) => e)
    t.ok(err instanceof TransactionError && err.abortable, 'the commit fails, abortably')
    await p.abortTransaction()
    p.beginTransaction()
    await p.send({ topic: 'out', partition: 0, value: 'on time' })
    await p.commitTransaction()
    t.same(read(cluster, 0, true), ['on time'])
  })
}

t.test('transaction methods in the wrong state are TransactionStateErrors; config is checked', async t => {
  const cluster = await setup(t)
  const p = txnProducer(t, cluster)
  t.throws(() => p.beginTransaction(), TransactionStateError)
  t.throws(() => p.produce({ topic: 'out', value: 'x' }), TransactionStateError)
  await p.initTransactions()
  await t.rejects(p.commitTransaction(), TransactionStateError)
  await t.rejects(p.initTransactions(), TransactionStateError)
  t.throws(() => new TransactionalProducer({ bootstrapServers: cluster.bootstrap }), ConfigError)
  t.throws(() => new Producer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'x', acks: 1 }), ConfigError)
  p.beginTransaction()
  await p.commitTransaction() // an empty transaction commits without asking the coordinator
  t.equal(p.transactionState, 'ready')
})

t.test('protocol v2 sends no AddPartitionsToTxn or AddOffsetsToTxn and moves the epoch on per transaction; v1 keeps it', async t => {
  for (const tv of [2, 1] as const) {
    const lines: string[] = []
    const cluster = await setup(t, tv, line => { lines.push(line) })
    const p = txnProducer(t, cluster, `tx${tv}`)
    await p.initTransactions()
    t.equal(p.transactionProtocol, tv, `transaction.version ${tv}: protocol v${tv}`)
    const first = p.producerIdAndEpoch
    const epochs = [first.producerEpoch]
    for (let i = 0; i < 3; i++) {
      p.beginTransaction()
      await p.send({ topic: 'out', partition: i % 2, value: `r${i}` })
      await p.send({ topic: 'out', partition: i % 2, value: `s${i}` })
      await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: BigInt(i + 1) }], 'g')
      if (i === 1) await p.abortTransaction()
      else await p.commitTransaction()
      epochs.push(p.producerIdAndEpoch.producerEpoch)
    }
    t.equal(p.producerIdAndEpoch.producerId, first.producerId, 'the same producer id')
    t.same(epochs, tv === 2 ? [0, 1, 2, 3].map(d => first.producerEpoch + d) : [0, 0, 0, 0].map(d => first.producerEpoch + d), 'epochs after each end')
    t.same([...read(cluster, 0, true), ...read(cluster, 1, true)], ['r0', 's0', 'r2', 's2'], 'read_committed sees the committed transactions')
    t.equal(cluster.state.groups.committed('g', 'in', 0)?.offset, 3n)
    const sent = new Set(lines.map(l => / (\w+) v(\d+) #/.exec(l)).filter(m => m !== null).map(m => `${m[1]} v${m[2]}`))
    const expected = tv === 2
      ? { has: ['Produce v13', 'EndTxn v5', 'TxnOffsetCommit v6'], not: ['AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn v4', 'InitProducerId', 'Produce v12', 'TxnOffsetCommit v5'] }
      : { has: ['Produce v11', 'EndTxn v4', 'TxnOffsetCommit v4', 'AddPartitionsToTxn v3', 'AddOffsetsToTxn v4'], not: ['Produce v12', 'Produce v13', 'EndTxn v5', 'TxnOffsetCommit v5', 'TxnOffsetCommit v6'] }
    for (const s of expected.has) t.ok(sent.has(s), `v${tv} sends ${s}`)
    // InitProducerId only once: at initTransactions, before the log is read here.
    const inits = [...lines].filter(l => l.includes(' InitProducerId ')).length
    t.equal(inits, 1, 'one InitProducerId')
    for (const s of expected.not.filter(x => x !== 'InitProducerId')) t.notOk([...sent].some(x => x.startsWith(s)), `v${tv} does not send ${s}`)
  }
})

t.test('max.versions pinning EndTxn below v5 keeps the producer on protocol v1 against a v2 broker', async t => {
  const cluster = await setup(t)
  const p = txnProducer(t, cluster, 'pinned', { maxVersions: { EndTxn: 4 } })
  await p.initTransactions()
  t.equal(p.transactionProtocol, 1)
  const before = p.producerIdAndEpoch
  p.beginTransaction()
  await p.send({ topic: 'out', partition: 0, value: 'v1' })
  await p.commitTransaction()
  t.same(p.producerIdAndEpoch, before, 'no epoch bump')
  t.same(read(cluster, 0, true), ['v1'])
})
