import { DescribeProducers, FindCoordinator, InitProducerId, TxnOffsetCommit, WriteTxnMarkers } from '../../protocol/apis/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { Case } from './corpus.js'
import { COORDINATOR_NOT_READY, createTopic, findCoordinator, metadata } from './requests.js'
import type { Session } from './session.js'

// Differential cases for TxnOffsetCommit: which partitions Kafka 4.4 refuses before its group coordinator sees them
// (an unknown topic id, an unknown topic, a partition the topic lacks) and in which order the answer lists them
// against the ones the coordinator answers, by name (v5) and by id (v6), with the producer right and fenced. And
// WriteTxnMarkers, as the admin client's abortTransaction sends it: markers for a producer the partitions never saw,
// a missing topic and partition, an older producer epoch and an older coordinator epoch.

const KEY_TYPE_TRANSACTION = 1
const UNKNOWN_TOPIC_ID = '0123abcd-0000-4000-8000-00000000cafe'

/** Asks until the answer is not "the coordinator is not ready yet" (Kafka loads its internal topics lazily). */
async function ready (send: () => Promise<any>, codes: (res: any) => number[]): Promise<any> {
  for (let i = 0; ; i++) {
    const res = await send()
    if (!codes(res).some(c => COORDINATOR_NOT_READY.has(c) || c === ErrorCode.CONCURRENT_TRANSACTIONS) || i === 300) return res
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

export const TXN_CORPUS: Case[] = [
  {
    name: 'TxnOffsetCommit v5 and v6: refused partitions (unknown id, unknown topic, missing partition) first, then the coordinator\'s',
    run: async s => {
      await createTopic(s, 'txo', 2)
      const topicId = (await metadata(s, 'txo', false)).topics[0].topicId
      const txId = 'txo-tx'
      await ready(async () => await s.request(FindCoordinator, 4, { keyType: KEY_TYPE_TRANSACTION, coordinatorKeys: [txId] }), r => r.coordinators.map((c: any) => c.errorCode))
      const initProducerId = async (): Promise<any> => await ready(async () => await s.request(InitProducerId, 5, { transactionalId: txId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }), r => [r.errorCode])
      // Twice, so that the epoch before the current one is a fenced one (not -1).
      const stale = (await initProducerId()).producerEpoch
      const init = await initProducerId()
      const part = (partitionIndex: number, committedOffset: bigint): unknown => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: `m${partitionIndex}` })
      const commit = async (version: number, groupId: string, topics: unknown[], producerEpoch = init.producerEpoch): Promise<any> => {
        await findCoordinator(s, groupId)
        return await ready(async () => await s.request(TxnOffsetCommit, version, {
          transactionalId: txId, groupId, producerId: init.producerId, producerEpoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics
        }), r => r.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode)))
      }
      return {
        init: init.errorCode,
        byName: await commit(5, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n), part(7, 1n), part(1, 9n)] }, { name: 'txo-missing', partitions: [part(0, 3n)] }, { name: 'txo', partitions: [part(4, 2n)] }]),
        byNameRefusedOnly: await commit(5, 'txo-g', [{ name: 'txo-missing', partitions: [part(0, 3n)] }, { name: 'txo', partitions: [part(9, 1n)] }]),
        byNameFenced: await commit(5, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n), part(7, 1n)] }, { name: 'txo-missing', partitions: [part(0, 3n)] }], stale),
        v3Fenced: await commit(3, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n)] }], stale),
        v4Fenced: await commit(4, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n)] }], stale),
        v4FutureEpoch: await commit(4, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n)] }], init.producerEpoch + 3),
        v5FutureEpoch: await commit(5, 'txo-g', [{ name: 'txo', partitions: [part(0, 5n)] }], init.producerEpoch + 3),
        byNameFencedRefusedOnly: await commit(5, 'txo-g', [{ name: 'txo-missing', partitions: [part(0, 3n)] }], stale),
        byId: await commit(6, 'txo-g', [{ topicId, partitions: [part(1, 6n), part(5, 1n)] }, { topicId: UNKNOWN_TOPIC_ID, partitions: [part(0, 3n)] }, { topicId, partitions: [part(0, 7n)] }]),
        byIdRefusedOnly: await commit(6, 'txo-g', [{ topicId: UNKNOWN_TOPIC_ID, partitions: [part(0, 3n)] }]),
        byIdFenced: await commit(6, 'txo-g', [{ topicId: UNKNOWN_TOPIC_ID, partitions: [part(0, 3n)] }, { topicId, partitions: [part(0, 7n), part(3, 1n)] }], stale)
      }
    }
  },
  {
    name: 'WriteTxnMarkers v1 and v2: markers written, a missing topic and partition, old producer and coordinator epochs',
    run: async s => {
      await createTopic(s, 'wtm', 2)
      const write = async (version: number, producerEpoch: number, coordinatorEpoch: number, topics: Array<{ name: string, partitionIndexes: number[] }>, transactionResult = false): Promise<unknown> =>
        (await s.request(WriteTxnMarkers, version, { markers: [{ producerId: 4242n, producerEpoch, transactionResult, coordinatorEpoch, transactionVersion: 0, topics }] })).markers
      const out: Record<string, unknown> = {
        first: await write(1, 1, 5, [{ name: 'wtm', partitionIndexes: [0, 9] }, { name: 'wtm-missing', partitionIndexes: [0] }]),
        commitV2: await write(2, 2, 5, [{ name: 'wtm', partitionIndexes: [0, 1] }], true),
        olderEpoch: await write(1, 1, 5, [{ name: 'wtm', partitionIndexes: [0] }]),
        olderCoordinatorEpoch: await write(1, 2, 4, [{ name: 'wtm', partitionIndexes: [0] }]),
        newerCoordinatorEpoch: await write(2, 2, 6, [{ name: 'wtm', partitionIndexes: [0] }])
      }
      const producers = await s.request(DescribeProducers, 0, { topics: [{ name: 'wtm', partitionIndexes: [0, 1] }] })
      // The marker's timestamp is each broker's clock: only whether there is one.
      out.producers = producers.topics[0].partitions.map((p: any) => p.activeProducers.map((a: any) => ({ ...a, lastTimestamp: a.lastTimestamp > 0n })))
      return out
    }
  }
]
