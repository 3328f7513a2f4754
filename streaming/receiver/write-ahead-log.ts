import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, unlinkSync, ftruncateSync, mkdirSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32c } from '../../protocol/records/crc32c.js'
import { CheckpointError } from '../errors.js'

// The receiver's write-ahead log (Spark's spark.streaming.receiver.writeAheadLog.enable): every block of records the
// receiver takes from Kafka is appended here and fsynced before the receiver counts it as received, commits its
// offsets or lets a batch plan it, so a crash loses nothing that was acknowledged. Blocks are kept as the fetched
// record batches (bytes, as the broker sent them) with the range they cover; the batch that reads them after a
// restart decodes the same bytes the first run would have.
//
// Files: <dir>/log-<n>.wal, a new one when the current passes SEGMENT_BYTES. Each entry is
//   u32 length of what follows the CRC | u32 CRC-32C of it | u16 header length | header (JSON) | records blob
// A crash can leave a torn entry at the end of the last file (written, not yet fsynced): replay drops it and cuts
// the file there, since nothing after the last complete entry was acknowledged. A damaged entry anywhere else is a
// CheckpointError: skipping it would lose data silently.

/** One block: a partition's records in [fromOffset, untilOffset), as the record batches a fetch returned. */
export interface WalBlock {
  topic: string
  partition: number
  fromOffset: bigint
  untilOffset: bigint
  /** The record batches (the fetch response's records field, complete batches only). */
  blob: Buffer
  /** read_committed: the aborted transactions the Fetch response listed for these batches. */
  abortedTransactions?: Array<{ producerId: bigint, firstOffset: bigint }>
}

const SEGMENT_BYTES = 64 * 1024 * 1024
const ENTRY_HEAD = 8
/** Entries larger than this cannot be ours: a length beyond it is damage, not a block. */
const MAX_ENTRY_BYTES = 1 << 30

/**
 * A file of the log as memory knows it. Its blocks' bytes are on disk and in the receiver's block store, not here:
 * deleting the file needs only the highest offset it holds per partition ("topic:partition" -> untilOffset), so
 * memory stays a few entries per file however much data the file holds.
 */
interface Segment { n: number, path: string, bytes: number, highest: Map<string, bigint> }

function noteHighest (highest: Map<string, bigint>, blocks: readonly WalBlock[]): Map<string, bigint> {
  for (const b of blocks) {
    const k = `${b.topic}:${b.partition}`
    const h = highest.get(k)
    if (h === undefined || b.untilOffset > h) highest.set(k, b.untilOffset)
  }
  return highest
}

export class WriteAheadLog {
  private readonly segments: Segment[] = []
  private file: FileHandle | undefined

  private constructor (readonly dir: string) {}

  /** Opens the log in `dir` (created if needed) and reads back every block it holds, oldest first. */
  static open (dir: string): { wal: WriteAheadLog, blocks: WalBlock[] } {
    mkdirSync(dir, { recursive: true })
    const wal = new WriteAheadLog(dir)
    const names = readdirSync(dir).filter(f => /^log-\d+\.wal$/.test(f)).sort((a, b) => segmentNumber(a) - segmentNumber(b))
    const blocks: WalBlock[] = []
    names.forEach((name, i) => {
      const path = join(dir, name)
      const { blocks: read, goodBytes, torn } = readSegment(path, i === names.length - 1)
      if (torn) ftruncatePath(path, goodBytes)
      wal.segments.push({ n: segmentNumber(name), path, bytes: goodBytes, highest: noteHighest(new Map(), read) })
      blocks.push(...read)
    })
    return { wal, blocks }
  }

  /**
   * Appends blocks as one write and resolves once they are on the disk (fsync). Calls must not overlap (the
   * receiver awaits each before taking more).
   */
  async append (blocks: readonly WalBlock[]): Promise<void> {
    if (blocks.length === 0) return
    const data = Buffer.concat(blocks.map(encodeEntry))
    let seg = this.segments[this.segments.length - 1]
    if (seg === undefined || this.file === undefined || seg.bytes + data.length > SEGMENT_BYTES) seg = await this.rotate()
    const file = this.file as FileHandle
    await file.write(data)
    await file.sync()
    seg.bytes += data.length
    noteHighest(seg.highest, blocks)
  }

  /**
   * Deletes the files whose every block ends at or below what is still needed for its partition (`neededFrom`,
   * keyed by "topic:partition"; a partition not listed needs nothing). The file being written is kept.
   */
  deleteBefore (neededFrom: ReadonlyMap<string, bigint>): number {
    let deleted = 0
    const last = this.segments[this.segments.length - 1]
    for (const seg of [...this.segments]) {
      if (seg === last && this.file !== undefined) continue
      let obsolete = true
      for (const [k, until] of seg.highest) if (until > (neededFrom.get(k) ?? until)) obsolete = false
      if (!obsolete) continue
      unlinkSync(seg.path)
      this.segments.splice(this.segments.indexOf(seg), 1)
      deleted++
    }
    return deleted
  }

