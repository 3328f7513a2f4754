import t from 'tap'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { ConfigError } from '../../../protocol/errors.js'
import { AclStore, filterMatches, type AclBinding, type AclBindingFilter } from '../../../tools/fake-broker/acl-store.js'
import { Authorizer } from '../../../tools/fake-broker/authorizer.js'

// The ACL store and the authorizer against the rules of Kafka's AclControlManager, ResourcePatternFilter /
// AccessControlEntryFilter and StandardAuthorizerData, each case a row written from those sources.

const alice = { principal: 'User:alice', host: '127.0.0.1' }
const bob = { principal: 'User:bob', host: '127.0.0.1' }

function acl (over: Partial<AclBinding>): AclBinding {
  return { resourceType: Res.TOPIC, resourceName: 't', patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.READ, permissionType: Perm.ALLOW, ...over }
}
const ANY_FILTER: AclBindingFilter = { resourceType: Res.ANY, resourceName: null, patternType: Pat.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY }

function setup (acls: Array<Partial<AclBinding>>, opts = {}): Authorizer {
  const store = new AclStore()
  for (const a of acls) store.create(acl(a))
  return new Authorizer(opts, store)
}

t.test('an ALLOW ACL allows its operation, and READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS', async t => {
  const a = setup([{ operation: Op.READ }, { resourceName: 'w', operation: Op.WRITE }, { resourceName: 'c', operation: Op.ALTER_CONFIGS }])
  t.ok(a.authorize(alice, Op.READ, Res.TOPIC, 't'))
  t.ok(a.authorize(alice, Op.DESCRIBE, Res.TOPIC, 't'), 'READ implies DESCRIBE')
  t.notOk(a.authorize(alice, Op.WRITE, Res.TOPIC, 't'), 'READ does not allow WRITE')
  t.ok(a.authorize(alice, Op.DESCRIBE, Res.TOPIC, 'w'), 'WRITE implies DESCRIBE')
  t.ok(a.authorize(alice, Op.DESCRIBE_CONFIGS, Res.TOPIC, 'c'))
  t.notOk(a.authorize(alice, Op.DESCRIBE, Res.TOPIC, 'c'), 'ALTER_CONFIGS does not imply DESCRIBE')
  t.notOk(a.authorize(bob, Op.READ, Res.TOPIC, 't'), 'another principal is not allowed')
  t.notOk(a.authorize(alice, Op.READ, Res.GROUP, 't'), 'nor another resource type')
})

t.test('DENY beats ALLOW, denies only its own operation (no implication), and ALL covers every operation', async t => {
  const a = setup([{ operation: Op.ALL }, { operation: Op.WRITE, permissionType: Perm.DENY }, { resourceName: 'r', operation: Op.READ, permissionType: Perm.DENY }, { resourceName: 'r', operation: Op.DESCRIBE }])
  t.ok(a.authorize(alice, Op.READ, Res.TOPIC, 't'))
  t.notOk(a.authorize(alice, Op.WRITE, Res.TOPIC, 't'), 'DENY WRITE wins over ALLOW ALL')
  t.ok(a.authorize(alice, Op.DESCRIBE, Res.TOPIC, 'r'), 'a DENY READ does not deny DESCRIBE')
  t.notOk(a.authorize(alice, Op.READ, Res.TOPIC, 'r'))
})

t.test('patterns: LITERAL names and the "*" wildcard, PREFIXED prefixes; wildcard principal and host', async t => {
  const a = setup([
    { resourceName: 'orders-', patternType: Pat.PREFIXED },
    { resourceType: Res.GROUP, resourceName: '*', principal: 'User:*' },
    { resourceName: 'exact', host: '10.0.0.1' }
  ])
  t.ok(a.authorize(alice, Op.READ, Res.TOPIC, 'orders-eu'))
  t.notOk(a.authorize(alice, Op.READ, Res.TOPIC, 'order'))
  t.ok(a.authorize(bob, Op.READ, Res.GROUP, 'any-group'), 'User:* on * covers everyone')
  t.notOk(a.authorize(alice, Op.READ, Res.TOPIC, 'exact'), 'an ACL for another host does not apply')
})

t.test('with no ACL on a resource, allow.everyone.if.no.acl.found decides; any ACL for anyone makes it deny', async t => {
  t.notOk(setup([]).authorize(alice, Op.READ, Res.TOPIC, 'x'), 'default: deny')
  const open = setup([{ resourceName: 'x', principal: 'User:bob' }], { allowEveryoneIfNoAclFound: true })
  t.ok(open.authorize(alice, Op.READ, Res.TOPIC, 'y'), 'no ACL covers y')
  t.notOk(open.authorize(alice, Op.READ, Res.TOPIC, 'x'), 'bob\'s ACL covers x, none for alice')
})

t.test('super users bypass every check, DENY included; a super user must be a principal', async t => {
  const a = setup([{ operation: Op.ALL, permissionType: Perm.DENY }], { superUsers: ['User:alice'] })
  t.ok(a.authorize(alice, Op.WRITE, Res.TOPIC, 't'))
  t.notOk(a.authorize(bob, Op.WRITE, Res.TOPIC, 't'))
  t.throws(() => new Authorizer({ superUsers: ['alice'] }, new AclStore()), ConfigError)
})

