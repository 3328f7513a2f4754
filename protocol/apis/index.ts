import type { ApiSchema } from '../schema/define.js'
import { ApiVersions } from './api-versions.js'
import { Metadata } from './metadata.js'

export { ApiVersions } from './api-versions.js'
export { Metadata } from './metadata.js'

/** Every API this library speaks, indexed by API key. */
export const ALL_APIS: readonly ApiSchema[] = [ApiVersions, Metadata]

const byKey = new Map<number, ApiSchema>(ALL_APIS.map(a => [a.key, a]))
const byName = new Map<string, ApiSchema>(ALL_APIS.map(a => [a.name.toLowerCase(), a]))

export function apiByKey (key: number): ApiSchema | undefined {
  return byKey.get(key)
}

/** Looks an API up by its name (case-insensitive) or by its key given as a decimal string. */
export function apiByNameOrKey (nameOrKey: string): ApiSchema | undefined {
  return /^\d+$/.test(nameOrKey) ? byKey.get(Number(nameOrKey)) : byName.get(nameOrKey.toLowerCase())
}
