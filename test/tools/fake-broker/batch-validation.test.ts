import t from 'tap'
import { Fetch, ListOffsets, Produce } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { crc32c } from '../../../protocol/records/crc32c.js'
import { encodeRecordBatch, scanBatches, type BatchOptions, type RecordInput } from '../../../protocol/records/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Produced batches are checked as Kafka's LogValidator and ProduceRequest.validateRecords check them, and the max
// timestamp is recomputed from the records. Each bad batch below is a good one with one header field changed and
// its CRC-32C recomputed, so that only the field under test is wrong.

const MAX_TIMESTAMP = 35
const LAST_OFFSET_DELTA = 23
const BASE_SEQUENCE = 53
const RECORDS_COUNT = 57

/** A batch with header fields overwritten after encoding, CRC fixed up (as a client with that bug would send). */
function patched (records: RecordInput[], patch: (b: Buffer) => void, opts: BatchOptions = {}): Buffer {
  const b = Buffer.from(encodeRecordBatch(records, opts))
  patch(b)
  b.writeUInt32BE(crc32c(b, 21, b.length), 17)
  return b
}

async function setup (t: any): Promise<{ cluster: FakeCluster, client: RawClient }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return { cluster, client }
}

async function produce (client: RawClient, records: Buffer, version = 9): Promise<{ errorCode: number, errorMessage: string | null, recordErrors: Array<{ batchIndex: number, batchIndexErrorMessage: string | null }> }> {
  const res = await client.request(Produce, version, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] })
  return res.responses[0].partitionResponses[0]
}

t.test('a batch written with MaxTimestamp -1 (Sarama 1.22) is stored with the max of its records', async t => {
  const { client } = await setup(t)
  const sarama = patched([{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 3000 }, { value: 'c', timestamp: 2000 }],
    b => { b.writeBigInt64BE(-1n, MAX_TIMESTAMP) })
  t.equal((await produce(client, sarama, 3)).errorCode, ErrorCode.NONE)
  const list = async (timestamp: bigint): Promise<any> => (await client.request(ListOffsets, 7, {
    replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp, currentLeaderEpoch: -1 }] }]
  })).topics[0].partitions[0]
  t.same(((p) => [p.offset, p.timestamp])(await list(0n)), [0n, 1000n], 'by time 0: offset 0, as Kafka answers (not -1)')
  t.same(((p) => [p.offset, p.timestamp])(await list(2500n)), [1n, 3000n])
  t.same(((p) => [p.offset, p.timestamp])(await list(-3n)), [1n, 3000n], 'max timestamp (KIP-734)')
  const fetched = await client.request(Fetch, 11, {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }], forgottenTopicsData: [], rackId: ''
  })
  const stored: Buffer = fetched.responses[0].partitions[0].records
  const [info] = scanBatches(stored, { verifyCrc: true }).batches
  t.equal(info.maxTimestamp, 3000n, 'the stored header carries the recomputed max timestamp, under a valid CRC')
})

t.test('batch header fields are checked as Kafka checks them, with Kafka\'s error codes', async t => {
  const { cluster, client } = await setup(t)
  const two = [{ value: 'a' }, { value: 'b' }]
  const cases: Array<[string, Buffer, number, number?]> = [
    ['lastOffsetDelta below 0', patched(two, b => { b.writeInt32BE(-1, LAST_OFFSET_DELTA) }), ErrorCode.INVALID_RECORD],
    ['lastOffsetDelta disagrees with the record count', patched(two, b => { b.writeInt32BE(5, LAST_OFFSET_DELTA) }), ErrorCode.INVALID_RECORD],
    ['record count 0', patched(two, b => { b.writeInt32BE(0, RECORDS_COUNT); b.writeInt32BE(-1, LAST_OFFSET_DELTA) }), ErrorCode.INVALID_RECORD],
    ['count and delta agree but the records are more', patched([...two, { value: 'c' }], b => { b.writeInt32BE(2, RECORDS_COUNT); b.writeInt32BE(1, LAST_OFFSET_DELTA) }), ErrorCode.INVALID_RECORD],
    ['a producer id with sequence -1', patched(two, b => { b.writeInt32BE(-1, BASE_SEQUENCE) }, { producerId: 7n, producerEpoch: 0, baseSequence: 0 }), ErrorCode.INVALID_RECORD],
    ['a control batch from a client', encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(6) }], { isControl: true, producerId: 7n, producerEpoch: 0 }), ErrorCode.INVALID_RECORD],
    ['a damaged CRC', ((b: Buffer) => { b[b.length - 1] ^= 1; return b })(Buffer.from(encodeRecordBatch(two))), ErrorCode.CORRUPT_MESSAGE],
    ['a timestamp more than an hour ahead (message.timestamp.after.max.ms)', encodeRecordBatch([{ value: 'x', timestamp: Date.now() + 2 * 3_600_000 }]), ErrorCode.INVALID_TIMESTAMP],
    ['two batches in one Produce v3+', Buffer.concat([encodeRecordBatch(two), encodeRecordBatch(two)]), ErrorCode.INVALID_RECORD],
    ['zstd in Produce v6', encodeRecordBatch(two, { compression: 'zstd' }), ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 6]
  ]
  for (const [what, batch, expected, version] of cases) {
    const r = await produce(client, batch, version)
    t.equal(r.errorCode, expected, what)
    // As a real Kafka 4.4 broker answers: a refused batch gets no errorMessage; a record's timestamp is named in
    // recordErrors (KIP-467) under Kafka's summary line.
    if (expected === ErrorCode.INVALID_TIMESTAMP) {
      t.equal(r.errorMessage, 'One or more records have been rejected due to invalid timestamp')
      t.equal(r.recordErrors.length, 1)
      t.match(r.recordErrors[0].batchIndexErrorMessage, /^Timestamp \d+ of message with offset 0 is out of range\. The timestamp should be within \[-\d+, \d+\]$/)
    } else {
      t.equal(r.errorMessage, null, `${what}: no errorMessage`)
    }
  }
  t.equal(cluster.highWatermark('t', 0), 0n, 'nothing was appended')
  t.equal((await produce(client, encodeRecordBatch(two, { compression: 'zstd' }), 7)).errorCode, ErrorCode.NONE, 'zstd from v7 (KIP-110)')
})
