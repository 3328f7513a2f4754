import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { OffsetCommit } from '../../protocol/apis/index.js'
import { AclOperation as Op, AclPermissionType as Perm, PatternType as Pat, ResourceType as Res } from '../../protocol/acl-codes.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { javaClientOrSkip } from '../peers/java-client.js'
import { runProcess } from './helpers.js'

// The Java AdminClient (kafka-clients 4.x) asks the fake broker for authorized operations (KIP-430):
// describeTopics (DescribeTopicPartitions, which always carries them), describeCluster (DescribeCluster) and
// describeConsumerGroups (ConsumerGroupDescribe, then DescribeGroups for a classic group), as a super user and as
// a SASL user with some ACLs; the operations it decodes are what Kafka 4.4 would grant.

t.setTimeout(600_000)

const { java, skip } = await javaClientOrSkip()

const USERS = { admin: 'admin-secret', alice: 's3cret' }

async function calls (t: Tap.Test, bootstrap: string, user: keyof typeof USERS): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'kd-java-config-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'client.properties')
  writeFileSync(file, [
    'security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=PLAIN',
    `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${user}" password="${USERS[user]}";`
  ].join('\n') + '\n')
  const r = await runProcess('java', java!.args('AuthorizedOperationsCalls', [bootstrap, 'g', 'orders', 'other'], [`-Dkd.client.config=${file}`]), { timeoutMs: 120_000 })
  t.equal(r.code, 0, 'exits 0', { stderr: r.stderr.slice(-3000) })
  const out = new Map<string, string>()
  for (const l of r.stdout.toString().split('\n').filter(x => x.length > 0)) out.set(l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1))
  return out
}

t.test('the Java AdminClient reads the authorized operations the fake broker computes', { skip }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'orders' }, { name: 'other' }], sasl: { users: USERS, mechanisms: ['PLAIN'] }, authorizer: { superUsers: ['User:admin'] } })
  t.teardown(() => cluster.stop())
  const acl = (resourceType: number, resourceName: string, operation: number): void => {
    cluster.state.acls.create({ resourceType, resourceName, patternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation, permissionType: Perm.ALLOW })
  }
  acl(Res.TOPIC, 'orders', Op.READ)
  acl(Res.TOPIC, 'orders', Op.ALTER_CONFIGS)
  acl(Res.GROUP, 'g', Op.DELETE)
  // The group exists (classic, Empty) once the super user commits an offset for it (by name: v10 names topics by
  // id only).
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap, 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'admin', 'sasl.password': USERS.admin })
  t.teardown(() => admin.close())
  await admin.client.request(admin.client.knownBrokers()[0].nodeId, OffsetCommit, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 0n, committedLeaderEpoch: -1, committedMetadata: null }] }] }, { maxVersion: 9 })

  const su = await calls(t, cluster.bootstrap, 'admin')
  const topicOps = '[ALTER, ALTER_CONFIGS, CREATE, DELETE, DESCRIBE, DESCRIBE_CONFIGS, READ, WRITE]'
  t.equal(su.get('describeTopics'), `ok {orders=${topicOps}, other=${topicOps}}`)
  t.equal(su.get('describeCluster'), 'ok [ALTER, ALTER_CONFIGS, CLUSTER_ACTION, CREATE, DESCRIBE, DESCRIBE_CONFIGS, IDEMPOTENT_WRITE]')
  t.equal(su.get('describeClusterNotAsked'), 'ok null', 'not asked: null, as from Kafka')
  t.equal(su.get('describeConsumerGroups'), 'ok {g=[ALTER_CONFIGS, DELETE, DESCRIBE, DESCRIBE_CONFIGS, READ]}')

  const alice = await calls(t, cluster.bootstrap, 'alice')
  t.equal(alice.get('describeTopics'), 'ok {orders=[ALTER_CONFIGS, DESCRIBE, DESCRIBE_CONFIGS, READ], other=error TopicAuthorizationException}', 'granted and implied operations')
  t.equal(alice.get('describeCluster'), 'ok []', 'no DESCRIBE on the cluster: none')
  t.equal(alice.get('describeConsumerGroups'), 'ok {g=[DELETE, DESCRIBE]}')
  t.match(alice.get('describeTopicsNotAsked'), /^ok \{orders=/, 'not asked: the call still works')
})
