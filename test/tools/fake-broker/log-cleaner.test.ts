import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SimpleConsumer } from '../../../consumer/simple-consumer.js'
import { Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { KafkaError } from '../../../protocol/errors.js'
import { encodeRecordBatch, iterateRecords, scanBatches, type RecordInput } from '../../../protocol/records/index.js'
import { ATTR_DELETE_HORIZON } from '../../../protocol/records/record-batch.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { runControlCommand } from '../../../tools/fake-broker/control-commands.js'
import { RawClient } from './raw-client.js'
import { createDirectStream } from '../../../streaming/direct-stream.js'
import { createRDD } from '../../../streaming/rdd.js'
import { valueString } from '../../../streaming/message-handlers.js'
import { offsetRangesOf } from '../../../streaming/offset-range.js'
import { StreamingContext } from '../../../streaming/context.js'

// Log compaction in the fake broker (tools/fake-broker/log-cleaner.ts) on a virtual clock: cleaning runs when a
// test calls compact(), never by timing. Each produced batch carries timestamps one second apart and segment.ms is
// 100, so every batch rolls a new segment (Kafka rolls by the records' timestamps) and the last one is the active
// segment, which is never cleaned.

const T0 = 1_800_000_000_000

interface Setup { cluster: FakeCluster, clock: { now: number }, at: number }

async function start (t: any, configs: Record<string, string> = {}, opts: { dataDir?: string } = {}): Promise<Setup> {
  const clock = { now: T0 }
  const cluster = await FakeCluster.start({ clock: () => clock.now, dataDir: opts.dataDir })
  t.teardown(() => cluster.stop())
  if (!cluster.state.topics.has('c')) cluster.createTopic('c', 1)
  setConfigs(cluster, { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0', ...configs })
  return { cluster, clock, at: T0 }
}

function setConfigs (cluster: FakeCluster, configs: Record<string, string>): void {
  cluster.state.configs.setTopicConfigs('c', Object.entries(configs).map(([name, value]) => ({ name, value })))
}

/** Produces one batch a second after the previous one (so it rolls a segment); `null` values are tombstones. */
function batch (s: Setup, pairs: Array<[string, string | null]>, opts: Parameters<FakeCluster['produce']>[3] = {}): bigint {
  s.at += 1000
  if (s.clock.now < s.at) s.clock.now = s.at
  return s.cluster.produce('c', 0, pairs.map(([key, value]): RecordInput => ({ key, value, timestamp: s.at })), opts)
}

/** Every record the log holds, as "offset key=value" (value "null" for a tombstone). */
function records (cluster: FakeCluster): string[] {
  const out: string[] = []
  for (const b of cluster.partitionState('c', 0).log.batches()) {
    for (const r of iterateRecords(b.view, { verifyCrc: true })) out.push(`${r.offset} ${r.key?.toString() ?? ''}=${r.value?.toString() ?? 'null'}`)
  }
  return out
}

t.test('the newest record of each key stays, offsets are kept, the active segment is untouched', async t => {
  const s = await start(t)
  batch(s, [['k1', 'a'], ['k2', 'b']])
  batch(s, [['k1', 'c']])
  batch(s, [['k2', 'd'], ['k3', 'e']])
  batch(s, [['k1', 'f']]) // the active segment
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['2 k1=c', '3 k2=d', '4 k3=e', '5 k1=f'], 'k1=c stays: k1=f is in the active segment, which is not cleaned')
  t.equal(s.cluster.highWatermark('c', 0), 6n)
  t.equal(s.cluster.logStartOffset('c', 0), 0n, 'compaction does not move the log start offset')
  t.equal(s.cluster.compact(), 0, 'nothing dirty is left below the active segment')
  batch(s, [['k9', 'z']])
  t.equal(s.cluster.compact(), 1, 'the rolled segment is dirty now')
  t.same(records(s.cluster), ['3 k2=d', '4 k3=e', '5 k1=f', '6 k9=z'])
})

t.test('min.cleanable.dirty.ratio: a log is cleaned only when its dirty share exceeds it', async t => {
  const s = await start(t, { 'min.cleanable.dirty.ratio': '0.5' })
  for (let i = 0; i < 4; i++) batch(s, [['k', `v${i}`]])
  t.equal(s.cluster.compact(), 1, 'all of it is dirty')
  t.same(records(s.cluster), ['2 k=v2', '3 k=v3'], 'the last batch of the cleaned range stays (it holds the newest k there)')
  batch(s, [['k', 'v4']])
  // Dirty: one segment (v3's); clean: the cleaned one (v2): 1/2 is not above 0.5.
  t.equal(s.cluster.compact(), 0)
  setConfigs(s.cluster, { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.4' })
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['3 k=v3', '4 k=v4'])
})

t.test('max.compaction.lag.ms: a dirty segment older than it is cleaned whatever the ratio', async t => {
  const s = await start(t, { 'min.cleanable.dirty.ratio': '0.99' })
  batch(s, [['k', 'a']])
  batch(s, [['k', 'b']])
  batch(s, [['k', 'c']])
  const first = await runControlCommand(s.cluster, 'compact')
  t.equal(first, 'ok cleaned 1 partitions', 'the first cleaning: everything is dirty')
  batch(s, [['k', 'd']])
  t.equal(s.cluster.compact(), 0, 'one dirty segment of three is not above 0.99')
  setConfigs(s.cluster, { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.99', 'max.compaction.lag.ms': '5000' })
  // The dirty segment is c's, written a second before the last batch.
  s.clock.now = s.at - 1000 + 5000
  t.equal(s.cluster.compact(), 0, 'the dirty segment\'s first batch is exactly max.compaction.lag.ms old: not yet')
  s.clock.now = s.at - 1000 + 5001
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['2 k=c', '3 k=d'])
})

t.test('tombstones stay for delete.retention.ms after the cleaning that first keeps them, then go', async t => {
  const s = await start(t, { 'delete.retention.ms': '1000' })
  batch(s, [['k1', 'a'], ['k2', 'b']])
  batch(s, [['k1', null]])
  batch(s, [['k3', 'c']])
  const cleanedAt = s.clock.now
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['1 k2=b', '2 k1=null', '3 k3=c'], 'the tombstone hides k1=a and stays')
  // KIP-534: its batch now carries the delete horizon (cleaning time + delete.retention.ms) as base timestamp.
  const stored = [...s.cluster.partitionState('c', 0).log.batches()].find(b => b.baseOffset === 2)!
  const info = scanBatches(stored.view).batches[0]
  t.ok((info.attributes & ATTR_DELETE_HORIZON) !== 0)
  t.equal(info.firstTimestamp, BigInt(cleanedAt + 1000))
  t.same([...iterateRecords(stored.view)].map(r => r.timestamp), [BigInt(T0 + 2000)], 'the record keeps its timestamp')
  batch(s, [['k4', 'd']])
  s.clock.now = cleanedAt + 999
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['1 k2=b', '2 k1=null', '3 k3=c', '4 k4=d'], 'before the horizon the tombstone stays')
  batch(s, [['k5', 'e']])
  s.clock.now = cleanedAt + 1000
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['1 k2=b', '3 k3=c', '4 k4=d', '5 k5=e'], 'at the horizon it goes')
})

t.test('min.compaction.lag.ms: segments with a record younger than it are not cleaned', async t => {
  const s = await start(t, { 'min.compaction.lag.ms': '10000' })
  batch(s, [['k', 'a']]) // T0+1000
  batch(s, [['k', 'b']]) // T0+2000
  batch(s, [['k', 'c']]) // T0+3000
  batch(s, [['k', 'd']]) // T0+4000, active
  s.clock.now = T0 + 10_999
  t.equal(s.cluster.compact(), 0, 'every rolled segment holds a record younger than 10 s')
  s.clock.now = T0 + 12_000
  t.equal(s.cluster.compact(), 1, 'the segments of a and b are old enough, c\'s is not')
  t.same(records(s.cluster), ['1 k=b', '2 k=c', '3 k=d'])
  s.clock.now = T0 + 13_000
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['2 k=c', '3 k=d'])
})

