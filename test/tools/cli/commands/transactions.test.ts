import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseTransactionsArgs, prettyTable, run } from '../../../../tools/cli/commands/transactions.js'
import { TransactionalProducer } from '../../../../consumer/producer/transactional-producer.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { ErrorCode } from '../../../../protocol/error-codes.js'

// `kafka-direct transactions` against the fake broker: kafka-transactions.sh's subcommands, flags and tables
// (list, describe, describe-producers), and its failures.

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

t.test('prettyTable pads each cell to its column and ends it with a tab, as Kafka\'s ToolsUtils', async t => {
  t.equal(prettyTable(['A', 'Bee'], [['long', 'x'], ['y', 'z']]), 'A   \tBee\t\nlong\tx  \t\ny   \tz  \t\n')
  t.equal(prettyTable(['Only'], []), 'Only\t\n')
})

t.test('list, describe and describe-producers print kafka-transactions.sh\'s tables', async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'orders', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  const p = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'pay', 'linger.ms': 0 })
  t.teardown(() => p.close())
  await p.initTransactions()
  p.beginTransaction()
  await p.send({ topic: 'orders', partition: 1, value: 'x' })
  await p.send({ topic: 'orders', partition: 0, value: 'y' })
  const coordinator = cluster.state.coordinatorFor('pay')!.id
  const b = ['--bootstrap-server', cluster.bootstrap]

  let c = capture()
  t.equal(await run([...b, 'list'], c.io), 0)
  const [header, row, ...rest] = c.out().split('\n')
  t.equal(header, 'TransactionalId\tCoordinator\tProducerId\tTransactionState\t')
  t.match(row, new RegExp(`^pay {12}\\t${coordinator} {10}\\t\\d+ +\\tOngoing {9}\\t$`))
  t.same(rest, [''])
  c = capture()
  t.equal(await run([...b, 'list', '--duration-filter', '3600000', '--transactional-id-pattern', 'pay'], c.io), 0)
  t.equal(c.out(), 'TransactionalId\tCoordinator\tProducerId\tTransactionState\t\n', 'nothing has run for an hour')

  c = capture()
  const start = p.producerIdAndEpoch
  const now = 5_000_000_000_000
  t.equal(await run([...b, 'describe', '--transactional-id', 'pay'], c.io, () => now), 0)
  const lines = c.out().split('\n')
  t.same(lines[0].split('\t').map(s => s.trim()), ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions', ''])
  t.equal(lines[0].split('\t')[8], 'TopicPartitions'.padEnd('orders-0,orders-1'.length), 'a header is padded to its column too')
  const cells = lines[1].split('\t').map(s => s.trim())
  t.same([cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[8], cells[9]],
    [String(coordinator), 'pay', String(start.producerId), String(start.producerEpoch), 'Ongoing', '60000', 'orders-0,orders-1', ''])
  t.ok(Number(cells[6]) > 0 && Number(cells[6]) <= Date.now())
  t.equal(cells[7], String(now - Number(cells[6])), 'the duration is now minus the start time')

  c = capture()
  t.equal(await run([...b, 'describe-producers', '--topic', 'orders', '--partition', '0'], c.io), 0)
  const prod = c.out().split('\n')
  t.equal(prod[0], 'ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\tLastTimestamp\tCurrentTransactionStartOffset\t')
  t.same(prod[1].split('\t').map(s => s.trim()).filter((_, i) => i !== 4), [String(start.producerId), String(start.producerEpoch), '-1', '0', '0', ''])
  await p.commitTransaction()
  c = capture()
  const leader = cluster.state.partition('orders', 0)!.leaderId
  t.equal(await run([...b, 'describe-producers', '--topic', 'orders', '--partition', '0', '--broker-id', String(leader)], c.io), 0)
  t.equal(c.out().split('\n')[1].split('\t')[5].trim(), 'None', 'no open transaction after the commit')

  c = capture()
  t.equal(await run([...b, 'describe', '--transactional-id', 'ghost'], c.io), 1)
  t.equal(c.out(), '')
  t.match(c.err(), /^Failed to describe transaction state of transactional-id `ghost`: .*TRANSACTIONAL_ID_NOT_FOUND.*\. Enable debug logging for additional detail\.\n$/)
  c = capture()
  t.equal(await run([...b, 'describe-producers', '--topic', 'nope', '--partition', '0'], c.io), 1)
  t.match(c.err(), /^Failed to describe producers for partition nope-0 on leader: .*UNKNOWN_TOPIC_OR_PARTITION/)
  c = capture()
  t.equal(await run([...b, 'describe-producers', '--topic', 'nope', '--partition', '0', '--broker-id', '1'], c.io), 1)
  t.match(c.err(), /^Failed to describe producers for partition nope-0 on broker 1: .*UNKNOWN_TOPIC_OR_PARTITION/)
  c = capture()
  const other = leader === 1 ? 2 : 1
  t.equal(await run([...b, 'describe-producers', '--topic', 'orders', '--partition', '0', '--broker-id', String(other)], c.io), 0)
  t.equal(c.out().split('\n')[1].split('\t')[0].trim(), String(start.producerId), 'a follower (replication factor 2) knows the producer too')

  // --command-config: the client's properties from a file (here only a client id).
  const dir = mkdtempSync(join(tmpdir(), 'kd-txn-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'client.properties'), 'client.id=ops\n')
  c = capture()
  t.equal(await run(['--bootstrap-server', cluster.bootstrap, '--command-config', join(dir, 'client.properties'), 'list'], c.io), 0)
  t.match(c.out(), /^TransactionalId/)
  c = capture()
  t.equal(await run(['--help'], c.io), 0)
  t.match(c.out(), /^usage: kafka-direct transactions/)
})

t.test('abort ends the transaction starting at --start-offset, or the producer named; prints nothing', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('orders', 0, [{ value: 'before' }])
  const p = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'stuck', 'linger.ms': 0 })
  t.teardown(() => p.close())
  await p.initTransactions()
  p.beginTransaction()
  await p.send({ topic: 'orders', partition: 0, value: 'x' })
  await p.send({ topic: 'orders', partition: 1, value: 'y' })
  const { producerId, producerEpoch } = p.producerIdAndEpoch
  const b = ['--bootstrap-server', cluster.bootstrap]
  const log0 = cluster.state.partition('orders', 0)!.log
  t.equal(log0.lastStableOffset, 1n, 'the open transaction holds the LSO at its start')

  let c = capture()
  t.equal(await run([...b, 'abort', '--topic', 'orders', '--partition', '0', '--start-offset', '5'], c.io), 1)
  t.equal(c.err(), 'Could not find any open transactions starting at offset 5 on partition orders-0\n')
  c = capture()
  t.equal(await run([...b, 'abort', '--topic', 'orders', '--partition', '0', '--start-offset', '1'], c.io), 0)
  t.same([c.out(), c.err()], ['', ''])
  t.equal(log0.lastStableOffset, log0.highWatermark, 'the LSO moved past the abort marker')

  c = capture()
  t.equal(await run([...b, 'abort', '--topic', 'orders', '--partition', '1', '--producer-id', String(producerId), '--producer-epoch', String(producerEpoch - 1), '--coordinator-epoch', '-1'], c.io), 1)
  t.match(c.err(), new RegExp(`^Failed to abort transaction AbortTransactionSpec\\(topicPartition=orders-1, producerId=${producerId}, producerEpoch=${producerEpoch - 1}, coordinatorEpoch=0\\): .*INVALID_PRODUCER_EPOCH.*\\. Enable debug logging for additional detail\\.\n$`))
  c = capture()
  t.equal(await run([...b, 'abort', '--topic', 'orders', '--partition', '1', '--producer-id', String(producerId), '--producer-epoch', String(producerEpoch), '--coordinator-epoch', '0'], c.io), 0)
  const log1 = cluster.state.partition('orders', 1)!.log
  t.equal(log1.lastStableOffset, log1.highWatermark)

  for (const [args, message] of [
    [[], 'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)'],
    [['--producer-id', '1'], 'Missing required argument --producer-epoch'],
    [['--producer-id', '1', '--producer-epoch', '0'], 'Missing required argument --coordinator-epoch']
  ] as const) {
    c = capture()
    t.equal(await run([...b, 'abort', '--topic', 'orders', '--partition', '0', ...args], c.io), 1)
    t.equal(c.err(), `${message}\n`)
  }
  c = capture()
  t.equal(await run([...b, 'abort', '--topic', 'nope', '--partition', '0', '--start-offset', '0'], c.io), 1)
  t.match(c.err(), /^Failed to validate producer state for partition nope-0: .*UNKNOWN_TOPIC_OR_PARTITION/)
})

