import t from 'tap'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { PartitionLog } from '../../../tools/fake-broker/partition-log.js'
import { TransactionCoordinator } from '../../../tools/fake-broker/transaction-coordinator.js'

// The fake's transaction coordinator at the end of a producer id's epochs, driven directly (no broker): Kafka keeps
// Short.MAX_VALUE for fencing, so a producer's last epoch is 32766, and a fence or bump from there gives the
// transactional id a new producer id. The same sequences run against Kafka 4.4 in
// test-interop/producer/transaction-fence-differential.test.ts; here each branch is checked on its own.

const LAST_EPOCH = 0x7fff - 1
const V1_INIT = 4
const V2_END = 5

function setup (): { coordinator: TransactionCoordinator, log: PartitionLog, clock: { now: number } } {
  const log = new PartitionLog({ topic: 't', partition: 0, timestampType: 'create' })
  const clock = { now: 1_000_000 }
  let nextId = 100n
  const coordinator = new TransactionCoordinator({
    partition: (topic, partition) => topic === 't' && partition === 0 ? { log, leaderEpoch: 0 } : undefined,
    allocateProducerId: () => nextId++,
    commitOffsets: () => {},
    file: undefined,
    expiryCheckMs: 3_600_000,
    now: () => clock.now
  })
  t.teardown(() => coordinator.close())
  return { coordinator, log, clock }
}

/** Brings the transactional id to the last epoch by InitProducerId naming the current epoch (KIP-360), as the interop test does. */
function toLastEpoch (coordinator: TransactionCoordinator, txId: string, timeoutMs = 1000): bigint {
  const first = coordinator.initProducerId(txId, timeoutMs, -1n, -1, V1_INIT)
  let epoch = first.producerEpoch
  while (epoch < LAST_EPOCH) epoch = coordinator.initProducerId(txId, timeoutMs, first.producerId, epoch, V1_INIT).producerEpoch
  return first.producerId
}

/** An open transaction at the last epoch with one record in the partition. */
function openAtLastEpoch (coordinator: TransactionCoordinator, log: PartitionLog, txId: string): bigint {
  const pid = toLastEpoch(coordinator, txId)
  t.same(coordinator.addPartitions(txId, pid, LAST_EPOCH, [{ name: 't', partitions: [0] }], 3), [{ name: 't', results: [{ partition: 0, errorCode: ErrorCode.NONE }] }])
  log.append(encodeRecordBatch([{ value: 'x' }], { producerId: pid, producerEpoch: LAST_EPOCH, baseSequence: 0, transactional: true }), 0)
  return pid
}

t.test('InitProducerId naming the last epoch gives a new producer id; a retry naming the old one gets it once', async t => {
  const { coordinator } = setup()
  const pid = toLastEpoch(coordinator, 'tx')
  const rotated = coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT)
  t.match(rotated, { errorCode: ErrorCode.NONE, producerEpoch: 0 })
  t.not(rotated.producerId, pid, 'a new producer id')
  t.same(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT), rotated, 'a retry that lost the answer gets the same')
  t.match(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT), { errorCode: ErrorCode.PRODUCER_FENCED }, 'once: the old id is then forgotten')
  t.match(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH - 1, V1_INIT), { errorCode: ErrorCode.PRODUCER_FENCED }, 'the old id below its last epoch never counts')
})