  /** The log's files, oldest first (for tests and diagnostics). */
  get files (): string[] { return this.segments.map(s => s.path) }

  async close (): Promise<void> {
    const f = this.file
    this.file = undefined
    await f?.close()
  }

  private async rotate (): Promise<Segment> {
    await this.close()
    const n = (this.segments[this.segments.length - 1]?.n ?? 0) + 1
    const path = join(this.dir, `log-${n}.wal`)
    this.file = await open(path, 'a')
    const seg: Segment = { n, path, bytes: 0, highest: new Map() }
    this.segments.push(seg)
    // The new file's directory entry must survive a crash too.
    const dirFd = openSync(this.dir, 'r')
    try { fsyncSync(dirFd) } finally { closeSync(dirFd) }
    return seg
  }
}

function segmentNumber (name: string): number {
  return Number(/^log-(\d+)\.wal$/.exec(name)?.[1] ?? 0)
}

function encodeEntry (b: WalBlock): Buffer {
  const header = Buffer.from(JSON.stringify({
    topic: b.topic,
    partition: b.partition,
    from: b.fromOffset.toString(),
    until: b.untilOffset.toString(),
    aborted: b.abortedTransactions?.map(a => [a.producerId.toString(), a.firstOffset.toString()])
  }), 'utf8')
  const body = Buffer.allocUnsafe(2 + header.length + b.blob.length)
  body.writeUInt16BE(header.length, 0)
  header.copy(body, 2)
  b.blob.copy(body, 2 + header.length)
  const head = Buffer.allocUnsafe(ENTRY_HEAD)
  head.writeUInt32BE(body.length, 0)
  head.writeUInt32BE(crc32c(body), 4)
  return Buffer.concat([head, body])
}

/** Reads a segment's entries; a short or damaged entry at the end of the last segment is a torn write. */
function readSegment (path: string, isLast: boolean): { blocks: WalBlock[], goodBytes: number, torn: boolean } {
  const data = readFileSync(path)
  const blocks: WalBlock[] = []
  let at = 0
  while (at < data.length) {
    // Only the last entry of the newest file can be one the receiver never acknowledged (a write cut short before
    // its fsync): damage there is a torn write, cut off. Damage with complete entries after it is not.
    const fail = (why: string, lastEntry: boolean): { blocks: WalBlock[], goodBytes: number, torn: boolean } => {
      if (isLast && lastEntry) return { blocks, goodBytes: at, torn: true }
      throw new CheckpointError(path, `write-ahead log entry at byte ${at}: ${why}`)
    }
    if (data.length - at < ENTRY_HEAD) return fail('truncated entry header', true)
    const length = data.readUInt32BE(at)
    const end = at + ENTRY_HEAD + length
    if (length > MAX_ENTRY_BYTES || length < 2 || end > data.length) return fail(`entry of ${length} bytes runs past the end of the file`, true)
    const body = data.subarray(at + ENTRY_HEAD, end)
    if (crc32c(body) !== data.readUInt32BE(at + 4)) return fail('CRC-32C mismatch', end === data.length)
    const block = decodeBody(body)
    if (block === undefined) return fail('unreadable entry header', end === data.length)
    blocks.push(block)
    at += ENTRY_HEAD + length
  }
  return { blocks, goodBytes: at, torn: false }
}

function decodeBody (body: Buffer): WalBlock | undefined {
  const headerLength = body.readUInt16BE(0)
  if (2 + headerLength > body.length) return undefined
  try {
    const h = JSON.parse(body.toString('utf8', 2, 2 + headerLength)) as { topic: string, partition: number, from: string, until: string, aborted?: Array<[string, string]> }
    if (typeof h.topic !== 'string' || !Number.isInteger(h.partition)) return undefined
    return {
      topic: h.topic,
      partition: h.partition,
      fromOffset: BigInt(h.from),
      untilOffset: BigInt(h.until),
      // A copy, not a view of the whole file: the file's other blocks may be deleted before this one.
      blob: Buffer.from(body.subarray(2 + headerLength)),
      abortedTransactions: h.aborted?.map(([p, f]) => ({ producerId: BigInt(p), firstOffset: BigInt(f) }))
    }
  } catch {
    return undefined
  }
}

function ftruncatePath (path: string, bytes: number): void {
  const fd = openSync(path, 'r+')
  try {
    ftruncateSync(fd, bytes)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
