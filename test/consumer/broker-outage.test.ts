import t from 'tap'
import { Readable, Writable } from 'node:stream'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { SimpleConsumer } from '../../consumer/simple-consumer.js'
import { run as kcat } from '../../tools/cli/commands/kcat.js'
import { StreamingContext } from '../../streaming/context.js'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { createReceiverStream } from '../../streaming/receiver-stream.js'
import { valueString } from '../../streaming/message-handlers.js'
import { ConnectionError } from '../../protocol/errors.js'

// A broker outage of any length is waited out: the kcat-style consumer, SimpleConsumer.records() following a
// partition, the direct stream and the receiver stream all read on once the broker is back, each record exactly
// once, saying on stderr (or their log) while it lasts what they are waiting for. One 30 s outage, for all four at
// once: the point is that it outlasts every retry budget (the consumer's retries gave up after about 7 s before).

const OUTAGE_MS = 30_000
const BEFORE = 20
const DURING = 15
const AFTER = 15
const PER_PARTITION = BEFORE + DURING + AFTER

function produce (c: FakeCluster, from: number, n: number): void {
  for (let p = 0; p < 2; p++) c.produce('o', p, Array.from({ length: n }, (_, i) => ({ value: `p${p}-${from + i}` })))
}

const expected = (p: number): string[] => Array.from({ length: PER_PARTITION }, (_, i) => `p${p}-${i}`)
const byPartition = (values: string[]): string[][] => [0, 1].map(p => values.filter(v => v.startsWith(`p${p}-`)))

/** A Writable that keeps what is written, as text. */
function sink (): Writable & { text: () => string } {
  const chunks: Buffer[] = []
  const w = new Writable({ write (chunk: Buffer, _enc, cb) { chunks.push(Buffer.from(chunk)); cb() } }) as Writable & { text: () => string }
  w.text = () => Buffer.concat(chunks).toString('utf8')
  return w
}

/** Resolves once `check` holds, looked at whenever `poke` is called. */
function when (check: () => boolean): { promise: Promise<void>, poke: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, poke: () => { if (check()) resolve() } }
}

