import { Admin } from '../../../consumer/admin/index.js'
import type { KafkaError } from '../../../protocol/errors.js'
import { UsageError } from '../usage-error.js'
import { readCommandConfig } from './acls.js'
import type { Io } from './topics.js'

// `kafka-direct transactions`: Kafka's kafka-transactions.sh (TransactionsCommand, KIP-664) over the Admin client,
// with its flags and tables: list (ListTransactions at every broker), describe (DescribeTransactions at the id's
// coordinator), describe-producers (DescribeProducers at the partition's leader). Tables are printed as Kafka's
// ToolsUtils.prettyPrintTable prints them: each value padded to its column's width and followed by a tab. A
// failure is one line on stderr in the tool's words ("Failed to ...: <cause>.") and exit code 1.
//   kafka-direct transactions --bootstrap-server B [--command-config F] list [--duration-filter MS] [--transactional-id-pattern RE]
//   kafka-direct transactions --bootstrap-server B describe --transactional-id ID
//   kafka-direct transactions --bootstrap-server B describe-producers --topic T --partition P [--broker-id N]

const USAGE = 'usage: kafka-direct transactions --bootstrap-server BROKERS [--command-config FILE] COMMAND ...\n' +
  '  list [--duration-filter MS] [--transactional-id-pattern REGEX]\n' +
  '  describe --transactional-id ID\n' +
  '  describe-producers --topic TOPIC --partition PARTITION [--broker-id ID]\n'

type Command =
  | { name: 'list', durationFilterMs?: number, pattern?: string }
  | { name: 'describe', transactionalId: string }
  | { name: 'describe-producers', topic: string, partition: number, brokerId?: number }

export interface TransactionsArgs { bootstrap: string, config: Record<string, string>, command: Command }

function integer (flag: string, s: string): number {
  if (!/^-?\d+$/.test(s)) throw new UsageError(`${flag} takes an integer, got ${s}\n${USAGE}`)
  return Number(s)
}

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
        case 'list': case 'describe': case 'describe-producers': name = flag; break
        default: throw new UsageError(`${flag.startsWith('-') ? `unknown option ${flag}` : `unknown command ${flag} (list, describe, describe-producers)`}\n${USAGE}`)
      }
      continue
    }
    const allowed: Record<string, string[]> = {
      list: ['--duration-filter', '--transactional-id-pattern'],
      describe: ['--transactional-id'],
      'describe-producers': ['--topic', '--partition', '--broker-id']
    }
    if (!allowed[name].includes(flag)) throw new UsageError(`unknown option ${flag} for ${name}\n${USAGE}`)
    opts.set(flag, value())
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (name === undefined) throw new UsageError(`a command is required (list, describe, describe-producers)\n${USAGE}`)
  const required = (flag: string): string => {
    const v = opts.get(flag)
    if (v === undefined) throw new UsageError(`${name} needs ${flag}\n${USAGE}`)
    return v
  }
  const optional = (flag: string): number | undefined => opts.has(flag) ? integer(flag, required(flag)) : undefined
  let command: Command
  if (name === 'list') command = { name, durationFilterMs: optional('--duration-filter'), pattern: opts.get('--transactional-id-pattern') }
  else if (name === 'describe') command = { name, transactionalId: required('--transactional-id') }
  else command = { name: 'describe-producers', topic: required('--topic'), partition: integer('--partition', required('--partition')), brokerId: optional('--broker-id') }
  return { bootstrap, config, command }
}

/** Kafka's ToolsUtils.prettyPrintTable: every cell padded to its column's width, each followed by a tab. */
export function prettyTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  return [headers, ...rows].map(r => r.map((v, i) => `${v.padEnd(widths[i])}\t`).join('') + '\n').join('')
}

/** Kafka's printErrorAndExit: "<what>: <cause>. Enable debug logging for additional detail." on stderr, exit 1. */
function failed (io: Io, what: string, error: KafkaError): number {
  io.stderr.write(`${what}: ${error.message.replace(/\.$/, '')}. Enable debug logging for additional detail.\n`)
  return 1
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
