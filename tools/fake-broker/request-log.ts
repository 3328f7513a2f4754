import { errorInfo } from '../../protocol/error-codes.js'

// The --verbose request log: one line per request with the API, version, client id, the topic-partitions it
// names and the error codes of its answer. The schemas name things consistently enough (topic or name, then
// partitions, partitionData or partitionIndexes) that one generic walk serves every API.

/** "orders[0,1] payments[3]" for the topic-partitions a request or response names. */
export function topicPartitions (body: unknown): string {
  const out: string[] = []
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) { for (const x of v) visit(x); return }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return
    const o = v as Record<string, unknown>
    // Versions that name topics by id (Fetch v13+, Produce v13+, TxnOffsetCommit v6+, OffsetCommit and OffsetFetch
    // v10+) leave the name empty: the id.
    const named = typeof o.topic === 'string' ? o.topic : typeof o.name === 'string' ? o.name : undefined
    const topic = named === '' && typeof o.topicId === 'string' ? o.topicId : named
    const parts = o.partitions ?? o.partitionData ?? o.partitionIndexes ?? o.partitionResponses
    if (topic !== undefined && Array.isArray(parts)) {
      out.push(`${topic}[${parts.map(partitionIndex).join(',')}]`)
      return
    }
    for (const [k, x] of Object.entries(o)) if (k !== '_unknownTaggedFields' && typeof x === 'object') visit(x)
  }
  visit(body)
  return out.join(' ')
}

function partitionIndex (p: unknown): string {
  if (typeof p === 'number') return String(p)
  const o = p as Record<string, unknown>
  return String(o.partition ?? o.partitionIndex ?? o.index ?? '?')
}

/** "ok", or the error names a response carries with their counts: "NOT_LEADER_OR_FOLLOWER x2". */
export function errorSummary (body: unknown): string {
  const counts = new Map<number, number>()
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) { for (const x of v) visit(x); return }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return
    for (const [k, x] of Object.entries(v)) {
      if (k === 'errorCode' && typeof x === 'number' && x !== 0) counts.set(x, (counts.get(x) ?? 0) + 1)
      else if (typeof x === 'object') visit(x)
    }
  }
  visit(body)
  if (counts.size === 0) return 'ok'
  return [...counts].map(([code, n]) => `${errorInfo(code).name}${n > 1 ? ` x${n}` : ''}`).join(' ')
}
