import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch, iterateRecords } from '../../../protocol/records/index.js'
import { PartitionLog } from '../../../tools/fake-broker/partition-log.js'

const newLog = (file?: string): PartitionLog => new PartitionLog({ topic: 't', partition: 0, timestampType: 'create', file })
const idempotent = (seq: number, n = 1, epoch = 0) =>
  encodeRecordBatch(Array.from({ length: n }, (_, i) => ({ value: `v${seq + i}` })), { producerId: 7n, producerEpoch: epoch, baseSequence: seq })

t.test('appends assign consecutive offsets across batches of several records', async t => {
  const log = newLog()
  t.equal(log.append(encodeRecordBatch([{ value: 'a' }, { value: 'b' }]), 0).baseOffset, 0n)
  t.equal(log.append(Buffer.concat([encodeRecordBatch([{ value: 'c' }]), encodeRecordBatch([{ value: 'd' }])]), 0).baseOffset, 2n)
  t.equal(log.highWatermark, 4n)
  t.same([...iterateRecords(log.read(1, 1 << 20, true), { fromOffset: 1n })].map(r => [r.offset, r.value?.toString()]), [[1n, 'b'], [2n, 'c'], [3n, 'd']])
})

t.test('an idempotent producer may not skip or reorder sequences, and a retried batch gets its first offset back', async t => {
  const log = newLog()
  t.equal(log.append(idempotent(0, 2), 0).errorCode, ErrorCode.NONE)
  t.equal(log.append(idempotent(5), 0).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
  const retry = log.append(idempotent(0, 2), 0)
  t.same([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, 0n])
  t.equal(log.highWatermark, 2n, 'the duplicate was not appended again')
  t.equal(log.append(idempotent(2), 0).baseOffset, 2n)
  t.equal(log.append(idempotent(3, 1, 1), 0).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a new epoch starts at 0')
  t.equal(log.append(idempotent(0, 1, 1), 0).errorCode, ErrorCode.NONE)
  t.equal(log.append(idempotent(1, 1, 0), 0).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH)
})

t.test('many appends spill into further segments and reads never cross one', async t => {
  const log = newLog()
  const value = Buffer.alloc(100 * 1024, 1)
  for (let i = 0; i < 100; i++) log.append(encodeRecordBatch([{ value }]), 0)
  t.equal(log.highWatermark, 100n)
  let offset = 0
  let reads = 0
  while (offset < 100) {
    const chunk = log.readSegment(offset, 64 << 20, true)
    const records = [...iterateRecords(chunk, { fromOffset: BigInt(offset) })]
    t.equal(records[0].offset, BigInt(offset))
    offset = Number(records[records.length - 1].offset) + 1
    reads++
  }
  t.ok(reads > 1, 'a segment holds at most 8 MiB')
  const all = log.read(0, 64 << 20, true)
  t.equal([...iterateRecords(all)].length, 100, 'read() gathers the run across segments')
  t.equal(log.read(0, 300 * 1024, false).length, 300 * 1024, 'up to its byte limit')
  t.equal([...iterateRecords(log.read(0, 64 << 20, true, 50))].length, 50, 'and stops at untilOffset')
})

t.test('a segment that fills up stays where it is; the next one is larger (no copy, no garbage)', async t => {
  const log = newLog()
  log.append(encodeRecordBatch([{ value: 'first' }]), 0)
  const early = log.readSegment(0, 1 << 20, true)
  const value = Buffer.alloc(10 * 1024, 1)
  for (let i = 0; i < 100; i++) log.append(encodeRecordBatch([{ value }]), 0)
  const later = log.readSegment(0, 1 << 20, true)
  t.equal(later.buffer, early.buffer, 'offset 0 is still read from the buffer it was stored in')
  t.ok(later.length <= 64 * 1024, 'a Fetch read ends with the first (64 KiB) segment')
  const next = log.readSegment(Number([...iterateRecords(later)].pop()!.offset) + 1, 1 << 20, true)
  t.ok(next.length > 64 * 1024 && next.length <= 128 * 1024, 'the second segment is twice as large')
})

t.test('deleting records moves the log start offset and frees whole segments', async t => {
  const log = newLog()
  for (let i = 0; i < 5; i++) log.append(encodeRecordBatch([{ value: `v${i}` }]), 0)
  t.equal(log.deleteRecordsBefore(3n), 3n)
  t.equal(log.deleteRecordsBefore(1n), 3n, 'never moves back')
  t.equal(log.deleteRecordsBefore(9n), undefined, 'not past the high watermark')
  t.equal(log.deleteRecordsBefore(-1n), 5n, '-1 means the high watermark')
})

t.test('timestamps find offsets: first at or after a time, and the largest', async t => {
  const log = newLog()
  log.append(encodeRecordBatch([{ value: 'a', timestamp: 100 }, { value: 'b', timestamp: 300 }]), 0)
  log.append(encodeRecordBatch([{ value: 'c', timestamp: 200 }]), 0)
  t.same(log.offsetForTimestamp(150n), { offset: 1n, timestamp: 300n })
  t.same(log.offsetForTimestamp(301n), undefined)
  t.same(log.maxTimestampOffset(), { offset: 1n, timestamp: 300n })
})

t.test('leader epochs map to their end offsets (KIP-101)', async t => {
  const log = newLog()
  log.append(encodeRecordBatch([{ value: 'a' }, { value: 'b' }]), 0)
  log.append(encodeRecordBatch([{ value: 'c' }]), 2)
  t.same(log.endOffsetForEpoch(0, 2), { leaderEpoch: 0, endOffset: 2n })
  t.same(log.endOffsetForEpoch(1, 2), { leaderEpoch: 0, endOffset: 2n })
  t.same(log.endOffsetForEpoch(2, 2), { leaderEpoch: 2, endOffset: 3n })
  t.same(log.endOffsetForEpoch(5, 2), { leaderEpoch: -1, endOffset: -1n })
})

t.test('a persisted log is read back with its offsets and log start offset', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-broker-log-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 't-0.log')
  const log = newLog(file)
  log.append(encodeRecordBatch([{ value: 'a' }, { value: 'b' }]), 0)
  log.append(encodeRecordBatch([{ value: 'c' }]), 0)
  log.deleteRecordsBefore(1n)
  log.close()
  const again = newLog(file)
  t.equal(again.highWatermark, 3n)
  t.equal(again.logStartOffset, 1n)
  t.equal(again.append(encodeRecordBatch([{ value: 'd' }]), 0).baseOffset, 3n)
  t.same([...iterateRecords(again.read(0, 1 << 20, true))].map(r => r.value?.toString()), ['a', 'b', 'c', 'd'])
  again.close()
})
