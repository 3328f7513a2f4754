import { ConfigError, KafkaDirectError } from '../../../protocol/errors.js'
import { KafkaClient } from '../../../consumer/cluster.js'
import { describeGroup, listGroups, type GroupDescription } from '../../../consumer/admin/index.js'

// kafka-direct groups -b BROKERS [--describe GROUP] [-X key=value ...]
//
// Without --describe: every group of the cluster, one id per line (kafka-consumer-groups.sh --list). With it:
// the group's state, assignor and members, then one row per partition with the committed offset, the log-end
// offset and the lag, and the member that owns it, in the columns of kafka-consumer-groups.sh --describe.

export interface Io { stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream }

export async function run (argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let client: KafkaClient | undefined
  try {
    let brokers: string | undefined
    let describe: string | undefined
    const config: Record<string, string> = {}
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]
      const value = (): string => {
        const v = argv[++i]
        if (v === undefined) throw new ConfigError(a, 'requires an argument')
        return v
      }
      if (a === '-b' || a === '--bootstrap-server') brokers = value()
      else if (a === '--describe') describe = value()
      else if (a === '-X') {
        const kv = value()
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new ConfigError('-X', `expected key=value, got "${kv}"`)
        config[kv.slice(0, eq)] = kv.slice(eq + 1)
      } else throw new ConfigError(a, 'unknown option (usage: groups -b BROKERS [--describe GROUP] [-X key=value])')
    }
    if (brokers === undefined) throw new ConfigError('-b', 'no brokers given (-b host:port)')
    client = new KafkaClient({ ...config, bootstrapServers: brokers })
    if (describe === undefined) {
      for (const g of await listGroups(client)) io.stdout.write(`${g.groupId}\n`)
    } else {
      io.stdout.write(renderDescription(await describeGroup(client, describe)))
    }
    return 0
  } catch (err) {
    if (err instanceof KafkaDirectError) { io.stderr.write(`% ERROR: ${err.message}\n`); return 1 }
    throw err
  } finally {
    await client?.close()
  }
}

/** Columns padded to their widest cell, two spaces apart, as kafka-consumer-groups.sh prints them. */
function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ')).join('\n') + '\n'
}

export function renderDescription (d: GroupDescription): string {
  const dash = (v: unknown): string => v === null || v === undefined || v === '' ? '-' : String(v)
  let out = `\nGroup '${d.groupId}': state ${d.state}, protocol ${dash(d.protocolType)}/${dash(d.protocol)}, ${d.members.length} member${d.members.length === 1 ? '' : 's'}\n\n`
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
