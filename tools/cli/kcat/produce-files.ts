import { open, stat } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { KafkaDirectError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import type { Producer } from '../../../consumer/producer/producer.js'
import { fileChunks } from './file-chunks.js'
import { reportDeliveryFailures } from './produce.js'
import { systemReason } from '../system-reason.js'

// kcat -P with file arguments (kcat 1.7 producer_run and produce_file). Without -l each file is ONE message, its
// whole content (delimiters and all), with the -k key and the -H headers; -K, -c and -T do not apply, an empty file
// is skipped, and a file that cannot be opened is reported and skipped: the run fails only when no file could be
// produced. With -l the one file allowed is read as stdin is, a message per delimiter (`kcat -h`: "-l Send messages
// from a file separated by delimiter, as with stdin"). A file named "-" is a file of that name, as in kcat.

/** A file argument that cannot be read; prints as kcat's "Cannot open FILE: reason". */
export class InputFileError extends KafkaDirectError {
  constructor (readonly path: string, reason: string, options?: ErrorOptions) {
    super('ERR_INPUT_FILE', `Cannot open ${path}: ${reason}`, options)
  }
}

/** -l FILE: the file's content in chunks, as stdin is read; InputFileError when it cannot be opened. */
export async function lineModeInput (path: string): Promise<AsyncIterable<Buffer>> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    throw new InputFileError(path, systemReason(err), { cause: err })
  }
  const fd = handle.fd
  return (async function * () {
    try {
      yield * fileChunks(fd)
    } finally {
      await handle.close()
    }
  })()
}

export interface ProduceFilesOptions {
  topic: string
  partition: number | undefined
  fixedKey: string | undefined
  headers: Array<{ key: string, value: string | null }>
  /** The largest message accepted, as librdkafka's message.max.bytes: a larger file fails before it is read. */
  messageMaxBytes: number
  /** kcat's -v level: 1 reports files that cannot be opened, 3 empty files skipped. */
  verbosity: number
  stderr: Writable
}

/** Produces each file as one message; returns the exit code (1 when no file was produced or delivery failed). */
export async function produceFiles (producer: Producer, paths: string[], o: ProduceFilesOptions): Promise<number> {
  const info = (level: number, line: string): void => { if (o.verbosity >= level) o.stderr.write(`% ${line}\n`) }
  const key = o.fixedKey === undefined ? null : Buffer.from(o.fixedKey)
  const headers = o.headers.length === 0 ? undefined : o.headers
  let good = 0
  let sent = 0
  for (const path of paths) {
    let value: Buffer
    try {
      const size = (await stat(path)).size
      if (size > o.messageMaxBytes) {
        await producer.flush()
        throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `Failed to produce message (${size} bytes) from ${path}: above message.max.bytes (${o.messageMaxBytes}; raise it with -X message.max.bytes=N)`)
      }
      const handle = await open(path, 'r')
      try { value = await handle.readFile() } finally { await handle.close() }
    } catch (err) {
      if (err instanceof KafkaError) throw err
      info(1, `Failed to open ${path}: ${systemReason(err)}`)
      continue
    }
    good++
    if (value.length === 0) { info(3, `Skipping empty file ${path}`); continue }
    sent++
    await producer.produce({ topic: o.topic, partition: o.partition, key, value, headers, timestamp: Date.now() })
  }
  await producer.flush()
  if (good === 0) return 1
  if (good < paths.length) info(1, `Failed to produce from ${paths.length - good}/${paths.length} files`)
  return reportDeliveryFailures(producer, sent, o.stderr)
}
