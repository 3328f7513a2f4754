import { Fetch } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { encodeMessageSet, iterateRecords, scanBatches } from '../../../protocol/records/index.js'
import type { Infer, InferInput } from '../../../protocol/schema/define.js'
import { ClusterState } from '../cluster-state.js'
import type { PartitionLog } from '../partition-log.js'
import { serve, type RequestContext } from '../handler.js'
import { FetchSession, FetchSessionCache, sessionCacheFor, type RequestTopic, type SentPartition } from '../fetch-sessions.js'
import { chargeAndThrottle, quotaIdentity } from '../quotas/throttle.js'
import { encodeResponseChunks } from '../../../protocol/messages.js'
import { responseHeaderVersion } from '../../../protocol/headers.js'
import { leaderEndpoints, leaderHint } from './leader-hint.js'
import { AclOperation, ResourceType } from '../../../protocol/acl-codes.js'
import { authorizedNames } from '../access-check.js'
import { NO_PREFERRED_REPLICA, preferredReadReplica } from '../replica-selector.js'

// Fetch (key 1), v0-17: reads stored batches. The answer is built from views over the partition logs (no
// re-encoding, no copy: the writer keeps large views by reference). Long poll: when fewer than minBytes are
// available the request waits, up to maxWaitMs, for an append to one of its partitions. Limits follow KIP-74:
// partitions are filled in request order up to maxBytes (v3+) and partitionMaxBytes each, and the first batch of
// the first partition with data is returned whole even when larger, so a consumer always makes progress.
// v0-3 predate record batch v2: their answers are down-converted to message sets (magic 0 for v0-1, magic 1 for
// v2-3), as Kafka did before 4.0 removed those versions (KIP-896). Fetch sessions (v7+, KIP-227) are served as
// Kafka 4.x serves them (../fetch-sessions.ts): a full fetch with epoch 0 opens one, incremental fetches name only
// what changed and are answered with only what changed. read_committed (isolationLevel 1, v4+) reads only up to
// the last stable offset and gets the aborted transactions overlapping what it read, so the client can drop their
// records (KIP-98). A client over its consumer_byte_rate quota gets an empty answer with a throttle time, and is
// muted (../quotas/). Fetching from the closest replica (KIP-392, v11+): a consumer's fetch names its rack, the
// leader may answer preferredReadReplica (../replica-selector.ts) with no records, at once, and a follower serves
// such a consumer from its copy of the log (the fake's replicas share the leader's, so up to the same high watermark).

type Req = Infer<typeof Fetch.request>
type Res = InferInput<typeof Fetch.response>
type PartitionRes = NonNullable<NonNullable<Res['responses']>[number]['partitions']>[number]

const EMPTY = Buffer.alloc(0)

interface Built {
  responses: Array<{ topic: string, topicId: string, partitions: PartitionRes[] }>
  bytes: number
  /** An error answers at once: Kafka's DelayedFetch completes as soon as a partition fails. */
  anyError: boolean
  /** So does a preferred read replica or a diverging epoch (ReplicaManager.fetchMessages: hasPreferredReadReplica, hasDivergingEpoch). */
  redirected: boolean
  logs: PartitionLog[]
  leaders: Set<number>
}

