import type { Writable } from 'node:stream'
import { ConfigError } from '../../../protocol/errors.js'
import { OffsetOutOfRangeError, type SimpleConsumer, tpKey, type FetchedPartition, type FetchPosition } from '../../../consumer/index.js'
import { compileFormat, formatErrorReporter, renderJson, textFormat, RecordFormatError, type RecordPrinter } from './format.js'
import { OutputBuffer } from './output-buffer.js'
import type { KcatOptions } from './options.js'

// kcat -C: consume one topic's partitions from a start offset, printing each record, with kcat's end-of-partition
// messages on stderr ("% Reached end of topic T [p] at offset N", plus ": exiting" on the last one with -e).
// A partition "reaches the end" when a fetch leaves its position at the high watermark (the last stable offset
// under read_committed), and again after new records arrive, as librdkafka's partition EOF events do.

/** The -C flags as parsed in options.ts, plus what the command resolved: one topic, its partitions, the streams. */
export type ConsumeOptions = Pick<KcatOptions, 'partitions' | 'offset' | 'exitAtEnd' | 'count' | 'quiet' | 'json' |
'format' | 'keyDelimiter' | 'messageDelimiter' | 'nullString' | 'keyPack' | 'valuePack' | 'exitOnError'> & {
  topic: string
  /** auto.offset.reset: where to go when the start offset is out of range (librdkafka default: end). */
  offsetReset: 'beginning' | 'end' | 'error'
  stdout: Writable
  stderr: Writable & { isTTY?: boolean }
}

interface PartitionState {
  partition: number
  position: bigint
  atEnd: boolean
  done: boolean
}

type StartSpec = { kind: 'beginning' | 'end' } | { kind: 'absolute', offset: bigint } | { kind: 'tail', count: bigint } | { kind: 'time', ts: bigint }

function parseStart (s: string | undefined): { start: StartSpec, endTimestamp: bigint | undefined } {
  if (s === undefined || s === 'beginning' || s === 'stored') return { start: { kind: 'beginning' }, endTimestamp: undefined }
  if (s === 'end') return { start: { kind: 'end' }, endTimestamp: undefined }
  if (/^\d+$/.test(s)) return { start: { kind: 'absolute', offset: int64('offset', s) }, endTimestamp: undefined }
  if (/^-\d+$/.test(s)) return { start: { kind: 'tail', count: int64('offset', s.slice(1)) }, endTimestamp: undefined }
  let m = /^s@(\d+)$/.exec(s)
  if (m !== null) return { start: { kind: 'time', ts: int64('timestamp', m[1]) }, endTimestamp: undefined }
  m = /^e@(\d+)$/.exec(s)
  if (m !== null) return { start: { kind: 'beginning' }, endTimestamp: int64('timestamp', m[1]) }
  throw new ConfigError('-o', `expected beginning, end, stored, N, -N, s@ts or e@ts, got "${s}"`)
}

const INT64_MAX = (1n << 63n) - 1n

/** Offsets and timestamps are int64 on the wire: a larger number is refused here, not by the encoder mid-request. */
function int64 (what: string, digits: string): bigint {
  const n = BigInt(digits)
  if (n > INT64_MAX) throw new ConfigError('-o', `${what} ${digits} is above the largest Kafka ${what} (${INT64_MAX})`)
  return n
}

/** Writes to a stream, waiting for it to drain when its buffer is full: memory stays bounded on slow pipes. */
async function write (stream: Writable, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await new Promise<void>(resolve => stream.once('drain', resolve))
}

