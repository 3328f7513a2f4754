import { Admin } from '../../../consumer/admin/index.js'
import { KafkaError } from '../../../protocol/errors.js'
import { UsageError } from '../usage-error.js'
import { readCommandConfig } from './acls.js'
import { findHanging, FindHangingError } from './find-hanging.js'
import type { Io } from './topics.js'

// `kafka-direct transactions`: Kafka's kafka-transactions.sh (TransactionsCommand, KIP-664) over the Admin client,
// with its flags and tables: list (ListTransactions at every broker), describe (DescribeTransactions at the id's
// coordinator), describe-producers (DescribeProducers at the partition's leader), abort (WriteTxnMarkers at the
// partition's leader, for the producer whose open transaction starts at --start-offset, or the one named),
// find-hanging (./find-hanging.ts: open transactions no coordinator will end), forceTerminateTransaction (KIP-939:
// the Java Admin's forceTerminateTransaction is fenceProducers for one id, aborting its open transaction). Tables are printed as Kafka's
// ToolsUtils.prettyPrintTable prints them: each value padded to its column's width and followed by a tab. A
// failure is one line on stderr in the tool's words ("Failed to ...: <cause>.") and exit code 1.
//   kafka-direct transactions --bootstrap-server B [--command-config F] list [--duration-filter MS] [--transactional-id-pattern RE]
//   kafka-direct transactions --bootstrap-server B describe --transactional-id ID
//   kafka-direct transactions --bootstrap-server B describe-producers --topic T --partition P [--broker-id N]
//   kafka-direct transactions --bootstrap-server B find-hanging (--topic T [--partition P] | --broker-id N) [--max-transaction-timeout MIN]
//   kafka-direct transactions --bootstrap-server B forceTerminateTransaction --transactionalId ID
//   kafka-direct transactions --bootstrap-server B abort --topic T --partition P (--start-offset N | --producer-id I --producer-epoch E --coordinator-epoch C)

const USAGE = 'usage: kafka-direct transactions --bootstrap-server BROKERS [--command-config FILE] COMMAND ...\n' +
  '  list [--duration-filter MS] [--transactional-id-pattern REGEX]\n' +
  '  describe --transactional-id ID\n' +
  '  describe-producers --topic TOPIC --partition PARTITION [--broker-id ID]\n' +
  '  abort --topic TOPIC --partition PARTITION (--start-offset OFFSET | --producer-id ID --producer-epoch E --coordinator-epoch C)\n' +
  '  find-hanging (--topic TOPIC [--partition PARTITION] | --broker-id ID) [--max-transaction-timeout MINUTES]\n' +
  '  forceTerminateTransaction --transactionalId ID\n'

type Command =
  | { name: 'list', durationFilterMs?: number, pattern?: string }
  | { name: 'describe', transactionalId: string }
  | { name: 'describe-producers', topic: string, partition: number, brokerId?: number }
  | { name: 'forceTerminateTransaction', transactionalId: string }
  | { name: 'find-hanging', topic?: string, partition?: number, brokerId?: number, maxTransactionTimeoutMinutes: number }
  | { name: 'abort', topic: string, partition: number, startOffset?: bigint, producerId?: bigint, producerEpoch?: number, coordinatorEpoch?: number }

export interface TransactionsArgs { bootstrap: string, config: Record<string, string>, command: Command }

function integer (flag: string, s: string): number {
  return Number(long(flag, s))
}

function long (flag: string, s: string): bigint {
  if (!/^-?\d{1,19}$/.test(s)) throw new UsageError(`${flag} takes an integer, got ${s}\n${USAGE}`)
  return BigInt(s)
}

const COMMANDS = 'list, describe, describe-producers, abort, find-hanging, forceTerminateTransaction'

