import { KafkaDirectError, KafkaError } from '../../../protocol/errors.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { Admin, describeGroup, type GroupDescription, type GroupOffsetSpec } from '../../../consumer/admin/index.js'
import { UsageError } from '../usage-error.js'
import { USAGE, parseGroupsArgs, type GroupsArgs, type ResetScenario } from './groups-args.js'

// kafka-direct groups: Kafka's kafka-consumer-groups.sh over the Admin client, with its flags and, where a script
// would read it, its output: --list (one id per line; with --state/--type Kafka's GROUP/TYPE/STATE columns),
// --describe (the GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ... table, then the members),
// --delete, --reset-offsets (the GROUP TOPIC PARTITION NEW-OFFSET plan, committed with --execute) and
// --delete-offsets (the TOPIC PARTITION STATUS table). Errors are printed as the tool prints them ("Error: ...")
// and exit 1; a bad command line prints "% ERROR: ..." and the usage.

export interface Io { stdout: { write: (s: string) => unknown }, stderr: { write: (s: string) => unknown } }

export async function run (argv: string[], io: Io = process): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  let admin: Admin | undefined
  try {
    const args = parseGroupsArgs(argv)
    admin = await Admin.connect({ ...args.config, bootstrapServers: args.bootstrap })
    return await dispatch(admin, args, io)
  } catch (err) {
    if (err instanceof KafkaDirectError) { io.stderr.write(`% ERROR: ${err.message}\n`); return 1 }
    throw err
  } finally {
    await admin?.close()
  }
}

async function dispatch (admin: Admin, args: GroupsArgs, io: Io): Promise<number> {
  switch (args.action) {
    case 'list': return await list(admin, args, io)
    case 'describe': return await describe(admin, args.groups[0], io)
    case 'delete': return await deleteGroups(admin, args.groups, io)
    case 'reset-offsets': return await resetOffsets(admin, args, io)
    case 'delete-offsets': return await deleteOffsets(admin, args, io)
  }
}

/** kafka-consumer-groups.sh's printError: on stdout, after an empty line. */
function printError (io: Io, message: string): void {
  io.stdout.write(`\nError: ${message}\n`)
}

/** Java's %-Ns: left-justified, padded to N, never cut. */
function pad (v: string | number | bigint, width: number): string {
  return String(v).padEnd(width)
}

async function list (admin: Admin, args: GroupsArgs, io: Io): Promise<number> {
  const groups = await admin.listGroups({ states: args.states ?? undefined, types: args.types ?? undefined })
  if (args.states === null && args.types === null) {
    for (const g of groups) io.stdout.write(`${g.groupId}\n`)
    return 0
  }
  // printGroupInfo: the id column is the longest id (at least 15) plus 10 wide; TYPE and STATE are 20 wide.
  const width = Math.max(15, ...groups.map(g => g.groupId.length)) + 10
  const capital = (s: string): string => s === '' ? 'Unknown' : s[0].toUpperCase() + s.slice(1)
  const row = (cells: string[]): string => cells.map((c, i) => i === 0 ? pad(c, width) : ` ${pad(c, 20)}`).join('') + '\n'
  const header = ['GROUP', ...(args.types !== null ? ['TYPE'] : []), ...(args.states !== null ? ['STATE'] : [])]
  io.stdout.write(row(header))
  for (const g of groups) io.stdout.write(row([g.groupId, ...(args.types !== null ? [capital(g.type)] : []), ...(args.states !== null ? [g.state === '' ? 'Unknown' : g.state] : [])]))
  return 0
}

async function describe (admin: Admin, groupId: string, io: Io): Promise<number> {
  const d = await describeGroup(admin.client, groupId)
  if (d.error !== null && d.error.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) { printError(io, `${groupId}: ${d.error.message}`); return 1 }
  if (d.error !== null && d.partitions.length === 0) { printError(io, `Consumer group '${groupId}' does not exist.`); return 1 }
  io.stdout.write(renderDescription(d))
  return 0
}

async function deleteGroups (admin: Admin, groupIds: string[], io: Io): Promise<number> {
  const results = await admin.deleteGroups(groupIds)
  const failed = results.filter(r => r.error !== null)
  const quoted = (ids: string[]): string => `'${ids.join(', ')}'`
  if (failed.length === 0) {
    io.stdout.write(`Deletion of requested consumer groups (${quoted(groupIds)}) was successful.\n`)
    return 0
  }
  printError(io, 'Deletion of some consumer groups failed:')
  for (const r of failed) io.stdout.write(`* Group '${r.groupId}' could not be deleted due to: ${r.error?.errorName ?? ''}: ${r.error?.message ?? ''}\n`)
  const deleted = results.filter(r => r.error === null).map(r => r.groupId)
  if (deleted.length > 0) io.stdout.write(`\nThese consumer groups were deleted successfully: ${quoted(deleted)}\n`)
  return 1
}