export async function runConsume (consumer: SimpleConsumer, o: ConsumeOptions): Promise<number> {
  const { start, endTimestamp } = parseStart(o.offset)
  let partitions = o.partitions
  if (partitions.length === 0) {
    const t = await consumer.client.topic(o.topic)
    partitions = t.partitions.map(p => p.partition)
  }
  const tps = partitions.map(partition => ({ topic: o.topic, partition }))
  const positions = await startOffsets(consumer, tps, start)
  const states: PartitionState[] = partitions.map(partition => ({ partition, position: positions.get(tpKey(o.topic, partition)) as bigint, atEnd: false, done: false }))

  const tokens = o.json ? undefined : textFormat(o)
  // -J names the broker that served each record; the printer reads it from here.
  let broker = -1
  const printers = new Map<number, RecordPrinter>()
  for (const partition of partitions) {
    const ctx = { topic: o.topic, partition, nullString: o.nullString, keyPack: o.keyPack, valuePack: o.valuePack, onFormatError: formatErrorReporter(o) }
    printers.set(partition, tokens === undefined
      ? (r, out) => { out.string(renderJson(r, ctx, broker)) }
      : compileFormat(tokens, ctx))
  }
  const readCommitted = consumer.config.isolationLevel === 'read_committed'
  const progress = !o.quiet && o.stderr.isTTY === true ? new Progress(o.stderr) : undefined
  const out = new OutputBuffer()
  let printed = 0
  let finishedPartitions = 0
  const endOf = (got: FetchedPartition): bigint => readCommitted && got.lastStableOffset >= 0n ? got.lastStableOffset : got.highWatermark
  // Records are decoded as they are printed (lazy), so none outlives its line of output.
  const fetchRound = (active: PartitionState[], from: (s: PartitionState) => bigint): Promise<Map<string, FetchedPartition>> =>
    consumer.fetchOnce(active.map((s): FetchPosition => ({ topic: o.topic, partition: s.partition, fromOffset: from(s) })), { lazy: true })
  // The next round's fetch, sent before this round is printed (librdkafka prefetches the same way, from its
  // broker thread): the broker assembles the next response while we print. At most two responses are held (the one
  // printing, the one coming), so memory stays bounded by twice fetch.max.bytes, whatever the topic's size. When
  // printing stops early (-c, an error) the prefetch is abandoned; closing the consumer ends it.
  let prefetch: { active: PartitionState[], round: Promise<Map<string, FetchedPartition>> } | undefined

  for (;;) {
    let active: PartitionState[]
    let round: Map<string, FetchedPartition>
    try {
      if (prefetch !== undefined) {
        // Partitions finished while the last round printed (-c, e@ts) are dropped from what came back.
        active = prefetch.active.filter(s => !s.done)
        const pending = prefetch.round
        prefetch = undefined
        if (active.length === 0) break
        round = await pending
      } else {
        active = states.filter(s => !s.done)
        if (active.length === 0) break
        round = await fetchRound(active, s => s.position)
      }
    } catch (err) {
      if (!(err instanceof OffsetOutOfRangeError) || o.offsetReset === 'error') throw err
      const s = states.find(x => x.partition === err.partition) as PartitionState
      const to = o.offsetReset === 'end' ? err.highWatermark : err.logStartOffset
      if (to === undefined) throw err
      if (!o.quiet) {
        const leader = (await consumer.client.partitionInfo(o.topic, s.partition)).leader
        // librdkafka logs the reset at warning level (4) in this shape.
        await write(o.stderr, `%4|${(Date.now() / 1000).toFixed(3)}|OFFSET|kafka-direct#consumer-1| [thrd:main]: ${o.topic} [${s.partition}]: offset reset (at offset ${s.position}, broker ${leader}) to ${o.offsetReset === 'end' ? 'END' : 'BEGINNING'}: fetch failed due to requested offset not available on the broker: Broker: Offset out of range\n`)
      }
      s.position = to
      continue
    }
    // Which partitions the next round reads, from this round's positions alone: a partition that reaches the end
    // under -e is done (it was not at the end before, or it would be done already).
    const nextOffsets = new Map<PartitionState, bigint>()
    for (const s of active) {
      const got = round.get(tpKey(o.topic, s.partition))
      const next = got === undefined ? s.position : got.nextOffset
      if (!(o.exitAtEnd && got !== undefined && next >= endOf(got))) nextOffsets.set(s, next)
    }
    if (nextOffsets.size > 0) {
      const nextActive = [...nextOffsets.keys()]
      const pending = fetchRound(nextActive, s => nextOffsets.get(s) as bigint)
      // Abandoned when printing stops early (-c): its failure is nobody's to report.
      pending.catch(() => {})
      prefetch = { active: nextActive, round: pending }
      // Printing below runs without yielding until a chunk of output is full, and fetchOnce reaches the socket
      // only through a chain of awaits (cached metadata, the pooled connection): let it get there first, or the
      // request leaves after this round is printed and the broker's work no longer overlaps ours.
      await new Promise<void>(resolve => setImmediate(resolve))
    }
    let stop = false
    for (const s of active) {
      const got = round.get(tpKey(o.topic, s.partition))
      if (got === undefined) continue
      const print = printers.get(s.partition) as RecordPrinter
      broker = got.broker
      let n = 0
      let bytes = 0
      // Each record is printed and dropped before the next: one record object serves them all.
      const records = got.iterate({ reuseRecord: true })
      for (let it = records.next(); it.done !== true; it = records.next()) {
        const r = it.value
        if (endTimestamp !== undefined && r.timestamp >= endTimestamp) { s.done = true; finishedPartitions++; break }
        try {
          print(r, out)
        } catch (err) {
          // kcat exits on a record it cannot format (-s) after writing what it printed of it: so does this run.
          if (err instanceof RecordFormatError) await out.flush(o.stdout)
          throw err
        }
        n++
        if (progress !== undefined) bytes += r.value?.length ?? 0
        if (out.full) await out.flush(o.stdout)
        printed++
        if (o.count !== undefined && printed >= o.count) { stop = true; break }
      }
      progress?.add(n, bytes)
      if (stop) break
      if (n > 0) s.atEnd = false
      s.position = got.nextOffset
      if (!s.done && !s.atEnd && s.position >= endOf(got)) {
        s.atEnd = true
        if (o.exitAtEnd) { s.done = true; finishedPartitions++ }
        const exiting = o.exitAtEnd && finishedPartitions === states.length
        if (!o.quiet) {
          await out.flush(o.stdout)
          progress?.clear()
          await write(o.stderr, `% Reached end of topic ${o.topic} [${s.partition}] at offset ${s.position}${exiting ? ': exiting' : ''}\n`)
        }
      }
    }
    await out.flush(o.stdout)
    progress?.maybeDraw()
    if (stop) break
    // Every record of this round is printed and written: its response's memory can take a later response (the
    // pages stay resident, so the next round neither faults them in again nor waits for V8 to free the last one).
    consumer.recycle(round.values())
  }
  progress?.clear()
  return 0
}

