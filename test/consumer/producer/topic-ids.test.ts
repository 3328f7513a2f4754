import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { Producer } from '../../../consumer/producer/producer.js'
import { produce } from '../../../consumer/producer.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../../consumer/producer/producer-errors.js'
import { KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { iterateRecords } from '../../../protocol/records/index.js'

// Produce v13 and TxnOffsetCommit v6 name topics by id (KIP-516, KIP-1319). The producers use them when the broker
// speaks them and Metadata gave every topic's id, else v12 / v5 by name; an id gone stale (the topic was deleted and
// recreated) is answered UNKNOWN_TOPIC_ID, which is retriable: metadata is refreshed and the request resent with
// the new id. Which version went out is read from the fake broker's request log ("Produce v13 #...").

interface Logged { cluster: FakeCluster, lines: string[] }

async function setup (t: any): Promise<Logged> {
  const lines: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 'out', partitions: 1 }, { name: 'in', partitions: 1 }], verbose: true, log: line => { lines.push(line) } })
  t.teardown(async () => await cluster.stop())
  return { cluster, lines }
}

const config = (cluster: FakeCluster, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 50, 'linger.ms': 0, ...extra })

/** The "Api vN" of every logged request, in order. */
const sent = (lines: string[], api: string): string[] =>
  lines.map(l => new RegExp(` (${api} v\\d+) #`).exec(l)).filter(m => m !== null).map(m => m[1])

function values (cluster: FakeCluster, topic: string): string[] {
  const log = cluster.partitionState(topic, 0).log
  return [...iterateRecords(log.read(0, 1 << 20, true, Number(log.highWatermark)))].map(r => String(r.value))
}

function recreate (cluster: FakeCluster, topic: string): void {
  cluster.state.deleteTopic(topic)
  cluster.createTopic(topic, 1)
}

t.test('the producer sends Produce v13 with the topic id Metadata gave', async t => {
  const { cluster, lines } = await setup(t)
  const p = new Producer(config(cluster))
  t.teardown(async () => await p.close())
  const md = await p.send({ topic: 'out', value: 'a' })
  t.equal(md.offset, 0n)
  t.same(sent(lines, 'Produce'), ['Produce v13'])
  const id = cluster.state.topics.get('out')?.id
  t.equal(p.client.cachedTopicId('out'), id)
  t.ok(lines.some(l => l.includes(` Produce v13 #`) && l.includes(`${id ?? 'none'}[0]`)), 'the request log names the topic by its id')
  t.same(values(cluster, 'out'), ['a'])
})

t.test('without topic ids (Metadata below v10, as from an old broker) the producer falls back to Produce v12', async t => {
  const { cluster, lines } = await setup(t)
  const p = new Producer(config(cluster, { maxVersions: { Metadata: 9 } }))
  t.teardown(async () => await p.close())
  await p.send({ topic: 'out', value: 'b' })
  t.equal(p.client.cachedTopicId('out'), '00000000-0000-0000-0000-000000000000', 'Metadata v9 carries no topic ids')
  t.same(sent(lines, 'Produce'), ['Produce v12'])
  t.same(values(cluster, 'out'), ['b'])
})

t.test('a broker capped below v13 (max.versions) gets v12 even with ids known', async t => {
  const { cluster, lines } = await setup(t)
  const p = new Producer(config(cluster, { maxVersions: { Produce: 12 } }))
  t.teardown(async () => await p.close())
  await p.send({ topic: 'out', value: 'c' })
  t.same(sent(lines, 'Produce'), ['Produce v12'])
})

t.test('a recreated topic: UNKNOWN_TOPIC_ID refreshes metadata and the batch is resent with the new id', async t => {
  const { cluster, lines } = await setup(t)
  const p = new Producer(config(cluster))
  t.teardown(async () => await p.close())
  await p.send({ topic: 'out', value: 'before' })
  const old = p.client.cachedTopicId('out')
  recreate(cluster, 'out')
  lines.length = 0
  const md = await p.send({ topic: 'out', value: 'after' })
  t.equal(md.offset, 0n, 'written to the new topic')
  t.not(p.client.cachedTopicId('out'), old, 'the new id was learned')
  t.equal(p.client.cachedTopicId('out'), cluster.state.topics.get('out')?.id)
  const produces = lines.filter(l => / Produce v13 #/.test(l))
  t.equal(produces.length, 2, 'one refused, one resent')
  t.match(produces[0], /UNKNOWN_TOPIC_ID/)
  t.match(produces[1], /-> ok/)
  t.same(values(cluster, 'out'), ['after'])
})

t.test('a stale id keeps failing past the retries: the record fails with UNKNOWN_TOPIC_ID', async t => {
  const { cluster } = await setup(t)
  const p = new Producer(config(cluster, { retries: 2 }))
  t.teardown(async () => await p.close())
  await p.send({ topic: 'out', value: 'x' })
  // Every Produce is answered as if the id were unknown, whatever metadata says.
  cluster.faults.failNext('Produce', 100, ErrorCode.UNKNOWN_TOPIC_ID)
  const err = await p.send({ topic: 'out', value: 'y' }).catch((e: unknown) => e)
  t.ok(err instanceof KafkaError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_ID, 'UNKNOWN_TOPIC_ID after the retries')
})

function txn (t: any, cluster: FakeCluster, extra: Record<string, unknown> = {}): TransactionalProducer {
  const p = new TransactionalProducer(config(cluster, { 'transactional.id': 'tx', ...extra }))
  t.teardown(async () => await p.close())
  return p
}

// With topic ids (Kafka 4.x) and without them (Metadata pinned below v10, as an old broker answers): both under
// transaction protocol v2.
for (const [what, extra, produce, commit] of [
  ['with topic ids', {}, 'Produce v13', 'TxnOffsetCommit v6'],
  ['without topic ids', { maxVersions: { Metadata: 9 } }, 'Produce v12', 'TxnOffsetCommit v5']
] as const) {
  t.test(`${what} the transactional producer (protocol v2) sends ${produce} and ${commit}`, async t => {
    const { cluster, lines } = await setup(t)
    const p = txn(t, cluster, extra)
    await p.initTransactions()
    t.equal(p.transactionProtocol, 2)
    p.beginTransaction()
    await p.send({ topic: 'out', value: 't1' })
    await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 5n }], 'g')
    await p.commitTransaction()
    t.same(sent(lines, 'Produce'), [produce])
    t.same(sent(lines, 'TxnOffsetCommit'), [commit])
    t.equal(cluster.state.groups.committed('g', 'in', 0)?.offset, 5n)
    t.same(values(cluster, 'out'), ['t1'])
  })
}