/** The partitions named by --topic: all of a topic's, or the listed ones. */
async function namedPartitions (admin: Admin, args: GroupsArgs): Promise<Array<{ topic: string, partition: number }>> {
  const whole = args.topics.filter(t => t.partitions === null).map(t => t.topic)
  const described = whole.length === 0 ? [] : await admin.describeTopics(whole)
  const missing = described.find(t => t.errorCode !== ErrorCode.NONE)
  if (missing !== undefined) throw new UsageError(`topic ${missing.name} does not exist`)
  return args.topics.flatMap(t => t.partitions === null
    ? (described.find(d => d.name === t.topic)?.partitions ?? []).map(p => ({ topic: t.topic, partition: p.partition }))
    : t.partitions.map(partition => ({ topic: t.topic, partition })))
}

function specOf (reset: ResetScenario): GroupOffsetSpec {
  switch (reset.kind) {
    case 'earliest': return 'earliest'
    case 'latest': return 'latest'
    case 'datetime': return { timestampMs: reset.timestampMs }
    case 'offset': return { offset: reset.offset }
    case 'shift': return { shiftBy: reset.by }
  }
}

async function resetOffsets (admin: Admin, args: GroupsArgs, io: Io): Promise<number> {
  const groupId = args.groups[0]
  if (!args.execute && !args.dryRun) {
    io.stderr.write('WARN: No action will be performed as the --execute option is missing. Add --dry-run to say so, or --execute to reset the offsets.\n')
  }
  const partitions = args.allTopics ? undefined : await namedPartitions(admin, args)
  let results
  try {
    results = await admin.alterGroupOffsets(groupId, specOf(args.reset ?? { kind: 'earliest' }), { partitions, dryRun: !args.execute })
  } catch (err) {
    if (!(err instanceof KafkaDirectError)) throw err
    // The tool's words for a group with members; its state comes from describeGroups.
    if (err instanceof KafkaError && err.errorCode === ErrorCode.NON_EMPTY_GROUP) {
      const [g] = await admin.describeGroups([groupId])
      printError(io, `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${g.state}.`)
      return 1
    }
    printError(io, err.message)
    return 1
  }
  // printOffsetsToReset: each line starts with a newline ("%n%-30s %-30s %-10s %-15s"), and one ends the table.
  const line = (cells: Array<string | number | bigint>): string => `\n${pad(cells[0], 30)} ${pad(cells[1], 30)} ${pad(cells[2], 10)} ${pad(cells[3], 15)}`
  let out = results.length > 0 ? line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']) : ''
  for (const r of results) out += line([groupId, r.topic, r.partition, r.offset])
  io.stdout.write(out + '\n')
  const failed = results.filter(r => r.error !== null)
  for (const r of failed) printError(io, `${r.topic}[${r.partition}]: ${r.error?.message ?? ''}`)
  return failed.length === 0 ? 0 : 1
}

async function deleteOffsets (admin: Admin, args: GroupsArgs, io: Io): Promise<number> {
  const groupId = args.groups[0]
  const results = await admin.deleteGroupOffsets(groupId, await namedPartitions(admin, args))
  const first = results.find(r => r.error !== null)?.error ?? null
  const topics = args.topics.map(t => t.topic).join(', ')
  switch (first?.errorCode ?? ErrorCode.NONE) {
    case ErrorCode.NONE: io.stdout.write(`Request succeed for deleting offsets with topic ${topics} group ${groupId}\n`); break
    case ErrorCode.INVALID_GROUP_ID: printError(io, `'${groupId}' is not valid.`); break
    case ErrorCode.GROUP_ID_NOT_FOUND: printError(io, `'${groupId}' does not exist.`); break
    case ErrorCode.GROUP_AUTHORIZATION_FAILED: printError(io, `Access to '${groupId}' is not authorized.`); break
    case ErrorCode.NON_EMPTY_GROUP: printError(io, `Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`); break
    default: printError(io, 'Encounter some partition level error, see the follow-up details:')
  }
  const line = (cells: Array<string | number>): string => `\n${pad(cells[0], 30)} ${pad(cells[1], 15)} ${pad(cells[2], 15)}`
  let out = line(['TOPIC', 'PARTITION', 'STATUS'])
  for (const r of results) out += line([r.topic, r.partition, r.error === null ? 'Successful' : `Error: :${r.error.message}`])
  io.stdout.write(out + '\n')
  return first === null ? 0 : 1
}

/** Columns padded to their widest cell, two spaces apart, as kafka-consumer-groups.sh prints them. */
function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ')).join('\n') + '\n'
}

export function renderDescription (d: GroupDescription): string {
  const dash = (v: unknown): string => v === null || v === undefined || v === '' ? '-' : String(v)
  let out = `\nGroup '${d.groupId}': state ${d.state === '' ? 'Dead' : d.state}, protocol ${dash(d.protocolType)}/${dash(d.protocol)}, ${d.members.length} member${d.members.length === 1 ? '' : 's'}\n\n`
  out += table([
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    ...d.partitions.map(p => [d.groupId, p.topic, String(p.partition), dash(p.committed), String(p.logEndOffset), dash(p.lag), dash(p.memberId), dash(p.clientHost), dash(p.clientId)])
  ])
  if (d.members.length > 0) {
    out += '\n' + table([
      ['MEMBER-ID', 'GROUP-INSTANCE-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'],
      ...d.members.map(m => [m.memberId, dash(m.groupInstanceId), m.clientId, m.clientHost, dash(m.assignment.map(tp => `${tp.topic}:${tp.partition}`).join(','))])
    ])
  }
  return out
}
