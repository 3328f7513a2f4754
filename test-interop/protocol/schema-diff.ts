import type { AnyField, ApiSchema, StructType, Type } from '../../protocol/schema/define.js'
import { inRange, parseVersions } from '../../protocol/schema/versions.js'
import type { KafkaDefinitions, KafkaField, KafkaMessage } from './kafka-definitions.js'

// Compares one API of ours with Kafka's message definitions, version by version, and describes every difference
// in one line of text. The comparison is done on what each side puts on the wire in each version, not on how the
// ranges are written: Kafka writes "versions": "0+" for a field of a message whose validVersions are "1-11", and
// that is no difference. For each version both sides define, each struct is flattened into entries (a path such
// as "topics.partitions.timestamp", with the type, nullability, tag and default in that version); the entries of
// each path are then gathered over the versions and compared as version sets.
//
// Versions Kafka 4.x removed (KIP-896) are compared against an older Kafka's definitions, given after the newest,
// so a version we keep for old clients is still checked field by field.

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid'])
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

interface Entry {
  path: string
  type: string
  structName: string | undefined
  nullable: boolean
  /** The tag, when the field is carried as a tagged field in this version. */
  tag: number | undefined
  default: string
}

interface Gathered {
  versions: number[]
  nullable: number[]
  tagged: number[]
  tags: Set<number>
  types: Set<string>
  structNames: Set<string>
  defaults: Set<string>
}

/** Every difference between `api` and Kafka's definitions; `defs` newest first. */
export function compareApi (api: ApiSchema, defs: readonly KafkaDefinitions[]): string[] {
  const diffs: string[] = []
  for (const direction of ['request', 'response'] as const) {
    const label = `${api.name} ${direction}`
    const name = `${api.name}${direction === 'request' ? 'Request' : 'Response'}`
    const found = defs.map(d => ({ kafka: d.version, message: d.messages.get(name) }))
      .filter((x): x is { kafka: string, message: KafkaMessage } => x.message !== undefined)
    if (found.length === 0) { diffs.push(`${label}: Kafka has no ${name}.json`); continue }
    const newest = found[0]
    if (newest.message.apiKey !== api.key) diffs.push(`${label}: key ours ${api.key}, Kafka ${newest.message.apiKey}`)

    // Valid versions, in two halves that are decided apart: versions Kafka removed that we keep for old clients,
    // and versions Kafka added that we do not speak yet. Requests and responses share them, so they are said once.
    const ours = versionsOf(api.versions.min, api.versions.max)
    const theirs = rangeVersions(newest.message.validVersions)
    // Which definition decides each version: the newest Kafka that still has it.
    const source = new Map<number, { kafka: string, message: KafkaMessage }>()
    for (const v of ours) {
      const s = found.find(f => inRange(parseVersions(f.message.validVersions), v))
      if (s !== undefined) source.set(v, s)
    }
    const kept = ours.filter(v => !theirs.includes(v) && source.has(v))
    const unknown = ours.filter(v => !source.has(v))
    const lacking = theirs.filter(v => !ours.includes(v))
    if (kept.length > 0) {
      const older = [...new Set(kept.map(v => source.get(v)!.kafka))].join(', ')
      diffs.push(`${api.name}: ours keeps v${rangesText(kept)}, which Kafka ${newest.kafka} removed (compared with Kafka ${older})`)
    }
    if (unknown.length > 0) diffs.push(`${api.name}: ours has v${rangesText(unknown)}, which no Kafka definition (${found.map(f => f.kafka).join(', ')}) has`)
    if (lacking.length > 0) diffs.push(`${api.name}: ours lacks v${rangesText(lacking)} of Kafka ${newest.kafka}`)
    const compared = [...source.keys()]

    const flexibleOurs = compared.filter(v => inRange(api.flexible, v))
    const flexibleTheirs = compared.filter(v => inRange(parseVersions(source.get(v)!.message.flexibleVersions), v))
    if (!sameSet(flexibleOurs, flexibleTheirs)) {
      diffs.push(`${label}: flexible versions: ours ${rangesText(flexibleOurs)}, Kafka ${rangesText(flexibleTheirs)}`)
    }

    const oursByPath = new Map<string, Gathered>()
    const theirsByPath = new Map<string, Gathered>()
    const orderDiffs = new Map<string, number[]>()
    const struct = direction === 'request' ? api.request : api.response
    for (const v of compared) {
      const { message } = source.get(v)!
      const flexible = inRange(parseVersions(message.flexibleVersions), v)
      const a: Entry[] = []
      const b: Entry[] = []
      flattenOurs(struct, v, inRange(api.flexible, v), '', a)
      flattenKafka(message.fields, structsOf(message), v, flexible, '', b)
      gather(oursByPath, a, v)
      gather(theirsByPath, b, v)
      // Regular (untagged) fields are written in declaration order, so their order is the wire layout.
      const common = new Set(a.map(e => e.path).filter(p => b.some(e => e.path === p)))
      const orderA = a.filter(e => e.tag === undefined && common.has(e.path)).map(e => e.path)
      const orderB = b.filter(e => e.tag === undefined && common.has(e.path)).map(e => e.path)
      if (orderA.join() !== orderB.join()) {
        const key = `ours ${orderA.join(', ')}; Kafka ${orderB.join(', ')}`
        orderDiffs.set(key, [...(orderDiffs.get(key) ?? []), v])
      }
    }
    for (const [key, versions] of orderDiffs) diffs.push(`${label}: field order in ${rangesText(versions)}: ${key}`)

    for (const path of new Set([...oursByPath.keys(), ...theirsByPath.keys()])) {
      const a = oursByPath.get(path)
      const b = theirsByPath.get(path)
      const where = `${label} ${path}`
      if (a === undefined) { diffs.push(`${where}: missing in ours (Kafka has it in ${rangesText(b!.versions)})`); continue }
      if (b === undefined) { diffs.push(`${where}: not in Kafka's definition (ours has it in ${rangesText(a.versions)})`); continue }
      const pairs: Array<[string, number[] | Set<unknown>, number[] | Set<unknown>]> = [
        ['versions', a.versions, b.versions],
        ['nullable versions', a.nullable, b.nullable],
        ['tagged versions', a.tagged, b.tagged],
        ['tag', a.tags, b.tags],
        ['type', a.types, b.types],
        ['default', a.defaults, b.defaults]
      ]
      for (const [what, x, y] of pairs) {
        if (Array.isArray(x) && Array.isArray(y)) {
          if (!sameSet(x, y)) diffs.push(`${where}: ${what}: ours ${rangesText(x)}, Kafka ${rangesText(y)}`)
        } else if ([...x].join('|') !== [...y].join('|')) {
          diffs.push(`${where}: ${what}: ours ${[...x].join('|')}, Kafka ${[...y].join('|')}`)
        }
      }
      // Struct names are ours only for the docs, so an unnamed struct is fine; a named one must match.
      if (a.structNames.size > 0 && [...a.structNames].join() !== [...b.structNames].join()) {
        diffs.push(`${where}: struct name: ours ${[...a.structNames].join('|')}, Kafka ${[...b.structNames].join('|')}`)
      }
    }
  }
  return [...new Set(diffs)]
}