t.test('a compacted topic refuses records without a key, as Kafka\'s LogValidator', async t => {
  const s = await start(t)
  const c = await RawClient.connect(s.cluster.bootstrap)
  t.teardown(() => c.close())
  const produce = async (records: RecordInput[]): Promise<any> => {
    const res = await c.request(Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'c', partitionData: [{ index: 0, records: encodeRecordBatch(records) }] }] })
    return res.responses[0].partitionResponses[0]
  }
  const refused = await produce([{ key: 'k', value: 'a' }, { value: 'no key' }, { key: null, value: 'none either' }])
  t.equal(refused.errorCode, ErrorCode.INVALID_RECORD)
  const one = 'Compacted topic cannot accept message without key in topic partition c-0'
  t.equal(refused.errorMessage, `One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: [RecordError(batchIndex=1, message='${one}'), RecordError(batchIndex=2, message='${one}')]`)
  t.same(refused.recordErrors, [{ batchIndex: 1, batchIndexErrorMessage: one }, { batchIndex: 2, batchIndexErrorMessage: one }])
  t.equal(s.cluster.highWatermark('c', 0), 0n, 'nothing was written')
  // A bad timestamp among them makes it INVALID_TIMESTAMP, with both records listed.
  const mixed = await produce([{ value: 'no key', timestamp: T0 }, { key: 'k', value: 'future', timestamp: T0 + 7_200_000 }])
  t.equal(mixed.errorCode, ErrorCode.INVALID_TIMESTAMP)
  t.same(mixed.recordErrors.map((e: any) => e.batchIndex), [0, 1])
  t.throws(() => s.cluster.produce('c', 0, [{ value: 'x' }]), new KafkaError(ErrorCode.INVALID_RECORD, `c[0] ${one}`))
  setConfigs(s.cluster, { 'cleanup.policy': 'delete' })
  t.equal((await produce([{ value: 'no key' }])).errorCode, ErrorCode.NONE, 'cleanup.policy=delete takes keyless records')
})

