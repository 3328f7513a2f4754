import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { QUOTAS_CORPUS } from './quotas-corpus.js'
import { runCorpus } from './run-corpus.js'
import { Session } from './session.js'
import { AlterClientQuotas, CreatePartitions, CreateTopics, DeleteTopics, DescribeClientQuotas, DescribeProducers } from '../../protocol/apis/index.js'
import { RawClient } from '../../test/tools/fake-broker/raw-client.js'

/** Every errorMessage in an answer, with its path. */
function collectMessages (value: unknown, path: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return
  for (const [k, v] of Object.entries(value)) {
    if (k === 'errorMessage') out.push(`${path}: ${JSON.stringify(v)}`)
    else collectMessages(v, `${path}.${k}`, out)
  }
}

// Client quotas and DescribeProducers against one real Kafka 4.4 node and the fake broker: the raw answers of the
// quota corpus compared field by field (as fake-vs-kafka.test.ts does for its corpus), then the Admin client's
// typed results of the same calls on both, which must be equal.

const skip = await realKafkaSkip()

t.test('client quotas and DescribeProducers answer as real Kafka 4 does', { skip }, async t => {
  const kafka = await realKafkaFor(t)
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true })
  t.teardown(() => fake.stop())
  await runCorpus(t, QUOTAS_CORPUS, kafka.bootstrap, fake.bootstrap)

  await t.test('the error messages are Kafka\'s, word for word', async t => {
    // The corpus compares whether there is a message; the fake claims Kafka's texts, so they are compared here.
    const messages = async (bootstrap: string, side: 'kafka' | 'fake'): Promise<string[]> => {
      const s = new Session(side, bootstrap)
      try {
        const out: string[] = []
        for (const c of QUOTAS_CORPUS.filter(c => !c.name.startsWith('DescribeProducers'))) collectMessages(await c.run(s), c.name, out)
        const names = ['bad name', '', '.', '..', 'x'.repeat(250)].map(name => ({ name, partitionIndexes: [0] }))
        collectMessages(await s.request(DescribeProducers, 0, { topics: names }), 'DescribeProducers', out)
        return out
      } finally {
        s.close()
      }
    }
    t.same(await messages(fake.bootstrap, 'fake'), await messages(kafka.bootstrap, 'kafka'))
  })

  await t.test('the Admin client\'s quota and producer results are the same on both', async t => {
    const run = async (bootstrap: string): Promise<unknown> => {
      const admin = await Admin.connect({ 'bootstrap.servers': bootstrap })
      try {
        const altered = await admin.alterClientQuotas([
          { entity: { user: 'ad-bob' }, ops: { producer_byte_rate: 4096 } },
          { entity: { user: 'ad-bob', 'client-id': 'ad-app' }, ops: { consumer_byte_rate: 1000 } },
          { entity: { 'client-id': 'ad-bad' }, ops: { producer_byte_rate: -1 } }
        ])
        let described = await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'ad-bob' }] })
        // Kafka's broker learns of the change from its controller a moment later.
        for (let i = 0; i < 100 && described.length < 2; i++) {
          await new Promise(resolve => setTimeout(resolve, 100))
          described = await admin.describeClientQuotas({ components: [{ entityType: 'user', name: 'ad-bob' }] })
        }
        const badFilter = await admin.describeClientQuotas({ components: [{ entityType: 'user', name: null }, { entityType: 'user' }] }).catch((e: unknown) => e)
        await admin.createTopics([{ name: 'ad-producers', partitions: 1 }])
        const producers = await admin.describeProducers([{ topic: 'ad-producers', partition: 0 }, { topic: 'ad-missing', partition: 0 }])
        return {
          altered: altered.map(a => ({ entity: a.entity, error: a.error?.errorName ?? null })),
          described: described.sort((a, b) => JSON.stringify(a.entity) < JSON.stringify(b.entity) ? -1 : 1),
          badFilter: (badFilter as { errorName?: string }).errorName,
          producers: producers.map(p => ({ topic: p.topic, partition: p.partition, error: p.error?.errorName ?? null, producers: p.producers }))
        }
      } finally {
        await admin.close()
      }
    }
    const [k, f] = [await run(kafka.bootstrap), await run(fake.bootstrap)]
    t.same(f, k)
    t.match(k, { altered: [{ error: null }, { error: null }, { error: 'INVALID_REQUEST' }], badFilter: 'INVALID_REQUEST' }, 'the calls did what they should')
  })

  await t.test('controller_mutation_rate: strict versions refuse once the bucket is empty, older ones are only throttled', async t => {
    // A rate of 1 holds 11 tokens: a 12-partition topic empties the bucket to -1, so for about a second every
    // strict mutation of this client id is refused. Throttle times depend on each broker's clock: compared as
    // "over 0 and at most what the arithmetic gives" (1000 ms per missing token), codes and messages exactly.
    const run = async (bootstrap: string): Promise<unknown[]> => {
      const c = await RawClient.connect(bootstrap.split(',')[0])
      try {
        const set = await c.request(AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'client-id', entityName: 'cmq' }], ops: [{ key: 'controller_mutation_rate', value: 1, remove: false }] }], validateOnly: false })
        // Kafka's brokers learn of the quota from the controller's log a moment later: wait (bounded) until this one has.
        for (let i = 0; i < 100; i++) {
          const d = await c.request(DescribeClientQuotas, 1, { components: [{ entityType: 'client-id', matchType: 0, match: 'cmq' }], strict: true })
          if ((d.entries ?? []).length > 0) break
          await new Promise(resolve => setTimeout(resolve, 100))
        }
        const throttled = (ms: number, most: number): string => ms > 0 && ms <= most ? `throttled up to ${most} ms` : `throttle ${ms}`
        const topic = (name: string, numPartitions: number): unknown => ({ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] })
        const out: unknown[] = [set.entries[0].errorCode]
        const strict = await c.request(CreateTopics, 7, { topics: [topic('cmq-big', 12), topic('cmq-next', 1)], timeoutMs: 30_000, validateOnly: false }, 'cmq')
        out.push(['CreateTopics v7', strict.topics.map((x: any) => [x.name, x.errorCode, x.errorMessage]), throttled(strict.throttleTimeMs, 1000)])
        const permissive = await c.request(CreateTopics, 5, { topics: [topic('cmq-old', 2)], timeoutMs: 30_000, validateOnly: false }, 'cmq')
        out.push(['CreateTopics v5', permissive.topics.map((x: any) => [x.name, x.errorCode]), throttled(permissive.throttleTimeMs, 3000)])
        const grow = await c.request(CreatePartitions, 3, { topics: [{ name: 'cmq-big', count: 13, assignments: null }], timeoutMs: 30_000, validateOnly: false }, 'cmq')
        out.push(['CreatePartitions v3', grow.results.map((r: any) => [r.name, r.errorCode, r.errorMessage]), throttled(grow.throttleTimeMs, 3000)])
        const del = await c.request(DeleteTopics, 5, { topicNames: ['cmq-old'], timeoutMs: 30_000 }, 'cmq')
        out.push(['DeleteTopics v5', del.responses.map((r: any) => [r.name, r.errorCode, r.errorMessage]), throttled(del.throttleTimeMs, 3000)])
        const other = await c.request(CreateTopics, 7, { topics: [topic('cmq-other', 3)], timeoutMs: 30_000, validateOnly: false }, 'another-client')
        out.push(['another client id', other.topics.map((x: any) => [x.name, x.errorCode]), other.throttleTimeMs])
        return out
      } finally {
        c.close()
      }
    }
    const real = await run(kafka.bootstrap)
    t.comment(JSON.stringify(real))
    t.same(await run(fake.bootstrap), real)
  })
})
