import t from 'tap'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { Producer, type ProducerRecord } from '../../../consumer/producer/producer.js'
import { partitionForKey } from '../../../consumer/producer/murmur2.js'
import { iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import { ConfigError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { RecordTooLargeError } from '../../../consumer/producer/producer-errors.js'
import type { RecordMetadata } from '../../../consumer/producer/producer-batch.js'

// The producer against the fake broker, which checks idempotent sequences as Kafka's ProducerStateManager does
// (tools/fake-broker/partition-log.ts): what lands in each partition's log is read back and compared with what
// was sent, in order, with nothing lost and nothing twice, also when responses are lost or refused.

async function setup (t: any, partitions = 4): Promise<FakeCluster> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'out', partitions }] })
  t.teardown(async () => await cluster.stop())
  return cluster
}

function producer (t: any, cluster: FakeCluster, config: Record<string, unknown> = {}): Producer {
  const p = new Producer({ bootstrapServers: cluster.bootstrap, retryBackoffMs: 10, retryBackoffMaxMs: 50, ...config })
  t.teardown(async () => await p.close())
  return p
}

/** The values in a partition's log, in offset order, and its batches' producer ids, epochs and sequences. */
function readLog (cluster: FakeCluster, topic: string, partition: number): { values: string[], batches: Array<{ producerId: bigint, producerEpoch: number, baseSequence: number, recordCount: number }> } {
  const blob = cluster.partitionState(topic, partition).log.read(0, 1 << 30, true)
  const values = [...iterateRecords(blob)].map(r => String(r.value))
  const batches = scanBatches(blob).batches.map(b => ({ producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, recordCount: b.recordCount }))
  return { values, batches }
}

async function produceAll (p: Producer, records: ProducerRecord[]): Promise<Array<RecordMetadata | Error>> {
  const results: Array<Promise<RecordMetadata | Error>> = []
  for (const r of records) {
    let settle!: (v: RecordMetadata | Error) => void
    results.push(new Promise(resolve => { settle = resolve }))
    const w = p.produce(r, (err, meta) => settle(err ?? meta as RecordMetadata))
    if (w !== undefined) await w
  }
  await p.flush()
  return await Promise.all(results)
}

t.test('keyed records land on the Java partitioner\'s partitions, in order, with per-record delivery reports', async t => {
  const cluster = await setup(t)
  const p = producer(t, cluster)
  const records = Array.from({ length: 2000 }, (_, i) => ({ topic: 'out', key: `k${i % 37}`, value: `v${i}` }))
  const results = await produceAll(p, records)
  const expected = new Map<number, string[]>()
  results.forEach((r, i) => {
    if (r instanceof Error) throw r
    const want = partitionForKey(Buffer.from(records[i].key), 4)
    if (r.partition !== want) t.fail(`record ${i} went to ${r.partition}, not ${want}`)
    let list = expected.get(want)
    if (list === undefined) expected.set(want, list = [])
    if (r.offset !== BigInt(list.length)) t.fail(`record ${i}: offset ${r.offset}, expected ${list.length}`)
    list.push(records[i].value)
  })
  for (let part = 0; part < 4; part++) {
    const log = readLog(cluster, 'out', part)
    t.strictSame(log.values, expected.get(part) ?? [], `partition ${part} holds exactly its records, in order`)
    t.ok(log.batches.every(b => b.producerId >= 0n && b.producerEpoch === 0), 'every batch is idempotent (producer id, epoch 0)')
    let seq = 0
    for (const b of log.batches) {
      if (b.baseSequence !== seq) t.fail(`partition ${part}: a batch at sequence ${b.baseSequence}, expected ${seq}`)
      seq += b.recordCount
    }
  }
})

t.test('records are batched: linger.ms and batch.num.messages decide how many Produce requests are sent', async t => {
  const cluster = await setup(t, 1)
  let produces = 0
  cluster.faults.intercept(req => { if (req.apiName === 'Produce') produces++; return undefined })
  const p = producer(t, cluster, { 'linger.ms': 50, 'batch.num.messages': 100 })
  const results = await produceAll(p, Array.from({ length: 1000 }, (_, i) => ({ topic: 'out', value: `v${i}` })))
  t.ok(results.every(r => !(r instanceof Error)))
  t.equal(produces, 10, '1000 records in batches of 100: ten requests')
  t.equal(readLog(cluster, 'out', 0).batches.length, 10)
})

t.test('responses lost after the write: retries are recognised as duplicates, nothing is written twice', async t => {
  const cluster = await setup(t, 2)
  cluster.faults.dropConnectionMidResponse('Produce', 3)
  const p = producer(t, cluster, { 'linger.ms': 1, 'batch.num.messages': 50 })
  const records = Array.from({ length: 1000 }, (_, i) => ({ topic: 'out', partition: i % 2, value: `v${i}` }))
  const results = await produceAll(p, records)
  t.equal(results.filter(r => r instanceof Error).length, 0, 'every record delivered')
  for (let part = 0; part < 2; part++) {
    t.strictSame(readLog(cluster, 'out', part).values, records.filter(r => r.partition === part).map(r => r.value), `partition ${part}: each record once, in order`)
  }
})

