import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { buildGoProgram, FRANZ_GO_VERSION, KADM_VERSION } from '../peers/go.js'

// franz-go's admin client, kadm, managing ACLs on the fake broker started with an authorizer, through our Go program
// test-interop/go/kadm-acls: as a super user every call succeeds; as another user every call is refused.

t.setTimeout(600_000)

t.test('kadm creates, describes (ANY and MATCH filters) and deletes ACLs; a user without cluster rights is refused', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('kadm-acls', [join(import.meta.dirname, '..', 'go', 'kadm-acls', 'main.go')], [`github.com/twmb/franz-go@${FRANZ_GO_VERSION}`, `github.com/twmb/franz-go/pkg/kadm@${KADM_VERSION}`])
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  const cluster = await FakeCluster.start({ sasl: { users: { admin: 'admin-secret', alice: 's3cret' }, mechanisms: ['PLAIN'] }, authorizer: { superUsers: ['User:admin'] } })
  t.teardown(() => cluster.stop())
  const run = async (user: string, password: string): Promise<unknown[][]> => {
    const r = await runProcess(bin, [cluster.bootstrap, user, password], { timeoutMs: 60_000 })
    t.equal(r.code, 0, r.stderr)
    return r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[])
  }
  const readDescribe = (name: string, op: string): string => `${name} ALLOW User:alice@* ${op}`
  t.same(await run('admin', 'admin-secret'), [
    ['create', ['GROUP:LITERAL:g ALLOW User:alice@* DESCRIBE err=<nil>', 'GROUP:LITERAL:g ALLOW User:alice@* READ err=<nil>', 'TOPIC:LITERAL:orders ALLOW User:alice@* DESCRIBE err=<nil>', 'TOPIC:LITERAL:orders ALLOW User:alice@* READ err=<nil>']],
    ['create', ['TOPIC:PREFIXED:ord DENY User:bob@* WRITE err=<nil>']],
    ['describeAll', [readDescribe('GROUP:LITERAL:g', 'DESCRIBE'), readDescribe('GROUP:LITERAL:g', 'READ'), readDescribe('TOPIC:LITERAL:orders', 'DESCRIBE'), readDescribe('TOPIC:LITERAL:orders', 'READ'), 'TOPIC:PREFIXED:ord DENY User:bob@* WRITE']],
    ['describeMatch', [readDescribe('TOPIC:LITERAL:orders', 'DESCRIBE'), readDescribe('TOPIC:LITERAL:orders', 'READ'), 'TOPIC:PREFIXED:ord DENY User:bob@* WRITE']],
    ['delete', [readDescribe('GROUP:LITERAL:g', 'DESCRIBE'), readDescribe('TOPIC:LITERAL:orders', 'DESCRIBE')]],
    ['describeAfter', [readDescribe('GROUP:LITERAL:g', 'READ'), readDescribe('TOPIC:LITERAL:orders', 'READ'), 'TOPIC:PREFIXED:ord DENY User:bob@* WRITE']]
  ])
  const refused = await run('alice', 's3cret')
  t.equal(refused.length, 6)
  for (const line of refused) t.match(JSON.stringify(line), /CLUSTER_AUTHORIZATION_FAILED/, `${String(line[0])} is refused`)
})