t.test('compact,delete: retention and compaction both apply', async t => {
  const s = await start(t, { 'cleanup.policy': 'compact,delete', 'retention.ms': '10000' })
  batch(s, [['k1', 'a'], ['k2', 'b']]) // T0+1000
  batch(s, [['k1', 'c']]) // T0+2000
  batch(s, [['k3', 'd']]) // T0+3000
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['1 k2=b', '2 k1=c', '3 k3=d'])
  s.clock.now = T0 + 12_500
  t.equal(s.cluster.enforceRetention(), 1)
  t.equal(s.cluster.logStartOffset('c', 0), 3n, 'batches older than retention.ms went, the compacted one too')
  t.same(records(s.cluster), ['3 k3=d'])
})

t.test('transactions: open ones are not cleaned (last stable offset), aborted data goes, markers go after the horizon', async t => {
  const s = await start(t, { 'delete.retention.ms': '0' })
  const log = s.cluster.partitionState('c', 0).log
  const txn = { producerId: 7n, producerEpoch: 0, transactional: true }
  batch(s, [['k', 'committed']], { ...txn, baseSequence: 0 })
  log.writeMarker(7n, 0, true, 0, 0, s.at) // offset 1, commit
  batch(s, [['k', 'aborted']], { ...txn, baseSequence: 1 })
  log.writeMarker(7n, 0, false, 0, 0, s.at) // offset 3, abort
  batch(s, [['x', '1']])
  batch(s, [['y', 'open']], { producerId: 8n, producerEpoch: 0, transactional: true, baseSequence: 0 }) // offset 5, open
  batch(s, [['x', '2']])
  batch(s, [['z', 'active']])
  t.equal(log.lastStableOffset, 5n)
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['0 k=committed', '4 x=1', '5 y=open', '6 x=2', '7 z=active'],
    'aborted data went; x=1 stays: x=2 lies above the last stable offset, which the cleaner does not pass')
  const kinds = (): string[] => [...log.batches()].map(b => `${b.baseOffset}:${scanBatches(b.view).batches[0].recordCount}`)
  // The abort marker stays (the transaction's data was still there this time); producer 7's last data batch (2)
  // stays, emptied, for its sequence numbers; the commit marker stays while its data (0) is there.
  t.same(kinds(), ['0:1', '1:1', '2:0', '3:1', '4:1', '5:1', '6:1', '7:1'])
  t.same(log.abortedTransactions(0, 8).map(a => [a.firstOffset, a.lastOffset]), [[2, 3]], 'still listed for read_committed readers')
  batch(s, [['k', 'newer']]) // 8: k=committed loses to it once it is cleaned
  log.writeMarker(8n, 0, true, 0, 0, s.at) // 9: the open transaction commits
  batch(s, [['w', 'active']])
  s.clock.now += 1
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['5 y=open', '6 x=2', '7 z=active', '8 k=newer', '10 w=active'])
  // Producer 7's emptied batch still counts as its aborted transaction's data (Kafka's cleaner sees the batch), so
  // the abort marker and its listing stay; the commit marker stays too, since this cleaning read its data (0).
  t.same(log.abortedTransactions(0, 11).map(a => [a.firstOffset, a.lastOffset]), [[2, 3]])
  t.same(kinds().slice(0, 3), ['1:1', '2:0', '3:1'])
  const horizonOf = (offset: number): boolean => (scanBatches([...log.batches()].find(b => b.baseOffset === offset)!.view).batches[0].attributes & ATTR_DELETE_HORIZON) !== 0
  t.notOk(horizonOf(1))
  batch(s, [['v', 'active']])
  s.clock.now += 1
  t.equal(s.cluster.compact(), 1)
  t.ok(horizonOf(1), 'the commit marker has no data left: it gets a delete horizon, as a tombstone does')
  t.same(kinds().slice(0, 3), ['1:1', '2:0', '3:1'])
  batch(s, [['u', 'active']])
  s.clock.now += 1
  t.equal(s.cluster.compact(), 1)
  t.same(kinds().slice(0, 3), ['2:0', '3:1', '5:1'], 'past its horizon (delete.retention.ms 0) it goes')
})

