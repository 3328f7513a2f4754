import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { SimpleConsumer, OffsetOutOfRangeError, tpKey, produce } from '../../consumer/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { KafkaRecord } from '../../protocol/records/index.js'

// The simple consumer against our fake broker: offsets, exact ranges, the iterator, and recovery from every fault
// the fake broker can inject. The invariant under faults: every record exactly once, in order per partition.

const FAST = { retryBackoffMs: 5, retryBackoffMaxMs: 20, reconnectBackoffMs: 5, reconnectBackoffMaxMs: 20, fetchWaitMaxMs: 50, requestTimeoutMs: 5000 }

async function setup (t: any, opts: { brokers?: number, partitions?: number, batches?: number, perBatch?: number, consumer?: Record<string, unknown> } = {}) {
  const cluster = await FakeCluster.start({ brokers: opts.brokers ?? 3, topics: [{ name: 'orders', partitions: opts.partitions ?? 3 }] })
  t.teardown(async () => await cluster.stop())
  const batches = opts.batches ?? 5
  const perBatch = opts.perBatch ?? 10
  for (let p = 0; p < (opts.partitions ?? 3); p++) {
    for (let b = 0; b < batches; b++) {
      cluster.produce('orders', p, Array.from({ length: perBatch }, (_, i) => ({ key: `k${p}`, value: `p${p}-${b * perBatch + i}`, timestamp: 1000 + b * perBatch + i })))
    }
  }
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, ...opts.consumer })
  t.teardown(async () => await consumer.close())
  return { cluster, consumer, total: BigInt(batches * perBatch) }
}

function values (rs: KafkaRecord[] | undefined): string[] {
  return (rs ?? []).map(r => String(r.value))
}

function expected (p: number, from: number, until: number): string[] {
  return Array.from({ length: until - from }, (_, i) => `p${p}-${from + i}`)
}

t.test('metadata lists topics, partitions and leaders with epochs', async t => {
  const { consumer } = await setup(t)
  const md = await consumer.metadata(['orders'])
  t.equal(md.brokers.length, 3)
  const topic = md.topics.find(x => x.name === 'orders')
  t.equal(topic?.partitions.length, 3)
  for (const p of topic?.partitions ?? []) {
    t.ok(p.leader >= 1 && p.leader <= 3)
    t.ok(p.leaderEpoch >= 0)
  }
})

t.test('earliest, latest and offsets for times come from one ListOffsets per leader', async t => {
  const { consumer } = await setup(t)
  const tps = [0, 1, 2].map(partition => ({ topic: 'orders', partition }))
  t.same([...(await consumer.earliestOffsets(tps)).values()], [0n, 0n, 0n])
  t.same([...(await consumer.latestOffsets(tps)).values()], [50n, 50n, 50n])
  const times = await consumer.offsetsForTimes(tps.map(tp => ({ ...tp, timestamp: 1025 })))
  t.same([...times.values()], [25n, 25n, 25n])
  const none = await consumer.offsetsForTimes([{ topic: 'orders', partition: 0, timestamp: 999999 }])
  t.equal(none.get(tpKey('orders', 0)), -1n)
})

t.test('a partition asked twice is named once in ListOffsets (Kafka refuses duplicates), the last timestamp winning', async t => {
  const { cluster, consumer } = await setup(t, { brokers: 1 })
  const sent: number[][] = []
  cluster.faults.intercept(req => {
    if (req.apiName === 'ListOffsets') sent.push((req.body as { topics: Array<{ partitions: Array<{ partitionIndex: number }> }> }).topics.flatMap(x => x.partitions.map(p => p.partitionIndex)))
    return undefined
  })
  const got = await consumer.offsetsForTimes([{ topic: 'orders', partition: 1, timestamp: 1025 }, { topic: 'orders', partition: 2, timestamp: -2 }, { topic: 'orders', partition: 1, timestamp: -1 }])
  t.same(sent, [[1, 2]], 'one request, each partition once')
  t.equal(got.get(tpKey('orders', 1)), 50n, 'the last query for partition 1 (latest) answered')
  t.equal(got.get(tpKey('orders', 2)), 0n)
})

t.test('fetch returns exactly [from, until) for many partitions, starting inside a batch', async t => {
  const { consumer } = await setup(t)
  const got = await consumer.fetch([
    { topic: 'orders', partition: 0, fromOffset: 5n, untilOffset: 37n },
    { topic: 'orders', partition: 1, fromOffset: 0n, untilOffset: 50n },
    { topic: 'orders', partition: 2, fromOffset: 49n, untilOffset: 50n }
  ])
  t.same(values(got.get('orders:0')), expected(0, 5, 37))
  t.same(values(got.get('orders:1')), expected(1, 0, 50))
  t.same(values(got.get('orders:2')), expected(2, 49, 50))
  t.same(got.get('orders:0')?.map(r => r.offset), Array.from({ length: 32 }, (_, i) => BigInt(5 + i)))
})

