import { DescribeTransactions } from '../../protocol/apis/describe-transactions.js'
import { InitProducerId } from '../../protocol/apis/init-producer-id.js'
import { ListTransactions } from '../../protocol/apis/list-transactions.js'
import { WriteTxnMarkers } from '../../protocol/apis/write-txn-markers.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { KafkaError, UnsupportedVersionError } from '../../protocol/errors.js'
import type { KafkaClient } from '../cluster.js'
import { CoordinatorCache, CoordinatorType, coordinatorMoved } from '../coordinator/find-coordinator.js'
import { isRetriable } from '../retry.js'
import { resourceError } from './resource-error.js'

// Transactions as the Java Admin's KIP-664 calls ("hanging transactions") see them:
//   listTransactions      ListTransactions at every broker (each lists the ids it coordinates), merged; filters by
//                         state, producer id, running time (v1, KIP-994) and id pattern (v2, KIP-1152).
//   describeTransactions  each id's coordinator (FindCoordinator, key type TRANSACTION), then one
//                         DescribeTransactions per coordinator for all of its ids; an answer per id.
//   fenceProducers        InitProducerId with the transactional id and no producer id: the coordinator bumps the
//                         epoch, aborting any open transaction, so the producer holding the old epoch is fenced.
//   abortTransaction      WriteTxnMarkers (abort) for one producer to one partition's leader: ends a hanging
//                         transaction there, as `kafka-transactions.sh abort` (needs CLUSTER_ACTION on the cluster).
// Per-id errors follow the Java handlers: a moved or unavailable coordinator is looked up again, a loading one
// (and, for fencing, CONCURRENT_TRANSACTIONS while the abort completes) is retried, anything else is that id's error.

export interface ListTransactionsOptions {
  /** Only transactions in these states (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, ...). */
  states?: string[]
  /** Only transactions of these producer ids. */
  producerIds?: bigint[]
  /** Only transactions running longer than this many ms (ListTransactions v1+, KIP-994). */
  durationFilterMs?: number
  /** Only transactional ids matching this regular expression (ListTransactions v2+, KIP-1152). */
  transactionalIdPattern?: string
}

export interface TransactionListing {
  transactionalId: string
  producerId: bigint
  state: string
  /** The broker that listed it: the id's transaction coordinator. */
  coordinatorId: number
}

export interface TransactionDescription {
  transactionalId: string
  /** TRANSACTIONAL_ID_NOT_FOUND for an id the coordinator does not know; then the other fields are empty. */
  error: KafkaError | null
  coordinatorId: number
  state: string
  producerId: bigint
  producerEpoch: number
  transactionTimeoutMs: number
  /** When the open transaction started (ms since the epoch), null when none is open. */
  transactionStartTimeMs: bigint | null
  /** The partitions of the open transaction, sorted. */
  partitions: Array<{ topic: string, partition: number }>
}

export interface FencedProducer {
  transactionalId: string
  error: KafkaError | null
  /** The producer id and the epoch after the bump; -1n and -1 on error. */
  producerId: bigint
  producerEpoch: number
}

export interface FenceProducersOptions {
  /**
   * The transactionTimeoutMs sent with InitProducerId (the Java Admin's FenceProducersOptions.timeoutMs, else its
   * request timeout): the coordinator uses it to write the bumped epoch to its log.
   */
  timeoutMs?: number
}

/** Every broker's transactions, merged; sorted by transactional id. Throws a broker's top-level error. */
export async function listTransactions (client: KafkaClient, opts: ListTransactionsOptions = {}): Promise<TransactionListing[]> {
  const md = await client.metadata([])
  const durationFilter = BigInt(opts.durationFilterMs ?? -1)
  const pattern = opts.transactionalIdPattern ?? null
  const found = new Map<string, TransactionListing>()
  await Promise.all(md.brokers.map(async b => {
    await client.withRetries(`ListTransactions at broker ${b.nodeId}`, async () => {
      const res = await client.request(b.nodeId, ListTransactions, {
        stateFilters: opts.states ?? [], producerIdFilters: opts.producerIds ?? [], durationFilter, transactionalIdPattern: pattern
      })
      // A broker too old for a filter would list every transaction: refuse rather than answer something else.
      if (durationFilter >= 0n && res.version < 1) throw new UnsupportedVersionError('ListTransactions', `broker ${b.nodeId} speaks v${res.version}, which cannot filter by duration (v1+)`)
      if (pattern !== null && pattern !== '' && res.version < 2) throw new UnsupportedVersionError('ListTransactions', `broker ${b.nodeId} speaks v${res.version}, which cannot filter by transactional id pattern (v2+)`)
      // COORDINATOR_LOAD_IN_PROGRESS is retriable, and retried; any other error fails the call, as in Java.
      if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `ListTransactions at broker ${b.nodeId}`)
      for (const s of res.body.transactionStates) {
        found.set(s.transactionalId, { transactionalId: s.transactionalId, producerId: s.producerId, state: s.transactionState, coordinatorId: b.nodeId })
      }
    })
  }))
  return [...found.values()].sort((a, b) => a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0)
}

function undescribed (transactionalId: string, error: KafkaError, coordinatorId = -1): TransactionDescription {
  return { transactionalId, error, coordinatorId, state: '', producerId: -1n, producerEpoch: -1, transactionTimeoutMs: -1, transactionStartTimeMs: null, partitions: [] }
}

/** Ids still waiting for an answer after a round: a coordinator moved or was loading. Thrown to retry the round. */
class PendingIds extends KafkaError {}