t.test('an idempotent producer\'s last batch stays, emptied, so its retries are still recognised', async t => {
  const s = await start(t)
  batch(s, [['k', 'a']], { producerId: 9n, producerEpoch: 0, baseSequence: 0 })
  batch(s, [['k', 'b']])
  batch(s, [['k', 'c']])
  t.equal(s.cluster.compact(), 1)
  const log = s.cluster.partitionState('c', 0).log
  t.same([...log.batches()].map(b => [b.baseOffset, scanBatches(b.view).batches[0].recordCount]), [[0, 0], [1, 1], [2, 1]])
  t.same(records(s.cluster), ['1 k=b', '2 k=c'])
  // The retried batch is answered with its original offset, not appended again.
  const retry = log.append(encodeRecordBatch([{ key: 'k', value: 'a', timestamp: s.at }], { producerId: 9n, producerEpoch: 0, baseSequence: 0 }), 0, s.clock.now)
  t.same([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, 0n])
})

t.test('consumers read the kept records with their offsets, and ranges ending in a gap still end', async t => {
  const s = await start(t)
  batch(s, [['a', '1'], ['b', '1'], ['c', '1']])
  batch(s, [['a', '2'], ['b', '2']])
  batch(s, [['b', '3']])
  batch(s, [['c', '4']])
  s.cluster.compact()
  t.same(records(s.cluster), ['2 c=1', '3 a=2', '5 b=3', '6 c=4'], 'c=1 stays: c=4 is in the active segment')
  const consumer = new SimpleConsumer({ bootstrapServers: s.cluster.bootstrap })
  t.teardown(() => consumer.close())
  const all = []
  for await (const r of consumer.records('c', 0, 0n, 7n)) all.push(`${r.offset} ${r.key?.toString() ?? ''}=${r.value?.toString() ?? ''}`)
  t.same(all, ['2 c=1', '3 a=2', '5 b=3', '6 c=4'])
  // [0, 2) holds no record any more, and [4, 5) neither: both ranges still end.
  const got = await consumer.fetch([{ topic: 'c', partition: 0, fromOffset: 0n, untilOffset: 2n }])
  t.same(got.get('c:0'), [])
  const gap = []
  for await (const r of consumer.records('c', 0, 4n, 5n)) gap.push(r)
  t.same(gap, [])
})