t.test('recycle hands a printed round\'s memory to the next large response', async t => {
  // Records of ~40 KiB: each fetch response is far above the pool's threshold.
  const cluster = await FakeCluster.start({ topics: [{ name: 'big', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  for (let i = 0; i < 20; i++) cluster.produce('big', 0, [{ key: null, value: Buffer.alloc(40_000, 0x61 + i) }])
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, maxPartitionFetchBytes: 200_000 })
  t.teardown(async () => await consumer.close())
  const seen: number[] = []
  let from = 0n
  const buffers = new Set<ArrayBufferLike>()
  while (from < 20n) {
    const round = await consumer.fetchOnce([{ topic: 'big', partition: 0, fromOffset: from }], { lazy: true })
    const got = round.get(tpKey('big', 0))
    if (got === undefined) break
    for (const r of got.records) {
      t.ok((r.value as Buffer).every(b => b === 0x61 + Number(r.offset)), `record ${r.offset} intact`)
      seen.push(Number(r.offset))
    }
    buffers.add((got.raw as { blob: Buffer }).blob.buffer)
    from = got.nextOffset
    consumer.recycle(round.values())
  }
  t.same(seen, Array.from({ length: 20 }, (_, i) => i))
  t.equal(buffers.size, 1, 'every round after the first landed in the first one\'s buffer')
})

t.test('an empty range returns no records without a request', async t => {
  const { consumer } = await setup(t)
  const got = await consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 7n, untilOffset: 7n }])
  t.same(got.get('orders:0'), [])
})

t.test('small byte limits split the read into many fetches without losing or repeating records', async t => {
  const { consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 200, fetchMaxBytes: 400 } })
  const got = await consumer.fetch([0, 1, 2].map(partition => ({ topic: 'orders', partition, fromOffset: 0n, untilOffset: 50n })))
  for (const p of [0, 1, 2]) t.same(values(got.get(`orders:${p}`)), expected(p, 0, 50))
})

t.test('a record larger than the partition limit is fetched by growing the limit (KIP-74)', async t => {
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 'big', partitions: 2 }] })
  t.teardown(async () => await cluster.stop())
  const big = 'x'.repeat(5000)
  for (const p of [0, 1]) cluster.produce('big', p, [{ value: big + p }])
  for (const p of [0, 1]) cluster.produce('big', p, [{ value: 'small' }])
  const consumer = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, ...FAST, maxPartitionFetchBytes: 1024 })
  t.teardown(async () => await consumer.close())
  const got = await consumer.fetch([0, 1].map(partition => ({ topic: 'big', partition, fromOffset: 0n, untilOffset: 2n })))
  for (const p of [0, 1]) t.same(values(got.get(`big:${p}`)), [big + p, 'small'])
})

t.test('a range below the log start fails with OffsetOutOfRangeError carrying the valid range', async t => {
  const { cluster, consumer } = await setup(t)
  cluster.faults.deleteRecordsBefore('orders', 0, 20n)
  const err = await consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 5n, untilOffset: 30n }]).then(() => null, (e: unknown) => e)
  t.type(err, OffsetOutOfRangeError)
  const e = err as OffsetOutOfRangeError
  t.same([e.topic, e.partition, e.requested, e.logStartOffset, e.highWatermark], ['orders', 0, 5n, 20n, 50n])
  t.equal(e.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE)
})

t.test('a range ending past the high watermark fails with OffsetOutOfRangeError', async t => {
  const { consumer } = await setup(t)
  await t.rejects(consumer.fetch([{ topic: 'orders', partition: 1, fromOffset: 40n, untilOffset: 60n }]), OffsetOutOfRangeError)
})

t.test('the records iterator yields one partition from an offset to an end', async t => {
  const { consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 300 } })
  const seen: string[] = []
  for await (const r of consumer.records('orders', 2, 13n, 44n)) seen.push(String(r.value))
  t.same(seen, expected(2, 13, 44))
})

t.test('the records iterator follows the log as it grows', async t => {
  const { cluster, consumer } = await setup(t, { partitions: 1, batches: 1 })
  const seen: string[] = []
  for await (const r of consumer.records('orders', 0, 8n)) {
    seen.push(String(r.value))
    if (r.offset === 9n) cluster.produce('orders', 0, [{ value: 'p0-10' }, { value: 'p0-11' }])
    if (r.offset === 11n) break
  }
  t.same(seen, expected(0, 8, 12))
})