t.test('a retriable error on one partition: the batch and those behind it are resent in order', async t => {
  const cluster = await setup(t, 1)
  cluster.faults.failNext('Produce', 3, ErrorCode.NOT_LEADER_OR_FOLLOWER)
  cluster.faults.addLatency(5, 'Produce')
  const p = producer(t, cluster, { 'linger.ms': 0, 'batch.num.messages': 20 })
  const records = Array.from({ length: 500 }, (_, i) => ({ topic: 'out', value: `v${i}` }))
  const results = await produceAll(p, records)
  t.equal(results.filter(r => r instanceof Error).length, 0)
  t.strictSame(readLog(cluster, 'out', 0).values, records.map(r => r.value))
})

t.test('UNKNOWN_PRODUCER_ID: the producer bumps its epoch (KIP-360) and resends from sequence 0', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'linger.ms': 0 })
  const first = await produceAll(p, [{ topic: 'out', value: 'a' }, { topic: 'out', value: 'b' }])
  t.ok(first.every(r => !(r instanceof Error)))
  cluster.faults.failNext('Produce', 1, ErrorCode.UNKNOWN_PRODUCER_ID)
  const second = await produceAll(p, [{ topic: 'out', value: 'c' }])
  t.ok(second.every(r => !(r instanceof Error)), 'delivered after the bump')
  const log = readLog(cluster, 'out', 0)
  t.strictSame(log.values, ['a', 'b', 'c'])
  const last = log.batches[log.batches.length - 1]
  t.equal(last.producerEpoch, 1, 'the epoch was bumped')
  t.equal(last.baseSequence, 0, 'and sequences start again at 0')
  t.equal(last.producerId, log.batches[0].producerId, 'the producer id stays the same (InitProducerId v3+)')
})

t.test('a batch that fails for good is reported; later records still go through, under a new epoch', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'linger.ms': 0 })
  t.ok((await produceAll(p, [{ topic: 'out', value: 'a' }]))[0] instanceof Object)
  cluster.faults.failNext('Produce', 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
  const [bad] = await produceAll(p, [{ topic: 'out', value: 'refused' }])
  t.ok(bad instanceof KafkaError && bad.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'the delivery report carries the broker error')
  const [good] = await produceAll(p, [{ topic: 'out', value: 'b' }])
  t.notOk(good instanceof Error)
  t.strictSame(readLog(cluster, 'out', 0).values, ['a', 'b'])
})

t.test('buffer.memory: produce makes the caller wait when the buffer is full, and memory stays bounded', async t => {
  const cluster = await setup(t, 1)
  cluster.faults.addLatency(20, 'Produce')
  const p = producer(t, cluster, { 'buffer.memory': 4096, 'linger.ms': 0, 'batch.size': 1024 })
  let waited = 0
  const value = Buffer.alloc(200, 1)
  const reports: Array<Promise<void>> = []
  for (let i = 0; i < 100; i++) {
    let done!: () => void
    reports.push(new Promise(resolve => { done = resolve }))
    const w = p.produce({ topic: 'out', value }, err => { if (err !== null) t.fail(err.message); done() })
    if (w !== undefined) { waited++; await w }
    t.ok((p as any).bufferedBytes <= 4096, 'within buffer.memory')
  }
  await p.flush()
  await Promise.all(reports)
  t.ok(waited > 10, `produce made the caller wait (${waited} times)`)
  t.equal(readLog(cluster, 'out', 0).values.length, 100)
})

t.test('acks=0 and acks=1 send without idempotence; bad combinations are ConfigErrors', async t => {
  const cluster = await setup(t, 1)
  const p0 = producer(t, cluster, { acks: 0, 'linger.ms': 0 })
  t.equal(p0.idempotent, false)
  const [r0] = await produceAll(p0, [{ topic: 'out', value: 'zero' }])
  t.equal((r0 as RecordMetadata).offset, -1n, 'acks=0: no offset is known')
  const p1 = producer(t, cluster, { acks: '1', 'linger.ms': 0 })
  const [r1] = await produceAll(p1, [{ topic: 'out', value: 'one' }])
  t.equal((r1 as RecordMetadata).offset, 1n)
  t.strictSame(readLog(cluster, 'out', 0).batches.map(b => b.producerId), [-1n, -1n])
  t.throws(() => new Producer({ bootstrapServers: cluster.bootstrap, acks: 1, 'enable.idempotence': true }), ConfigError)
  t.throws(() => new Producer({ bootstrapServers: cluster.bootstrap, 'linger.ms': -1 }), ConfigError)
  t.throws(() => new Producer({ bootstrapServers: cluster.bootstrap, 'compression.type': 'brotli' }), ConfigError)
})

t.test('a record larger than buffer.memory is refused at once with a typed error', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'buffer.memory': 2048 })
  t.throws(() => p.produce({ topic: 'out', value: Buffer.alloc(4096) }), RecordTooLargeError)
})