export const fetchHandler = serve<Req>(Fetch, '0-17', async (ctx): Promise<Res> => {
  const { body, version } = ctx
  const usesTopicIds = version >= 13
  const requested: RequestTopic[] = body.topics.map(t => ({ topic: t.topic, topicId: t.topicId, partitions: t.partitions }))
  const cache = version >= 7 ? sessionCacheFor(ctx.cluster, ctx.broker.id) : undefined
  const context = cache === undefined
    ? { kind: 'sessionless' as const }
    : cache.newContext(body.sessionId, body.sessionEpoch, usesTopicIds, requested, body.forgottenTopicsData, Date.now())
  if (context.kind === 'error') return { throttleTimeMs: 0, errorCode: context.errorCode, sessionId: 0, responses: [] }
  const topics = context.kind === 'incremental' ? FetchSessionCache.topicsOf(context.session) : requested
  const deadline = Date.now() + body.maxWaitMs
  // A quota caps what one answer may carry (getMaxValueInQuotaWindow), so a single fetch cannot take more than
  // the quota allows over the whole window.
  const maxBytes = Math.min(body.maxBytes, fetchQuotaCap(ctx))
  const minBytes = Math.min(body.minBytes, maxBytes)
  let built = build(ctx, topics, maxBytes)
  let closed = false
  while (!built.anyError && !built.redirected && built.bytes < minBytes && !closed) {
    const left = deadline - Date.now()
    if (left <= 0) break
    // One wait for whichever comes first: an append to a fetched partition, the deadline, or the close. Every
    // registration is undone when the wait ends, so a long poll on an idle partition leaves nothing behind.
    await new Promise<void>(resolve => {
      const offs: Array<() => void> = []
      const done = (): void => { clearTimeout(timer); for (const off of offs) off(); resolve() }
      const timer = setTimeout(done, left)
      offs.push(ctx.onClose(() => { closed = true; done() }))
      for (const log of built.logs) offs.push(log.onAppend(done))
    })
    built = build(ctx, topics, maxBytes)
  }
  const incremental = context.kind === 'incremental'
  const sent = (t: Built['responses'][number], p: PartitionRes): [string, SentPartition] => [FetchSession.key(usesTopicIds, t.topic, t.topicId, p.partitionIndex ?? -1), {
    errorCode: p.errorCode ?? 0, highWatermark: p.highWatermark ?? -1n, logStartOffset: p.logStartOffset ?? -1n, records: p.records ?? null, preferredReadReplica: p.preferredReadReplica ?? NO_PREFERRED_REPLICA,
    diverging: p.divergingEpoch !== undefined
  }]
  // consumer_byte_rate is charged the answer's size (KafkaApis.handleFetchRequest, FetchResponse.sizeOf). Over the
  // quota, the answer is empty, carries the throttle time, and costs nothing (the size is taken back); the session
  // is left as it was, as Kafka's getThrottledResponse leaves it.
  if (ctx.cluster.quotas.fetch.enabled) {
    const answer = context.kind === 'incremental'
      ? built.responses.map(t => ({ ...t, partitions: t.partitions.filter(p => context.session.wouldRespond(...sent(t, p), true)) }))
      : built.responses
    const size = fetchResponseBytes(version, answer)
    const throttleTimeMs = chargeAndThrottle(ctx, ctx.cluster.quotas.fetch, size)
    if (throttleTimeMs > 0) {
      const { user, clientId } = quotaIdentity(ctx)
      ctx.cluster.quotas.fetch.unrecord(user, clientId, size, ctx.cluster.now(), ctx.broker.id)
      return { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: context.kind === 'incremental' ? context.session.id : 0, responses: [] }
    }
  }
  const session = context.kind === 'incremental' ? context.session : context.kind === 'full' ? cache!.create(usesTopicIds, requested, Date.now()) : undefined
  let responses = built.responses
  if (session !== undefined) {
    // Every answered partition updates what the session last sent; an incremental answer leaves out the rest.
    responses = responses.map(t => ({
      ...t,
      partitions: t.partitions.filter(p => session.mustRespond(...sent(t, p), incremental))
    })).filter(t => t.partitions.length > 0)
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: session?.id ?? 0,
    responses,
    nodeEndpoints: leaderEndpoints(ctx.cluster, built.leaders, ctx.listener)
  }
})

function fetchQuotaCap (ctx: RequestContext<Req>): number {
  const { user, clientId } = quotaIdentity(ctx)
  return Math.floor(ctx.cluster.quotas.fetch.maxValueInWindow(user, clientId))
}

/** FetchResponse.sizeOf: 4 bytes more than the body, which is the encoded answer without its size and header. */
function fetchResponseBytes (version: number, responses: Res['responses']): number {
  const chunks = encodeResponseChunks(Fetch, version, 0, { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses })
  const headerBytes = responseHeaderVersion(Fetch, version) === 1 ? 5 : 4
  return chunks.reduce((n, c) => n + c.length, 0) - headerBytes
}