t.test('TxnOffsetCommit v6 with a stale id: metadata is refreshed and the commit resent with the new id', async t => {
  const { cluster, lines } = await setup(t)
  const p = txn(t, cluster)
  await p.initTransactions()
  p.beginTransaction()
  await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 1n }], 'g')
  await p.commitTransaction()
  recreate(cluster, 'in')
  lines.length = 0
  p.beginTransaction()
  await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 2n }], 'g')
  await p.commitTransaction()
  const commits = lines.filter(l => / TxnOffsetCommit v6 #/.test(l))
  t.equal(commits.length, 2, 'one refused, one resent')
  t.match(commits[0], /UNKNOWN_TOPIC_ID/)
  t.match(commits[1], /-> ok/)
  t.equal(cluster.state.groups.committed('g', 'in', 0)?.offset, 2n)
})

t.test('TxnOffsetCommit for a topic Metadata does not know names it (v5); the coordinator refuses it', async t => {
  const { cluster, lines } = await setup(t)
  const p = txn(t, cluster, { retries: 1 })
  await p.initTransactions()
  p.beginTransaction()
  const err = await p.sendOffsetsToTransaction([{ topic: 'nope', partition: 0, offset: 1n }], 'g').catch((e: unknown) => e)
  t.ok(err instanceof TransactionError, 'an abortable transaction error')
  t.ok(err instanceof TransactionError && err.cause instanceof KafkaError && err.cause.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  t.same([...new Set(sent(lines, 'TxnOffsetCommit'))], ['TxnOffsetCommit v5'])
  await p.abortTransaction()
})

t.test('a commit whose id stays unknown past the retries fails the transaction with UNKNOWN_TOPIC_ID', async t => {
  const { cluster } = await setup(t)
  const p = txn(t, cluster, { retries: 1 })
  await p.initTransactions()
  p.beginTransaction()
  // Answer every commit as the coordinator answers an id it does not know.
  cluster.faults.intercept(req => req.apiName === 'TxnOffsetCommit' ? { errorFor: () => ErrorCode.UNKNOWN_TOPIC_ID } : undefined)
  const err = await p.sendOffsetsToTransaction([{ topic: 'in', partition: 0, offset: 1n }], 'g').catch((e: unknown) => e)
  t.ok(err instanceof TransactionError && err.cause instanceof KafkaError && err.cause.errorCode === ErrorCode.UNKNOWN_TOPIC_ID)
  await p.abortTransaction()
})

t.test('the minimal produce() (the CLI\'s -P) sends v13 by id, v12 without ids, and retries a stale id', async t => {
  const { cluster, lines } = await setup(t)
  const client = new KafkaClient({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 50 })
  t.teardown(async () => await client.close())
  t.equal(await produce(client, 'out', 0, [{ value: 'm1' }]), 0n)
  recreate(cluster, 'out')
  t.equal(await produce(client, 'out', 0, [{ value: 'm2' }]), 0n, 'UNKNOWN_TOPIC_ID, then the new id')
  t.same(values(cluster, 'out'), ['m2'])
  const old = new KafkaClient({ bootstrapServers: cluster.bootstrap, maxVersions: { Metadata: 9 } })
  t.teardown(async () => await old.close())
  t.equal(await produce(old, 'out', 0, [{ value: 'm3' }]), 1n)
  t.same(sent(lines, 'Produce'), ['Produce v13', 'Produce v13', 'Produce v13', 'Produce v12'])
  t.match(lines.filter(l => / Produce v13 #/.test(l))[1], /UNKNOWN_TOPIC_ID/)
})
