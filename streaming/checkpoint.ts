// The checkpoint: what makes a restarted job re-run exactly what it was doing. Like Spark's metadata checkpoint for
// the direct stream, it holds offset ranges, never data: a batch's ranges are written before the batch runs and the
// batch is marked done after its output succeeded. After a crash the unfinished batch is re-run with the very same
// ranges and batch time (so an idempotent sink overwrites, never duplicates), and the ranges of the batches a window
// still covers are kept so windowed state can be rebuilt by reading them again.
//
// One JSON file, `checkpoint.json`, replaced atomically (atomic-file.ts) on every change. Anything we cannot read
// with certainty is a CheckpointError: falling back to "start fresh" would re-process or skip data silently.
import { mkdir, readFile, readdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { CheckpointError } from './errors.js'
import { rangeFromJson, rangeToJson, type OffsetRange, type OffsetRangeJson } from './offset-range.js'
import { isTempFileName, writeFileAtomic } from './atomic-file.js'

const FORMAT = 'kafka-direct-checkpoint'
const VERSION = 1
export const CHECKPOINT_FILE = 'checkpoint.json'

/** What must match between the job that wrote a checkpoint and the one reading it. */
export interface CheckpointIdentity {
  batchIntervalMs: number
  inputs: Array<{ id: number; topics: string[] }>
}

export interface CheckpointBatch {
  time: number
  done: boolean
  /** Offset ranges per input stream id. */
  ranges: Map<number, OffsetRange[]>
}

export interface CheckpointState {
  /** The time before the first batch; windows and slides are aligned to it. */
  zeroTime: number
  /** Oldest first. At most one is not done, the last. */
  batches: CheckpointBatch[]
}

interface FileShape {
  format: string
  version: number
  batchIntervalMs: number
  zeroTime: number
  inputs: Array<{ id: number; topics: string[] }>
  batches: Array<{ time: number; done: boolean; ranges: Record<string, OffsetRangeJson[]> }>
}

export class Checkpoint {
  private state: CheckpointState | undefined

  private constructor (readonly dir: string, readonly identity: CheckpointIdentity, readonly recovered: CheckpointState | undefined) {
    this.state = recovered === undefined ? undefined : { zeroTime: recovered.zeroTime, batches: [...recovered.batches] }
  }

  /** Opens (creating if needed) a checkpoint directory and reads what a previous run left there. */
  static async open (dir: string, identity: CheckpointIdentity): Promise<Checkpoint> {
    await mkdir(dir, { recursive: true })
    for (const name of await readdir(dir)) {
      if (isTempFileName(name)) await unlink(join(dir, name)).catch(() => {})
    }
    const path = join(dir, CHECKPOINT_FILE)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Checkpoint(dir, identity, undefined)
      throw new CheckpointError(path, 'cannot be read', { cause: err })
    }
    return new Checkpoint(dir, identity, parseCheckpoint(path, text, identity))
  }

  /** Records a batch's ranges before it runs (and drops batches no window needs any more). */
  async begin (zeroTime: number, time: number, ranges: Map<number, OffsetRange[]>, rememberMs: number): Promise<void> {
    const batches = (this.state?.batches ?? []).filter(b => b.time > time - rememberMs && b.time < time)
    batches.push({ time, done: false, ranges })
    this.state = { zeroTime, batches }
    await this.flush()
  }

  /** Marks a batch done: its output has been written. */
  async complete (time: number): Promise<void> {
    const b = this.state?.batches.find(x => x.time === time)
    if (b === undefined) throw new CheckpointError(join(this.dir, CHECKPOINT_FILE), `batch ${time} was never begun`)
    b.done = true
    await this.flush()
  }

  private async flush (): Promise<void> {
    if (this.state === undefined) return
    const shape: FileShape = {
      format: FORMAT,
      version: VERSION,
      batchIntervalMs: this.identity.batchIntervalMs,
      zeroTime: this.state.zeroTime,
      inputs: this.identity.inputs,
      batches: this.state.batches.map(b => ({
        time: b.time,
        done: b.done,
        ranges: Object.fromEntries([...b.ranges].map(([id, rs]) => [String(id), rs.map(rangeToJson)]))
      }))
    }
    await writeFileAtomic(join(this.dir, CHECKPOINT_FILE), JSON.stringify(shape, null, 1) + '\n')
  }
}

export function parseCheckpoint (path: string, text: string, identity: CheckpointIdentity): CheckpointState {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new CheckpointError(path, 'is not valid JSON (corrupt?); move it away to start over deliberately', { cause: err })
  }
  const o = raw as Partial<FileShape> | null
  if (typeof o !== 'object' || o === null || o.format !== FORMAT) {
    throw new CheckpointError(path, `is not a kafka-direct checkpoint (format field ${JSON.stringify(o?.format)})`)
  }
  if (o.version !== VERSION) throw new CheckpointError(path, `has format version ${String(o.version)}; this build reads version ${VERSION}`)
  if (o.batchIntervalMs !== identity.batchIntervalMs) {
    throw new CheckpointError(path, `was written with batch interval ${String(o.batchIntervalMs)} ms, this job uses ${identity.batchIntervalMs} ms`)
  }
  const theirs = JSON.stringify(o.inputs)
  const ours = JSON.stringify(identity.inputs)
  if (theirs !== ours) throw new CheckpointError(path, `belongs to a job with other inputs (${theirs}); this job reads ${ours}`)
  if (typeof o.zeroTime !== 'number' || !Array.isArray(o.batches)) throw new CheckpointError(path, 'is missing zeroTime or batches')
  const batches: CheckpointBatch[] = []
  for (const b of o.batches) {
    if (typeof b !== 'object' || b === null || typeof b.time !== 'number' || typeof b.done !== 'boolean' || typeof b.ranges !== 'object' || b.ranges === null) {
      throw new CheckpointError(path, `has a malformed batch entry ${JSON.stringify(b)}`)
    }
    const ranges = new Map<number, OffsetRange[]>()
    for (const [id, list] of Object.entries(b.ranges)) {
      if (!Array.isArray(list)) throw new CheckpointError(path, `batch ${b.time}: ranges of input ${id} are not a list`)
      ranges.set(Number(id), list.map(r => {
        const parsed = rangeFromJson(r)
        if (parsed === undefined) throw new CheckpointError(path, `batch ${b.time}: malformed offset range ${JSON.stringify(r)}`)
        return parsed
      }))
    }
    batches.push({ time: b.time, done: b.done, ranges })
  }
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i] as CheckpointBatch
    if (i > 0 && b.time <= (batches[i - 1] as CheckpointBatch).time) throw new CheckpointError(path, 'batch times are not increasing')
    if (!b.done && i !== batches.length - 1) throw new CheckpointError(path, `batch ${b.time} is unfinished but not the last one`)
  }
  return { zeroTime: o.zeroTime, batches }
}
