import t from 'tap'
import { Metadata } from '../../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../../protocol/acl-codes.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { Admin } from '../../../consumer/admin/index.js'
import { FakeCluster, type FakeClusterOptions } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// The fake broker's ACLs are part of the cluster it saves with a data directory (--data), as Kafka keeps them in
// its metadata log: CreateAcls and DeleteAcls save it, a restart restores them, and they are enforced again.

const ZERO = '00000000-0000-0000-0000-000000000000'

t.test('with a data directory, ACLs created and deleted through the Admin client are kept across a restart, and enforced', async t => {
  const dir = t.testdir()
  const opts: FakeClusterOptions = { dataDir: dir, topics: [{ name: 'orders', partitions: 1 }, { name: 'payments', partitions: 1 }], authorizer: { superUsers: ['User:ANONYMOUS'] } }
  const first = await FakeCluster.start(opts)
  const admin = await Admin.connect({ bootstrapServers: first.bootstrap })
  const acl = { resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' } as const
  t.same((await admin.createAcls([acl, { ...acl, resourceName: 'payments' }])).map(r => r.error), [null, null])
  t.same((await admin.deleteAcls([{ resourceName: 'payments' }]))[0].error, null)
  await admin.close()
  await first.stop()
  // Restarted without the super user: what the saved ACLs allow is what anonymous clients now get.
  const second = await FakeCluster.start({ ...opts, authorizer: {} })
  t.teardown(() => second.stop())
  t.same(second.state.acls.all().map(a => a.resourceName), ['orders'], 'the created ACL is back; the deleted one is not')
  second.state.acls.create({ resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pat.LITERAL, principal: 'User:ANONYMOUS', host: '*', operation: Op.DESCRIBE, permissionType: Perm.ALLOW })
  const client = await RawClient.connect(second.bootstrap)
  t.teardown(() => { client.close() })
  const md = await client.request(Metadata, 12, { topics: [{ topicId: ZERO, name: 'orders' }, { topicId: ZERO, name: 'payments' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })
  t.same(md.topics.map((x: { name: string, errorCode: number }) => [x.name, x.errorCode]), [['orders', ErrorCode.NONE], ['payments', ErrorCode.TOPIC_AUTHORIZATION_FAILED]])
})
