import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { AlterClientQuotas, CreateTopics, DescribeClientQuotas, Metadata } from '../../protocol/apis/index.js'
import type { ApiSchema } from '../../protocol/schema/define.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { RawClient } from '../../test/tools/fake-broker/raw-client.js'

// Topics created automatically (Metadata with allowAutoTopicCreation) and controller_mutation_rate (KIP-599),
// against one real Kafka 4.4 node and the fake broker. Kafka's broker forwards an auto-creation to its controller
// in the asker's name, so the partitions are charged to the asker's bucket: with a rate of 1 (a bucket of 11), an
// auto-created topic of 20 partitions leaves it at -9, the same client's next CreateTopics v7 is refused, and so is
// its next auto-creation (Metadata answers UNKNOWN_TOPIC_OR_PARTITION, unthrottled, and nothing is created) until
// the bucket has refilled; another client id is not affected. Kafka creates asynchronously and first answers an
// auto-created topic as unknown, the fake at once (deliberate.ts): compared here is whether the topic comes to
// exist. Each request has its own connection, since a throttled answer mutes its connection.

const skip = await realKafkaSkip()
const PARTITIONS = 20

async function once (bootstrap: string, api: ApiSchema, version: number, body: unknown, clientId: string): Promise<any> {
  const c = await RawClient.connect(bootstrap.split(',')[0])
  try { return await c.request(api, version, body, clientId) } finally { c.close() }
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

const metadata = async (bootstrap: string, name: string, allowAutoTopicCreation: boolean, clientId: string): Promise<any> =>
  await once(bootstrap, Metadata, 12, { topics: [{ name }], allowAutoTopicCreation, includeTopicAuthorizedOperations: false }, clientId)

/** Whether the topic exists within `waitMs` (asked without creating it), and with how many partitions. */
async function exists (bootstrap: string, name: string, waitMs: number): Promise<string> {
  const until = Date.now() + waitMs
  for (;;) {
    const md = (await metadata(bootstrap, name, false, 'observer')).topics[0]
    if (md.errorCode === ErrorCode.NONE) return `exists, ${md.partitions.length as number} partitions`
    if (Date.now() > until) return 'does not exist'
    await sleep(200)
  }
}

const throttled = (ms: number, most: number): string => ms > 0 && ms <= most ? `throttled up to ${most} ms` : `throttle ${ms}`

async function run (bootstrap: string): Promise<unknown[]> {
  const set = await once(bootstrap, AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: 'client-id', entityName: 'acq' }], ops: [{ key: 'controller_mutation_rate', value: 1, remove: false }] }], validateOnly: false }, 'admin')
  // Kafka's broker learns of the quota from the controller's log a moment later: wait (bounded) until it has.
  for (let i = 0; i < 100; i++) {
    const d = await once(bootstrap, DescribeClientQuotas, 1, { components: [{ entityType: 'client-id', matchType: 0, match: 'acq' }], strict: true }, 'admin')
    if ((d.entries ?? []).length > 0) break
    await sleep(100)
  }
  const out: unknown[] = [['quota set', set.entries[0].errorCode]]
  const first = await metadata(bootstrap, 'acq-auto-1', true, 'acq')
  out.push(['auto-creation with a full bucket: Metadata throttle', first.throttleTimeMs])
  const ct = await once(bootstrap, CreateTopics, 7, { topics: [{ name: 'acq-after', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false }, 'acq')
  out.push(['CreateTopics v7 after it', ct.topics.map((x: any) => [x.name, x.errorCode, x.errorMessage]), throttled(ct.throttleTimeMs, (PARTITIONS - 11) * 1000)])
  out.push(['the auto-created topic', await exists(bootstrap, 'acq-auto-1', 10_000)])
  const refused = await metadata(bootstrap, 'acq-auto-2', true, 'acq')
  out.push(['auto-creation with an empty bucket', refused.throttleTimeMs, refused.topics[0].errorCode, refused.topics[0].partitions])
  out.push(['the refused topic, 1 s later', await exists(bootstrap, 'acq-auto-2', 1000)])
  const other = await metadata(bootstrap, 'acq-auto-3', true, 'acq-other')
  out.push(['another client id: Metadata throttle', other.throttleTimeMs])
  out.push(['its auto-created topic', await exists(bootstrap, 'acq-auto-3', 10_000)])
  // Asked again once the bucket has refilled (about 9 s after the first), the topic is created.
  let again = 'not created'
  for (let i = 0; i < 60 && again === 'not created'; i++) {
    await sleep(500)
    if ((await metadata(bootstrap, 'acq-auto-2', true, 'acq')).topics[0].errorCode === ErrorCode.NONE) again = 'created'
    else if ((await exists(bootstrap, 'acq-auto-2', 0)).startsWith('exists')) again = 'created'
  }
  out.push(['asked again until the bucket refills', again])
  return out
}

t.test('auto-created topics count against controller_mutation_rate as on real Kafka 4.4', { skip }, async t => {
  const kafka = await realKafkaFor(t, { config: { 'num.partitions': PARTITIONS } })
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true, defaultPartitions: PARTITIONS })
  t.teardown(() => fake.stop())
  const [real, faked] = await Promise.all([run(kafka.bootstrap), run(fake.bootstrap)])
  t.comment(JSON.stringify(real))
  t.same(real, [
    ['quota set', ErrorCode.NONE],
    ['auto-creation with a full bucket: Metadata throttle', 0],
    ['CreateTopics v7 after it', [['acq-after', ErrorCode.THROTTLING_QUOTA_EXCEEDED, null]], 'throttled up to 9000 ms'],
    ['the auto-created topic', 'exists, 20 partitions'],
    ['auto-creation with an empty bucket', 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ['the refused topic, 1 s later', 'does not exist'],
    ['another client id: Metadata throttle', 0],
    ['its auto-created topic', 'exists, 20 partitions'],
    ['asked again until the bucket refills', 'created']
  ], 'what Kafka 4.4 does')
  t.same(faked, real, 'the fake does the same')
})
