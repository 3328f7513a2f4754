import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { TransactionalProducer } from '../../consumer/producer/transactional-producer.js'
import { TransactionError } from '../../consumer/producer/producer-errors.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from './start-kafka.js'

// The Admin client's transaction calls (KIP-664) against real Kafka 4.x, and the same script against the fake
// broker: an ongoing transaction is listed and described (its partitions, state, producer), an unknown id is
// TRANSACTIONAL_ID_NOT_FOUND, and fenceProducers bumps the epoch so that the live producer's commit fails as
// fenced. What real Kafka answers is what the fake broker must answer.

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
  const ours = await script(t, fake.bootstrap)
  for (const key of Object.keys(real)) t.same(ours[key], real[key], `fake broker vs real Kafka: ${key}`)
})