async function consumeAll (consumer: SimpleConsumer, partitions: number, until: bigint, during: (round: number) => Promise<void> | void): Promise<Map<string, KafkaRecord[]>> {
  // Reads in small steps through fetchOnce, calling `during` between steps, so faults land mid-consume.
  const out = new Map<string, KafkaRecord[]>()
  const pos = new Map<number, bigint>()
  for (let p = 0; p < partitions; p++) { pos.set(p, 0n); out.set(tpKey('orders', p), []) }
  for (let round = 0; [...pos.values()].some(v => v < until); round++) {
    await during(round)
    const active = [...pos].filter(([, v]) => v < until).map(([partition, fromOffset]) => ({ topic: 'orders', partition, fromOffset, untilOffset: until }))
    const got = await consumer.fetchOnce(active)
    for (const [k, f] of got) {
      out.get(k)?.push(...f.records)
      pos.set(f.partition, f.nextOffset)
    }
  }
  return out
}

function checkExactlyOnce (t: any, out: Map<string, KafkaRecord[]>, partitions: number, until: number): void {
  for (let p = 0; p < partitions; p++) {
    t.same(values(out.get(tpKey('orders', p))), expected(p, 0, until), `partition ${p}: every record once, in order`)
  }
}

t.test('leaders moving mid-consume: every record exactly once, in order', async t => {
  const { cluster, consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 250 } })
  const out = await consumeAll(consumer, 3, 50n, round => {
    for (let p = 0; p < 3; p++) cluster.faults.moveLeader('orders', p, ((round + p) % 3) + 1)
  })
  checkExactlyOnce(t, out, 3, 50)
})

t.test('a broker going down and coming back: every record exactly once, in order', async t => {
  const { cluster, consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 250 } })
  const out = await consumeAll(consumer, 3, 50n, async round => {
    if (round === 1) await cluster.faults.brokerDown(1)
    if (round === 3) await cluster.faults.brokerUp(1)
    if (round === 4) await cluster.faults.brokerDown(2)
    if (round === 6) await cluster.faults.brokerUp(2)
  })
  checkExactlyOnce(t, out, 3, 50)
})

t.test('injected retriable errors are retried: every record exactly once, in order', async t => {
  const { cluster, consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 250 } })
  const errors = [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]
  const out = await consumeAll(consumer, 3, 50n, round => {
    if (round % 2 === 0) cluster.faults.failNext('Fetch', 1, errors[round % errors.length], { topic: 'orders', partition: round % 3 })
  })
  checkExactlyOnce(t, out, 3, 50)
  cluster.faults.failNext('ListOffsets', 2, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  t.same([...(await consumer.latestOffsets([{ topic: 'orders', partition: 0 }])).values()], [50n])
})

t.test('connections dropped mid-response are re-established: every record exactly once, in order', async t => {
  const { cluster, consumer } = await setup(t, { consumer: { maxPartitionFetchBytes: 250 } })
  const out = await consumeAll(consumer, 3, 50n, round => {
    if (round % 3 === 1) cluster.faults.dropConnectionMidResponse('Fetch', 1)
  })
  checkExactlyOnce(t, out, 3, 50)
})

t.test('a non-retriable error is not retried', async t => {
  const { cluster, consumer } = await setup(t)
  cluster.faults.failNext('Fetch', 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  await t.rejects(consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 0n, untilOffset: 5n }]), { errorName: 'TOPIC_AUTHORIZATION_FAILED' })
})

t.test('retries are bounded', async t => {
  const { cluster, consumer } = await setup(t, { consumer: { retries: 2 } })
  cluster.faults.failNext('Fetch', 100, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  await t.rejects(consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 0n, untilOffset: 5n }]), { errorName: 'NOT_LEADER_OR_FOLLOWER' })
})

t.test('the small producer appends a batch to the leader and returns its base offset', async t => {
  const { consumer } = await setup(t, { partitions: 1, batches: 1 })
  const base = await produce(consumer.client, 'orders', 0, [{ value: 'p0-10' }, { value: 'p0-11' }], { compression: 'gzip' })
  t.equal(base, 10n)
  const got = await consumer.fetch([{ topic: 'orders', partition: 0, fromOffset: 0n, untilOffset: 12n }])
  t.same(values(got.get('orders:0')), expected(0, 0, 12))
})
