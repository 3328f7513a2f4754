import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { cached, digest, exec, PeerUnavailable, peerMissing } from '../peers/cache.js'

// confluent-kafka-python's AdminClient (librdkafka underneath) against the fake broker: create_topics with
// configs, create_partitions, describe_configs, incremental_alter_configs and list_topics (librdkafka 2.6's Metadata
// v12 request carries 3 bytes after the last field, which Kafka ignores and so does the fake broker). It is
// pip-installed into a venv in the peer cache (never the repository); without Python's venv or PyPI the test skips.

const VERSION = '2.6.1'

async function confluentPython (): Promise<string> {
  const dir = await cached('python-confluent-kafka', digest(VERSION), async dir => {
    const venv = await exec('python3', ['-m', 'venv', dir], { timeoutMs: 120_000 })
    if (venv.code !== 0) throw new PeerUnavailable(`python3 -m venv failed: ${venv.stderr.trim()}`)
    const pip = await exec(join(dir, 'bin', 'pip'), ['install', '--quiet', `confluent-kafka==${VERSION}`], { timeoutMs: 600_000 })
    if (pip.code !== 0) throw new PeerUnavailable(`pip install confluent-kafka==${VERSION} failed: ${pip.stderr.trim().slice(-400)}`)
  })
  return join(dir, 'bin', 'python')
}

const SCRIPT = `
import json, sys
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource, ConfigEntry, AlterConfigOpType
a = AdminClient({'bootstrap.servers': sys.argv[1]})
def wait(fs):
    out = {}
    for k, f in fs.items():
        try:
            f.result(10); out[str(k)] = None
        except Exception as e:
            out[str(k)] = e.args[0].name() if hasattr(e.args[0], 'name') else str(e)
    return out
print(json.dumps(['create', wait(a.create_topics([NewTopic('c1', 2, 1, config={'cleanup.policy': 'compact'}), NewTopic('c2', 1, 1, config={'retention.ms': 'x'})]))]))
print(json.dumps(['partitions', wait(a.create_partitions([NewPartitions('c1', 5)]))]))
r = ConfigResource('topic', 'c1', incremental_configs=[ConfigEntry('retention.ms', '1000', incremental_operation=AlterConfigOpType.SET)])
print(json.dumps(['incremental', wait(a.incremental_alter_configs([r]))]))
fs = a.describe_configs([ConfigResource('topic', 'c1')])
for res, f in fs.items():
    entries = f.result(10)
    print(json.dumps(['describe', {k: [v.value, v.source] for k, v in entries.items() if k in ('cleanup.policy', 'retention.ms', 'segment.ms')}]))
md = a.list_topics(timeout=10)
print(json.dumps(['list', {name: len(t.partitions) for name, t in md.topics.items()}]))
`

t.test('confluent-kafka-python\'s AdminClient creates, alters and describes against the fake broker', async t => {
  let python: string
  try {
    python = await confluentPython()
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const r = await runProcess(python, ['-c', SCRIPT, cluster.bootstrap], { timeoutMs: 90_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = new Map(r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as [string, unknown]))
  t.same(lines.get('create'), { c1: null, c2: 'INVALID_CONFIG' })
  t.same(lines.get('partitions'), { c1: null })
  t.same(Object.values(lines.get('incremental') as object), [null])
  // librdkafka's ConfigSource: 1 DYNAMIC_TOPIC_CONFIG, 5 DEFAULT_CONFIG.
  t.same(lines.get('describe'), { 'cleanup.policy': ['compact', 1], 'retention.ms': ['1000', 1], 'segment.ms': ['604800000', 5] })
  t.same(lines.get('list'), { c1: 5 }, 'list_topics: Metadata v12 with trailing bytes is answered')
  t.same([...cluster.state.topics.keys()], ['c1'])
  t.equal(cluster.state.topics.get('c1')?.partitions.length, 5)
})