/** One answer per id, in the order asked; the ids of one coordinator go in one request. */
export async function describeTransactions (client: KafkaClient, transactionalIds: readonly string[]): Promise<TransactionDescription[]> {
  const coordinators = new CoordinatorCache(client, CoordinatorType.TRANSACTION)
  const results = new Map<string, TransactionDescription>()
  let pending = [...new Set(transactionalIds)]
  try {
    await client.withRetries('DescribeTransactions', async () => {
      const byNode = new Map<number, string[]>()
      await Promise.all(pending.map(async id => {
        try {
          const node = await coordinators.get(id)
          byNode.set(node, [...(byNode.get(node) ?? []), id])
        } catch (err) {
          // FindCoordinator's own per-id refusal (not authorised, say) is that id's answer; the rest retry.
          if (!(err instanceof KafkaError) || isRetriable(err)) throw err
          results.set(id, undescribed(id, err))
        }
      }))
      let retry: number = ErrorCode.NONE
      await Promise.all([...byNode].map(async ([node, ids]) => {
        const res = await client.request(node, DescribeTransactions, { transactionalIds: ids })
        for (const s of res.body.transactionStates) {
          if (!ids.includes(s.transactionalId)) continue
          const error = resourceError(s.errorCode, `DescribeTransactions ${s.transactionalId}`)
          // NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE: find the coordinator again; COORDINATOR_LOAD_IN_PROGRESS: wait.
          if (coordinatorMoved(error)) {
            if (s.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) coordinators.forget(s.transactionalId)
            retry = s.errorCode
            continue
          }
          results.set(s.transactionalId, error !== null ? undescribed(s.transactionalId, error, node) : {
            transactionalId: s.transactionalId,
            error: null,
            coordinatorId: node,
            state: s.transactionState,
            producerId: s.producerId,
            producerEpoch: s.producerEpoch,
            transactionTimeoutMs: s.transactionTimeoutMs,
            transactionStartTimeMs: s.transactionStartTimeMs < 0n ? null : s.transactionStartTimeMs,
            partitions: s.topics.flatMap(t => t.partitions.map(partition => ({ topic: t.topic, partition })))
              .sort((a, b) => a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition)
          })
        }
      }))
      pending = pending.filter(id => !results.has(id))
      // An id the coordinator left out of its answer is asked again, as one whose coordinator moved.
      if (pending.length > 0) throw new PendingIds(retry === ErrorCode.NONE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : retry, `DescribeTransactions ${pending.join(', ')}`)
    })
  } catch (err) {
    // Retries spent: the ids still waiting answer the last retriable error; a failed request still throws.
    if (!(err instanceof PendingIds)) throw err
    for (const id of pending) results.set(id, undescribed(id, new KafkaError(err.errorCode, `DescribeTransactions ${id}`)))
  }
  return transactionalIds.flatMap(id => results.get(id) ?? [])
}

/** Bumps each transactional id's epoch, fencing its current producer; one result per id, in the order asked. */
export async function fenceProducers (client: KafkaClient, transactionalIds: readonly string[], opts: FenceProducersOptions = {}): Promise<FencedProducer[]> {
  const coordinators = new CoordinatorCache(client, CoordinatorType.TRANSACTION)
  const transactionTimeoutMs = opts.timeoutMs ?? client.config.requestTimeoutMs
  return await Promise.all(transactionalIds.map(async transactionalId => {
    try {
      return await coordinators.withCoordinator(transactionalId, `FenceProducers ${transactionalId}`, async node => {
        // No producer id or epoch: the coordinator then cannot answer PRODUCER_FENCED, only bump (Java's handler).
        const res = await client.request(node, InitProducerId, { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 })
        // CONCURRENT_TRANSACTIONS (the abort of the open transaction is still being written) and a loading or moved
        // coordinator are retriable KafkaErrors, so withCoordinator retries them; the rest end the retries.
        if (res.body.errorCode !== ErrorCode.NONE) throw new KafkaError(res.body.errorCode, `FenceProducers ${transactionalId}`)
        return { transactionalId, error: null, producerId: res.body.producerId, producerEpoch: res.body.producerEpoch }
      })
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err
      return { transactionalId, error: err, producerId: -1n, producerEpoch: -1 }
    }
  }))
}

/** What abortTransaction ends: a producer's open transaction in one partition (Java's AbortTransactionSpec). */
export interface AbortTransactionSpec {
  topic: string
  partition: number
  producerId: bigint
  producerEpoch: number
  /** The coordinator epoch of the producer's last marker there (describeProducers), 0 when it has none. */
  coordinatorEpoch: number
}

/**
 * Writes an abort marker for the producer into the partition, at its leader, as Java's AbortTransactionHandler: a
 * moved leader (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, ...) is looked up again and retried; any other
 * error (CLUSTER_AUTHORIZATION_FAILED, INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED) is thrown.
 */
export async function abortTransaction (client: KafkaClient, spec: AbortTransactionSpec): Promise<void> {
  const { topic, partition } = spec
  const what = `WriteTxnMarkers (abort producer ${spec.producerId} epoch ${spec.producerEpoch}) ${topic}[${partition}]`
  await client.withRetries(what, async () => {
    const leader = (await client.partitionInfo(topic, partition)).leader
    const res = await client.request(leader, WriteTxnMarkers, {
      markers: [{ producerId: spec.producerId, producerEpoch: spec.producerEpoch, transactionResult: false, coordinatorEpoch: spec.coordinatorEpoch, topics: [{ name: topic, partitionIndexes: [partition] }] }]
    })
    const result = res.body.markers.find(m => m.producerId === spec.producerId)?.topics.find(t => t.name === topic)?.partitions.find(p => p.partitionIndex === partition)
    if (result === undefined) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `${what}: the answer has no result for the partition`)
    // Stale-leader codes are retriable (withRetries refreshes the topic's metadata first); the rest end it.
    if (result.errorCode !== ErrorCode.NONE) throw new KafkaError(result.errorCode, what)
  }, [topic])
}