t.test('a timeout at the last epoch: markers under the old id with the fencing epoch, the transactional id moves to a new one', async t => {
  const { coordinator, log, clock } = setup()
  const pid = openAtLastEpoch(coordinator, log, 'tx')
  clock.now += 1001
  coordinator.expire()
  const d = coordinator.describe('tx')
  t.match(d, { transactionState: 'CompleteAbort', producerEpoch: 0 })
  t.not(d.producerId, pid)
  t.equal(log.producerEpoch(pid), LAST_EPOCH + 1, 'the abort marker carries Short.MAX_VALUE under the old id')
  t.equal(log.lastStableOffset, log.highWatermark, 'the transaction is closed in the partition')
  t.match(coordinator.endTxn('tx', pid, LAST_EPOCH, false, 4), { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING }, 'EndTxn v4 with the old id')
  t.match(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT), { errorCode: ErrorCode.NONE, producerId: d.producerId, producerEpoch: 0 }, 'KIP-360 recovery lands on the new id')
  t.match(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT), { errorCode: ErrorCode.PRODUCER_FENCED })
  t.match(coordinator.initProducerId('tx', 1000, -1n, -1, V1_INIT), { errorCode: ErrorCode.NONE, producerId: d.producerId, producerEpoch: 1 })
})

t.test('a v2 transaction timed out at the last epoch: EndTxn v5 naming the old id is taken for a retry of the abort', async t => {
  const { coordinator, log, clock } = setup()
  const pid = toLastEpoch(coordinator, 'tx')
  t.equal(coordinator.verifyProduce('tx', pid, LAST_EPOCH, 't', 0, 12), ErrorCode.NONE, 'Produce v12 adds the partition')
  log.append(encodeRecordBatch([{ value: 'x' }], { producerId: pid, producerEpoch: LAST_EPOCH, baseSequence: 0, transactional: true }), 0)
  clock.now += 1001
  coordinator.expire()
  const next = coordinator.describe('tx').producerId
  t.match(coordinator.endTxn('tx', pid, LAST_EPOCH, false, V2_END), { errorCode: ErrorCode.NONE, producerId: next, producerEpoch: 0 })
  t.match(coordinator.endTxn('tx', pid, LAST_EPOCH, true, V2_END), { errorCode: ErrorCode.INVALID_TXN_STATE }, 'not a commit')
})

t.test('InitProducerId meeting an open transaction at the last epoch: aborted first, then a new producer id', async t => {
  const { coordinator, log } = setup()
  const pid = openAtLastEpoch(coordinator, log, 'tx')
  t.match(coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT), { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1n })
  t.equal(log.producerEpoch(pid), LAST_EPOCH + 1)
  const next = coordinator.initProducerId('tx', 1000, pid, LAST_EPOCH, V1_INIT)
  t.match(next, { errorCode: ErrorCode.NONE, producerEpoch: 0 })
  t.not(next.producerId, pid)
  t.match(coordinator.describe('tx'), { transactionState: 'Empty', producerId: next.producerId })
})

t.test('InitProducerId meeting an open transaction: any epoch of the current id aborts it; another id is fenced', async t => {
  const { coordinator, log } = setup()
  const a = coordinator.initProducerId('tx', 60_000, -1n, -1, V1_INIT)
  coordinator.addPartitions('tx', a.producerId, a.producerEpoch, [{ name: 't', partitions: [0] }], 3)
  t.match(coordinator.initProducerId('tx', 60_000, a.producerId + 1n, a.producerEpoch, V1_INIT), { errorCode: ErrorCode.PRODUCER_FENCED })
  t.match(coordinator.initProducerId('tx', 60_000, a.producerId + 1n, a.producerEpoch, 3), { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH }, 'v3 says INVALID_PRODUCER_EPOCH')
  t.match(coordinator.describe('tx'), { transactionState: 'Ongoing' }, 'still open')
  t.match(coordinator.initProducerId('tx', 60_000, a.producerId, a.producerEpoch + 5, V1_INIT), { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }, 'the epoch is not checked while a transaction is open (as in Kafka)')
  t.match(coordinator.describe('tx'), { transactionState: 'CompleteAbort', producerEpoch: a.producerEpoch + 1 })
  t.equal(log.lastStableOffset, log.highWatermark)
  t.match(coordinator.initProducerId('tx', 60_000, a.producerId, a.producerEpoch + 5, V1_INIT), { errorCode: ErrorCode.PRODUCER_FENCED }, 'once the abort is done, it is')
})
