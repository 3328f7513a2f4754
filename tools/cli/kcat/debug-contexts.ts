import { ConfigError } from '../../../protocol/errors.js'

// kcat -d <contexts> (= -X debug=<contexts>): librdkafka's debug property, a comma-separated set of its debug
// contexts (librdkafka 2.0's list, as `kcat -h` prints it). It is read as librdkafka reads it
// (rdkafka_conf.c, _RK_C_S2F): names match without regard to case, white space before a name is skipped (not
// after it: "broker ," is refused, as librdkafka refuses it), empty names are ignored, "+name" adds and "-name"
// removes, "all" stands for every context, and an empty value is refused.

export const DEBUG_CONTEXTS = ['generic', 'broker', 'topic', 'metadata', 'feature', 'queue', 'msg', 'protocol', 'cgrp',
  'security', 'fetch', 'interceptor', 'plugin', 'consumer', 'admin', 'eos', 'mock', 'assignor', 'conf'] as const

export type DebugContext = typeof DEBUG_CONTEXTS[number]

/** The contexts a debug property value names; ConfigError "debug" naming the first unknown one. */
export function parseDebugContexts (value: string, key = 'debug'): Set<DebugContext> {
  if (value === '') throw new ConfigError(key, 'cannot be set to an empty value (librdkafka debug contexts: all,' + DEBUG_CONTEXTS.join(',') + ')')
  const set = new Set<DebugContext>()
  for (const raw of value.split(',')) {
    let name = raw.trimStart()
    if (name === '') continue
    let remove = false
    if (name[0] === '+' || name[0] === '-') { remove = name[0] === '-'; name = name.slice(1) }
    const lower = name.toLowerCase()
    const named: readonly DebugContext[] | undefined = lower === 'all'
      ? DEBUG_CONTEXTS
      : DEBUG_CONTEXTS.includes(lower as DebugContext) ? [lower as DebugContext] : undefined
    if (named === undefined) {
      throw new ConfigError(key, `invalid value "${raw.trimStart()}" for configuration property "debug" (librdkafka debug contexts: all,${DEBUG_CONTEXTS.join(',')})`)
    }
    for (const c of named) { if (remove) set.delete(c); else set.add(c) }
  }
  return set
}
