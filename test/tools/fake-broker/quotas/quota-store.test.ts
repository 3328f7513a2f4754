import t from 'tap'
import { ErrorCode } from '../../../../protocol/error-codes.js'
import { MATCH_DEFAULT, MATCH_EXACT, MATCH_SPECIFIED, QuotaStore } from '../../../../tools/fake-broker/quotas/quota-store.js'

const user = (name: string | null): { entityType: string, entityName: string | null } => ({ entityType: 'user', entityName: name })
const client = (name: string | null): { entityType: string, entityName: string | null } => ({ entityType: 'client-id', entityName: name })
const set = (key: string, value: number): { key: string, value: number, remove: boolean } => ({ key, value, remove: false })
const remove = (key: string): { key: string, value: number, remove: boolean } => ({ key, value: 0, remove: true })

t.test('values are set, described and removed; an entity without values is gone', async t => {
  let changes = 0
  const store = new QuotaStore(() => { changes++ })
  const r = store.alter([{ entity: [user('alice'), client(null)], ops: [set('producer_byte_rate', 1024), set('request_percentage', 12.5)] }], false)
  // Parts come back in Kafka's HashMap order: client-id before user.
  t.same(r, [{ errorCode: ErrorCode.NONE, errorMessage: null, entity: [client(null), user('alice')] }])
  t.equal(changes, 1)
  t.equal(store.value(new Map([['client-id', null], ['user', 'alice']]), 'producer_byte_rate'), 1024)
  t.same(store.describe([], false), {
    errorCode: ErrorCode.NONE,
    errorMessage: '',
    entries: [{ entity: [client(null), user('alice')], values: [{ key: 'producer_byte_rate', value: 1024 }, { key: 'request_percentage', value: 12.5 }] }]
  })
  store.alter([{ entity: [user('alice'), client(null)], ops: [remove('producer_byte_rate'), remove('request_percentage'), remove('consumer_byte_rate')] }], false)
  t.same(store.describe([], false).entries, [])
})

t.test('validateOnly checks and changes nothing', async t => {
  let changes = 0
  const store = new QuotaStore(() => { changes++ })
  const r = store.alter([{ entity: [user('bob')], ops: [set('consumer_byte_rate', 5)] }], true)
  t.equal(r[0].errorCode, ErrorCode.NONE)
  t.same(store.describe([], false).entries, [])
  t.equal(changes, 0)
})

