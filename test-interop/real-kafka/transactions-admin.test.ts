import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../consumer/producer/producer-errors.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { run as runTransactions } from '../../tools/cli/commands/transactions.js'
import { kafkaTools } from '../peers/kafka-tools.js'
import { runProcess } from '../fake-broker/helpers.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// The Admin client's transaction calls (KIP-664) against real Kafka 4.x, and the same script against the fake
// broker: an ongoing transaction is listed and described (its partitions, state, producer), an unknown id is
// TRANSACTIONAL_ID_NOT_FOUND, and fenceProducers bumps the epoch so that the live producer's commit fails as
// fenced. What real Kafka answers is what the fake broker must answer. Then Kafka's own kafka-transactions.sh
// (TransactionsCommand) and `kafka-direct transactions` print the same tables, on real Kafka and on the fake.

t.setTimeout(600_000)
const skip = await realKafkaSkip()

async function script (t: Tap.Test, bootstrap: string): Promise<Record<string, unknown>> {
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
  t.teardown(() => admin.close())
  t.same((await admin.createTopics([{ name: 'txa', partitions: 3, replicationFactor: 1 }])).map(c => c.error), [null])
  const live = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': 'txa-live', 'linger.ms': 0, retries: 20 })
  t.teardown(() => live.close())
  await live.initTransactions()
  live.beginTransaction()
  await live.send({ topic: 'txa', partition: 2, value: 'a' })
  await live.send({ topic: 'txa', partition: 0, value: 'b' })
  const idle = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': 'txa-idle', 'linger.ms': 0 })
  t.teardown(() => idle.close())
  await idle.initTransactions()
  const done = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': 'txa-done', 'linger.ms': 0 })
  t.teardown(() => done.close())
  await done.initTransactions()
  done.beginTransaction()
  await done.send({ topic: 'txa', partition: 1, value: 'c' })
  await done.commitTransaction()

  const out: Record<string, unknown> = {}
  // Kafka answers EndTxn in PrepareCommit and completes once the markers are written: wait for that (bounded).
  for (let i = 0; i < 100 && (await admin.describeTransactions(['txa-done']))[0].state !== 'CompleteCommit'; i++) await new Promise(resolve => setTimeout(resolve, 50))
  const listed = await admin.listTransactions()
  const pid = new Map(listed.map(l => [l.transactionalId, l.producerId]))
  out.listed = listed.map(l => [l.transactionalId, l.state, l.coordinatorId])
  out.ongoing = (await admin.listTransactions({ states: ['Ongoing'] })).map(l => l.transactionalId)
  out.byProducer = (await admin.listTransactions({ producerIds: [pid.get('txa-idle') ?? -1n] })).map(l => l.transactionalId)
  out.longRunning = (await admin.listTransactions({ durationFilterMs: 3_600_000 })).map(l => l.transactionalId)
  // The pattern must match the whole id (Kafka: RE2J Matcher.matches()).
  out.byPattern = (await admin.listTransactions({ transactionalIdPattern: 'txa-l.*' })).map(l => l.transactionalId)
  out.byPrefixPattern = (await admin.listTransactions({ transactionalIdPattern: 'txa-l' })).map(l => l.transactionalId)
  // Kafka compares now with the start time: a finished transaction keeps its start, an Empty id has -1.
  await new Promise(resolve => setTimeout(resolve, 100))
  out.olderThan50Ms = (await admin.listTransactions({ durationFilterMs: 50 })).map(l => l.transactionalId)
  const before = await admin.describeTransactions(['txa-live', 'txa-idle', 'txa-ghost'])
  out.described = before.map(d => [d.transactionalId, d.error?.errorName ?? null, d.state, d.coordinatorId, d.transactionTimeoutMs, d.partitions, d.transactionStartTimeMs === null])
  out.describedProducer = before[0].producerId === pid.get('txa-live')

  const [fenced] = await admin.fenceProducers(['txa-live'])
  out.fenced = [fenced.error, fenced.producerId === before[0].producerId, fenced.producerEpoch - before[0].producerEpoch > 0]
  const err = await live.commitTransaction().catch((e: unknown) => e)
  out.commit = [err instanceof TransactionError, (err as TransactionError).fenced, (err as TransactionError).abortable]
  t.match((err as Error).message, /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/, `the fenced commit's error: ${(err as Error).message}`)
  const [after] = await admin.describeTransactions(['txa-live'])
  out.after = [after.state, after.partitions, after.producerEpoch === fenced.producerEpoch]
  return out
}

interface Printed { code: number, out: string, err: string }

async function ours (args: string[]): Promise<Printed> {
  const o: string[] = []
  const e: string[] = []
  const code = await runTransactions(args, { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } })
  return { code, out: o.join(''), err: e.join('') }
}

/** The header, then the rows sorted (the tool prints a broker's map in hash order). */
const sortedRows = (out: string): string[] => { const [h, ...rows] = out.split('\n').filter(l => l !== ''); return [h, ...rows.sort()] }

