import { until as pollUntil } from './poll-until.js'
import { KafkaClient } from '../../consumer/cluster.js'
import type { BrokerConnection } from '../../consumer/connection.js'
import { AddPartitionsToTxn, CreateTopics, DescribeTransactions, EndTxn, Fetch, InitProducerId, ListTransactions, Produce } from '../../protocol/apis/index.js'
import type { Infer } from '../../protocol/schema/define.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { CoordinatorLookup, KEY_TYPE_TRANSACTION } from '../../consumer/producer/coordinator-lookup.js'
import { encodeRecordBatch, iterateRecords, scanBatches } from '../../protocol/records/index.js'

// One transactional id's requests on one broker, raw, for the transaction differential tests against real Kafka
// 4.4 and the fake broker, with the views that normalise what legitimately differs between two brokers: producer
// ids (as "the same id as the first InitProducerId gave" or not), epochs (as the difference from the first
// InitProducerId's epoch) and timestamps (as "set" or -1).

/** How long an abort may take to show: a timeout, a check, writing the markers, with room for a busy machine. */
export const DEADLINE_MS = 15_000

export type InitRes = Infer<typeof InitProducerId.response>
export type EndRes = Infer<typeof EndTxn.response>
export type DescribeRes = Infer<typeof DescribeTransactions.response>
type ListRes = Infer<typeof ListTransactions.response>
export type FetchRes = Infer<typeof Fetch.response>
type ProduceRes = Infer<typeof Produce.response>
type AddRes = Infer<typeof AddPartitionsToTxn.response>

