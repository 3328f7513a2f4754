import t from 'tap'
import { createRequire } from 'node:module'
import { FakeCluster } from '../../tools/fake-broker/index.js'

// kafka-node 5 (devDependency) speaks the pre-0.11 protocol, so every answer it gets from the fake broker is
// down-converted from stored record batches: its Consumer sends Fetch v0 (magic-0 message sets) and hands every
// message of an answer to the application, without skipping those below the offset it asked for; its
// ConsumerGroup sends Fetch v2 (magic 1). A broker that converted whole stored batches made a Consumer starting
// inside a batch deliver the batch's earlier records. Checked: a Consumer from offset 110 (inside the third batch)
// gets 110..199, each once; from 0 it gets every record once; a ConsumerGroup reads every record once over v2.

let kafkaNode: any
try { kafkaNode = createRequire(import.meta.url)('kafka-node') } catch {}
const skip = kafkaNode === undefined ? 'kafka-node is not installed (npm devDependency kafka-node@5)' : false

const RECORDS = 200

async function setup (t: any): Promise<{ cluster: FakeCluster, requests: string[] }> {
  const requests: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 'kn', partitions: 1 }], verbose: true, log: line => requests.push(line) })
  t.teardown(() => cluster.stop())
  // Batches of 50, as a producer writes them: most offsets a consumer may start from lie inside a stored batch.
  for (let b = 0; b < RECORDS / 50; b++) {
    cluster.produce('kn', 0, Array.from({ length: 50 }, (_, i) => ({ key: `k${b * 50 + i}`, value: `v${b * 50 + i}`, timestamp: 1_700_000_000_000 + b * 50 + i })))
  }
  return { cluster, requests }
}

/** Collects [offset, value] from a kafka-node consumer until offset RECORDS-1 arrives (or 20 s pass). */
function collect (consumer: any): Promise<Array<[number, string]>> {
  const got: Array<[number, string]> = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { resolve(got) }, 20_000)
    consumer.on('error', (err: Error) => { clearTimeout(timer); reject(err) })
    consumer.on('message', (m: { offset: number, value: string }) => {
      got.push([m.offset, String(m.value)])
      if (m.offset >= RECORDS - 1) { clearTimeout(timer); resolve(got) }
    })
  })
}

const expected = (from: number): Array<[number, string]> => Array.from({ length: RECORDS - from }, (_, i) => [from + i, `v${from + i}`])

for (const from of [110, 0]) {
  t.test(`a kafka-node Consumer from offset ${from} gets ${from}..${RECORDS - 1}, each once (Fetch v0, magic 0)`, { skip }, async t => {
    const { cluster, requests } = await setup(t)
    const client = new kafkaNode.KafkaClient({ kafkaHost: cluster.bootstrap, connectTimeout: 5000, requestTimeout: 10_000 })
    const consumer = new kafkaNode.Consumer(client, [{ topic: 'kn', partition: 0, offset: from }], { autoCommit: false, fromOffset: true, fetchMaxWaitMs: 50 })
    t.teardown(() => new Promise<void>(resolve => { consumer.close(true, () => { resolve() }) }))
    t.same(await collect(consumer), expected(from))
    t.ok(requests.some(l => l.includes(' Fetch v0 ')), 'kafka-node\'s Consumer fetched with Fetch v0')
  })
}

t.test('a kafka-node ConsumerGroup reads every record once (Fetch v2, magic 1)', { skip }, async t => {
  const { cluster, requests } = await setup(t)
  const consumer = new kafkaNode.ConsumerGroup({ kafkaHost: cluster.bootstrap, groupId: 'kn-group', fromOffset: 'earliest', autoCommit: false, fetchMaxWaitMs: 50, fetchMaxBytes: 1024 }, ['kn'])
  t.teardown(() => new Promise<void>(resolve => { consumer.close(true, () => { resolve() }) }))
  t.same(await collect(consumer), expected(0))
  t.ok(requests.some(l => l.includes(' Fetch v2 ')), 'kafka-node\'s ConsumerGroup fetched with Fetch v2')
})