// ---- Flattening ------------------------------------------------------------------------------------------------

function flattenOurs (s: StructType, v: number, flexible: boolean, prefix: string, out: Entry[]): void {
  for (const f of s.fields as readonly AnyField[]) {
    // As compile.ts reads the schema: tagged in flexible versions inside its tagged range, else regular in its versions.
    const tagged = flexible && f.tag !== undefined && inRange(f.tagged, v)
    if (!tagged && !inRange(f.versions, v)) continue
    const path = prefix + f.name
    const inner = structOfType(f.type)
    out.push({
      path,
      type: ourTypeName(f.type),
      structName: inner?.name,
      nullable: inRange(f.nullable, v),
      tag: tagged ? f.tag : undefined,
      default: ourDefault(f)
    })
    if (inner !== undefined) flattenOurs(inner, v, flexible, path + '.', out)
  }
}

function flattenKafka (fields: readonly KafkaField[], structs: Map<string, KafkaField[]>, v: number, flexible: boolean, prefix: string, out: Entry[]): void {
  for (const f of fields) {
    if (!inRange(parseVersions(f.versions), v)) continue
    const tagged = flexible && f.taggedVersions !== undefined && inRange(parseVersions(f.taggedVersions), v)
    const path = prefix + camelCase(f.name)
    const element = f.type.startsWith('[]') ? f.type.slice(2) : f.type
    const isStruct = !PRIMITIVES.has(element)
    out.push({
      path,
      type: isStruct ? (f.type.startsWith('[]') ? '[]struct' : 'struct') : f.type,
      structName: isStruct ? element : undefined,
      nullable: f.nullableVersions !== undefined && inRange(parseVersions(f.nullableVersions), v),
      tag: tagged ? f.tag : undefined,
      default: kafkaDefault(f, isStruct)
    })
    if (isStruct) {
      const inner = f.fields ?? structs.get(element)
      if (inner === undefined) throw new Error(`Kafka's definition names struct ${element} but declares it nowhere`)
      flattenKafka(inner, structs, v, flexible, path + '.', out)
    }
  }
}

