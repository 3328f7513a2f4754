import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAclsArgs, parseOperation, readCommandConfig, run } from '../../../../tools/cli/commands/acls.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// `kafka-direct acls` against the fake broker with an authorizer: kafka-acls.sh's flags and output
// (AclCommand.scala: "Adding ACLs for resource `ResourcePattern(...)`: ", then one tab-indented entry per line).

function capture (): { io: { stdout: { write: (s: string) => void }, stderr: { write: (s: string) => void } }, out: () => string, err: () => string } {
  const o: string[] = []
  const e: string[] = []
  return { io: { stdout: { write: s => { o.push(s) } }, stderr: { write: s => { e.push(s) } } }, out: () => o.join(''), err: () => e.join('') }
}

t.test('operations are read as kafka-acls.sh reads them', async t => {
  t.equal(parseOperation('Read'), 'READ')
  t.equal(parseOperation('DescribeConfigs'), 'DESCRIBE_CONFIGS')
  t.equal(parseOperation('IDEMPOTENT_WRITE'), 'IDEMPOTENT_WRITE')
  t.throws(() => parseOperation('Any'), { code: 'ERR_USAGE' })
  t.throws(() => parseOperation('Fly'), { code: 'ERR_USAGE' })
})

t.test('bad command lines are usage errors', async t => {
  const b = ['--bootstrap-server', 'x:1']
  for (const argv of [
    ['--list'], [...b], [...b, '--list', '--add'], [...b, '--add', '--topic', 't'], [...b, '--add', '--allow-principal', 'alice', '--topic', 't'],
    [...b, '--add', '--allow-principal', 'User:a', '--topic', 't', '--resource-pattern-type', 'match'], [...b, '--add', '--allow-principal', 'User:a'],
    [...b, '--list', '--allow-principal', 'User:a'], [...b, '--add', '--producer', '--operation', 'Read', '--topic', 't', '--allow-principal', 'User:a'],
    [...b, '--list', '--resource-pattern-type', 'weird'], [...b, '--list', '--what'], [...b, '--list', '--topic']
  ]) t.throws(() => parseAclsArgs(argv), { code: 'ERR_USAGE' }, argv.join(' '))
})

t.test('--producer and --consumer expand to the ACLs each needs, as kafka-acls.sh does', async t => {
  const a = parseAclsArgs(['-b', 'x:1', '--add', '--allow-principal', 'User:p', '--producer', '--consumer', '--idempotent', '--topic', 't', '--group', 'g', '--transactional-id', 'tx'])
  const summary = [...a.entries].map(([p, e]) => `${p.resourceType}:${p.resourceName} ${e.map(x => x.operation).join(',')}`)
  t.same(summary, ['TOPIC:t WRITE,DESCRIBE,CREATE,READ', 'TRANSACTIONAL_ID:tx WRITE,DESCRIBE', 'CLUSTER:kafka-cluster IDEMPOTENT_WRITE', 'GROUP:g READ'])
})

t.test('--command-config reads security settings, sasl.jaas.config included', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-acls-'))
  const file = join(dir, 'client.properties')
  writeFileSync(file, '# admin\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="s3cret";\n')
  t.same(readCommandConfig(file), { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'admin', 'sasl.password': 's3cret' })
  writeFileSync(file, 'sasl.jaas.config=x required;\n')
  t.throws(() => readCommandConfig(file), { code: 'ERR_USAGE' })
  writeFileSync(file, 'novalue\n')
  t.throws(() => readCommandConfig(file), { code: 'ERR_USAGE' })
  t.throws(() => readCommandConfig(join(dir, 'missing')), { code: 'ERR_USAGE' })
})

