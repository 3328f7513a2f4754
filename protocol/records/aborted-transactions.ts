// read_committed filtering (KIP-98). A Fetch response at isolation level READ_COMMITTED lists the aborted
// transactions that overlap the fetched range as (producerId, firstOffset). Walking batches in offset order, a
// producer is "aborted" from its transaction's firstOffset until that producer's ABORT control batch; its
// transactional data batches in between are dropped. The same producer may abort several transactions in one
// fetch, so entries are consumed in firstOffset order as batches pass them. This mirrors what the Java consumer
// does (it consumes every entry whose firstOffset is at or below the batch's LAST offset, then checks the batch).
export class AbortedTransactions {
  private readonly queue: Array<{ producerId: bigint, firstOffset: bigint }>
  private next = 0
  private readonly aborted = new Set<bigint>()

  constructor (list: ReadonlyArray<{ producerId: bigint, firstOffset: bigint }>) {
    this.queue = [...list].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
  }

  /** Marks as aborted every producer whose aborted transaction began at or before `lastOffset`. */
  consumeUpTo (lastOffset: bigint): void {
    const q = this.queue
    while (this.next < q.length && q[this.next].firstOffset <= lastOffset) this.aborted.add(q[this.next++].producerId)
  }

  isAborted (producerId: bigint): boolean {
    return this.aborted.size !== 0 && this.aborted.has(producerId)
  }

  /** The producer's ABORT marker ends its aborted transaction. */
  abortMarker (producerId: bigint): void {
    this.aborted.delete(producerId)
  }
}
