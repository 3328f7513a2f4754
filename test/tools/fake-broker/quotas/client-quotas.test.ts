import t from 'tap'
import { ConfigError } from '../../../../protocol/errors.js'
import { ClientQuotas } from '../../../../tools/fake-broker/quotas/client-quotas.js'
import { QuotaStore } from '../../../../tools/fake-broker/quotas/quota-store.js'

// Kafka's precedence of quota entities (docs "Quotas", DefaultQuotaCallback.quotaLimit): which of the eight
// levels bounds a (user, client id), and which clients share one measured rate. Rates below: one recording of
// B bytes at time 0 over Kafka's 10-second minimum window is B / 10 bytes per second, so a bound of b throttles
// B = 10 b + 10 for round((B / 10 - b) / b × 10 000) ms.

type Part = [string, string | null]
const LEVELS: Array<[string, Part[]]> = [
  ['1 user+client', [['user', 'u'], ['client-id', 'c']]],
  ['2 user+default client', [['user', 'u'], ['client-id', null]]],
  ['3 user', [['user', 'u']]],
  ['4 default user+client', [['user', null], ['client-id', 'c']]],
  ['5 default user+default client', [['user', null], ['client-id', null]]],
  ['6 default user', [['user', null]]],
  ['7 client', [['client-id', 'c']]],
  ['8 default client', [['client-id', null]]]
]

function storeWith (levels: number[]): QuotaStore {
  const store = new QuotaStore()
  store.alter(levels.map(i => ({
    entity: LEVELS[i][1].map(([entityType, entityName]) => ({ entityType, entityName })),
    ops: [{ key: 'producer_byte_rate', value: (i + 1) * 100, remove: false }]
  })), false)
  return store
}

/** The bound in force for (u, c): the largest recording at time 0 that is not throttled, × 10 s⁻¹. */
function boundFor (store: QuotaStore, user = 'u', clientId = 'c'): number | undefined {
  const quotas = new ClientQuotas(store)
  const max = quotas.produce.maxValueInWindow(user, clientId)
  return max === Number.MAX_SAFE_INTEGER ? undefined : max / 10
}

t.test('each level wins over every level below it', async t => {
  for (let top = 0; top < LEVELS.length; top++) {
    const levels = LEVELS.map((_, i) => i).filter(i => i >= top)
    t.equal(boundFor(storeWith(levels)), (top + 1) * 100, `${LEVELS[top][0]} applies over the levels below`)
    t.equal(boundFor(storeWith([top])), (top + 1) * 100, `${LEVELS[top][0]} applies alone`)
  }
})

t.test('another user or client id falls through to the defaults', async t => {
  const store = storeWith([0, 2, 6])
  t.equal(boundFor(store, 'u', 'other'), 300, 'user u with another client: the user quota')
  t.equal(boundFor(store, 'v', 'c'), 700, 'another user with client c: the client quota')
  t.equal(boundFor(store, 'v', 'other'), undefined, 'no quota applies')
})

t.test('the throttle time is Kafka\'s formula, and only over the bound', async t => {
  const quotas = new ClientQuotas(storeWith([7]))
  // Bound 800 B/s: 8000 bytes at time 0 is exactly 800 B/s, not over.
  t.equal(quotas.produce.record('u', 'c', 8000, 0), 0)
  // 4000 more in the same window: 1200 B/s; (1200 - 800) / 800 × 10 000 ms.
  t.equal(quotas.produce.record('u', 'c', 4000, 0), 5000)
  // Taken back, the rate is 800 B/s again.
  quotas.produce.unrecord('u', 'c', 4000, 0)
  t.equal(quotas.produce.record('u', 'c', 0, 0), 0)
})

t.test('clients under one user quota share its rate; under a client quota each client id has its own', async t => {
  const byUser = new ClientQuotas(storeWith([2]))
  t.equal(byUser.produce.record('u', 'a', 3000, 0), 0)
  t.ok(byUser.produce.record('u', 'b', 3000, 0) > 0, 'the second client id of user u pushes their shared rate over 300 B/s')
  const byClient = new ClientQuotas(storeWith([6]))
  t.equal(byClient.produce.record('u', 'c', 7000, 0), 0)
  t.ok(byClient.produce.record('v', 'c', 10, 0) > 0, 'another user of client id c pushes the shared rate over 700 B/s')
  t.equal(byClient.produce.record('v', 'd', 7000, 0), 0, 'client d has no quota at all')
})

t.test('fetch quotas are consumer_byte_rate, produce quotas producer_byte_rate', async t => {
  const store = new QuotaStore()
  store.alter([{ entity: [{ entityType: 'user', entityName: 'u' }], ops: [{ key: 'consumer_byte_rate', value: 100, remove: false }] }], false)
  const quotas = new ClientQuotas(store)
  t.equal(quotas.produce.enabled, false)
  t.equal(quotas.produce.record('u', 'c', 1e9, 0), 0, 'no producer quota: nothing measured')
  t.equal(quotas.fetch.enabled, true)
  t.equal(quotas.fetch.maxValueInWindow('u', 'c'), 1000)
  t.equal(quotas.fetch.record('u', 'c', 2000, 0), 10_000)
})

t.test('window settings are checked when given', async t => {
  t.throws(() => new ClientQuotas(new QuotaStore(), { samples: 0, windowMs: 1000 }), ConfigError)
  t.throws(() => new ClientQuotas(new QuotaStore(), { samples: 11, windowMs: 0.5 }), ConfigError)
})

t.test('each broker measures on its own, as Kafka\'s quotas are per broker', async t => {
  const quotas = new ClientQuotas(storeWith([7]))
  t.equal(quotas.produce.record('u', 'c', 8000, 0, 1), 0)
  t.equal(quotas.produce.record('u', 'c', 8000, 0, 2), 0, 'broker 2 has seen nothing of broker 1\'s bytes')
  t.ok(quotas.produce.record('u', 'c', 10, 0, 1) > 0, 'broker 1 is over')
})