/**
 * A describe table as cells: the duration (now minus start) depends on when it ran, and the partitions come from a
 * Java HashSet in hash order: the duration is dropped and the partitions sorted.
 */
function describeCells (out: string): string[][] {
  return out.split('\n').filter(l => l !== '').map(l => l.split('\t').map(c => c.trim())).map(c => [...c.slice(0, 7), c[8].split(',').sort().join(',')])
}

async function compareCli (t: Tap.Test, bootstrap: string, where: string, hanging?: bigint): Promise<void> {
  const open = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': 'txa-open', 'linger.ms': 0 })
  t.teardown(() => open.close())
  await open.initTransactions()
  open.beginTransaction()
  for (const partition of [2, 0, 1]) await open.send({ topic: 'txa', partition, value: 'o' })
  const tool = await kafkaTools()
  const kafka = async (args: string[]): Promise<Printed> => {
    const r = await runProcess('java', tool('transactions', ['--bootstrap-server', bootstrap, ...args]), { timeoutMs: 120_000 })
    return { code: r.code ?? -1, out: r.stdout.toString(), err: r.stderr.toString() }
  }
  const both = async (args: string[]): Promise<[Printed, Printed]> => [await kafka(args), await ours(['--bootstrap-server', bootstrap, ...args])]
  for (const args of [['list'], ['list', '--duration-filter', '3600000'], ['list', '--transactional-id-pattern', 'txa-(idle|done)']]) {
    const [theirs, mine] = await both(args)
    t.equal(theirs.code, 0, `kafka-transactions ${args.join(' ')}`, { stderr: theirs.err })
    t.ok(sortedRows(theirs.out).length > 1, `${where}: Kafka's tool listed transactions`)
    t.same(sortedRows(mine.out), sortedRows(theirs.out), `${where}: ${args.join(' ')} prints what kafka-transactions.sh prints`)
  }
  for (const id of ['txa-open', 'txa-idle', 'txa-done', 'txa-live']) {
    const [theirs, mine] = await both(['describe', '--transactional-id', id])
    t.equal(theirs.code, 0, `kafka-transactions describe ${id}`, { stderr: theirs.err })
    t.same(describeCells(mine.out), describeCells(theirs.out), `${where}: describe ${id} prints what kafka-transactions.sh prints`)
    // Without a start time (no transaction since the last InitProducerId) nothing depends on the clock.
    if (describeCells(theirs.out)[1]?.[6] === 'None') t.equal(mine.out, theirs.out, `${where}: describe ${id}, byte for byte`)
  }
  for (const partition of ['0', '1', '2']) {
    const [theirs, mine] = await both(['describe-producers', '--topic', 'txa', '--partition', partition])
    t.equal(theirs.code, 0, `kafka-transactions describe-producers ${partition}`, { stderr: theirs.err })
    t.equal(mine.out, theirs.out, `${where}: describe-producers txa ${partition} prints what kafka-transactions.sh prints`)
  }
  // abort: Kafka's tool ends txa-open's transaction in txa-0, ours in txa-1 (each found by its start offset); both
  // print nothing, and afterwards both tools show no open transaction there. An offset where none starts fails alike.
  const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
  t.teardown(() => admin.close())
  const starts = (await admin.describeProducers([0, 1].map(partition => ({ topic: 'txa', partition }))))
    .map(p => p.producers.find(a => a.currentTxnStartOffset >= 0n)?.currentTxnStartOffset)
  t.ok(starts.every(s => s !== undefined), `${where}: txa-open's transaction is open in txa-0 and txa-1`)
  const aborted = [await kafka(['abort', '--topic', 'txa', '--partition', '0', '--start-offset', String(starts[0])]),
    await ours(['--bootstrap-server', bootstrap, 'abort', '--topic', 'txa', '--partition', '1', '--start-offset', String(starts[1])])]
  t.same(aborted.map(a => [a.code, a.out]), [[0, ''], [0, '']], `${where}: both aborts succeed silently`, { stderr: aborted.map(a => a.err) })
  for (const partition of ['0', '1']) {
    const [theirs, mine] = await both(['describe-producers', '--topic', 'txa', '--partition', partition])
    t.equal(mine.out, theirs.out, `${where}: describe-producers txa ${partition} after the abort`)
    t.notOk(theirs.out.split('\n').slice(1).some(l => l.split('\t')[5]?.trim().match(/^\d+$/)), `${where}: no open transaction left in txa-${partition}`)
  }
  const [noneTheirs, noneMine] = await both(['abort', '--topic', 'txa', '--partition', '2', '--start-offset', '99999'])
  t.same([noneMine.code, noneMine.err.trim()], [noneTheirs.code, noneTheirs.err.split('\n').find(l => l.startsWith('Could not'))], `${where}: abort where no transaction starts fails as kafka-transactions.sh does`)

  // find-hanging: the same rows (Duration(min) is each tool's clock minus the last write: left out).
  for (const args of [['find-hanging', '--topic', 'txa'], ['find-hanging', '--broker-id', '1', '--max-transaction-timeout', '0']]) {
    const [theirs, mine] = await both(args)
    t.equal(theirs.code, 0, `kafka-transactions ${args.join(' ')}`, { stderr: theirs.err })
    const rows = (out: string): string[] => sortedRows(out).map(l => l.split('\t').slice(0, 7).join('\t'))
    t.same(rows(mine.out), rows(theirs.out), `${where}: ${args.join(' ')} prints what kafka-transactions.sh prints`)
    if (hanging !== undefined) t.ok(rows(theirs.out).some(r => r.split('\t').map(c => c.trim()).slice(0, 3).join(' ') === `txa 2 ${hanging}`), `${where}: producer ${hanging} found hanging in txa-2`)
  }

  // forceTerminateTransaction (KIP-939): Kafka's tool fences txa-f1, ours txa-f2; both silent, both producers fenced,
  // and the coordinator shows the two ids alike afterwards.
  const forced: TransactionalProducer[] = []
  for (const id of ['txa-f1', 'txa-f2']) {
    const p = new TransactionalProducer({ bootstrapServers: bootstrap, 'transactional.id': id, 'linger.ms': 0 })
    t.teardown(() => p.close())
    await p.initTransactions()
    p.beginTransaction()
    await p.send({ topic: 'txa', partition: 0, value: id })
    forced.push(p)
  }
  const terminated = [await kafka(['forceTerminateTransaction', '--transactionalId', 'txa-f1']),
    await ours(['--bootstrap-server', bootstrap, 'forceTerminateTransaction', '--transactionalId', 'txa-f2'])]
  t.same(terminated.map(r => [r.code, r.out]), [[0, ''], [0, '']], `${where}: both force-terminations succeed silently`, { stderr: terminated.map(r => r.err) })
  for (const p of forced) {
    const err = await p.commitTransaction().catch((e: unknown) => e)
    t.equal((err as TransactionError).fenced, true, `${where}: the force-terminated producer is fenced`)
  }
  const [f1, f2] = await admin.describeTransactions(['txa-f1', 'txa-f2'])
  t.same([f2.state, f2.partitions, f2.producerEpoch], [f1.state, f1.partitions, f1.producerEpoch], `${where}: the coordinator shows both alike (${f1.state})`)

  // (describe-producers of an unknown topic is left out: the Java Admin retries the leader lookup until its 60 s
  // default.api.timeout.ms, and real Kafka's harness creates topics on Metadata.)
  const [theirs, mine] = await both(['describe', '--transactional-id', 'txa-ghost'])
  const what = (p: Printed): string => p.err.split('\n').find(l => l.startsWith('Failed to'))?.replace(/(`txa-ghost`): .*/, '$1') ?? ''
  t.same([mine.code, mine.out, what(mine)], [theirs.code, theirs.out, what(theirs)], `${where}: describe of an unknown id fails as kafka-transactions.sh does`)
  t.ok(what(mine).length > 0, `${where}: the failure line: ${mine.err.trim()}`)
}