t.test('authorizeByResourceType: some ALLOW not shadowed by a DENY (the idempotent producer check)', async t => {
  t.notOk(setup([]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC))
  t.ok(setup([{ operation: Op.WRITE }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC))
  t.notOk(setup([{ operation: Op.WRITE }, { operation: Op.WRITE, permissionType: Perm.DENY }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC), 'literal deny of the same name')
  t.notOk(setup([{ operation: Op.WRITE, patternType: Pat.PREFIXED, resourceName: 'a' }, { operation: Op.WRITE, permissionType: Perm.DENY, patternType: Pat.PREFIXED, resourceName: '' + 'a' }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC), 'prefix deny covers the prefix allow')
  t.ok(setup([{ operation: Op.WRITE, resourceName: 'b', patternType: Pat.PREFIXED }, { operation: Op.WRITE, permissionType: Perm.DENY, resourceName: 'c' }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC))
  t.ok(setup([{ operation: Op.WRITE, resourceName: '*' }, { operation: Op.WRITE, resourceName: 'x', permissionType: Perm.DENY }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC), 'wildcard allow')
  t.notOk(setup([{ operation: Op.WRITE }, { operation: Op.WRITE, resourceName: '*', permissionType: Perm.DENY }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC), 'wildcard deny')
  t.notOk(setup([{ operation: Op.READ }, { operation: Op.WRITE, host: '10.0.0.9' }, { operation: Op.WRITE, principal: 'User:bob' }]).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC), 'other operation, host or principal')
  t.ok(setup([], { allowEveryoneIfNoAclFound: true }).authorizeByResourceType(alice, Op.WRITE, Res.TOPIC))
})

t.test('creation is validated as Kafka\'s AclApis and AclControlManager do; duplicates are not stored twice', async t => {
  const store = new AclStore()
  const cases: Array<[Partial<AclBinding>, string | null]> = [
    [{}, null],
    [{}, null],
    [{ resourceType: Res.CLUSTER, resourceName: 'x' }, 'The only valid name for the CLUSTER resource is kafka-cluster'],
    [{ resourceName: '' }, 'Invalid empty resource name'],
    [{ resourceType: Res.ANY }, 'Invalid resourceType ANY'],
    [{ resourceType: 99 }, 'Invalid resourceType UNKNOWN'],
    [{ patternType: Pat.MATCH }, 'Invalid patternType MATCH'],
    [{ patternType: 42 }, 'Invalid patternType UNKNOWN'],
    [{ operation: Op.ANY }, 'Invalid operation ANY'],
    [{ permissionType: Perm.ANY }, 'Invalid permissionType ANY'],
    [{ permissionType: 9 }, 'Invalid permissionType UNKNOWN']
  ]
  for (const [over, message] of cases) {
    const r = store.create(acl(over))
    t.same(r, message === null ? { errorCode: ErrorCode.NONE, errorMessage: null } : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message }, JSON.stringify(over))
  }
  t.equal(store.size, 1)
})

t.test('filters: ANY takes the exact name of any pattern type, MATCH every ACL that applies to the name', async t => {
  const literal = acl({ resourceName: 'orders' })
  const wildcard = acl({ resourceName: '*' })
  const prefixed = acl({ resourceName: 'ord', patternType: Pat.PREFIXED })
  const f = (over: Partial<AclBindingFilter>): AclBindingFilter => ({ ...ANY_FILTER, ...over })
  const which = (filter: AclBindingFilter): string[] => [literal, wildcard, prefixed].filter(a => filterMatches(filter, a)).map(a => a.resourceName)
  t.same(which(f({})), ['orders', '*', 'ord'])
  t.same(which(f({ resourceName: 'orders' })), ['orders'])
  t.same(which(f({ resourceName: 'orders', patternType: Pat.MATCH })), ['orders', '*', 'ord'])
  t.same(which(f({ resourceName: 'ord', patternType: Pat.PREFIXED })), ['ord'])
  t.same(which(f({ patternType: Pat.LITERAL })), ['orders', '*'])
  t.same(which(f({ principal: 'User:bob' })), [])
  t.same(which(f({ host: '*', operation: Op.READ, permissionType: Perm.ALLOW, resourceType: Res.TOPIC })), ['orders', '*', 'ord'])
  t.same(which(f({ host: 'h' })), [])
  t.same(which(f({ operation: Op.WRITE })), [])
  t.same(which(f({ permissionType: Perm.DENY })), [])
  t.same(which(f({ resourceType: Res.GROUP })), [])
})

t.test('deletion returns what each filter removed; filters Kafka cannot read are INVALID_REQUEST', async t => {
  const store = new AclStore()
  store.create(acl({}))
  store.create(acl({ resourceName: 'u', operation: Op.WRITE }))
  t.same(store.delete({ ...ANY_FILTER, resourceType: 99 }), { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown patternFilter.', deleted: [] })
  t.same(store.delete({ ...ANY_FILTER, operation: 77 }), { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown entryFilter.', deleted: [] })
  t.same(store.delete({ ...ANY_FILTER, permissionType: 7 }).errorMessage, 'Unknown entryFilter.')
  const r = store.delete({ ...ANY_FILTER, operation: Op.WRITE })
  t.same(r.deleted.map(a => a.resourceName), ['u'])
  t.same(store.describe(ANY_FILTER).map(a => a.resourceName), ['t'])
})