export function parseTransactionsArgs (argv: readonly string[]): TransactionsArgs {
  let bootstrap: string | undefined
  let config: Record<string, string> = {}
  let name: string | undefined
  const opts = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    // The global flags come before the command, its own flags after it (argparse subcommands).
    if (name === undefined) {
      switch (flag) {
        case '--bootstrap-server': case '-b': bootstrap = value(); break
        case '--command-config': config = readCommandConfig(value()); break
        case 'list': case 'describe': case 'describe-producers': case 'abort': case 'find-hanging':
        case 'forceTerminateTransaction': name = flag; break
        default: throw new UsageError(`${flag.startsWith('-') ? `unknown option ${flag}` : `unknown command ${flag} (${COMMANDS})`}\n${USAGE}`)
      }
      continue
    }
    const allowed: Record<string, string[]> = {
      list: ['--duration-filter', '--transactional-id-pattern'],
      describe: ['--transactional-id'],
      'describe-producers': ['--topic', '--partition', '--broker-id'],
      abort: ['--topic', '--partition', '--start-offset', '--producer-id', '--producer-epoch', '--coordinator-epoch'],
      'find-hanging': ['--topic', '--partition', '--broker-id', '--max-transaction-timeout'],
      forceTerminateTransaction: ['--transactionalId']
    }
    if (!allowed[name].includes(flag)) throw new UsageError(`unknown option ${flag} for ${name}\n${USAGE}`)
    opts.set(flag, value())
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (name === undefined) throw new UsageError(`a command is required (${COMMANDS})\n${USAGE}`)
  const required = (flag: string): string => {
    const v = opts.get(flag)
    if (v === undefined) throw new UsageError(`${name} needs ${flag}\n${USAGE}`)
    return v
  }
  const optional = (flag: string): number | undefined => opts.has(flag) ? integer(flag, required(flag)) : undefined
  const optionalLong = (flag: string): bigint | undefined => opts.has(flag) ? long(flag, required(flag)) : undefined
  let command: Command
  if (name === 'list') command = { name, durationFilterMs: optional('--duration-filter'), pattern: opts.get('--transactional-id-pattern') }
  else if (name === 'describe') command = { name, transactionalId: required('--transactional-id') }
  else if (name === 'forceTerminateTransaction') command = { name, transactionalId: required('--transactionalId') }
  else if (name === 'find-hanging') {
    command = { name, topic: opts.get('--topic'), partition: optional('--partition'), brokerId: optional('--broker-id'), maxTransactionTimeoutMinutes: optional('--max-transaction-timeout') ?? 15 }
  } else if (name === 'abort') {
    command = {
      name,
      topic: required('--topic'),
      partition: integer('--partition', required('--partition')),
      startOffset: optionalLong('--start-offset'),
      producerId: optionalLong('--producer-id'),
      producerEpoch: optional('--producer-epoch'),
      coordinatorEpoch: optional('--coordinator-epoch')
    }
  } else command = { name: 'describe-producers', topic: required('--topic'), partition: integer('--partition', required('--partition')), brokerId: optional('--broker-id') }
  return { bootstrap, config, command }
}

/** Kafka's ToolsUtils.prettyPrintTable: every cell padded to its column's width, each followed by a tab. */
export function prettyTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  return [headers, ...rows].map(r => r.map((v, i) => `${v.padEnd(widths[i])}\t`).join('') + '\n').join('')
}

/**
 * Kafka's printErrorAndExit: "<what>: <cause>. Enable debug logging for additional detail." on stderr (or just
 * "<what>" without a cause), exit 1.
 */
function failed (io: Io, what: string, error?: KafkaError): number {
  io.stderr.write(error === undefined ? `${what}\n` : `${what}: ${error.message.replace(/\.$/, '')}. Enable debug logging for additional detail.\n`)
  return 1
}

/**
 * The tool's abort: the producer named by --producer-id/--producer-epoch/--coordinator-epoch (brokers before 3.0),
 * or the one whose open transaction starts at --start-offset (DescribeProducers; a coordinator epoch of -1, no
 * marker yet, is sent as 0, "less than or equal to any possible leader epoch"). Prints nothing when done.
 */