function structsOf (message: KafkaMessage): Map<string, KafkaField[]> {
  return new Map((message.commonStructs ?? []).map(s => [s.name, s.fields]))
}

function gather (into: Map<string, Gathered>, entries: Entry[], v: number): void {
  for (const e of entries) {
    let g = into.get(e.path)
    if (g === undefined) {
      into.set(e.path, g = { versions: [], nullable: [], tagged: [], tags: new Set(), types: new Set(), structNames: new Set(), defaults: new Set() })
    }
    g.versions.push(v)
    if (e.nullable) g.nullable.push(v)
    if (e.tag !== undefined) { g.tagged.push(v); g.tags.add(e.tag) }
    g.types.add(e.type)
    if (e.structName !== undefined) g.structNames.add(e.structName)
    g.defaults.add(e.default)
  }
}

/** Kafka's field names are PascalCase; ours are their camelCase ("PartitionIndex" -> "partitionIndex"). */
export function camelCase (name: string): string {
  return name[0].toLowerCase() + name.slice(1)
}

// ---- Types and defaults, in one notation for both sides ---------------------------------------------------------

function structOfType (t: Type): StructType | undefined {
  if (typeof t === 'string') return undefined
  if (t.kind === 'array') return typeof t.of === 'string' ? undefined : structOfType(t.of)
  return t
}

function ourTypeName (t: Type): string {
  if (typeof t === 'string') return t
  if (t.kind === 'struct') return 'struct'
  return '[]' + (typeof t.of === 'string' ? t.of : 'struct')
}

/**
 * The value a field takes when it is absent, as text: our explicit default or the type's (the same rules as
 * compile.ts), and Kafka's "default" or its type's (README.md of the definitions: integers 0, booleans false,
 * strings empty, bytes empty, uuids zero, records null, arrays empty; "null" where given). The JavaScript type is
 * part of the text, so an int64 defaulting to the number -1 instead of the bigint -1n is a difference.
 */
function ourDefault (f: AnyField): string {
  if (f.default !== undefined) return valueText(f.default, f.type)
  const t = f.type
  if (typeof t !== 'string') return t.kind === 'array' ? '[]' : 'struct'
  switch (t) {
    case 'bool': return 'false'
    case 'int64': return 'bigint 0'
    case 'string': return 'string ""'
    case 'bytes': return 'bytes (empty)'
    case 'records': return 'null'
    case 'uuid': return `uuid ${ZERO_UUID}`
    default: return 'number 0'
  }
}

function valueText (v: unknown, t: Type): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return v.length === 0 ? '[]' : JSON.stringify(v)
  if (Buffer.isBuffer(v)) return v.length === 0 ? 'bytes (empty)' : `bytes ${v.toString('hex')}`
  if (typeof v === 'bigint') return `bigint ${v}`
  if (typeof v === 'number') return `number ${v}`
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'string') return t === 'uuid' ? `uuid ${v}` : `string ${JSON.stringify(v)}`
  return 'struct'
}

function kafkaDefault (f: KafkaField, isStruct: boolean): string {
  const d = f.default
  if (d === 'null') return 'null'
  if (f.type.startsWith('[]')) return '[]'
  if (isStruct) return 'struct'
  switch (f.type) {
    case 'bool': return String(d === true || d === 'true')
    case 'int64': return `bigint ${BigInt(d ?? 0)}`
    case 'string': return `string ${JSON.stringify(d ?? '')}`
    case 'bytes': return 'bytes (empty)'
    case 'records': return 'null'
    case 'uuid': return `uuid ${ZERO_UUID}`
    // Number() reads the decimal and 0x forms the definitions use.
    default: return `number ${Number(d ?? 0)}`
  }
}

// ---- Version sets ------------------------------------------------------------------------------------------------

function versionsOf (min: number, max: number): number[] {
  const out: number[] = []
  for (let v = min; v <= max; v++) out.push(v)
  return out
}

function rangeVersions (text: string): number[] {
  const r = parseVersions(text)
  if (r.max === Infinity) throw new Error(`open version range ${text} where a bounded one was expected`)
  return r.max < r.min ? [] : versionsOf(r.min, r.max)
}

function sameSet (a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** [0, 1, 2, 5] -> "0-2,5"; [] -> "none". */
export function rangesText (versions: readonly number[]): string {
  if (versions.length === 0) return 'none'
  const parts: string[] = []
  let start = versions[0]
  let prev = start
  for (const v of [...versions.slice(1), Infinity]) {
    if (v === prev + 1) { prev = v; continue }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`)
    start = prev = v
  }
  return parts.join(',')
}
