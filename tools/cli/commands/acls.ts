import { readFileSync } from 'node:fs'
import { Admin, type Acl, type AclFilter } from '../../../consumer/admin/index.js'
import { AclOperation, CLUSTER_RESOURCE_NAME, type AclOperationName, type PatternTypeName, type ResourceTypeName } from '../../../protocol/acl-codes.js'
import { KafkaDirectError } from '../../../protocol/errors.js'
import { UsageError } from '../usage-error.js'
import type { Io } from './topics.js'
import { unsecuredLoginConfig } from '../../../consumer/sasl/unsecured-jws.js'

// `kafka-direct acls`: Kafka's kafka-acls.sh over the Admin client, with its flags and output (AclCommand.scala):
//   kafka-direct acls --bootstrap-server B --add --allow-principal User:alice --operation Read --topic orders
//   kafka-direct acls --bootstrap-server B --list [--topic orders] [--resource-pattern-type match]
//   kafka-direct acls --bootstrap-server B --remove --force --topic orders
// --producer and --consumer add the ACLs a producer (WRITE, DESCRIBE, CREATE on topics; WRITE, DESCRIBE on
// transactional ids; IDEMPOTENT_WRITE on the cluster with --idempotent) or a consumer (READ, DESCRIBE on topics,
// READ on groups) needs. --command-config names a properties file with the client's security settings
// (security.protocol, sasl.mechanism, and sasl.username/sasl.password or a PLAIN/SCRAM sasl.jaas.config, or an
// unsecured OAuthBearerLoginModule one).

const USAGE = 'usage: kafka-direct acls --bootstrap-server BROKERS [--command-config FILE] (--add | --remove [--force] | --list [--principal P])\n' +
  '  [--topic T ...] [--group G ...] [--transactional-id ID ...] [--cluster] [--resource-pattern-type literal|prefixed|match|any]\n' +
  '  [--allow-principal P ...] [--deny-principal P ...] [--allow-host H ...] [--deny-host H ...] [--operation OP ...]\n' +
  '  [--producer [--idempotent]] [--consumer]\n'

interface Pattern { resourceType: ResourceTypeName, resourceName: string, patternType: PatternTypeName }

export interface AclsArgs {
  bootstrap: string
  config: Record<string, string>
  action: 'add' | 'remove' | 'list'
  patterns: Pattern[]
  /** The ACL entries per pattern (from the principals, hosts and operations). */
  entries: Map<Pattern, Array<Omit<Acl, keyof Pattern>>>
  listPrincipals: string[]
}

/** An operation as kafka-acls.sh reads it: "Read", "READ", "DescribeConfigs", "DESCRIBE_CONFIGS" (SecurityUtils.operation). */
export function parseOperation (text: string): AclOperationName {
  const wanted = text.trim().replace(/_/g, '').toUpperCase()
  for (const name of Object.keys(AclOperation) as AclOperationName[]) {
    if (name.replace(/_/g, '') === wanted && name !== 'UNKNOWN' && name !== 'ANY') return name
  }
  throw new UsageError(`unknown --operation ${text} (one of ${Object.keys(AclOperation).slice(2).join(', ')})`)
}

function parsePatternType (text: string): PatternTypeName {
  const t = text.toUpperCase()
  if (t === 'LITERAL' || t === 'PREFIXED' || t === 'MATCH' || t === 'ANY') return t
  throw new UsageError(`--resource-pattern-type must be literal, prefixed, match or any, got ${text}`)
}

function checkPrincipal (flag: string, p: string): string {
  // SecurityUtils.parseKafkaPrincipal: "Type:name".
  if (!/^[^:]+:.+$/.test(p)) throw new UsageError(`${flag}: expected a principal like User:alice, got ${p}`)
  return p
}

/** Reads a client properties file (key=value lines, # comments) into our config keys. */
export function readCommandConfig (file: string): Record<string, string> {
  let text: string
  try { text = readFileSync(file, 'utf8') } catch (err) { throw new UsageError(`--command-config ${file}: ${err instanceof Error ? err.message : String(err)}`) }
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const s = line.trim()
    if (s === '' || s.startsWith('#') || s.startsWith('!')) continue
    const eq = s.search(/[=:]/)
    if (eq <= 0) throw new UsageError(`--command-config ${file}: not key=value: ${s}`)
    const key = s.slice(0, eq).trim()
    const value = s.slice(eq + 1).trim()
    if (key === 'sasl.jaas.config' && /OAuthBearerLoginModule\s+required/.test(value)) {
      out['sasl.oauthbearer.config'] = unsecuredLoginConfig(value, `--command-config ${file}: sasl.jaas.config`)
    } else if (key === 'sasl.jaas.config') {
      // PlainLoginModule / ScramLoginModule required username="..." password="...";
      const user = /username="([^"]*)"/.exec(value)
      const password = /password="([^"]*)"/.exec(value)
      if (user === null || password === null) throw new UsageError(`--command-config ${file}: sasl.jaas.config needs username="..." and password="..."`)
      out['sasl.username'] = user[1]
      out['sasl.password'] = password[1]
    } else {
      out[key] = value
    }
  }
  return out
}

