// Version ranges in the grammar of Kafka's message definitions
// (clients/src/main/resources/common/message/README.md): "3" (exactly 3), "3-5" (inclusive), "3+" (3 and up),
// "none" (never). Ranges are parsed once, when a schema is defined.

export interface VersionRange {
  readonly min: number
  /** Inclusive; Infinity for an open range such as "3+". */
  readonly max: number
  /** The text it was parsed from, kept for documentation. */
  readonly text: string
}

export const NONE: VersionRange = Object.freeze({ min: 1, max: 0, text: 'none' })
export const ALL: VersionRange = Object.freeze({ min: 0, max: Infinity, text: '0+' })

export function parseVersions (text: string): VersionRange {
  const s = text.trim()
  if (s === 'none') return NONE
  let m = /^(\d+)\+$/.exec(s)
  if (m !== null) return Object.freeze({ min: Number(m[1]), max: Infinity, text: s })
  m = /^(\d+)-(\d+)$/.exec(s)
  if (m !== null) {
    const min = Number(m[1])
    const max = Number(m[2])
    if (max < min) throw new SyntaxError(`version range ${JSON.stringify(text)} is empty`)
    return Object.freeze({ min, max, text: s })
  }
  m = /^(\d+)$/.exec(s)
  if (m !== null) return Object.freeze({ min: Number(m[1]), max: Number(m[1]), text: s })
  throw new SyntaxError(`not a version range: ${JSON.stringify(text)} (expected "N", "N-M", "N+" or "none")`)
}

export function inRange (r: VersionRange, version: number): boolean {
  return version >= r.min && version <= r.max
}

export function isEmpty (r: VersionRange): boolean {
  return r.max < r.min
}

/** Whether `inner` lies within `outer` (an empty range lies within anything). */
export function within (inner: VersionRange, outer: VersionRange): boolean {
  return isEmpty(inner) || (inner.min >= outer.min && inner.max <= outer.max)
}

/** The part of `r` that falls inside `limit`, as the grammar writes it. */
export function intersect (r: VersionRange, limit: VersionRange): VersionRange {
  const min = Math.max(r.min, limit.min)
  const max = Math.min(r.max, limit.max)
  if (max < min) return NONE
  const text = max === Infinity ? `${min}+` : min === max ? `${min}` : `${min}-${max}`
  return { min, max, text }
}
