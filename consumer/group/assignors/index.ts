import { ConfigError } from '../../../protocol/errors.js'
import { cooperativeStickyAssignor } from './cooperative-sticky.js'
import { rangeAssignor } from './range.js'
import { roundRobinAssignor } from './round-robin.js'
import type { Assignor, RebalanceProtocol } from './types.js'

export * from './types.js'
export { rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor }

export const BUILTIN_ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor].map(a => [a.name, a]))

/** The assignors named in partition.assignment.strategy, in order; ConfigError for an unknown name. */
export function assignorsByName (names: readonly string[], custom: readonly Assignor[] = []): Assignor[] {
  return names.map(n => {
    const a = custom.find(c => c.name === n) ?? BUILTIN_ASSIGNORS.get(n)
    if (a === undefined) throw new ConfigError('partition.assignment.strategy', `unknown assignor "${n}" (known: ${[...BUILTIN_ASSIGNORS.keys(), ...custom.map(c => c.name)].join(', ')})`)
    return a
  })
}

/**
 * The rebalance protocol a member follows: cooperative only when every configured assignor supports it, as the
 * Java client decides (ConsumerCoordinator: the highest protocol common to all assignors), because the group may
 * pick any of them.
 */
export function rebalanceProtocolOf (assignors: readonly Assignor[]): RebalanceProtocol {
  return assignors.every(a => a.protocols.includes('cooperative')) ? 'cooperative' : 'eager'
}