/** Retries answers that only say "not yet" (coordinator loading or moving, markers still being written). */
const RETRIABLE: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.CONCURRENT_TRANSACTIONS])
export async function settled <R> (send: () => Promise<R>, code: (r: R) => number): Promise<R> {
  const deadline = Date.now() + DEADLINE_MS
  for (;;) {
    const r = await send()
    if (!RETRIABLE.has(code(r)) || Date.now() > deadline) return r
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Polls with the deadline above. */
export async function until <R> (probe: () => Promise<R>, done: (r: R) => boolean): Promise<R> {
  return await pollUntil(probe, done, DEADLINE_MS)
}

export interface Protocol { name: string, init: number, produce: number, end: number, addPartitions: boolean }
export const V1: Protocol = { name: 'v1', init: 4, produce: 11, end: 4, addPartitions: true }
export const V2: Protocol = { name: 'v2', init: 5, produce: 12, end: 5, addPartitions: false }

type Partition = FetchRes['responses'][number]['partitions'][number]
type Described = DescribeRes['transactionStates'][number]

/** One transactional id's requests on one broker, with the normalising views the scenarios compare. */
export interface Session {
  conn: BrokerConnection
  /** The first InitProducerId's answer: ids and epochs are shown relative to it. */
  a: InitRes
  pid: bigint
  /** InitProducerId, retried while the answer only says "not yet". */
  init: (pid?: bigint, epoch?: number) => Promise<InitRes>
  /** InitProducerId sent once, whatever it answers. */
  initOnce: (pid: bigint, epoch: number) => Promise<InitRes>
  summary: (r: InitRes | EndRes) => unknown[]
  addPartition: (epoch: number) => Promise<number>
  produce: (epoch: number, seq: number, value: string) => Promise<number>
  end: (epoch: number, committed: boolean) => Promise<EndRes>
  describe: () => Promise<Described>
  described: (d: Described) => unknown[]
  list: () => Promise<unknown[]>
  fetchPartition: () => Promise<Partition>
  fetched: (f: Partition) => unknown[]
}

export async function session (client: KafkaClient, createTopic: boolean, topic: string, txId: string, p: Protocol, timeoutMs: number): Promise<Session> {
  const md = await client.metadata([])
  if (createTopic) {
    const any = await client.connection(md.brokers[0].nodeId)
    await any.request(CreateTopics, undefined, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false })
  }
  const lookup = new CoordinatorLookup(client, KEY_TYPE_TRANSACTION, txId)
  const conn: BrokerConnection = await client.connection(await client.withRetries('FindCoordinator', async () => await lookup.node()))
  const leader = await client.withRetries('partitionInfo', async () => await client.connection((await client.partitionInfo(topic, 0)).leader))

  const initOnce = async (pid: bigint, epoch: number): Promise<InitRes> => (await conn.request<InitRes>(InitProducerId, p.init, { transactionalId: txId, transactionTimeoutMs: timeoutMs, producerId: pid, producerEpoch: epoch })).body
  const init = async (pid = -1n, epoch = -1): Promise<InitRes> => await settled(async () => await initOnce(pid, epoch), r => r.errorCode)
  const a = await init()
  const pid = a.producerId
  /** A producer id as the scenarios compare it: the first one, none (-1), or another (the coordinator's next). */
  const idOf = (id: bigint): string => id === pid ? 'same id' : id < 0n ? String(id) : 'another id'
  /** An InitProducerId or EndTxn answer, normalised: error, whether the id is the first one, epoch change. */
  const summary = (r: InitRes | EndRes): unknown[] => [r.errorCode, idOf(r.producerId), r.producerId < 0n ? r.producerEpoch : r.producerEpoch - a.producerEpoch]
  const addPartition = async (epoch: number): Promise<number> => (await settled(async () => (await conn.request<AddRes>(AddPartitionsToTxn, 3, { v3AndBelowTransactionalId: txId, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: topic, partitions: [0] }] })).body, r => r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode)).resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode
  const produce = async (epoch: number, seq: number, value: string): Promise<number> => {
    const records = encodeRecordBatch([{ value }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true })
    // A topic just created on real Kafka may not have its leader ready yet: that, too, is only "not yet".
    const send = async (): Promise<number> => (await leader.request<ProduceRes>(Produce, p.produce, { transactionalId: txId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] })).body.responses[0].partitionResponses[0].errorCode
    return await settled(send, c => c === ErrorCode.NOT_LEADER_OR_FOLLOWER || c === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ErrorCode.COORDINATOR_NOT_AVAILABLE : c)
  }
  const end = async (epoch: number, committed: boolean): Promise<EndRes> => await settled(async () => (await conn.request<EndRes>(EndTxn, p.end, { transactionalId: txId, producerId: pid, producerEpoch: epoch, committed })).body, r => r.errorCode)
  const describe = async (): Promise<Described> => (await conn.request<DescribeRes>(DescribeTransactions, 0, { transactionalIds: [txId] })).body.transactionStates[0]
  const described = (d: Described): unknown[] => [
    d.errorCode, d.transactionState, d.transactionTimeoutMs, d.transactionStartTimeMs < 0n ? -1 : 'set',
    idOf(d.producerId), d.producerEpoch - a.producerEpoch, d.topics.map(x => [x.topic, x.partitions])
  ]
  const list = async (): Promise<unknown[]> => {
    const r = (await conn.request<ListRes>(ListTransactions, 1, { stateFilters: [], producerIdFilters: [pid], durationFilter: -1n })).body
    return [r.errorCode, r.transactionStates.map(s => [s.transactionalId, s.producerId === pid, s.transactionState])]
  }
  const fetchPartition = async (): Promise<Partition> => (await leader.request<FetchRes>(Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }]
  })).body.responses[0].partitions[0]
  /** A read_committed Fetch from offset 0: offsets, aborted transactions, and every batch, markers with their type. */
  const fetched = (f: Partition): unknown[] => {
    const records = f.records ?? Buffer.alloc(0)
    const controlTypes = [...iterateRecords(records, { includeControl: true })].filter(r => r.isControl).map(r => r.key?.readInt16BE(2) === 0 ? 'abort' : 'commit')
    const batches = scanBatches(records).batches.map(b => [String(b.baseOffset), b.isTransactional, b.isControl, idOf(b.producerId), b.producerEpoch - a.producerEpoch])
    return [f.errorCode, f.highWatermark, f.lastStableOffset, (f.abortedTransactions ?? []).map(x => [idOf(x.producerId), x.firstOffset]), batches, controlTypes]
  }
  return { conn, a, pid, init, initOnce, summary, addPartition, produce, end, describe, described, list, fetchPartition, fetched }
}


export type Steps = Array<[string, ...unknown[]]>

/** The part of a tap test sameSteps uses. */
interface StepChecks {
  comment: (...args: unknown[]) => void
  equal: (found: unknown, wanted: unknown, message?: string) => void
  same: (found: unknown, wanted: unknown, message?: string) => void
}

/** Runs a scenario on real Kafka (creating its topic), then on the fake broker, and compares them step by step. */
export async function sameSteps (t: StepChecks, run: (bootstrap: string, createTopic: boolean) => Promise<Steps>, kafkaBootstrap: string, fakeBootstrap: string): Promise<void> {
  const real = await run(kafkaBootstrap, true)
  t.comment(JSON.stringify(real, (_k, v: unknown) => typeof v === 'bigint' ? String(v) : v))
  const fake = await run(fakeBootstrap, false)
  t.equal(fake.length, real.length, 'as many steps')
  for (let i = 0; i < real.length; i++) t.same(fake[i], real[i], `step ${real[i][0]}`)
}