t.test('transaction admin calls on real Kafka 4.x, and the fake broker answers the same', { skip }, async t => {
  const kafka = await realKafkaFor(t, { brokers: 1 })
  const real = await script(t, kafka.bootstrap)
  t.same(real.listed, [['txa-done', 'CompleteCommit', 1], ['txa-idle', 'Empty', 1], ['txa-live', 'Ongoing', 1]], 'real Kafka lists all three, with their coordinator')
  t.same(real.described, [
    ['txa-live', null, 'Ongoing', 1, 60_000, [{ topic: 'txa', partition: 0 }, { topic: 'txa', partition: 2 }], false],
    ['txa-idle', null, 'Empty', 1, 60_000, [], true],
    ['txa-ghost', 'TRANSACTIONAL_ID_NOT_FOUND', '', 1, -1, [], true]
  ], 'real Kafka describes the ongoing transaction')
  t.same(real.byPrefixPattern, [], 'a pattern matches whole ids only')
  t.same(real.olderThan50Ms, ['txa-done', 'txa-idle', 'txa-live'], 'a duration filter passes ids with no transaction and finished ones')
  t.same(real.commit, [true, true, false], 'the fenced producer\'s commit fails fatally, as fenced')
  const fake = await FakeCluster.start({ autoCreateTopics: false })
  t.teardown(() => fake.stop())
  const answered = await script(t, fake.bootstrap)
  for (const key of Object.keys(real)) t.same(answered[key], real[key], `fake broker vs real Kafka: ${key}`)

  await compareCli(t, kafka.bootstrap, 'real Kafka')
  // A hanging transaction, which real Kafka cannot be brought to by a client: a producer id no coordinator knows,
  // open in txa-2 for 20 minutes. Both tools must find it.
  fake.produce('txa', 2, [{ value: 'stray', timestamp: BigInt(Date.now() - 20 * 60_000) }], { producerId: 777n, producerEpoch: 0, baseSequence: 0, transactional: true })
  await compareCli(t, fake.bootstrap, 'fake broker', 777n)
})
