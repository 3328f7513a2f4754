import t from 'tap'
import { encodeRecordBatch } from '../../protocol/records/index.js'
import { CorruptRecordError } from '../../protocol/errors.js'
import type { RawRecords } from '../../consumer/simple-consumer.js'
import type { OffsetSource } from '../../streaming/offset-source.js'
import type { OffsetRange } from '../../streaming/offset-range.js'
import { readPartition } from '../../streaming/partition-task.js'
import { createRDD } from '../../streaming/rdd.js'

// A source over the consumer hands out fetch responses undecoded (fetchRaw). The task keeps them, and each action
// decodes, checks and handles the range's records again: these tests drive that with crafted responses.

/** Ten records a batch, offsets base..base+9, values "v<offset>". */
function batch (base: number): Buffer {
  return encodeRecordBatch(Array.from({ length: 10 }, (_, i) => ({ value: `v${base + i}` })), { baseOffset: BigInt(base) })
}

function rawSource (responses: (range: OffsetRange) => RawRecords[]): OffsetSource {
  return {
    partitionsFor: async () => [{ topic: 't', partition: 0 }],
    earliestOffsets: async () => new Map([['t:0', 0n]]),
    latestOffsets: async () => new Map([['t:0', 30n]]),
    fetchRange: async function * () { throw new Error('fetchRaw is preferred') },
    fetchRaw: async function * (range) { yield * responses(range) },
    close: async () => {}
  }
}

function raw (blob: Buffer, fromOffset: bigint, untilOffset: bigint): RawRecords {
  return { blob, options: { topic: 't', partition: 0, fromOffset }, untilOffset }
}

const RANGE: OffsetRange = { topic: 't', partition: 0, fromOffset: 5n, untilOffset: 25n }
const OPTS = { failOnDataLoss: true }

t.test('responses that run outside the range are clipped to it at each action', async t => {
  // The first batch starts below fromOffset, the last runs past untilOffset.
  const source = rawSource(r => [raw(Buffer.concat([batch(0), batch(10)]), r.fromOffset, r.untilOffset), raw(batch(20), 20n, r.untilOffset)])
  let calls = 0
  const part = await readPartition(source, RANGE, r => { calls++; return r.value?.toString() }, OPTS)
  t.equal(calls, 0, 'nothing is handled before an action')
  const seen: Array<string | undefined> = []
  t.equal(part.feed(v => { seen.push(v); return true }), true)
  t.same(seen, Array.from({ length: 20 }, (_, i) => `v${i + 5}`))
  t.equal(calls, 20)
  const firstThree: Array<string | undefined> = []
  t.equal(part.feed(v => { firstThree.push(v); return firstThree.length < 3 }), false, 'a sink can stop the partition early')
  t.same(firstThree, ['v5', 'v6', 'v7'])
})

t.test('a response that goes back in offsets is an error of the action that reads it', async t => {
  const source = rawSource(r => [raw(batch(10), r.fromOffset, r.untilOffset), raw(batch(0), 5n, r.untilOffset)])
  const rdd = await createRDD(undefined, { 'metadata.broker.list': '127.0.0.1:1' }, [RANGE], { source, messageHandler: r => r.offset })
  t.throws(() => rdd.count(), CorruptRecordError)
})

t.test('a KafkaRDD over fetched bytes gives the same values to every action, and materializes on demand', async t => {
  const source = rawSource(r => [raw(Buffer.concat([batch(0), batch(10), batch(20)]), r.fromOffset, r.untilOffset)])
  const rdd = await createRDD(undefined, { 'metadata.broker.list': '127.0.0.1:1' }, [RANGE, { ...RANGE, fromOffset: 25n, untilOffset: 25n }], { source, messageHandler: r => Number(r.offset) })
  t.equal(rdd.count(), 20)
  t.same(rdd.take(2), [5, 6])
  t.same(rdd.map(n => n * 2).collect(), Array.from({ length: 20 }, (_, i) => (i + 5) * 2))
  t.same(rdd.partitions.map(p => p.length), [20, 0])
  t.equal(rdd.numPartitions, 2)
})

t.test('offsets beyond 2^53 are clipped and checked exactly', async t => {
  const base = 2n ** 60n
  const big = encodeRecordBatch(Array.from({ length: 10 }, (_, i) => ({ value: `b${i}` })), { baseOffset: base })
  const source = rawSource(r => [raw(big, r.fromOffset, r.untilOffset)])
  const range = { topic: 't', partition: 0, fromOffset: base + 2n, untilOffset: base + 5n }
  const part = await readPartition(source, range, r => r.offset, OPTS)
  const seen: bigint[] = []
  part.feed(v => { seen.push(v); return true })
  t.same(seen, [base + 2n, base + 3n, base + 4n])
  const back = await readPartition(rawSource(r => [raw(big, r.fromOffset, r.untilOffset), raw(big, base, r.untilOffset)]), range, r => r.offset, OPTS)
  t.throws(() => back.feed(() => true), CorruptRecordError)
})
