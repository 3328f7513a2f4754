import t from 'tap'
import fc from 'fast-check'
import { cooperativeStickyAssignor, rangeAssignor, roundRobinAssignor, assignorsByName, rebalanceProtocolOf, type MemberSubscription, type TopicPartitions } from '../../../../consumer/group/assignors/index.js'
import { ConfigError } from '../../../../protocol/errors.js'

// Fixed tables from the Java client's documentation of each assignor (RangeAssignor, RoundRobinAssignor and
// CooperativeStickyAssignor javadoc, KIP-429), plus the invariants every assignment must keep.

const m = (memberId: string, topics: string[], owned: TopicPartitions[] = [], generationId = -1, groupInstanceId: string | null = null): MemberSubscription =>
  ({ memberId, groupInstanceId, topics, ownedPartitions: owned, generationId, rackId: null })
const flat = (tps: TopicPartitions[] | undefined): string[] => (tps ?? []).flatMap(tp => tp.partitions.map(p => `${tp.topic}-${p}`))

t.test('range: two topics of three partitions, two members (RangeAssignor javadoc)', async t => {
  const got = rangeAssignor.assign([m('C1', ['t0', 't1']), m('C0', ['t0', 't1'])], new Map([['t0', 3], ['t1', 3]]))
  t.same(flat(got.get('C0')), ['t0-0', 't0-1', 't1-0', 't1-1'])
  t.same(flat(got.get('C1')), ['t0-2', 't1-2'])
})

t.test('range: members only get topics they subscribe to; static members sort first by instance id', async t => {
  const got = rangeAssignor.assign([m('a', ['x']), m('b', ['x', 'y'], [], -1, 'z-static')], new Map([['x', 4], ['y', 1]]))
  t.same(flat(got.get('b')), ['x-0', 'x-1', 'y-0'])
  t.same(flat(got.get('a')), ['x-2', 'x-3'])
})

t.test('roundrobin: two topics of three partitions, two members (RoundRobinAssignor javadoc)', async t => {
  const got = roundRobinAssignor.assign([m('C0', ['t0', 't1']), m('C1', ['t0', 't1'])], new Map([['t0', 3], ['t1', 3]]))
  t.same(flat(got.get('C0')), ['t0-0', 't0-2', 't1-1'])
  t.same(flat(got.get('C1')), ['t0-1', 't1-0', 't1-2'])
})

t.test('roundrobin: unequal subscriptions skip members not subscribed (RoundRobinAssignor javadoc)', async t => {
  const got = roundRobinAssignor.assign([m('C0', ['t0']), m('C1', ['t0', 't1']), m('C2', ['t0', 't1', 't2'])], new Map([['t0', 1], ['t1', 2], ['t2', 3]]))
  t.same(flat(got.get('C0')), ['t0-0'])
  t.same(flat(got.get('C1')), ['t1-0'])
  t.same(flat(got.get('C2')), ['t1-1', 't2-0', 't2-1', 't2-2'])
})

t.test('cooperative-sticky: a third member joining; the owners keep what they can and nothing moves in round one', async t => {
  const counts = new Map([['t', 6]])
  const round1 = cooperativeStickyAssignor.assign([
    m('a', ['t'], [{ topic: 't', partitions: [0, 1, 2] }], 1),
    m('b', ['t'], [{ topic: 't', partitions: [3, 4, 5] }], 1),
    m('c', ['t'])
  ], counts)
  const a1 = flat(round1.get('a'))
  const b1 = flat(round1.get('b'))
  t.equal(a1.length, 2, 'a gives one up')
  t.equal(b1.length, 2, 'b gives one up')
  t.ok(a1.every(p => ['t-0', 't-1', 't-2'].includes(p)) && b1.every(p => ['t-3', 't-4', 't-5'].includes(p)), 'kept partitions are their own')
  t.same(flat(round1.get('c')), [], 'c waits for the revocations (KIP-429 first round)')
  // Round two: a and b now own only what they kept.
  const round2 = cooperativeStickyAssignor.assign([
    m('a', ['t'], [{ topic: 't', partitions: a1.map(p => Number(p.slice(2))) }], 2),
    m('b', ['t'], [{ topic: 't', partitions: b1.map(p => Number(p.slice(2))) }], 2),
    m('c', ['t'], [], 2)
  ], counts)
  t.same(flat(round2.get('a')), a1)
  t.same(flat(round2.get('b')), b1)
  t.equal(flat(round2.get('c')).length, 2)
})

