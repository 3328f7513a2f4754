import t from 'tap'
import { Admin } from '../../../consumer/admin/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// The Admin client's ACL calls against the fake broker with an authorizer: a super user manages ACLs, which then
// decide what another SASL user may do; and the errors a non-super user and a cluster without authorizer get.

async function setup (t: any): Promise<{ cluster: FakeCluster, login: (user: string) => Promise<Admin> }> {
  const cluster = await FakeCluster.start({
    sasl: { users: { admin: 'admin-secret', alice: 'alice-secret' }, mechanisms: ['PLAIN'] },
    authorizer: { superUsers: ['User:admin'] },
    topics: [{ name: 'orders' }, { name: 'payments' }]
  })
  t.teardown(() => cluster.stop())
  const login = async (user: string): Promise<Admin> => {
    const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': user, 'sasl.password': `${user}-secret`, retries: 0 })
    t.teardown(() => admin.close())
    return admin
  }
  return { cluster, login }
}

t.test('createAcls, describeAcls and deleteAcls with per-ACL and per-filter results', async t => {
  const { login } = await setup(t)
  const admin = await login('admin')
  const read = { resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' } as const
  const created = await admin.createAcls([read, { ...read, resourceName: 'pay', patternType: 'PREFIXED', operation: 'WRITE' }, { ...read, resourceType: 'CLUSTER' }])
  t.same(created.map(r => r.error?.errorName ?? null), [null, null, 'INVALID_REQUEST'])
  t.match(created[2].error?.message, /only valid name for the CLUSTER resource is kafka-cluster/)
  t.same(await admin.describeAcls({ resourceType: 'TOPIC', resourceName: 'payments', patternType: 'MATCH' }), [{ ...read, resourceName: 'pay', patternType: 'PREFIXED', operation: 'WRITE' }])
  t.same((await admin.describeAcls()).length, 2, 'an empty filter lists every ACL')
  const deleted = await admin.deleteAcls([{ operation: 'WRITE' }, { principal: 'User:nobody' }])
  t.same(deleted.map(d => [d.error, d.deleted.map(x => x.acl.resourceName)]), [[null, ['pay']], [null, []]])
  t.same((await admin.describeAcls()).map(a => a.operation), ['READ'])
})

t.test('ACLs take effect: alice sees only the topics she may describe', async t => {
  const { login } = await setup(t)
  const admin = await login('admin')
  const alice = await login('alice')
  t.same(await alice.listTopics(), [], 'no ACL: nothing is described')
  await admin.createAcls([{ resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' }])
  t.same(await alice.listTopics(), ['orders'])
  t.same(await admin.listTopics(), ['orders', 'payments'], 'super users see everything')
})

t.test('a user without cluster ALTER/DESCRIBE gets CLUSTER_AUTHORIZATION_FAILED; a cluster without authorizer SECURITY_DISABLED', async t => {
  const { login } = await setup(t)
  const alice = await login('alice')
  await t.rejects(alice.describeAcls(), { errorName: 'CLUSTER_AUTHORIZATION_FAILED' })
  const [created] = await alice.createAcls([{ resourceType: 'GROUP', resourceName: 'g', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' }])
  t.equal(created.error?.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)
  const [deleted] = await alice.deleteAcls([{}])
  t.equal(deleted.error?.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED)

  const open = await FakeCluster.start()
  t.teardown(() => open.stop())
  const anyone = await Admin.connect({ 'bootstrap.servers': open.bootstrap })
  t.teardown(() => anyone.close())
  await t.rejects(anyone.describeAcls(), { errorName: 'SECURITY_DISABLED' })
})