export function parseAclsArgs (argv: readonly string[]): AclsArgs {
  let bootstrap: string | undefined
  let config: Record<string, string> = {}
  const actions: Array<'add' | 'remove' | 'list'> = []
  let force = false
  let patternType: PatternTypeName = 'LITERAL'
  const topics: string[] = []
  const groups: string[] = []
  const txnIds: string[] = []
  let cluster = false
  const allow: string[] = []
  const deny: string[] = []
  const allowHosts: string[] = []
  const denyHosts: string[] = []
  const operations: AclOperationName[] = []
  const listPrincipals: string[] = []
  let producer = false
  let consumer = false
  let idempotent = false
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`)
      return v
    }
    switch (flag) {
      case '--bootstrap-server': case '-b': bootstrap = value(); break
      case '--command-config': config = readCommandConfig(value()); break
      case '--add': case '--remove': case '--list': actions.push(flag.slice(2) as 'add' | 'remove' | 'list'); break
      case '--force': force = true; break
      case '--resource-pattern-type': patternType = parsePatternType(value()); break
      case '--topic': topics.push(value().trim()); break
      case '--group': groups.push(value().trim()); break
      case '--transactional-id': txnIds.push(value()); break
      case '--cluster': cluster = true; break
      case '--allow-principal': allow.push(checkPrincipal(flag, value().trim())); break
      case '--deny-principal': deny.push(checkPrincipal(flag, value().trim())); break
      case '--allow-host': allowHosts.push(value().trim()); break
      case '--deny-host': denyHosts.push(value().trim()); break
      case '--operation': operations.push(parseOperation(value())); break
      case '--principal': listPrincipals.push(checkPrincipal(flag, value().trim())); break
      case '--producer': producer = true; break
      case '--consumer': consumer = true; break
      case '--idempotent': idempotent = true; break
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`)
    }
  }
  if (bootstrap === undefined) throw new UsageError(`--bootstrap-server is required\n${USAGE}`)
  if (actions.length !== 1) throw new UsageError(`Command must include exactly one action: --list, --add, --remove.\n${USAGE}`)
  const action = actions[0]
  if (action === 'list' && (allow.length + deny.length + allowHosts.length + denyHosts.length > 0 || producer || consumer)) throw new UsageError('--list takes no principals, hosts, --producer or --consumer (use --principal to filter)')
  if ((producer || consumer) && (operations.length > 0 || deny.length > 0)) throw new UsageError('--producer and --consumer take no --operation or --deny-principal')
  // kafka-acls.sh asks before removing; without a terminal to ask on, --force says yes.
  if (action === 'remove' && !force) throw new UsageError('--remove asks for confirmation in kafka-acls.sh; give --force to remove without asking')
  if (action === 'add' && (patternType === 'MATCH' || patternType === 'ANY')) throw new UsageError(`A '--resource-pattern-type' value of '${patternType}' is not valid when adding acls.`)
  const pattern = (resourceType: ResourceTypeName, resourceName: string): Pattern => ({ resourceType, resourceName, patternType })
  const topicPatterns = topics.map(n => pattern('TOPIC', n))
  const groupPatterns = groups.map(n => pattern('GROUP', n))
  const txnPatterns = txnIds.map(n => pattern('TRANSACTIONAL_ID', n))
  // The cluster resource is always LITERAL "kafka-cluster" (AclCommand adds it only with a literal pattern type).
  const clusterPattern = (cluster || idempotent) && patternType === 'LITERAL' ? [{ resourceType: 'CLUSTER' as const, resourceName: CLUSTER_RESOURCE_NAME, patternType }] : []
  const patterns = [...topicPatterns, ...clusterPattern, ...groupPatterns, ...txnPatterns]
  if (patterns.length === 0 && action !== 'list') throw new UsageError('You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --transactional-id <id>')
  const entriesFor = (ops: readonly AclOperationName[]): Array<Omit<Acl, keyof Pattern>> => [
    ...allow.flatMap(principal => ops.flatMap(operation => (allowHosts.length > 0 ? allowHosts : ['*']).map(host => ({ principal, host, operation, permissionType: 'ALLOW' as const })))),
    ...deny.flatMap(principal => ops.flatMap(operation => (denyHosts.length > 0 ? denyHosts : ['*']).map(host => ({ principal, host, operation, permissionType: 'DENY' as const }))))
  ]
  const entries = new Map<Pattern, Array<Omit<Acl, keyof Pattern>>>()
  if (producer || consumer) {
    for (const p of topicPatterns) entries.set(p, entriesFor([...(producer ? ['WRITE', 'DESCRIBE', 'CREATE'] as const : []), ...(consumer ? ['READ', 'DESCRIBE'] as const : [])].filter((o, i, all) => all.indexOf(o) === i)))
    if (producer) for (const p of txnPatterns) entries.set(p, entriesFor(['WRITE', 'DESCRIBE']))
    if (producer && idempotent) for (const p of clusterPattern) entries.set(p, entriesFor(['IDEMPOTENT_WRITE']))
    if (consumer) for (const p of groupPatterns) entries.set(p, entriesFor(['READ']))
  } else {
    for (const p of patterns) entries.set(p, entriesFor(operations.length > 0 ? operations : ['ALL']))
  }
  if (action === 'add' && [...entries.values()].some(e => e.length === 0)) throw new UsageError('You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.')
  return { bootstrap, config, action, patterns: [...entries.keys()], entries, listPrincipals }
}