t.test('compressed batches round-trip through the broker', async t => {
  const cluster = await setup(t, 1)
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const p = producer(t, cluster, { 'compression.type': codec, 'linger.ms': 0 })
    const results = await produceAll(p, Array.from({ length: 50 }, (_, i) => ({ topic: 'out', value: `${codec}-${i}` })))
    t.ok(results.every(r => !(r instanceof Error)), codec)
    await p.close()
  }
  const values = readLog(cluster, 'out', 0).values
  t.equal(values.length, 200)
  t.equal(values[199], 'zstd-49')
})

t.test('with the cluster gone, delivery.timeout.ms fails the waiting records and flush returns', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'linger.ms': 0, 'delivery.timeout.ms': 300, 'request.timeout.ms': 200, 'socket.connection.setup.timeout.ms': 200 })
  await p.send({ topic: 'out', value: 'before' })
  await cluster.stop()
  const started = Date.now()
  const err = await p.send({ topic: 'out', value: 'after' }).catch((e: unknown) => e)
  t.ok(err instanceof Error, `the record fails (${String(err)})`)
  t.ok(Date.now() - started < 10_000, 'in bounded time')
  await p.flush()
})

t.test('max.in.flight.requests.per.connection caps the Produce requests awaiting an answer from one broker', async t => {
  const cluster = await setup(t, 1)
  cluster.faults.addLatency(20, 'Produce')
  const p = producer(t, cluster, { acks: 1, 'max.in.flight.requests.per.connection': 2, 'linger.ms': 0, 'batch.num.messages': 10 })
  // The fake broker answers a connection's requests one at a time, so the cap is watched on the client's side.
  let most = 0
  const watch = setInterval(() => { most = Math.max(most, (p as unknown as { totalInFlight: number }).totalInFlight) }, 1)
  t.teardown(() => clearInterval(watch))
  const results = await produceAll(p, Array.from({ length: 100 }, (_, i) => ({ topic: 'out', value: `v${i}` })))
  clearInterval(watch)
  t.ok(results.every(r => !(r instanceof Error)))
  t.equal(most, 2, 'at most two requests in flight, and the cap was reached')
  t.same(readLog(cluster, 'out', 0).values, Array.from({ length: 100 }, (_, i) => `v${i}`), 'in order (the broker answers in order)')
})

t.test('a record is copied when produce takes it: the caller may reuse its buffers at once', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'linger.ms': 20 })
  const value = Buffer.alloc(8)
  const key = Buffer.alloc(4)
  for (let i = 0; i < 50; i++) {
    value.write(`value-${String(i).padStart(2, '0')}`.slice(0, 8))
    key.writeUInt32BE(i)
    const w = p.produce({ topic: 'out', key, value, headers: [{ key: 'i', value }] })
    if (w !== undefined) await w
  }
  value.fill(0)
  await p.flush()
  const blob = cluster.partitionState('out', 0).log.read(0, 1 << 30, true)
  const records = [...iterateRecords(blob)]
  t.same(records.map(r => String(r.value)), Array.from({ length: 50 }, (_, i) => `value-${String(i).padStart(2, '0')}`.slice(0, 8)))
  t.same(records.map(r => (r.key as Buffer).readUInt32BE(0)), Array.from({ length: 50 }, (_, i) => i))
  t.same(records.map(r => String(r.headers[0].value)), records.map(r => String(r.value)))
})

t.test('batch.size is a limit: a record that would overflow a batch starts the next one', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'linger.ms': 1000, 'batch.size': 1024 })
  const results = await produceAll(p, Array.from({ length: 100 }, (_, i) => ({ topic: 'out', value: Buffer.alloc(100, i) })))
  t.ok(results.every(r => !(r instanceof Error)))
  const blob = cluster.partitionState('out', 0).log.read(0, 1 << 30, true)
  const sizes = scanBatches(blob).batches.map(b => b.end - b.start)
  t.ok(sizes.length >= 10, `${sizes.length} batches`)
  t.ok(sizes.every(n => n <= 1024), `every batch within 1024 bytes: ${sizes.join(', ')}`)
  // Whole batch.size buffers are reused after each acknowledged batch: the data stays intact through the reuse.
  t.same([...iterateRecords(blob)].map(r => (r.value as Buffer)[0]), Array.from({ length: 100 }, (_, i) => i))
})

t.test('a stream of records larger than batch.size goes through, each in its own batch, intact', async t => {
  const cluster = await setup(t, 1)
  const p = producer(t, cluster, { 'batch.size': 1024 })
  const results = await produceAll(p, Array.from({ length: 30 }, (_, i) => ({ topic: 'out', value: Buffer.alloc(5000 + (i % 3) * 100, i) })))
  t.ok(results.every(r => !(r instanceof Error)))
  const records = [...iterateRecords(cluster.partitionState('out', 0).log.read(0, 1 << 30, true))]
  t.same(records.map(r => [(r.value as Buffer).length, (r.value as Buffer)[0], (r.value as Buffer).at(-1)]), Array.from({ length: 30 }, (_, i) => [5000 + (i % 3) * 100, i, i]))
})