async function startOffsets (consumer: SimpleConsumer, tps: Array<{ topic: string, partition: number }>, start: StartSpec): Promise<Map<string, bigint>> {
  switch (start.kind) {
    case 'beginning': return await consumer.earliestOffsets(tps)
    case 'end': return await consumer.latestOffsets(tps)
    case 'absolute': return new Map(tps.map(tp => [tpKey(tp.topic, tp.partition), start.offset]))
    case 'tail': {
      // librdkafka's OFFSET_TAIL(N): N before the end, but not before the log start.
      const [lo, hi] = await Promise.all([consumer.earliestOffsets(tps), consumer.latestOffsets(tps)])
      return new Map(tps.map(tp => {
        const k = tpKey(tp.topic, tp.partition)
        const from = (hi.get(k) as bigint) - start.count
        const first = lo.get(k) as bigint
        return [k, from < first ? first : from]
      }))
    }
    case 'time': {
      const found = await consumer.offsetsForTimes(tps.map(tp => ({ ...tp, timestamp: start.ts })))
      // No record at or after the timestamp: librdkafka answers -1, the logical end.
      const hi = [...found.values()].some(v => v < 0n) ? await consumer.latestOffsets(tps) : undefined
      return new Map([...found].map(([k, v]) => [k, v < 0n ? (hi?.get(k) as bigint) : v]))
    }
  }
}

/** The progress line for long consumes, redrawn at most every 500 ms, on a terminal only. */
class Progress {
  private records = 0
  private bytes = 0
  private readonly started = Date.now()
  private lastDraw = 0
  private drawn = false
  constructor (private readonly stderr: Writable) {}
  add (records: number, bytes: number): void { this.records += records; this.bytes += bytes }
  maybeDraw (): void {
    const now = Date.now()
    if (now - this.lastDraw < 500 || now - this.started < 1000) return
    this.lastDraw = now
    const secs = (now - this.started) / 1000
    this.stderr.write(`\r% ${this.records} records, ${(this.bytes / 1e6).toFixed(1)} MB, ${Math.round(this.records / secs)} records/s\x1b[K`)
    this.drawn = true
  }
  clear (): void {
    if (this.drawn) this.stderr.write('\r\x1b[K')
    this.drawn = false
  }
}