t.test('find-hanging lists open transactions older than the limit that no coordinator will end', async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'orders', partitions: 2 }, { name: 'other', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const now = Date.now()
  const old = BigInt(now - 20 * 60_000)
  // A live transaction in orders-0, known to its coordinator: old, but not hanging.
  const live = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'live', 'linger.ms': 0 })
  t.teardown(() => live.close())
  await live.initTransactions()
  live.beginTransaction()
  await live.send({ topic: 'orders', partition: 0, value: 'x', timestamp: old })
  const { producerId, producerEpoch } = live.producerIdAndEpoch
  // The same producer open in orders-1 though its coordinator never added that partition: hanging.
  cluster.produce('orders', 1, [{ value: 'stray', timestamp: old }], { producerId, producerEpoch, baseSequence: 0, transactional: true })
  // A producer id no coordinator knows, open in other-0 for 20 minutes: hanging; one open for a minute is not yet.
  cluster.produce('other', 0, [{ value: 'orphan', timestamp: old }], { producerId: 9000n, producerEpoch: 0, baseSequence: 0, transactional: true })
  cluster.produce('other', 0, [{ value: 'recent', timestamp: BigInt(now - 60_000) }], { producerId: 9001n, producerEpoch: 0, baseSequence: 0, transactional: true })
  const b = ['--bootstrap-server', cluster.bootstrap]
  const rows = (out: string): string[][] => out.split('\n').filter(l => l !== '').map(l => l.split('\t').map(c => c.trim()).slice(0, 8))

  let c = capture()
  t.equal(await run([...b, 'find-hanging', '--topic', 'orders'], c.io, () => now), 0)
  t.same(rows(c.out()), [
    ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'],
    ['orders', '1', String(producerId), String(producerEpoch), '-1', '0', String(old), '20']
  ])
  c = capture()
  t.equal(await run([...b, 'find-hanging', '--topic', 'other', '--partition', '0', '--max-transaction-timeout', '0'], c.io, () => now), 0)
  t.same(rows(c.out()).slice(1).map(r => [r[2], r[7]]), [['9000', '20'], ['9001', '1']], 'with a limit of 0 minutes, both')
  c = capture()
  const leader = cluster.state.partition('other', 0)!.leaderId
  t.equal(await run([...b, 'find-hanging', '--broker-id', String(leader)], c.io, () => now), 0)
  t.ok(rows(c.out()).some(r => r[0] === 'other' && r[2] === '9000'), 'every partition with a replica on the broker')
  t.notOk(rows(c.out()).some(r => r[2] === '9001'), 'not one open for a minute (limit 15)')

  for (const [args, message] of [
    [['--max-transaction-timeout', '1'], 'The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search'],
    [['--broker-id', '1', '--partition', '0'], 'The --partition argument requires --topic to be provided']
  ] as const) {
    c = capture()
    t.equal(await run([...b, 'find-hanging', ...args], c.io), 1)
    t.equal(c.err(), `${message}\n`)
  }
  c = capture()
  t.equal(await run([...b, 'find-hanging', '--topic', 'nope'], c.io), 1)
  t.match(c.err(), /^Failed to describe 1 topics: .*UNKNOWN_TOPIC_OR_PARTITION/)
  c = capture()
  t.equal(await run([...b, 'find-hanging', '--topic', 'orders', '--partition', '7'], c.io), 1)
  t.match(c.err(), /^Failed to describe producers for 1 partitions on broker Optional.empty: .*UNKNOWN_TOPIC_OR_PARTITION/)
  c = capture()
  cluster.faults.failNext('ListTransactions', 2, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  t.equal(await run([...b, 'find-hanging', '--topic', 'other'], c.io, () => now), 1)
  t.match(c.err(), /^Failed to list transactions for 1 producers: .*CLUSTER_AUTHORIZATION_FAILED/)
  c = capture()
  cluster.faults.failNext('DescribeTransactions', 1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  t.equal(await run([...b, 'find-hanging', '--topic', 'orders'], c.io, () => now), 1)
  t.match(c.err(), /^Failed to describe 1 transactions: .*TRANSACTIONAL_ID_AUTHORIZATION_FAILED/)
})