async function abort (admin: Admin, io: Io, command: Extract<Command, { name: 'abort' }>): Promise<number> {
  const { topic, partition } = command
  const tp = `${topic}-${partition}`
  let spec: Parameters<Admin['abortTransaction']>[0]
  if (command.startOffset === undefined) {
    if (command.producerId === undefined) {
      return failed(io, 'The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with ' +
        '--producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)')
    }
    if (command.producerEpoch === undefined) return failed(io, 'Missing required argument --producer-epoch')
    if (command.coordinatorEpoch === undefined) return failed(io, 'Missing required argument --coordinator-epoch')
    spec = { topic, partition, producerId: command.producerId, producerEpoch: command.producerEpoch, coordinatorEpoch: Math.max(0, command.coordinatorEpoch) }
  } else {
    const [state] = await admin.describeProducers([{ topic, partition }])
    if (state.error !== null) return failed(io, `Failed to validate producer state for partition ${tp}`, state.error)
    const found = state.producers.find(p => p.currentTxnStartOffset === command.startOffset)
    if (found === undefined) return failed(io, `Could not find any open transactions starting at offset ${command.startOffset} on partition ${tp}`)
    spec = { topic, partition, producerId: found.producerId, producerEpoch: found.producerEpoch, coordinatorEpoch: Math.max(0, found.coordinatorEpoch) }
  }
  try {
    await admin.abortTransaction(spec)
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err
    return failed(io, `Failed to abort transaction AbortTransactionSpec(topicPartition=${tp}, producerId=${spec.producerId}, producerEpoch=${spec.producerEpoch}, coordinatorEpoch=${spec.coordinatorEpoch})`, err)
  }
  return 0
}

export async function run (argv: string[], io: Io = process, now: () => number = Date.now): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  const { bootstrap, config, command } = parseTransactionsArgs(argv)
  const admin = await Admin.connect({ ...config, 'bootstrap.servers': bootstrap, 'client.id': 'kafka-direct-transactions' })
  try {
    if (command.name === 'list') {
      const listed = await admin.listTransactions({ durationFilterMs: command.durationFilterMs, transactionalIdPattern: command.pattern })
      // Grouped by coordinator, as the tool prints its allByBrokerId() map.
      const rows = listed.sort((a, b) => a.coordinatorId - b.coordinatorId)
        .map(l => [l.transactionalId, String(l.coordinatorId), String(l.producerId), l.state])
      io.stdout.write(prettyTable(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows))
      return 0
    }
    if (command.name === 'describe') {
      const id = command.transactionalId
      const [d] = await admin.describeTransactions([id])
      if (d.error !== null) return failed(io, `Failed to describe transaction state of transactional-id \`${id}\``, d.error)
      const start = d.transactionStartTimeMs
      io.stdout.write(prettyTable(
        ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions'],
        [[String(d.coordinatorId), id, String(d.producerId), String(d.producerEpoch), d.state, String(d.transactionTimeoutMs),
          start === null ? 'None' : String(start), start === null ? 'None' : String(BigInt(now()) - start),
          d.partitions.map(p => `${p.topic}-${p.partition}`).join(',')]]))
      return 0
    }
    if (command.name === 'abort') return await abort(admin, io, command)
    if (command.name === 'forceTerminateTransaction') {
      // Prints nothing when done, as the tool.
      const [fenced] = await admin.fenceProducers([command.transactionalId])
      return fenced.error === null ? 0 : failed(io, `Failed to force terminate transactionalId \`${command.transactionalId}\``, fenced.error)
    }
    if (command.name === 'find-hanging') {
      let hanging
      try {
        hanging = await findHanging(admin, command, now)
      } catch (err) {
        if (!(err instanceof FindHangingError)) throw err
        return failed(io, err.what, err.error)
      }
      const nowMs = BigInt(now())
      io.stdout.write(prettyTable(
        ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'],
        hanging.map(h => [h.topic, String(h.partition), String(h.producer.producerId), String(h.producer.producerEpoch), String(h.producer.coordinatorEpoch),
          String(h.producer.currentTxnStartOffset), String(h.producer.lastTimestamp), String((nowMs - h.producer.lastTimestamp) / 60_000n)])))
      return 0
    }
    const { topic, partition, brokerId } = command
    const [p] = await admin.describeProducers([{ topic, partition }], { brokerId })
    if (p.error !== null) return failed(io, `Failed to describe producers for partition ${topic}-${partition} on ${brokerId === undefined ? 'leader' : `broker ${brokerId}`}`, p.error)
    io.stdout.write(prettyTable(
      ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'],
      p.producers.map(a => [String(a.producerId), String(a.producerEpoch), String(a.coordinatorEpoch), String(a.lastSequence), String(a.lastTimestamp),
        a.currentTxnStartOffset < 0n ? 'None' : String(a.currentTxnStartOffset)])))
    return 0
  } finally {
    await admin.close()
  }
}