t.test('bad entities and values are refused with Kafka\'s messages, the others applied', async t => {
  const store = new QuotaStore()
  const cases: Array<[Parameters<QuotaStore['alter']>[0][number], string]> = [
    [{ entity: [], ops: [set('producer_byte_rate', 1)] }, 'Invalid empty client quota entity'],
    [{ entity: [{ entityType: 'group', entityName: 'g' }], ops: [set('producer_byte_rate', 1)] }, 'Unhandled client quota entity type: group'],
    [{ entity: [user('')], ops: [set('producer_byte_rate', 1)] }, 'Empty user not supported'],
    [{ entity: [{ entityType: 'ip', entityName: '1.2.3.4' }, user('u1')], ops: [] }, 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId'],
    [{ entity: [{ entityType: 'ip', entityName: 'no such host' }], ops: [] }, 'no such host is not a valid IP or resolvable host.'],
    [{ entity: [user('u2')], ops: [set('connection_creation_rate', 1)] }, 'Invalid configuration key connection_creation_rate'],
    [{ entity: [user('u3')], ops: [set('producer_byte_rate', 0)] }, 'Quota producer_byte_rate must be greater than 0'],
    [{ entity: [user('u4')], ops: [set('producer_byte_rate', 1.5)] }, 'producer_byte_rate cannot be a fractional value.'],
    [{ entity: [user('u5')], ops: [set('consumer_byte_rate', 1e19)] }, 'Proposed value for consumer_byte_rate is too large for a LONG.'],
    [{ entity: [{ entityType: 'ip', entityName: null }], ops: [set('connection_creation_rate', 3e9)] }, 'Proposed value for connection_creation_rate is too large for an INT.'],
    [{ entity: [user('u6')], ops: [set('producer_byte_rate', 1), set('producer_byte_rate', 2)] }, 'Ignoring duplicate entity ClientQuotaEntity(entries={user=u6})']
  ]
  for (const [entry, message] of cases) {
    const [r] = store.alter([entry], false)
    t.same([r.errorCode, r.errorMessage], [ErrorCode.INVALID_REQUEST, message], message)
  }
  t.same(store.describe([], false).entries, [], 'nothing was stored')
  // Ip entities take connection_creation_rate; a double key takes a fraction; removing an unknown key is no error.
  const ok = store.alter([
    { entity: [{ entityType: 'ip', entityName: '10.0.0.1' }], ops: [set('connection_creation_rate', 7)] },
    { entity: [client('c')], ops: [set('controller_mutation_rate', 0.5), remove('no.such.key')] }
  ], false)
  t.same(ok.map(r => r.errorCode), [ErrorCode.NONE, ErrorCode.NONE])
  t.equal(store.describe([], false).entries?.length, 2)
})

t.test('an entity named twice in one request gets one result, the duplicate error, and its first change stays', async t => {
  const store = new QuotaStore()
  const r = store.alter([
    { entity: [user('x')], ops: [set('producer_byte_rate', 10)] },
    { entity: [user('x')], ops: [set('producer_byte_rate', 20)] }
  ], false)
  t.same(r, [{ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Ignoring duplicate entity ClientQuotaEntity(entries={user=x})', entity: [user('x')] }])
  // As Kafka's controller: the first entry's records were already emitted when the duplicate was seen.
  t.equal(store.value(new Map([['user', 'x']]), 'producer_byte_rate'), 10)
})

t.test('describe filters by exact name, default and specified entities, strictly or not', async t => {
  const store = new QuotaStore()
  store.alter([
    { entity: [user('alice')], ops: [set('producer_byte_rate', 1)] },
    { entity: [user(null)], ops: [set('producer_byte_rate', 2)] },
    { entity: [user('alice'), client('app')], ops: [set('producer_byte_rate', 3)] },
    { entity: [client(null)], ops: [set('producer_byte_rate', 4)] }
  ], false)
  const values = (components: Parameters<QuotaStore['describe']>[0], strict: boolean): number[] =>
    (store.describe(components, strict).entries ?? []).map(e => e.values[0].value)
  t.same(values([], false), [1, 2, 3, 4], 'no components: everything')
  t.same(values([], true), [], 'strict with no components: nothing')
  t.same(values([{ entityType: 'user', matchType: MATCH_EXACT, match: 'alice' }], false), [1, 3])
  t.same(values([{ entityType: 'user', matchType: MATCH_EXACT, match: 'alice' }], true), [1])
  t.same(values([{ entityType: 'user', matchType: MATCH_DEFAULT, match: null }], false), [2])
  // Kafka 4.x's SPECIFIED asks only that the type is present, so the default user matches too.
  t.same(values([{ entityType: 'user', matchType: MATCH_SPECIFIED, match: null }], true), [1, 2])
  t.same(values([{ entityType: 'user', matchType: MATCH_SPECIFIED, match: null }, { entityType: 'client-id', matchType: MATCH_SPECIFIED, match: null }], false), [3])
  t.same(values([{ entityType: 'client-id', matchType: MATCH_DEFAULT, match: null }], true), [4])
})

t.test('a bad filter is a top-level error with Kafka\'s message and null entries', async t => {
  const store = new QuotaStore()
  const cases: Array<[Parameters<QuotaStore['describe']>[0], number, string]> = [
    [[{ entityType: '', matchType: MATCH_EXACT, match: 'a' }], ErrorCode.INVALID_REQUEST, 'Invalid empty entity type.'],
    [[{ entityType: 'user', matchType: MATCH_SPECIFIED, match: null }, { entityType: 'user', matchType: MATCH_DEFAULT, match: null }], ErrorCode.INVALID_REQUEST, 'Entity type user cannot appear more than once in the filter.'],
    [[{ entityType: 'group', matchType: MATCH_EXACT, match: 'a' }], ErrorCode.UNSUPPORTED_VERSION, 'Unsupported entity type group'],
    [[{ entityType: 'user', matchType: MATCH_EXACT, match: null }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_EXACT, but set match string to null.'],
    [[{ entityType: 'user', matchType: MATCH_DEFAULT, match: 'a' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_DEFAULT, but also specified a match string.'],
    [[{ entityType: 'user', matchType: MATCH_SPECIFIED, match: 'a' }], ErrorCode.INVALID_REQUEST, 'Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.'],
    [[{ entityType: 'user', matchType: 7, match: null }], ErrorCode.INVALID_REQUEST, 'Unknown match type 7'],
    [[{ entityType: 'ip', matchType: MATCH_DEFAULT, match: null }, { entityType: 'client-id', matchType: MATCH_SPECIFIED, match: null }], ErrorCode.INVALID_REQUEST, 'Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.']
  ]
  for (const [components, code, message] of cases) {
    t.same(store.describe(components, false), { errorCode: code, errorMessage: message, entries: null }, message)
  }
})

t.test('a cluster with a data directory keeps its quotas across a restart', async t => {
  const { FakeCluster } = await import('../../../../tools/fake-broker/index.js')
  const dir = t.testdir()
  const first = await FakeCluster.start({ dataDir: dir })
  first.state.quotas.store.alter([
    { entity: [user('alice'), client(null)], ops: [set('producer_byte_rate', 1024)] },
    { entity: [client('c')], ops: [set('request_percentage', NaN)] }
  ], false)
  await first.stop()
  const second = await FakeCluster.start({ dataDir: dir })
  t.teardown(() => second.stop())
  // NaN, which Kafka takes for a DOUBLE key, does not survive JSON: that entity is left out.
  t.same(second.state.quotas.store.describe([], false).entries, [{ entity: [client(null), user('alice')], values: [{ key: 'producer_byte_rate', value: 1024 }] }])
})
