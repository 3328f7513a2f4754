import type { Admin } from '../../../consumer/admin/index.js'
import type { ActiveProducer } from '../../../consumer/admin/index.js'
import { KafkaDirectError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'

// `kafka-transactions.sh find-hanging`, as its FindHangingTransactionsCommand searches: the partitions of --topic
// (or its --partition), or every partition with a replica on --broker-id; their producers (DescribeProducers, at
// that broker when given) whose open transaction's last write is older than --max-transaction-timeout minutes; then
// the coordinators' view of those producer ids (ListTransactions by producer id, DescribeTransactions of their
// transactional ids). A transaction is hanging when no coordinator knows its producer id, its transactional id is
// not found, or the coordinator's transaction does not include that partition: nothing will ever end it there.

export interface FindHangingOptions {
  topic?: string
  partition?: number
  brokerId?: number
  maxTransactionTimeoutMinutes: number
}

export interface HangingTransaction {
  topic: string
  partition: number
  producer: ActiveProducer
}

/** A failure in the tool's words ("Failed to ...") with the broker's error as its cause, or without one. */
export class FindHangingError extends KafkaDirectError {
  constructor (readonly what: string, readonly error?: KafkaError) {
    super('ERR_FIND_HANGING', error === undefined ? what : `${what}: ${error.message}`, { cause: error })
  }
}

export async function findHanging (admin: Admin, opts: FindHangingOptions, now: () => number): Promise<HangingTransaction[]> {
  const { topic, partition, brokerId } = opts
  if (topic === undefined && brokerId === undefined) throw new FindHangingError('The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search')
  if (partition !== undefined && topic === undefined) throw new FindHangingError('The --partition argument requires --topic to be provided')
  const partitions = await partitionsToSearch(admin, opts)

  const described = await admin.describeProducers(partitions, { brokerId })
  const failed = described.find(p => p.error !== null)
  // Java prints its Optional<Integer>: "Optional[1]" or "Optional.empty".
  if (failed !== undefined && failed.error !== null) throw new FindHangingError(`Failed to describe producers for ${partitions.length} partitions on broker ${brokerId === undefined ? 'Optional.empty' : `Optional[${brokerId}]`}`, failed.error)
  const nowMs = BigInt(now())
  const maxMs = BigInt(opts.maxTransactionTimeoutMinutes) * 60_000n
  const candidates = described.flatMap(p => p.producers
    .filter(a => a.currentTxnStartOffset >= 0n && nowMs - a.lastTimestamp > maxMs)
    .map(producer => ({ topic: p.topic, partition: p.partition, producer })))
  if (candidates.length === 0) return []

  const producerIds = [...new Set(candidates.map(c => c.producer.producerId))]
  const listed = await admin.listTransactions({ producerIds }).catch((err: unknown) => {
    throw err instanceof KafkaError ? new FindHangingError(`Failed to list transactions for ${producerIds.length} producers`, err) : err
  })
  const idOf = new Map(listed.filter(l => producerIds.includes(l.producerId)).map(l => [l.producerId, l.transactionalId]))
  const ids = [...new Set(idOf.values())]
  const descriptions = new Map((await admin.describeTransactions(ids)).map(d => {
    if (d.error !== null && d.error.errorCode !== ErrorCode.TRANSACTIONAL_ID_NOT_FOUND) throw new FindHangingError(`Failed to describe ${ids.length} transactions`, d.error)
    return [d.transactionalId, d.error === null ? d : undefined]
  }))
  return candidates.filter(c => {
    const id = idOf.get(c.producer.producerId)
    const description = id === undefined ? undefined : descriptions.get(id)
    return description === undefined || !description.partitions.some(p => p.topic === c.topic && p.partition === c.partition)
  })
}

async function partitionsToSearch (admin: Admin, opts: FindHangingOptions): Promise<Array<{ topic: string, partition: number }>> {
  if (opts.topic !== undefined && opts.partition !== undefined) return [{ topic: opts.topic, partition: opts.partition }]
  const names = opts.topic !== undefined ? [opts.topic] : await admin.listTopics()
  const topics = await admin.describeTopics(names)
  const missing = topics.find(t => t.errorCode !== ErrorCode.NONE)
  if (missing !== undefined) throw new FindHangingError(`Failed to describe ${names.length} topics`, new KafkaError(missing.errorCode, `topic ${missing.name}`))
  return topics.flatMap(t => t.partitions
    .filter(p => opts.brokerId === undefined || p.replicas.includes(opts.brokerId))
    .map(p => ({ topic: t.name, partition: p.partition })))
}
