import fc from 'fast-check'
import type { AnyField, StructType, Type } from '../../../protocol/schema/define.js'
import { inRange } from '../../../protocol/schema/versions.js'

// fast-check arbitraries derived from a schema, for one version: only the fields that exist in that version,
// null only where the field is nullable in it. Values are the decoded shape minus defaults-filled absent
// fields, which `complete` adds back for comparison.

const int = (bits: number) => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 })
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(b => {
  const h = Buffer.from(b).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
})

function primitive (t: string): fc.Arbitrary<unknown> {
  switch (t) {
    case 'bool': return fc.boolean()
    case 'int8': return int(8)
    case 'int16': return int(16)
    case 'int32': return int(32)
    case 'uint16': return fc.integer({ min: 0, max: 0xffff })
    case 'uint32': return fc.integer({ min: 0, max: 0xffffffff })
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    case 'float64': return fc.double({ noNaN: true })
    case 'uuid': return uuid
    case 'string': return fc.string({ maxLength: 20, unit: 'grapheme' })
    case 'bytes':
    case 'records': return fc.uint8Array({ maxLength: 40 }).map(b => Buffer.from(b))
  }
  throw new Error(`no arbitrary for ${t}`)
}

export function arbitraryOf (t: Type, version: number, flexible: boolean, depth = 0): fc.Arbitrary<unknown> {
  if (typeof t === 'string') return primitive(t)
  if (t.kind === 'array') return fc.array(arbitraryOf(t.of, version, flexible, depth + 1), { maxLength: depth > 2 ? 1 : 3 })
  return arbitraryStruct(t, version, flexible, depth)
}

export function arbitraryStruct (s: StructType, version: number, flexible: boolean, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {}
  for (const f of s.fields as readonly AnyField[]) {
    const present = inRange(f.versions, version) || (flexible && f.tag !== undefined && inRange(f.tagged, version))
    if (!present) continue
    const base = arbitraryOf(f.type, version, flexible, depth)
    rec[f.name] = inRange(f.nullable, version) ? fc.option(base, { nil: null, freq: 4 }) : base
  }
  return fc.record(rec)
}

/**
 * Whether `actual` holds every field of `expected` with an equal value, recursively; extra fields in `actual`
 * (absent versions decoded as defaults) are allowed. Returns the path of the first difference, or null.
 */
export function subsetDiff (actual: unknown, expected: unknown, path = ''): string | null {
  if (expected === actual) return null
  if (Buffer.isBuffer(expected)) return Buffer.isBuffer(actual) && actual.equals(expected) ? null : path
  if (typeof expected === 'number' && Number.isNaN(expected)) return Number.isNaN(actual) ? null : path
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return path
    for (let i = 0; i < expected.length; i++) {
      const d = subsetDiff(actual[i], expected[i], `${path}[${i}]`)
      if (d !== null) return d
    }
    return null
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return path
    for (const [k, v] of Object.entries(expected)) {
      const d = subsetDiff((actual as Record<string, unknown>)[k], v, path === '' ? k : `${path}.${k}`)
      if (d !== null) return d
    }
    return null
  }
  return Object.is(expected, actual) ? null : path
}