t.test('forceTerminateTransaction fences the id\'s producer and aborts its transaction; prints nothing', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const p = new TransactionalProducer({ bootstrapServers: cluster.bootstrap, 'transactional.id': 'stuck', 'linger.ms': 0 })
  t.teardown(() => p.close())
  await p.initTransactions()
  p.beginTransaction()
  await p.send({ topic: 'orders', partition: 0, value: 'x' })
  const b = ['--bootstrap-server', cluster.bootstrap]
  let c = capture()
  t.equal(await run([...b, 'forceTerminateTransaction', '--transactionalId', 'stuck'], c.io), 0)
  t.same([c.out(), c.err()], ['', ''])
  const err = await p.commitTransaction().catch((e: unknown) => e)
  t.equal((err as { fenced?: boolean }).fenced, true, 'the producer was fenced')
  const log = cluster.state.partition('orders', 0)!.log
  t.equal(log.lastStableOffset, log.highWatermark, 'its transaction was aborted')
  c = capture()
  cluster.faults.failNext('InitProducerId', 1, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
  t.equal(await run([...b, 'forceTerminateTransaction', '--transactionalId', 'stuck'], c.io), 1)
  t.match(c.err(), /^Failed to force terminate transactionalId `stuck`: .*TRANSACTIONAL_ID_AUTHORIZATION_FAILED.*\. Enable debug logging for additional detail\.\n$/)
  t.throws(() => parseTransactionsArgs([...b, 'forceTerminateTransaction']), { code: 'ERR_USAGE', message: /needs --transactionalId/ })
})