function build (ctx: RequestContext<Req>, topics: readonly RequestTopic[], maxBytes: number): Built {
  const { version, cluster } = ctx
  const body = ctx.body
  const out: Built = { responses: [], bytes: 0, anyError: false, redirected: false, logs: [], leaders: new Set() }
  let budget = version >= 3 ? maxBytes : Number.MAX_SAFE_INTEGER
  // Kafka gives a consumer's fetch client metadata (its rack) from v11, and then lets followers answer it
  // (FetchParams.fetchOnlyLeader); a follower replica's own fetch (replicaId >= 0) still needs the leader.
  const consumerV11 = version >= 11 && (version >= 15 ? body.replicaState.replicaId : body.replicaId) < 0
  const readable = authorizedNames(ctx, AclOperation.READ, ResourceType.TOPIC, topics.map(t => (version >= 13 ? cluster.topicById(t.topicId)?.name : undefined) ?? t.topic))
  for (const t of topics) {
    const topic = version >= 13 ? cluster.topicById(t.topicId) : cluster.topics.get(t.topic)
    const name = topic?.name ?? t.topic
    const partitions: PartitionRes[] = t.partitions.map(fp => {
      const fail = (errorCode: number, extra: Partial<PartitionRes> = {}): PartitionRes => {
        out.anyError = true
        return { partitionIndex: fp.partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, records: EMPTY, ...extra }
      }
      // Kafka answers partitions it does not know before reading any log, with the response's default (empty)
      // list of aborted transactions; errors met while reading carry null, as the read path sets it.
      if (topic === undefined && version >= 13) return fail(ErrorCode.UNKNOWN_TOPIC_ID, { abortedTransactions: [] })
      // READ on the topic (KafkaApis.handleFetchRequest), checked before whether the topic exists.
      if (!readable.has(name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, { abortedTransactions: [] })
      if (topic === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { abortedTransactions: [] })
      const p = topic.partitions[fp.partition]
      if (p === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { abortedTransactions: [] })
      const injected = ctx.injectedError(name, fp.partition)
      if (injected !== ErrorCode.NONE) return fail(injected)
      const leaderError = cluster.leaderError(p, ctx.broker.id)
      const follower = leaderError === ErrorCode.NOT_LEADER_OR_FOLLOWER && consumerV11 && p.replicas.includes(ctx.broker.id)
      const fencing = leaderError !== ErrorCode.NONE && !follower ? leaderError : ClusterState.epochError(p, fp.currentLeaderEpoch)
      if (fencing !== ErrorCode.NONE) {
        const currentLeader = leaderHint('fetch', version, fencing, p, out.leaders)
        return fail(fencing, currentLeader === undefined ? {} : { currentLeader })
      }
      const log = p.log
      const hw = log.highWatermark
      const lso = log.lastStableOffset
      const marks = { highWatermark: hw, lastStableOffset: lso, logStartOffset: log.logStartOffset }
      const committedOnly = version >= 4 && body.isolationLevel === 1
      // Truncation detection (v12+, KIP-595's lastFetchedEpoch; Partition.readRecords): a fetcher that names the epoch
      // of the last record it has learns, before any read, whether its log diverges from this one. Kafka checks it
      // for consumers as well as followers; the Java consumer and franz-go send -1 (they use OffsetForLeaderEpoch).
      if (version >= 12 && fp.lastFetchedEpoch >= 0) {
        const end = log.endOffsetForEpoch(fp.lastFetchedEpoch, p.leaderEpoch)
        if (end.leaderEpoch < 0 || end.endOffset < 0n || fp.fetchOffset < log.logStartOffset) return fail(ErrorCode.OFFSET_OUT_OF_RANGE)
        if (end.leaderEpoch < fp.lastFetchedEpoch || end.endOffset < fp.fetchOffset) {
          // Answered at once with no records, as ReplicaManager completes a fetch with a diverging epoch.
          out.redirected = true
          return { partitionIndex: fp.partition, errorCode: ErrorCode.NONE, ...marks, abortedTransactions: null, divergingEpoch: { epoch: end.leaderEpoch, endOffset: end.endOffset }, records: EMPTY }
        }
      }
      // Out of range, Kafka's read fails before it looks at the log's offsets: the marks are -1 (unknown), and a
      // consumer asks ListOffsets where the valid range is.
      if (fp.fetchOffset < log.logStartOffset || fp.fetchOffset > hw) return fail(ErrorCode.OFFSET_OUT_OF_RANGE)
      // Only the leader chooses a replica, and then reads nothing (ReplicaManager.readFromLog skips the read).
      const preferred = consumerV11 && !follower ? preferredReadReplica(cluster, p, body.rackId) : NO_PREFERRED_REPLICA
      if (preferred !== NO_PREFERRED_REPLICA) {
        out.redirected = true
        return { partitionIndex: fp.partition, errorCode: ErrorCode.NONE, ...marks, abortedTransactions: null, preferredReadReplica: preferred, records: EMPTY }
      }
      out.logs.push(log)
      const limit = Math.max(0, Math.min(fp.partitionMaxBytes, budget))
      const offset = Number(fp.fetchOffset)
      // Up to the partition's limit across the log's storage chunks (a copy only where a read spans two): Kafka stops
      // a read at a segment's end too, but its segments are 1 GiB, so clients see full-size answers; the fake's
      // small first chunks must not make them smaller.
      const records = version >= 4
        ? log.read(offset, limit, out.bytes === 0, committedOnly ? Number(lso) : undefined)
        : downConvert(log, offset, limit, out.bytes === 0, version >= 2 ? 1 : 0)
      out.bytes += records.length
      budget -= records.length
      return {
        partitionIndex: fp.partition,
        errorCode: ErrorCode.NONE,
        ...marks,
        // Kafka sends null for read_uncommitted and a list (maybe empty) for read_committed.
        abortedTransactions: committedOnly
          ? log.abortedTransactions(offset, offset + recordSpan(records)).map(a => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }))
          : null,
        preferredReadReplica: NO_PREFERRED_REPLICA,
        records
      }
    })
    out.responses.push({ topic: name, topicId: t.topicId, partitions })
  }
  return out
}

