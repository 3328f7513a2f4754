import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { buildGoProgram, FRANZ_GO_VERSION, KADM_VERSION } from '../peers/go.js'

// franz-go's admin client, kadm, against the fake broker, through our Go program test-interop/go/kadm-admin.

t.setTimeout(600_000)

t.test('kadm creates a topic, adds partitions, alters and describes configs, and lists topics', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('kadm-admin', [join(import.meta.dirname, '..', 'go', 'kadm-admin', 'main.go')], [`github.com/twmb/franz-go@${FRANZ_GO_VERSION}`, `github.com/twmb/franz-go/pkg/kadm@${KADM_VERSION}`])
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const r = await runProcess(bin, [cluster.bootstrap], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[])
  t.same(lines, [
    ['create', 'k1', null, 2, 'compact'],
    ['partitions', 'k1', null],
    ['alter', 'k1', null],
    ['describe', 'k1', null, { 'cleanup.policy': ['compact', 'DYNAMIC_TOPIC_CONFIG'], 'retention.ms': ['1000', 'DYNAMIC_TOPIC_CONFIG'], 'segment.ms': ['604800000', 'DEFAULT_CONFIG'] }],
    ['broker', '1', null, true],
    ['topic', 'k1', 4]
  ])
})