t.test('add, list and remove ACLs with kafka-acls.sh\'s output, as a super user over SASL', async t => {
  const cluster = await FakeCluster.start({ sasl: { users: { admin: 's3cret' }, mechanisms: ['PLAIN'] }, authorizer: { superUsers: ['User:admin'] } })
  t.teardown(() => cluster.stop())
  const dir = mkdtempSync(join(tmpdir(), 'kd-acls-'))
  const config = join(dir, 'admin.properties')
  writeFileSync(config, 'security.protocol=sasl_plaintext\nsasl.mechanism=PLAIN\nsasl.username=admin\nsasl.password=s3cret\n')
  const b = ['--bootstrap-server', cluster.bootstrap, '--command-config', config]
  let c = capture()
  t.equal(await run([...b, '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'Write', '--topic', 'orders'], c.io), 0, c.err())
  t.equal(c.out(), 'Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n' +
    ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
    '\t(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW) \n\n')
  t.equal(await run([...b, '--add', '--deny-principal', 'User:bob', '--deny-host', '10.0.0.1', '--group', 'g', '--resource-pattern-type', 'prefixed'], capture().io), 0)
  c = capture()
  t.equal(await run([...b, '--list', '--topic', 'orders'], c.io), 0)
  t.equal(c.out(), 'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n' +
    ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
    '\t(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW) \n\n')
  c = capture()
  t.equal(await run([...b, '--list', '--principal', 'User:bob'], c.io), 0)
  t.equal(c.out(), 'ACLs for principal `User:bob`\nCurrent ACLs for resource `ResourcePattern(resourceType=GROUP, name=g, patternType=PREFIXED)`: \n' +
    ' \t(principal=User:bob, host=10.0.0.1, operation=ALL, permissionType=DENY) \n\n')
  t.throws(() => parseAclsArgs([...b, '--remove', '--topic', 'orders']), { code: 'ERR_USAGE' }, '--remove without --force is refused')
  t.equal(await run([...b, '--remove', '--force', '--topic', 'orders', '--allow-principal', 'User:alice', '--operation', 'Write'], capture().io), 0)
  t.equal(await run([...b, '--remove', '--force', '--group', 'g', '--resource-pattern-type', 'prefixed'], capture().io), 0)
  c = capture()
  t.equal(await run([...b, '--list'], c.io), 0)
  t.equal(c.out(), 'Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n' +
    ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW) \n\n')
  c = capture()
  t.equal(await run([...b, '--add', '--allow-principal', 'User:alice', '--cluster', '--operation', 'Read', '--resource-pattern-type', 'literal'], c.io), 0)
})

t.test('an unsecured OAuthBearerLoginModule in --command-config authenticates as User:<sub>', async t => {
  const cluster = await FakeCluster.start({ sasl: { users: {}, mechanisms: ['OAUTHBEARER'] }, authorizer: { superUsers: ['User:admin'] } })
  t.teardown(() => cluster.stop())
  const dir = mkdtempSync(join(tmpdir(), 'kd-acls-'))
  const config = join(dir, 'oauth.properties')
  const jaas = (sub: string): string => `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=OAUTHBEARER\nsasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="${sub}";\n`
  writeFileSync(config, jaas('admin'))
  t.same(readCommandConfig(config), { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.oauthbearer.config': 'principal=admin' })
  const b = ['--bootstrap-server', cluster.bootstrap, '--command-config', config]
  let c = capture()
  t.equal(await run([...b, '--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'orders'], c.io), 0, c.err())
  writeFileSync(config, jaas('alice'))
  c = capture()
  t.equal(await run([...b, '--list'], c.io), 1, 'User:alice is not a super user')
  t.match(c.err(), /CLUSTER_AUTHORIZATION_FAILED/)
  writeFileSync(config, jaas('a b'))
  t.throws(() => readCommandConfig(config), { name: 'ConfigError', message: /spaces/ })
})

t.test('a refused call prints kafka-acls.sh\'s error line and exits 1', async t => {
  const cluster = await FakeCluster.start({ authorizer: {} })
  t.teardown(() => cluster.stop())
  const b = ['--bootstrap-server', cluster.bootstrap]
  for (const argv of [[...b, '--list'], [...b, '--add', '--allow-principal', 'User:a', '--topic', 't'], [...b, '--remove', '--force', '--topic', 't']]) {
    const c = capture()
    t.equal(await run(argv, c.io), 1)
    t.match(c.err(), /^Error while executing ACL command: .*CLUSTER_AUTHORIZATION_FAILED/)
  }
  const c = capture()
  t.equal(await run(['--help'], c.io), 0)
  t.match(c.out(), /^usage: kafka-direct acls/)
})