/** How many offsets a run of stored batches covers (from the first batch's base to the last one's end). */
function recordSpan (records: Buffer): number {
  if (records.length === 0) return 0
  const batches = scanBatches(records).batches
  return Number(batches[batches.length - 1].lastOffset - batches[0].baseOffset) + 1
}

/**
 * Rewrites stored batches as a legacy message set for Fetch v0-3 (clients that predate KIP-98), without headers
 * (magic 0/1 cannot carry them), each message at its own offset. A stored batch usually begins before `offset` (a
 * producer's batch holds many records), and a pre-0.11 client does not skip the records before the offset it asked
 * for (kafka-node 5 hands them all to the application), so from an uncompressed batch they are left out, as Kafka's
 * down-conversion does (RecordsUtil.downConvert keeps a record only when `record.offset() >= firstOffset`); a
 * compressed batch is kept whole and becomes a wrapper message with the same codec, as Kafka builds it (checked
 * against Kafka 3.9 by test-interop/differential/fake-vs-kafka-3.test.ts). zstd, which legacy messages cannot carry,
 * is sent uncompressed (Kafka answers UNSUPPORTED_COMPRESSION_TYPE instead; the fake stays lenient for old clients).
 * Control batches have no legacy form and are skipped, as Kafka skips them.
 */
function downConvert (log: PartitionLog, offset: number, maxBytes: number, minOne: boolean, magic: 0 | 1): Buffer {
  const parts: Buffer[] = []
  let size = 0
  const from = BigInt(offset)
  for (const b of log.batches(offset)) {
    const stored = scanBatches(b.view).batches[0].compression
    let base: bigint | undefined
    const records = []
    for (const r of iterateRecords(b.view, { fromOffset: stored === 'none' ? from : undefined, verifyCrc: false, topic: log.topic, partition: log.partition })) {
      if (r.isControl) continue
      base ??= r.offset
      records.push({ key: r.key, value: r.value, timestamp: r.timestamp })
    }
    if (base === undefined) continue
    const compression = stored === 'zstd' ? 'none' : stored
    const set = encodeMessageSet(records, { magic, baseOffset: base, timestampType: log.timestampType, compression })
    if (size + set.length > maxBytes && !(parts.length === 0 && minOne)) break
    parts.push(set)
    size += set.length
    if (size >= maxBytes) break
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, size)
}