t.test('compacted logs survive a restart with --data, and their segments too', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-direct-compact-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const s = await start(t, {}, { dataDir: dir })
  batch(s, [['k', 'a'], ['j', 'a']])
  batch(s, [['k', 'b']])
  batch(s, [['k', 'c']])
  t.equal(s.cluster.compact(), 1)
  const before = records(s.cluster)
  t.same(before, ['1 j=a', '2 k=b', '3 k=c'])
  await s.cluster.stop()
  const again = await start(t, {}, { dataDir: dir })
  t.same(records(again.cluster), before, 'the cleaned log was written back')
  t.equal(again.cluster.compact(), 0, 'the cleaner checkpoint was kept: nothing is dirty')
  again.at = s.at
  batch(again, [['j', 'b']])
  t.equal(again.cluster.compact(), 1, 'the segments were kept: the old active segment rolled and is cleaned now')
  t.same(records(again.cluster), ['1 j=a', '3 k=c', '4 j=b'], 'k=b lost to k=c, from the segment that was active before the restart')
})

t.test('the direct stream and createRDD read a compacted topic: ranges inside and at the end of gaps are reached', async t => {
  const s = await start(t)
  batch(s, [['a', '1'], ['b', '1'], ['c', '1']])
  batch(s, [['a', '2'], ['b', '2']])
  batch(s, [['b', '3']])
  batch(s, [['c', '4']])
  s.cluster.compact()
  const params = { 'metadata.broker.list': s.cluster.bootstrap }
  const ranges = [[0n, 2n], [2n, 5n], [4n, 7n]].map(([fromOffset, untilOffset]) => ({ topic: 'c', partition: 0, fromOffset, untilOffset }))
  const read = await Promise.all(ranges.map(async r => (await createRDD(undefined, params, [r], { messageHandler: valueString })).collect()))
  t.same(read, [[], ['1', '2'], ['3', '4']])
  // Two offsets a batch (100 a second, 20 ms batches): most ranges start or end in a gap.
  const ctx = new StreamingContext({ batchIntervalMs: 20, log: () => {}, conf: { 'spark.streaming.kafka.maxRatePerPartition': 100 } })
  const stream = createDirectStream(ctx, { 'bootstrap.servers': s.cluster.bootstrap, 'auto.offset.reset': 'smallest' }, ['c'], { messageHandler: valueString, commitGroup: 'g' })
  const seen: string[] = []
  let until = 0n
  stream.foreachRDD(rdd => {
    seen.push(...(rdd.collect() as string[]))
    for (const r of offsetRangesOf(rdd)) until = r.untilOffset
    if (until >= 7n) void ctx.stop()
  })
  await ctx.start()
  await ctx.awaitTermination()
  t.same(seen, ['1', '2', '3', '4'], 'the kept records, once each')
  t.equal(s.cluster.state.groups.committed('g', 'c', 0)?.offset, 7n, 'the last range ended at the high watermark')
})

