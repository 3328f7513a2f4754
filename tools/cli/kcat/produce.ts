import type { Readable, Writable } from 'node:stream'
import { ConfigError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Producer } from '../../../consumer/producer/producer.js'
import { parseDelimiter } from './delimiter.js'
import { TransactionalProducer } from '../../../consumer/producer/transactional-producer.js'

// kcat -P: one record per input line (or per -D delimiter), empty lines skipped, a key split off at the first -K
// delimiter, a fixed -k key otherwise, -H headers on every record. Records go through the producer
// (consumer/producer/), which batches them per partition and holds at most buffer.memory bytes: when it is full,
// reading stdin waits, so any input streams through in bounded memory. Delivery failures are counted and the
// first is printed, as kcat does, and make the exit code 1. With -X transactional.id, the whole run is one
// transaction: committed at the end of the input, aborted on any failure.

export interface ProduceCliOptions {
  topic: string
  partition: number | undefined
  keyDelimiter: string | undefined
  messageDelimiter: string
  fixedKey: string | undefined
  headers: Array<{ key: string, value: string | null }>
  nullString: boolean
  count: number | undefined
  /** The input: a stream, or chunks that are only valid until the next one is asked for (file-chunks.ts). */
  stdin: Readable | AsyncIterable<Buffer>
  /** The largest message (key, value and headers) accepted, as librdkafka's message.max.bytes. */
  messageMaxBytes: number
  stderr: Writable
  /**
   * -T: where each produced message's input goes too. As kcat 1.7 writes it: the input bytes of the message (key,
   * key delimiter and value, as read), without the message delimiter, so consecutive messages run together.
   */
  tee?: Writable
}

export async function runProduce (producer: Producer, o: ProduceCliOptions): Promise<number> {
  return await runInTransaction(producer, o.stderr, async () => await produceLines(producer, o))
}

/**
 * Runs `work` (which produces and returns an exit code) as the whole run's transaction when the producer is
 * transactional: committed when it returns 0, aborted otherwise.
 */
export async function runInTransaction (producer: Producer, stderr: Writable, work: () => Promise<number>): Promise<number> {
  if (!(producer instanceof TransactionalProducer)) return await work()
  await producer.initTransactions()
  producer.beginTransaction()
  let code: number
  try {
    code = await work()
  } catch (err) {
    await producer.abortTransaction().catch(() => {})
    throw err
  }
  if (code !== 0) {
    await producer.abortTransaction()
    stderr.write('% Transaction aborted\n')
    return code
  }
  await producer.commitTransaction()
  return 0
}

async function produceLines (producer: Producer, o: ProduceCliOptions): Promise<number> {
  const delim = parseDelimiter('-D', o.messageDelimiter)
  if (delim.length === 0) throw new ConfigError('-D', 'the message delimiter is empty')
  const keyDelim = o.keyDelimiter === undefined ? undefined : parseDelimiter('-K', o.keyDelimiter)
  const fixedKey = o.fixedKey === undefined ? null : Buffer.from(o.fixedKey)
  const headers = o.headers.length === 0 ? undefined : o.headers
  const headerBytes = o.headers.reduce((n, h) => n + Buffer.byteLength(h.key) + (h.value === null ? 0 : Buffer.byteLength(h.value)), 0)
  let sent = 0
  const limit = o.count ?? Infinity
  // -T copies (the lines are views into reused chunks), written after each chunk's lines are produced.
  const tee: Buffer[] = []
  const flushTee = async (): Promise<void> => {
    if (tee.length === 0 || o.tee === undefined) return
    if (!o.tee.write(Buffer.concat(tee.splice(0)))) await new Promise<void>(resolve => o.tee?.once('drain', resolve))
  }

  /** Produces one line; returns a promise only when the producer's buffer is full and the caller must wait. */
  const add = (line: Buffer): Promise<void> | undefined => {
    if (line.length === 0) return undefined
    let key: Buffer | null = fixedKey
    let value: Buffer | null = line
    if (keyDelim !== undefined) {
      const at = line.indexOf(keyDelim)
      if (at >= 0) {
        key = line.subarray(0, at)
        value = line.subarray(at + keyDelim.length)
        if (o.nullString) {
          if (key.length === 0) key = null
          if (value.length === 0) value = null
        }
      }
    }
    const size = (key?.length ?? 0) + (value?.length ?? 0) + headerBytes
    if (size > o.messageMaxBytes) {
      // As kcat: fail on the message, after delivering what came before it (nothing read earlier is lost).
      return Promise.all([producer.flush(), flushTee()]).then(() => {
        throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `Failed to produce message (${size} bytes): above message.max.bytes (${o.messageMaxBytes}; raise it with -X message.max.bytes=N)`)
      })
    }
    sent++
    if (o.tee !== undefined) tee.push(Buffer.from(line))
    // Views into the input chunk (or the carried line), not copies: the producer encodes the record into its batch
    // when it takes it, before the returned promise (if any) settles. No per-record report: failures are counted
    // by the producer (`producer.stats`), which spares an object per delivered record.
    return producer.produce({ topic: o.topic, partition: o.partition, key, value, headers, timestamp: Date.now() })
  }

  // Lines are views into the chunk they end in; the unfinished end of a chunk is copied into `carry`, one buffer
  // reused from line to line (the producer copies a record when it takes it), so chunks may be reused by their
  // source once the loop asks for the next one, and a stream of 8 MB lines needs one 8 MB buffer here.
  let carry = Buffer.alloc(0)
  let carried = 0
  const keep = (bytes: Buffer): void => {
    if (carried + bytes.length > carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(carried + bytes.length, carry.length * 2, 4096))
      carry.copy(grown, 0, 0, carried)
      carry = grown
    }
    bytes.copy(carry, carried)
    carried += bytes.length
  }
  let more = true
  const byte = delim.length === 1 ? delim[0] : -1
  for await (const chunk of o.stdin) {
    let buf = chunk as Buffer
    // A delimiter of several bytes may straddle two chunks: then the chunk joins the carried bytes, and lines are
    // cut from the carry buffer (its unfinished end is moved to the front afterwards).
    const fromCarry = delim.length > 1 && carried > 0
    if (fromCarry) { keep(buf); buf = carry.subarray(0, carried); carried = 0 }
    // The hot loop of -P: one view per line and no other allocation (a one-byte delimiter is searched as a byte).
    let start = 0
    let at: number
    while (more && (at = byte >= 0 ? buf.indexOf(byte, start) : buf.indexOf(delim, start)) >= 0) {
      let line = buf.subarray(start, at)
      if (carried > 0) { keep(line); line = carry.subarray(0, carried); carried = 0 }
      const wait = add(line)
      if (wait !== undefined) await wait
      more = sent < limit
      start = at + delim.length
    }
    if (tee.length > 0) await flushTee()
    if (!more) break
    if (fromCarry) {
      buf.copy(carry, 0, start)
      carried = buf.length - start
    } else if (start < buf.length) {
      keep(buf.subarray(start))
    }
  }
  if (more && carried > 0) await add(carry.subarray(0, carried))
  await flushTee()
  await producer.flush()
  return reportDeliveryFailures(producer, sent, o.stderr)
}

/** After the last flush: the exit code, 1 when any record failed, reported as kcat does (the first error). */
export function reportDeliveryFailures (producer: Producer, sent: number, stderr: Writable): number {
  const { failedRecords, firstError } = producer.stats
  if (failedRecords > 0) {
    stderr.write(`% Delivery failed for message: ${firstError?.message ?? 'unknown error'}\n% ${failedRecords} of ${sent} messages failed\n`)
    return 1
  }
  return 0
}