const patternText = (p: { resourceType: string, resourceName: string | null, patternType: string }): string =>
  `ResourcePattern(resourceType=${p.resourceType}, name=${p.resourceName ?? '<any>'}, patternType=${p.patternType})`
const entryText = (e: Omit<Acl, keyof Pattern>): string => `(principal=${e.principal}, host=${e.host}, operation=${e.operation}, permissionType=${e.permissionType})`

/** kafka-acls.sh's block: a heading naming the resource, then each entry on a line of its own after a tab. */
function block (heading: string, pattern: Pattern, entries: ReadonlyArray<Omit<Acl, keyof Pattern>>): string {
  return `${heading} for resource \`${patternText(pattern)}\`: \n ${entries.map(e => `\t${entryText(e)}`).join('\n')} \n\n`
}

export async function run (argv: string[], io: Io = process): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) { io.stdout.write(USAGE); return 0 }
  const args = parseAclsArgs(argv)
  const admin = await Admin.connect({ 'client.id': 'kafka-direct-acls', ...args.config, 'bootstrap.servers': args.bootstrap })
  try {
    if (args.action === 'add') {
      for (const [p, entries] of args.entries) {
        io.stdout.write(block('Adding ACLs', p, entries))
        const failed = (await admin.createAcls(entries.map(e => ({ ...p, ...e })))).find(r => r.error !== null)
        if (failed?.error != null) throw failed.error
      }
    } else if (args.action === 'remove') {
      for (const [p, entries] of args.entries) {
        const base: AclFilter = { ...p }
        const filters: AclFilter[] = entries.length === 0 ? [base] : entries.map(e => ({ ...base, ...e }))
        const failed = (await admin.deleteAcls(filters)).find(r => r.error !== null)
        if (failed?.error != null) throw failed.error
      }
    } else {
      const found = args.patterns.length === 0
        ? await admin.describeAcls({})
        : (await Promise.all(args.patterns.map(async p => await admin.describeAcls({ ...p })))).flat()
      const byPattern = new Map<string, { pattern: Pattern, entries: Array<Omit<Acl, keyof Pattern>> }>()
      for (const a of found) {
        if (args.listPrincipals.length > 0 && !args.listPrincipals.includes(a.principal)) continue
        const key = patternText(a)
        const g = byPattern.get(key) ?? { pattern: { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType }, entries: [] }
        byPattern.set(key, g)
        if (!g.entries.some(e => entryText(e) === entryText(a))) g.entries.push({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType })
      }
      for (const principal of args.listPrincipals) io.stdout.write(`ACLs for principal \`${principal}\`\n`)
      for (const g of byPattern.values()) io.stdout.write(block('Current ACLs', g.pattern, g.entries))
    }
    return 0
  } catch (err) {
    if (!(err instanceof KafkaDirectError)) throw err
    io.stderr.write(`Error while executing ACL command: ${err.message}\n`)
    return 1
  } finally {
    await admin.close()
  }
}