t.test('compressed and LogAppendTime batches are rebuilt with their codec and append time', async t => {
  const clock = { now: T0 }
  const cluster = await FakeCluster.start({ clock: () => clock.now, topics: [{ name: 'c', partitions: 1, timestampType: 'logAppend' }] })
  t.teardown(() => cluster.stop())
  setConfigs(cluster, { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0' })
  const s: Setup = { cluster, clock, at: T0 }
  batch(s, [['k', 'a'], ['j', 'b'], ['k', 'c']], { compression: 'gzip' })
  batch(s, [['z', 'active']])
  t.equal(cluster.compact(), 1)
  t.same(records(cluster), ['1 j=b', '2 k=c', '3 z=active'])
  const first = [...cluster.partitionState('c', 0).log.batches()][0]
  const info = scanBatches(first.view).batches[0]
  t.same([info.compression, info.timestampType, info.maxTimestamp, info.lastOffset], ['gzip', 'logAppend', BigInt(T0 + 1000), 2n])
  t.same([...iterateRecords(first.view)].map(r => r.timestamp), [BigInt(T0 + 1000), BigInt(T0 + 1000)])
})

t.test('the cleaner runs on its own schedule (logCleanerBackoffMs), which must be a positive integer', async t => {
  await t.rejects(FakeCluster.start({ logCleanerBackoffMs: 0 }), { message: /logCleanerBackoffMs/ })
  const clock = { now: T0 }
  const cluster = await FakeCluster.start({ clock: () => clock.now, logCleanerBackoffMs: 10, topics: [{ name: 'c' }] })
  t.teardown(() => cluster.stop())
  setConfigs(cluster, { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0' })
  const s: Setup = { cluster, clock, at: T0 }
  batch(s, [['k', 'a']])
  batch(s, [['k', 'b']])
  batch(s, [['k', 'c']])
  const deadline = Date.now() + 10_000
  while (records(cluster).length === 3 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
  t.same(records(cluster), ['1 k=b', '2 k=c'])
  // A failing pass is logged and the cluster goes on, as Kafka's cleaner marks a partition and carries on.
  const lines: string[] = []
  const failing = await FakeCluster.start({ logCleanerBackoffMs: 10, log: line => lines.push(line) })
  t.teardown(() => failing.stop())
  failing.compact = () => { throw new Error('disk gone') }
  while (lines.length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
  t.equal(lines[0], 'log cleaner: disk gone')
})

t.test('segments follow truncation, and a damaged FILE.segments leaves one uncleaned segment', async t => {
  const s = await start(t)
  batch(s, [['k', 'a']])
  batch(s, [['k', 'b']])
  batch(s, [['k', 'c']])
  const log = s.cluster.partitionState('c', 0).log
  t.same(log.segmentRolls, [1, 2])
  log.truncateTo(1n)
  t.same(log.segmentRolls, [1], 'the segment above the new end went; the one starting there stays, empty and active')
  batch(s, [['k', 'd']])
  t.same(log.segmentRolls, [1], 'an empty active segment takes the next batch without rolling')
  t.equal(s.cluster.compact(), 1)
  t.same(records(s.cluster), ['0 k=a', '1 k=d'], 'k=a stays: k=d is in the active segment')
  const dir = mkdtempSync(join(tmpdir(), 'kafka-direct-compact-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const d = await start(t, {}, { dataDir: dir })
  batch(d, [['k', 'a']])
  batch(d, [['k', 'b']])
  await d.cluster.stop()
  writeFileSync(join(dir, 'c-0.log.segments'), '{ not json')
  const again = await start(t, {}, { dataDir: dir })
  t.same(again.cluster.partitionState('c', 0).log.segmentRolls, [])
  t.equal(again.cluster.compact(), 0, 'one segment, the active one: nothing to clean')
  writeFileSync(join(dir, 'c-0.log.segments'), JSON.stringify({ rolls: ['x'], cleanedUpTo: 'y' }))
  await again.cluster.stop()
  const third = await start(t, {}, { dataDir: dir })
  t.same(third.cluster.partitionState('c', 0).log.segmentRolls, [], 'values of the wrong type are ignored')
})

t.test('an aborted transaction\'s marker goes once its data is gone; a fencing marker stays, emptied', async t => {
  const s = await start(t, { 'delete.retention.ms': '0' })
  const log = s.cluster.partitionState('c', 0).log
  const txn = { producerId: 7n, producerEpoch: 0, transactional: true }
  batch(s, [['k', 'aborted']], { ...txn, baseSequence: 0 }) // 0
  log.writeMarker(7n, 0, false, 0, 0, s.at) // 1: abort
  batch(s, [['j', 'x']], { ...txn, baseSequence: 1 }) // 2: producer 7's last data
  log.writeMarker(7n, 0, true, 0, 0, s.at) // 3: commit
  log.writeMarker(9n, 1, false, 0, 0, s.at) // 4: a marker that bumps producer 9's epoch (fencing), no data
  batch(s, [['z', '1']]) // 5
  batch(s, [['w', 'active']]) // 6
  const kinds = (): string[] => [...log.batches()].map(b => `${b.baseOffset}:${scanBatches(b.view).batches[0].recordCount}`)
  const pass = (): number => { s.clock.now += 1; return s.cluster.compact() }
  t.equal(pass(), 1)
  t.same(kinds(), ['1:1', '2:1', '3:1', '4:1', '5:1', '6:1'], 'the aborted data went; its marker stays while the data was there')
  batch(s, [['v', 'active']])
  t.equal(pass(), 1)
  t.same(kinds(), ['1:1', '2:1', '3:1', '4:0', '5:1', '6:1', '7:1'], 'producer 9\'s marker is its last record: kept, emptied')
  batch(s, [['u', 'active']])
  t.equal(pass(), 1)
  t.same(kinds(), ['2:1', '3:1', '4:0', '5:1', '6:1', '7:1', '8:1'], 'the abort marker, its horizon past, went')
  t.same(records(s.cluster), ['2 j=x', '5 z=1', '6 w=active', '7 v=active', '8 u=active'])
})