t.test(`a ${OUTAGE_MS / 1000} s broker outage is waited out by the CLI, records(), the direct and the receiver stream, losing and repeating nothing`, async t => {
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'o', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  produce(cluster, 0, BEFORE)
  // Short backoffs keep the number of warning lines small; the defaults behave the same, only chattier.
  const fast = { 'retry.backoff.ms': 200, 'retry.backoff.max.ms': 3000, 'reconnect.backoff.max.ms': 1000, 'fetch.max.wait.ms': 100 }

  // 1. The kcat-style consumer: -c stops it after every record.
  const stdout = sink()
  const stderr = sink()
  const cli = kcat(['-b', cluster.bootstrap, '-C', '-t', 'o', '-o', 'beginning', '-c', String(2 * PER_PARTITION), '-q',
    ...Object.entries(fast).flatMap(([k, v]) => ['-X', `${k}=${v}`])], { stdin: Readable.from([]), stdout, stderr })

  // 2. records() following partition 0 (no end offset: it follows the log), taken until all of it is read.
  const followerLog: string[] = []
  const follower = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...fast, log: (l: string) => { followerLog.push(l) } })
  t.teardown(() => follower.close())
  const followed: string[] = []
  const following = (async () => {
    for await (const r of follower.records('o', 0, 0n)) {
      followed.push(r.value?.toString() ?? '')
      if (followed.length === PER_PARTITION) break
    }
  })()

  // 3. and 4. Both streams in one context.
  const ctx = new StreamingContext({ batchIntervalMs: 200, log: () => {} })
  const params = { 'bootstrap.servers': cluster.bootstrap, 'auto.offset.reset': 'smallest', ...fast }
  const direct: string[] = []
  const received: string[] = []
  const streamsDone = when(() => direct.length >= 2 * PER_PARTITION && received.length >= 2 * PER_PARTITION)
  createDirectStream(ctx, params, ['o'], { messageHandler: valueString }).foreachRDD(rdd => {
    direct.push(...(rdd.collect() as string[]))
    streamsDone.poke()
  })
  createReceiverStream(ctx, params, ['o'], { messageHandler: valueString }).foreachRDD(rdd => {
    received.push(...(rdd.collect() as string[]))
    streamsDone.poke()
  })
  const firstBatch = when(() => direct.length >= 2 * BEFORE && received.length >= 2 * BEFORE && followed.length >= BEFORE)
  ctx.addListener({ onBatchCompleted: () => { firstBatch.poke() } })
  await ctx.start()
  t.teardown(() => ctx.stop({ graceful: false }))
  await firstBatch.promise

  // The outage: the only broker goes away for 30 s; records are appended to its log meanwhile.
  await cluster.faults.brokerDown(1)
  produce(cluster, BEFORE, DURING)
  await new Promise(resolve => setTimeout(resolve, OUTAGE_MS))
  await cluster.faults.brokerUp(1)
  produce(cluster, BEFORE + DURING, AFTER)

  t.equal(await cli, 0, 'the CLI consumer exits 0 once it has every record')
  await following
  await streamsDone.promise
  await ctx.stop()

  const printed = stdout.text().split('\n').filter(l => l !== '')
  t.same(byPartition(printed), [expected(0), expected(1)], 'CLI: every record once, in order')
  t.same(followed, expected(0), 'records(): every record once, in order')
  t.same(byPartition(direct), [expected(0), expected(1)], 'direct stream: every record once, in order')
  t.same(byPartition(received), [expected(0), expected(1)], 'receiver stream: every record once, in order')
  t.match(stderr.text(), /^% waiting for 127\.0\.0\.1:\d+: .*ECONNREFUSED.*, retry \d+ in \d+ ms$/m, 'the CLI says what it waits for')
  t.ok(followerLog.some(l => l.startsWith('% waiting for')), 'records() logs the outage')
  t.ok(followerLog.some(l => /the cluster answers again after \d+ ms/.test(l)), 'and its end')
})

t.test('outage.max.ms bounds how long an outage is waited out', async t => {
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'o', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('o', 0, [{ value: 'x' }])
  const lines: string[] = []
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, outageMaxMs: 300, retryBackoffMs: 20, retryBackoffMaxMs: 50, log: (l: string) => { lines.push(l) } })
  t.teardown(() => consumer.close())
  t.equal((await consumer.latestOffsets([{ topic: 'o', partition: 0 }])).get('o:0'), 1n)
  await cluster.faults.brokerDown(1)
  await t.rejects(consumer.fetchOnce([{ topic: 'o', partition: 0, fromOffset: 0n }]), ConnectionError)
  t.ok(lines.length >= 1, 'it warned while waiting')
})

t.test('a stream stopped during an outage stops, rather than waiting for the broker', async t => {
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'o', partitions: 2 }] })
  t.teardown(() => cluster.stop())
  produce(cluster, 0, 2)
  const ctx = new StreamingContext({ batchIntervalMs: 100, log: () => {} })
  const params = { 'bootstrap.servers': cluster.bootstrap, 'auto.offset.reset': 'smallest', 'retry.backoff.max.ms': 200, 'fetch.max.wait.ms': 50 }
  let direct = 0
  let received = 0
  const ready = when(() => direct >= 4 && received >= 4)
  createDirectStream(ctx, params, ['o'], { messageHandler: valueString }).foreachRDD(rdd => { direct += rdd.count(); ready.poke() })
  createReceiverStream(ctx, params, ['o'], { messageHandler: valueString }).foreachRDD(rdd => { received += rdd.count(); ready.poke() })
  await ctx.start()
  await ready.promise
  await cluster.faults.brokerDown(1)
  // Three batch intervals: a batch is planning against the missing broker and the receiver is waiting for it.
  await new Promise(resolve => setTimeout(resolve, 300))
  await ctx.stop()
  t.pass('stopped while the broker was down')
})
