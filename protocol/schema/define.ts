import { ALL, NONE, type VersionRange, parseVersions, within, inRange, isEmpty } from './versions.js'

// The schema language. An API is declared once, the way Kafka's message definitions declare it
// (clients/src/main/resources/common/message/*.json): each field once, with the versions it exists in, the
// versions in which it may be null, and, for tagged fields, its tag and tagged versions. Everything here is plain
// data: the compiler (compile.ts), the fake broker, the `decode` command and the docs generator all walk it.

/** The protocol guide's primitive types. `records` is nullable bytes holding record batches, kept opaque here. */
export type Primitive =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64'
  | 'string' | 'bytes' | 'records' | 'uuid'

export interface ArrayType<T extends Type = Type> { readonly kind: 'array', readonly of: T }
export interface StructType<F extends readonly AnyField[] = readonly AnyField[]> {
  readonly kind: 'struct'
  readonly fields: F
  /** The struct's name in Kafka's definitions (e.g. "MetadataResponseTopic"), for docs. */
  readonly name?: string
}
// any: the type language is recursive (arrays of structs of arrays); naming the element types here would make the
// definition circular. Field and struct types keep their precise parameters wherever they are built.
export type Type = Primitive | ArrayType<any> | StructType<any>

export interface FieldOptions {
  /** Versions the field exists in (default: all of the API's). */
  versions?: string
  /** Versions in which the field may be null (default: none). */
  nullable?: string
  /** Tag number, for a tagged field (only in flexible versions). */
  tag?: number
  /** Versions in which the field is carried as a tagged field. */
  tagged?: string
  /** The value used when the field is absent from a version or not given when encoding. */
  default?: unknown
  /** One line for docs. */
  about?: string
  /** Used by the fake broker and tools: entity type such as 'topicName', 'brokerId' (informational). */
  entity?: string
}

export interface Field<N extends string = string, T extends Type = Type, Nul extends boolean = boolean> {
  readonly name: N
  readonly type: T
  readonly versions: VersionRange
  readonly nullable: VersionRange
  readonly tag: number | undefined
  readonly tagged: VersionRange
  readonly default: unknown
  readonly about: string | undefined
  /** Phantom marker for type inference: true when the field is nullable in some version. */
  readonly _nullable?: Nul
}
// any: "a field of whatever type", the bound every field list is checked against (Type would reject fields whose
// precise type parameter is narrower, since Field is not covariant in it).
export type AnyField = Field<string, any, boolean>

type IsNullable<O> = O extends { nullable: string } ? true : false

export function field<const N extends string, const T extends Type | readonly AnyField[], const O extends FieldOptions = {}> (
  name: N, type: T, options?: O
): Field<N, T extends readonly AnyField[] ? StructType<T> : Extract<T, Type>, IsNullable<O>> {
  const o: FieldOptions = options ?? {}
  const t = (Array.isArray(type) ? struct(type as readonly AnyField[]) : type) as Type
  const tagged = o.tagged === undefined ? NONE : parseVersions(o.tagged)
  if ((o.tag === undefined) !== isEmpty(tagged)) {
    throw new SyntaxError(`field ${name}: a tag and tagged versions go together`)
  }
  return {
    name,
    type: t,
    // A tagged field exists exactly in its tagged versions unless said otherwise.
    versions: o.versions === undefined ? (isEmpty(tagged) ? ALL : tagged) : parseVersions(o.versions),
    nullable: o.nullable === undefined ? NONE : parseVersions(o.nullable),
    tag: o.tag,
    tagged,
    default: o.default,
    about: o.about
  // any: the return type is computed from the type parameters (struct or primitive, nullable or not); the object
  // built above is that type, which TypeScript cannot follow through the conditional types.
  } as any
}

export function array<const T extends Type | readonly AnyField[]> (of: T, name?: string): ArrayType<T extends readonly AnyField[] ? StructType<T> : Extract<T, Type>> {
  // any: as in field(): the conditional return type is what this builds, and TypeScript cannot see through it.
  return { kind: 'array', of: (Array.isArray(of) ? struct(of as readonly AnyField[], name) : of) } as any
}

export function struct<const F extends readonly AnyField[]> (fields: F, name?: string): StructType<F> {
  const seen = new Set<string>()
  for (const f of fields) {
    if (seen.has(f.name)) throw new SyntaxError(`struct ${name ?? ''}: field ${f.name} declared twice`)
    seen.add(f.name)
  }
  return name === undefined ? { kind: 'struct', fields } : { kind: 'struct', fields, name }
}

