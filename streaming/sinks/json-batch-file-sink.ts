// An idempotent, transactional file sink: each batch's output and the offset ranges it came from go into ONE file,
// written atomically (temp, fsync, rename, fsync dir) and named by the batch time. That gives exactly-once output
// with at-least-once execution:
//  - a batch re-run after a crash has the same batch time and the same ranges (the checkpoint guarantees it), so it
//    rewrites the same file with the same content: idempotent;
//  - output and offsets land together or not at all, so the files themselves say how far the job got: the
//    "store offsets with the output" pattern of Spark's integration guide. committedOffsets() reads them back, for
//    jobs that restart from the sink (fromOffsets) instead of a checkpoint.
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { isTempFileName, writeFileAtomic } from '../atomic-file.js'
import { CheckpointError } from '../errors.js'
import { tpKey, type OffsetRange } from '../offset-range.js'

export interface BatchFileRange { topic: string; partition: number; fromOffset: number | string; untilOffset: number | string }

export interface BatchFile<P> {
  batchTime: number
  offsetRanges: BatchFileRange[]
  payload: P
}

const PREFIX = 'batch-'
const SUFFIX = '.json'

export class JsonBatchFileSink {
  constructor (readonly dir: string) {}

  /** Creates the directory and removes temp files a crash left behind (they were never committed). */
  async open (): Promise<this> {
    await mkdir(this.dir, { recursive: true })
    for (const name of await readdir(this.dir)) if (isTempFileName(name)) await unlink(join(this.dir, name)).catch(() => {})
    return this
  }

  /** Zero-padded so that file names sort in batch-time order. */
  fileName (batchTime: number): string {
    return `${PREFIX}${String(batchTime).padStart(15, '0')}${SUFFIX}`
  }

  /**
   * Writes one batch as `{ batchTime, offsetRanges, ...payload }`. Offsets are JSON numbers while they are exact
   * (below 2^53, true of any real log), strings beyond.
   */
  async write (batchTime: number, offsetRanges: readonly OffsetRange[], payload: Record<string, unknown>): Promise<string> {
    const doc = {
      batchTime,
      offsetRanges: offsetRanges.map(r => ({ topic: r.topic, partition: r.partition, fromOffset: jsonOffset(r.fromOffset), untilOffset: jsonOffset(r.untilOffset) })),
      ...payload
    }
    const path = join(this.dir, this.fileName(batchTime))
    await writeFileAtomic(path, JSON.stringify(doc) + '\n')
    return path
  }

  /** Every committed batch file, in batch-time order. */
  async readAll (): Promise<Array<Record<string, unknown> & { batchTime: number; offsetRanges: BatchFileRange[] }>> {
    const names = (await readdir(this.dir)).filter(n => n.startsWith(PREFIX) && n.endsWith(SUFFIX)).sort()
    const out = []
    for (const n of names) {
      const path = join(this.dir, n)
      let doc: unknown
      try {
        doc = JSON.parse(await readFile(path, 'utf8'))
      } catch (err) {
        throw new CheckpointError(path, 'output file is not valid JSON', { cause: err })
      }
      const d = doc as { batchTime?: unknown; offsetRanges?: unknown }
      if (typeof d.batchTime !== 'number' || !Array.isArray(d.offsetRanges)) throw new CheckpointError(path, 'output file lacks batchTime or offsetRanges')
      out.push(doc as Record<string, unknown> & { batchTime: number; offsetRanges: BatchFileRange[] })
    }
    return out
  }

  /** The offset each partition's output reaches (the greatest untilOffset stored), keyed by tpKey. */
  async committedOffsets (): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>()
    for (const f of await this.readAll()) {
      for (const r of f.offsetRanges) {
        const k = tpKey(r.topic, r.partition)
        const u = BigInt(r.untilOffset)
        if ((out.get(k) ?? -1n) < u) out.set(k, u)
      }
    }
    return out
  }
}

function jsonOffset (v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()
}
