import t from 'tap'
import { SimpleConsumer } from '../../consumer/index.js'
import { encodeRecordBatch, iterateRecords } from '../../protocol/records/index.js'
import { controlRecord } from '../../protocol/records/record-batch.js'
import { CorruptRecordError } from '../../protocol/errors.js'
import { replyClusterOfOne, startRawBroker, type RawRequest } from './raw-broker.js'

// Fetch responses a real broker produces but our fake broker cannot: compacted gaps, transaction markers, aborted
// transactions (read_committed) and a truncated last batch, served by a hand-driven broker from crafted bytes.

const PID = 7n
const LOG = Buffer.concat([
  encodeRecordBatch([{ value: 'a' }, { value: 'b' }], { baseOffset: 0n }),
  // An aborted transaction: one data batch and its abort marker.
  encodeRecordBatch([{ value: 'c' }], { baseOffset: 2n, producerId: PID, producerEpoch: 0, baseSequence: 0, transactional: true }),
  encodeRecordBatch([controlRecord('abort')], { baseOffset: 3n, producerId: PID, producerEpoch: 0, transactional: true, isControl: true }),
  // Offset 4 was removed by compaction.
  encodeRecordBatch([{ value: 'd' }], { baseOffset: 5n })
])
const TAIL = encodeRecordBatch([{ value: 'e' }], { baseOffset: 6n })

async function setup (t: any, isolation: 'read_committed' | 'read_uncommitted') {
  const fetches: RawRequest[] = []
  let port = 0
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, port, { leaderEpoch: 3 })) return
    if (req.api.name === 'Fetch') {
      fetches.push(req)
      const from = req.body.topics[0].partitions[0].fetchOffset as bigint
      // Whole batches from the one holding `from`, plus half of the next batch, as a size limit would cut it.
      const records = from <= 5n ? Buffer.concat([LOG, TAIL.subarray(0, 20)]) : TAIL
      req.reply({
        responses: [{
          topic: 't',
          partitions: [{
            partitionIndex: 0, errorCode: 0, highWatermark: 7n, lastStableOffset: 7n, logStartOffset: 0n,
            abortedTransactions: [{ producerId: PID, firstOffset: 2n }], preferredReadReplica: -1, records
          }]
        }]
      })
    }
  })
  port = broker.port
  t.teardown(async () => await broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, isolationLevel: isolation, fetchWaitMaxMs: 10 })
  t.teardown(async () => await consumer.close())
  return { consumer, fetches }
}

t.test('read_committed skips aborted records and markers; the position passes gaps and stops before a truncated batch', async t => {
  const { consumer, fetches } = await setup(t, 'read_committed')
  const round = await consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 1n }])
  const got = round.get('t:0')
  t.same(got?.records.map(r => [r.offset, String(r.value)]), [[1n, 'b'], [5n, 'd']])
  t.equal(got?.nextOffset, 6n, 'past the last complete batch, not past the truncated one')
  t.equal(fetches[0].body.isolationLevel, 1)
  t.equal(fetches[0].body.topics[0].partitions[0].currentLeaderEpoch, 3, 'the leader epoch from metadata is sent (KIP-320)')
})

t.test('read_uncommitted returns the aborted transaction\'s records but never the markers', async t => {
  const { consumer } = await setup(t, 'read_uncommitted')
  const got = await consumer.fetch([{ topic: 't', partition: 0, fromOffset: 0n, untilOffset: 7n }])
  t.same(got.get('t:0')?.map(r => [r.offset, String(r.value)]), [[0n, 'a'], [1n, 'b'], [2n, 'c'], [5n, 'd'], [6n, 'e']])
})

t.test('a range ending inside a gap completes without waiting for offsets that do not exist', async t => {
  const { consumer } = await setup(t, 'read_committed')
  const got = await consumer.fetch([{ topic: 't', partition: 0, fromOffset: 0n, untilOffset: 5n }])
  t.same(got.get('t:0')?.map(r => String(r.value)), ['a', 'b'])
})

t.test('a lazy fetch yields the same records through iterate() and records, skipping the same markers and gaps', async t => {
  const { consumer } = await setup(t, 'read_committed')
  const round = await consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 1n, untilOffset: 6n }], { lazy: true })
  const got = round.get('t:0')
  const it = got?.iterate()
  const walked: Array<[bigint, string]> = []
  for (let r = it?.next(); r !== undefined && r.done !== true; r = it?.next()) walked.push([r.value.offset, String(r.value.value)])
  t.same(walked, [[1n, 'b'], [5n, 'd']])
  t.same(got?.records.map(r => [r.offset, String(r.value)]), walked, 'records decodes the same, once')
  t.equal(got?.records, got?.records)
  t.equal(got?.nextOffset, 6n)
})

/** A one-broker cluster whose Fetch answers carry LOG with one byte flipped inside the last batch's records. */
async function corruptBatchConsumer (t: { teardown: (fn: () => unknown) => void }): Promise<SimpleConsumer> {
  const bad = Buffer.from(LOG)
  bad[bad.length - 3] ^= 0xff // inside the last batch's records: its CRC no longer matches
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, broker.port)) return
    if (req.api.name === 'Fetch') {
      req.reply({
        responses: [{
          topic: 't',
          partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 6n, lastStableOffset: 6n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: bad }]
        }]
      })
    }
  })
  t.teardown(async () => await broker.close())
  const consumer = new SimpleConsumer({ bootstrapServers: broker.address, fetchWaitMaxMs: 10, retries: 0 })
  t.teardown(async () => await consumer.close())
  return consumer
}

t.test('a corrupt batch fails an eager fetch at once, and a lazy one when its records are read', async t => {
  const consumer = await corruptBatchConsumer(t)
  await t.rejects(consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 0n }]), CorruptRecordError)
  const got = (await consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 0n }], { lazy: true })).get('t:0')
  t.equal(got?.nextOffset, 6n, 'positions come from batch headers alone')
  t.throws(() => got?.records, CorruptRecordError)
})

t.test('a raw fetch hands out the complete batches undecoded, which decode to the same records', async t => {
  const { consumer } = await setup(t, 'read_committed')
  const got = (await consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 1n, untilOffset: 6n }], { raw: true })).get('t:0')
  const raw = got?.raw
  t.ok(raw !== undefined)
  if (raw === undefined) return
  t.same(raw.blob, LOG, 'the truncated tail is left out')
  t.equal(raw.options.fromOffset, 1n)
  t.equal(raw.untilOffset, 6n)
  t.equal(raw.options.verifyCrc, false, 'checked once, in fetchOnce')
  const decoded = [...iterateRecords(raw.blob, raw.options)].map(r => [r.offset, String(r.value)])
  t.same(decoded, [[1n, 'b'], [5n, 'd']], 'the aborted record and the marker are skipped, as in records')
  t.same(got?.records.map(r => [r.offset, String(r.value)]), decoded)
  t.equal(got?.nextOffset, 6n)
})

t.test('a raw fetch fails at once on a batch whose CRC does not match', async t => {
  const consumer = await corruptBatchConsumer(t)
  await t.rejects(consumer.fetchOnce([{ topic: 't', partition: 0, fromOffset: 0n }], { raw: true }), CorruptRecordError)
})