t.test('refuses what kafka-transactions.sh refuses', async t => {
  const b = ['--bootstrap-server', 'x:1']
  t.throws(() => parseTransactionsArgs(['list']), { code: 'ERR_USAGE', message: /unknown command list|--bootstrap-server is required/ })
  t.throws(() => parseTransactionsArgs(b), { code: 'ERR_USAGE', message: /a command is required/ })
  t.throws(() => parseTransactionsArgs([...b, 'abortt']), { code: 'ERR_USAGE', message: /unknown command abortt/ })
  t.throws(() => parseTransactionsArgs([...b, '--bogus']), { code: 'ERR_USAGE', message: /unknown option --bogus/ })
  t.throws(() => parseTransactionsArgs([...b, 'describe']), { code: 'ERR_USAGE', message: /describe needs --transactional-id/ })
  t.throws(() => parseTransactionsArgs([...b, 'describe', '--topic', 't']), { code: 'ERR_USAGE', message: /unknown option --topic for describe/ })
  t.throws(() => parseTransactionsArgs([...b, 'describe-producers', '--topic', 't']), { code: 'ERR_USAGE', message: /needs --partition/ })
  t.throws(() => parseTransactionsArgs([...b, 'describe-producers', '--topic', 't', '--partition', 'one']), { code: 'ERR_USAGE', message: /--partition takes an integer, got one/ })
  t.throws(() => parseTransactionsArgs([...b, 'list', '--duration-filter']), { code: 'ERR_USAGE', message: /needs a value/ })
  t.throws(() => parseTransactionsArgs([...b, 'abort', '--partition', '0']), { code: 'ERR_USAGE', message: /abort needs --topic/ })
  t.throws(() => parseTransactionsArgs([...b, 'abort', '--topic', 't', '--partition', '0', '--start-offset', '99999999999999999999']), { code: 'ERR_USAGE', message: /--start-offset takes an integer/ })
  t.same(parseTransactionsArgs([...b, 'abort', '--topic', 't', '--partition', '0', '--start-offset', '12']).command,
    { name: 'abort', topic: 't', partition: 0, startOffset: 12n, producerId: undefined, producerEpoch: undefined, coordinatorEpoch: undefined })
  t.same(parseTransactionsArgs([...b, 'list', '--duration-filter', '-1']).command, { name: 'list', durationFilterMs: -1, pattern: undefined })
  t.same(parseTransactionsArgs(['-b', 'x:1', 'describe-producers', '--topic', 't', '--partition', '2', '--broker-id', '3']).command, { name: 'describe-producers', topic: 't', partition: 2, brokerId: 3 })
})
