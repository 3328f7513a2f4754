import t from 'tap'
import { pbkdf2Sync } from 'node:crypto'
import { AlterUserScramCredentials, DescribeUserScramCredentials } from '../../../protocol/apis/index.js'
import { ErrorCode } from '../../../protocol/error-codes.js'
import { SimpleConsumer } from '../../../consumer/simple-consumer.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// DescribeUserScramCredentials (50) and AlterUserScramCredentials (51) v0: users added at run time log in through
// the SASL code, deleted credentials stop working.

/** Hi(password, salt, i) of RFC 5802 is PBKDF2 with HMAC: what an admin client sends as the salted password. */
const salted = (password: string, salt: Buffer, iterations: number, hash: 'sha256' | 'sha512'): Buffer =>
  pbkdf2Sync(password, salt, iterations, hash === 'sha256' ? 32 : 64, hash)

async function canConsume (t: any, cluster: FakeCluster, mechanism: string, user: string, password: string): Promise<boolean> {
  const c = new SimpleConsumer({ bootstrapServers: cluster.bootstrap, retries: 0, reconnectBackoffMs: 5, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': mechanism, 'sasl.username': user, 'sasl.password': password })
  t.teardown(() => c.close())
  try {
    await c.latestOffsets([{ topic: 't', partition: 0 }])
    return true
  } catch {
    return false
  } finally {
    await c.close()
  }
}

t.test('a user added at run time authenticates with SCRAM; deleting the credential locks it out', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 't' }], sasl: { users: { alice: 'a-secret' } } })
  t.teardown(() => cluster.stop())
  const admin = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { admin.close() })
  // The raw client authenticates as alice first (PLAIN through SaslHandshake v1 + SaslAuthenticate).
  const { SaslHandshake, SaslAuthenticate } = await import('../../../protocol/apis/index.js')
  await admin.request(SaslHandshake, 1, { mechanism: 'PLAIN' })
  t.equal((await admin.request(SaslAuthenticate, 2, { authBytes: Buffer.from('\u0000alice\u0000a-secret') })).errorCode, 0)

  t.notOk(await canConsume(t, cluster, 'SCRAM-SHA-512', 'bob', 'b-secret'), 'bob is unknown at first')
  const salt = Buffer.from('0123456789abcdef')
  const res = await admin.request(AlterUserScramCredentials, 0, {
    deletions: [],
    upsertions: [{ name: 'bob', mechanism: 2, iterations: 8192, salt, saltedPassword: salted('b-secret', salt, 8192, 'sha512') }]
  })
  t.same(res.results.map((r: any) => [r.user, r.errorCode]), [['bob', 0]])
  t.ok(await canConsume(t, cluster, 'SCRAM-SHA-512', 'bob', 'b-secret'), 'bob logs in with SCRAM-SHA-512')
  t.notOk(await canConsume(t, cluster, 'SCRAM-SHA-512', 'bob', 'wrong'), 'with his password only')
  t.notOk(await canConsume(t, cluster, 'SCRAM-SHA-256', 'bob', 'b-secret'), 'and only with the mechanism he has')

  const described = await admin.request(DescribeUserScramCredentials, 0, { users: null })
  t.same(described.results.map((r: any) => [r.user, r.errorCode, r.credentialInfos.map((i: any) => [i.mechanism, i.iterations])]),
    [['alice', 0, [[1, 4096], [2, 4096]]], ['bob', 0, [[2, 8192]]]])
  const some = await admin.request(DescribeUserScramCredentials, 0, { users: [{ name: 'carol' }, { name: 'bob' }, { name: 'bob' }] })
  t.same(some.results.map((r: any) => [r.user, r.errorCode]), [['carol', ErrorCode.RESOURCE_NOT_FOUND], ['bob', ErrorCode.DUPLICATE_RESOURCE], ['bob', ErrorCode.DUPLICATE_RESOURCE]])

  const del = await admin.request(AlterUserScramCredentials, 0, { deletions: [{ name: 'alice', mechanism: 1 }, { name: 'bob', mechanism: 1 }], upsertions: [] })
  t.same(del.results.map((r: any) => [r.user, r.errorCode]), [['alice', 0], ['bob', ErrorCode.RESOURCE_NOT_FOUND]])
  t.notOk(await canConsume(t, cluster, 'SCRAM-SHA-256', 'alice', 'a-secret'), 'alice\'s SCRAM-SHA-256 credential is gone')
  t.ok(await canConsume(t, cluster, 'SCRAM-SHA-512', 'alice', 'a-secret'), 'her SCRAM-SHA-512 one still works')
})

t.test('AlterUserScramCredentials refuses what Kafka refuses, per user', async t => {
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const up = (name: string, mechanism: number, iterations: number) => ({ name, mechanism, iterations, salt: Buffer.from('s'), saltedPassword: Buffer.alloc(32) })
  const res = await client.request(AlterUserScramCredentials, 0, {
    deletions: [{ name: 'dup', mechanism: 1 }],
    upsertions: [up('few', 1, 100), up('many', 2, 20000), up('mech', 9, 4096), up('', 1, 4096), up('dup', 1, 4096), up('ok', 1, 4096)]
  })
  t.same(res.results.map((r: any) => [r.user, r.errorCode]), [
    ['dup', ErrorCode.DUPLICATE_RESOURCE], ['few', ErrorCode.UNACCEPTABLE_CREDENTIAL], ['many', ErrorCode.UNACCEPTABLE_CREDENTIAL],
    ['mech', ErrorCode.UNSUPPORTED_SASL_MECHANISM], ['', ErrorCode.UNACCEPTABLE_CREDENTIAL], ['ok', 0]
  ])
  t.same((await client.request(DescribeUserScramCredentials, 0, { users: [] })).results.map((r: any) => r.user), ['ok'])
})
