import type { Writable } from 'node:stream'
import { ConfigError } from '../../../protocol/errors.js'
import { GroupConsumer, type GroupBatch } from '../../../consumer/group/index.js'
import type { ConfigInput, TopicPartition } from '../../../consumer/index.js'
import { compileFormat, formatErrorReporter, renderJson, textFormat, RecordFormatError, type RecordPrinter } from './format.js'
import { OutputBuffer } from './output-buffer.js'
import type { KcatOptions } from './options.js'

// kcat -G: the balanced consumer. The topics are joined as one group member (consumer/group/GroupConsumer), so
// that several kafka-direct or kcat processes in one group split the partitions. Records print as with -C (-f,
// -J, -K, -D, -Z); rebalances are reported on stderr as kcat reports them ("% Group G rebalanced (memberid M):
// assigned: t [0], t [1]"); with -e the member exits once every partition assigned to it has reached its end.
// Offsets are committed as librdkafka does by default: automatically, and on exit. -o beginning|end|stored picks
// auto.offset.reset for partitions without a committed offset, as kcat does in this mode.

export type BalancedOptions = Pick<KcatOptions, 'offset' | 'exitAtEnd' | 'count' | 'quiet' | 'json' | 'format' |
'keyDelimiter' | 'messageDelimiter' | 'nullString' | 'keyPack' | 'valuePack' | 'exitOnError'> & {
  group: string
  topics: string[]
  /** The consumer configuration from -b and -X, already mapped (kcat.ts buildConfig). */
  config: ConfigInput
  /** -X enable.auto.commit, which kcat.ts otherwise ignores. */
  enableAutoCommit: string | undefined
  offsetReset: 'beginning' | 'end' | 'error'
  stdout: Writable
  stderr: Writable
  /** Ends the consumer from outside (SIGINT, SIGTERM): it commits and leaves the group. */
  signal?: AbortSignal
}

const list = (tps: TopicPartition[]): string => tps.map(tp => `${tp.topic} [${tp.partition}]`).join(', ')

async function write (stream: Writable, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await new Promise<void>(resolve => stream.once('drain', resolve))
}

export async function runBalancedConsume (o: BalancedOptions): Promise<number> {
  if (o.topics.length === 0) throw new ConfigError('-G', 'needs at least one topic: -G GROUP TOPIC...')
  let reset = o.offsetReset === 'beginning' ? 'earliest' : o.offsetReset === 'end' ? 'latest' : 'none'
  if (o.offset === 'beginning') reset = 'earliest'
  else if (o.offset === 'end') reset = 'latest'
  else if (o.offset !== undefined && o.offset !== 'stored') throw new ConfigError('-o', `with -G only beginning, end or stored, got "${o.offset}"`)
  const config: ConfigInput = {
    // librdkafka's default assignors, so that kafka-direct -G and kcat -G agree on one by default.
    'partition.assignment.strategy': 'range,roundrobin',
    ...o.config,
    'group.id': o.group,
    'auto.offset.reset': reset
  }
  if (o.enableAutoCommit !== undefined) config['enable.auto.commit'] = o.enableAutoCommit
  const info = (line: string): void => { if (!o.quiet) o.stderr.write(`% ${line}\n`) }
  const consumer: GroupConsumer = new GroupConsumer(config, {
    rebalanceListener: {
      onPartitionsAssigned: tps => { info(`Group ${o.group} rebalanced (memberid ${consumer.memberId}): assigned: ${list(tps)}`) },
      onPartitionsRevoked: tps => { info(`Group ${o.group} rebalanced (memberid ${consumer.memberId}): revoked: ${list(tps)}`) },
      onPartitionsLost: tps => { info(`Group ${o.group} rebalanced (memberid ${consumer.memberId}): lost: ${list(tps)}`) }
    }
  })
  // Ends the read loop after the batch in hand, which the close() below then commits: -c, -e, or a signal.
  const done = new AbortController()
  const onAbort = (): void => { done.abort() }
  o.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    consumer.subscribe(o.topics)
    const tokens = o.json ? undefined : textFormat(o)
    const printers = new Map<string, RecordPrinter>()
    let broker = -1
    const printerFor = (topic: string, partition: number): RecordPrinter => {
      const key = `${topic}:${partition}`
      let p = printers.get(key)
      if (p === undefined) {
        const ctx = { topic, partition, nullString: o.nullString, keyPack: o.keyPack, valuePack: o.valuePack, onFormatError: formatErrorReporter(o) }
        p = tokens === undefined ? (r: Parameters<RecordPrinter>[0], out: OutputBuffer) => { out.string(renderJson(r, ctx, broker)) } : compileFormat(tokens, ctx)
        printers.set(key, p)
      }
      return p
    }
    const out = new OutputBuffer()
    const atEnd = new Set<string>()
    let printed = 0
    const readCommitted = consumer.client.config.isolationLevel === 'read_committed'
    await consumer.eachBatch(async (batch: GroupBatch) => {
      const print = printerFor(batch.topic, batch.partition)
      broker = batch.broker
      const key = `${batch.topic}:${batch.partition}`
      for (const r of batch.records) {
        try {
          print(r, out)
        } catch (err) {
          // As -C: what was printed of the record goes out before the run ends on it.
          if (err instanceof RecordFormatError) await out.flush(o.stdout)
          throw err
        }
        if (out.full) await out.flush(o.stdout)
        if (o.count !== undefined && ++printed >= o.count) {
          await out.flush(o.stdout)
          // Only what was printed counts as consumed: the rest of the batch stays for the next reader.
          consumer.seek(batch.topic, batch.partition, r.offset + 1n)
          done.abort()
          return
        }
      }
      await out.flush(o.stdout)
      if (batch.records.length > 0) atEnd.delete(key)
      const end = readCommitted && batch.lastStableOffset >= 0n ? batch.lastStableOffset : batch.highWatermark
      if (batch.nextOffset >= end && !atEnd.has(key)) {
        atEnd.add(key)
        const assigned = consumer.assignment()
        const exiting = o.exitAtEnd && assigned.length > 0 && assigned.every(tp => atEnd.has(`${tp.topic}:${tp.partition}`))
        if (!o.quiet) await write(o.stderr, `% Reached end of topic ${batch.topic} [${batch.partition}] at offset ${batch.nextOffset}${exiting ? ': exiting' : ''}\n`)
        if (exiting) done.abort()
      }
    }, { emptyBatches: true, signal: done.signal })
    return 0
  } finally {
    o.signal?.removeEventListener('abort', onAbort)
    await consumer.close()
  }
}