// ---- Type inference: one source of truth for the TypeScript types too -------------------------------------

interface PrimitiveTypes {
  bool: boolean, int8: number, int16: number, int32: number, int64: bigint, uint16: number, uint32: number
  float64: number, string: string, bytes: Buffer, records: Buffer, uuid: string
}

export interface UnknownTaggedField { tag: number, data: Buffer }

export type TypeOf<T> =
  T extends Primitive ? PrimitiveTypes[T]
    : T extends ArrayType<infer E> ? Array<TypeOf<E>>
      : T extends StructType<infer F> ? InferFields<F>
        : never

type FieldValue<F> = F extends Field<string, infer T, infer Nul> ? (Nul extends true ? TypeOf<T> | null : TypeOf<T>) : never

export type InferFields<F extends readonly AnyField[]> = {
  [K in F[number] as K['name']]: FieldValue<K>
} & { _unknownTaggedFields?: UnknownTaggedField[] }

/** The decoded shape of a struct: every field present (absent versions filled with defaults). */
export type Infer<S> = S extends StructType<infer F> ? InferFields<F> : never

/** What an encoder accepts: any field may be left out and takes its default. */
export type InferInput<S> = DeepPartial<Infer<S>>
type DeepPartial<T> = T extends Buffer | bigint | string | number | boolean | null ? T
  : T extends Array<infer E> ? Array<DeepPartial<E>>
    : { [K in keyof T]?: DeepPartial<T[K]> }

// ---- APIs ---------------------------------------------------------------------------------------------------

export interface ApiDefinition<Req extends readonly AnyField[], Res extends readonly AnyField[]> {
  key: number
  name: string
  /** Valid versions, e.g. "0-12". */
  versions: string
  /** First flexible version, e.g. "9+", or "none" (KIP-482). */
  flexible: string
  /** Versions Kafka 4.0 has removed but that old clients still send; informational, for docs. */
  about?: string
  request: Req
  response: Res
}

export interface ApiSchema<Req extends readonly AnyField[] = readonly AnyField[], Res extends readonly AnyField[] = readonly AnyField[]> {
  readonly key: number
  readonly name: string
  readonly versions: VersionRange
  readonly flexible: VersionRange
  readonly about: string | undefined
  readonly request: StructType<Req>
  readonly response: StructType<Res>
}

/**
 * Declares an API and validates it at import time: every field range inside the API's, tags unique per struct
 * and only in flexible versions, nullable versions within the field's.
 */
export function defineApi<const Req extends readonly AnyField[], const Res extends readonly AnyField[]> (
  def: ApiDefinition<Req, Res>
): ApiSchema<Req, Res> {
  const versions = parseVersions(def.versions)
  const flexible = parseVersions(def.flexible)
  const api: ApiSchema<Req, Res> = {
    key: def.key,
    name: def.name,
    versions,
    flexible,
    about: def.about,
    request: struct(def.request, `${def.name}Request`),
    response: struct(def.response, `${def.name}Response`)
  }
  validateStruct(api, api.request, 'request')
  validateStruct(api, api.response, 'response')
  return api
}

function validateStruct (api: ApiSchema, s: StructType, path: string): void {
  const tags = new Set<number>()
  for (const f of s.fields as readonly AnyField[]) {
    const where = `${api.name} ${path}.${f.name}`
    if (!within(f.nullable, f.versions)) throw new SyntaxError(`${where}: nullable versions ${f.nullable.text} outside ${f.versions.text}`)
    if (f.tag !== undefined) {
      if (tags.has(f.tag)) throw new SyntaxError(`${where}: tag ${f.tag} used twice`)
      tags.add(f.tag)
      for (let v = Math.max(f.tagged.min, api.versions.min); v <= Math.min(f.tagged.max, api.versions.max); v++) {
        if (!inRange(api.flexible, v)) throw new SyntaxError(`${where}: tagged in v${v}, which is not flexible`)
      }
    }
    let t: Type = f.type
    while (typeof t !== 'string' && t.kind === 'array') t = t.of
    if (typeof t !== 'string') validateStruct(api, t, `${path}.${f.name}`)
  }
}