t.test('cooperative-sticky: a departed member\'s partitions go out at once (no owner to revoke them)', async t => {
  const got = cooperativeStickyAssignor.assign([m('a', ['t'], [{ topic: 't', partitions: [0, 1] }], 3)], new Map([['t', 4]]))
  t.same(flat(got.get('a')), ['t-0', 't-1', 't-2', 't-3'])
})

t.test('cooperative-sticky: of two claims on one partition the newer generation wins (KIP-792)', async t => {
  const got = cooperativeStickyAssignor.assign([
    m('old', ['t'], [{ topic: 't', partitions: [0, 1] }], 4),
    m('new', ['t'], [{ topic: 't', partitions: [1] }], 5)
  ], new Map([['t', 2]]))
  t.same(flat(got.get('new')), ['t-1'])
  t.same(flat(got.get('old')), ['t-0'])
})

const members = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
const topicCounts = fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 })

for (const assignor of [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor]) {
  t.test(`${assignor.name}: with equal subscriptions every partition goes to exactly one member`, async t => {
    fc.assert(fc.property(members, topicCounts, (ids, counts) => {
      const topics = counts.map((_, i) => `t${i}`)
      const got = assignor.assign(ids.map(id => m(id, topics)), new Map(topics.map((tp, i) => [tp, counts[i] as number])))
      const all = ids.flatMap(id => flat(got.get(id)))
      const expected = topics.flatMap((tp, i) => Array.from({ length: counts[i] as number }, (_, p) => `${tp}-${p}`))
      if (all.length !== expected.length || new Set(all).size !== all.length) throw new Error('a partition went twice or not at all')
      if (assignor !== rangeAssignor) {
        const sizes = ids.map(id => flat(got.get(id)).length)
        if (Math.max(...sizes) - Math.min(...sizes) > 1) throw new Error(`unbalanced: ${sizes.join(',')}`)
      }
    }))
  })
}

t.test('cooperative-sticky: from any valid ownership, two rounds reach a balanced assignment that never gives one partition to two members', async t => {
  fc.assert(fc.property(members, fc.integer({ min: 1, max: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (ids, count, owners) => {
    const counts = new Map([['t', count]])
    const owned = new Map<string, number[]>(ids.map(id => [id, []]))
    for (let p = 0; p < Math.min(count, owners.length); p++) owned.get(ids[(owners[p] as number) % ids.length] as string)?.push(p)
    let state = owned
    for (let round = 0; round < 2; round++) {
      const got = cooperativeStickyAssignor.assign(ids.map(id => m(id, ['t'], [{ topic: 't', partitions: state.get(id) ?? [] }], round + 1)), counts)
      const next = new Map(ids.map(id => [id, flat(got.get(id)).map(x => Number(x.slice(2)))]))
      // A member only gets a partition no one else currently owns (or that it owned itself).
      for (const [id, parts] of next) for (const p of parts) for (const [other, was] of state) if (other !== id && was.includes(p)) throw new Error(`t-${p} given to ${id} while ${other} owns it`)
      state = next
    }
    const all = [...state.values()].flat()
    if (all.length !== count || new Set(all).size !== count) throw new Error('not every partition assigned after two rounds')
    const sizes = [...state.values()].map(p => p.length)
    if (Math.max(...sizes) - Math.min(...sizes) > 1) throw new Error('unbalanced after two rounds')
  }))
})

t.test('assignors by name: Java class names accepted via config; cooperative only when all assignors are', async t => {
  t.equal(rebalanceProtocolOf(assignorsByName(['cooperative-sticky'])), 'cooperative')
  t.equal(rebalanceProtocolOf(assignorsByName(['range', 'cooperative-sticky'])), 'eager')
  t.throws(() => assignorsByName(['sticky-ish']), ConfigError)
})
