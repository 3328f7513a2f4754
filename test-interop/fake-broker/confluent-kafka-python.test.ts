import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { cached, digest, exec, PeerUnavailable, peerMissing } from '../peers/cache.js'

// confluent-kafka-python's AdminClient (librdkafka underneath) against the fake broker: create_topics with
// configs, create_partitions, describe_configs, alter_configs and incremental_alter_configs, list_topics (its
// Metadata v12 request carries 3 bytes after the last field, which Kafka and the fake broker ignore),
// describe_topics, delete_records, delete_topics; and with a consumer in a group, list_consumer_groups,
// describe_consumer_groups, list/alter_consumer_group_offsets and delete_consumer_groups. It is pip-installed into
// a venv in the peer cache (never the repository); without Python's venv or PyPI the test skips.

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
print(json.dumps(['alter', wait(a.alter_configs([ConfigResource('topic', 'c1', set_config={'retention.ms': '2000'})]))]))
entries = list(a.describe_configs([ConfigResource('topic', 'c1')]).values())[0].result(10)
print(json.dumps(['altered', [entries['retention.ms'].value, entries['cleanup.policy'].value]]))
print(json.dumps(['topics', sorted(a.list_topics(timeout=10).topics.keys())]))
from confluent_kafka import TopicCollection, TopicPartition, Producer, Consumer, ConsumerGroupTopicPartitions
for name, f in a.describe_topics(TopicCollection(['c1'])).items():
    d = f.result(10)
    print(json.dumps(['describeTopic', [d.name, len(d.partitions)]]))

# A group member reads c1[0]'s three records and commits; the admin lists and describes the group meanwhile.
p = Producer({'bootstrap.servers': sys.argv[1]})
for i in range(3):
    p.produce('c1', value=b'v%d' % i, partition=0)
p.flush(10)
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'ck-group', 'client.id': 'ck-member', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe(['c1'])
seen = 0
while seen < 3:
    m = c.poll(1.0)
    if m is not None and m.error() is None:
        seen += 1
c.commit(asynchronous=False)
groups = a.list_consumer_groups().result(10)
print(json.dumps(['groups', sorted([[g.group_id, g.is_simple_consumer_group, str(g.state)] for g in groups.valid])]))
for g, f in a.describe_consumer_groups(['ck-group']).items():
    d = f.result(10)
    print(json.dumps(['describeGroup', [d.group_id, str(d.state), d.partition_assignor, [[m.client_id, sorted([[tp.topic, tp.partition] for tp in m.assignment.topic_partitions])] for m in d.members]]]))
print(json.dumps(['deleteBusy', wait(a.delete_consumer_groups(['ck-group']))]))
c.close()
def offsets(group):
    for g, f in a.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)]).items():
        return sorted([[tp.topic, tp.partition, tp.offset] for tp in f.result(10).topic_partitions])
print(json.dumps(['groupOffsets', offsets('ck-group')]))
for g, f in a.alter_consumer_group_offsets([ConsumerGroupTopicPartitions('ck-group', [TopicPartition('c1', 0, 1)])]).items():
    print(json.dumps(['alterOffsets', [[tp.topic, tp.partition, tp.offset, tp.error is None] for tp in f.result(10).topic_partitions]]))
print(json.dumps(['alteredOffsets', offsets('ck-group')]))
print(json.dumps(['deleteGroup', wait(a.delete_consumer_groups(['ck-group', 'ghost']))]))
for tp, f in a.delete_records([TopicPartition('c1', 0, 2)]).items():
    print(json.dumps(['deleteRecords', f.result(10).low_watermark]))
print(json.dumps(['deleteTopic', wait(a.delete_topics(['c1']))]))
print(json.dumps(['topicsAfter', sorted(a.list_topics(timeout=10).topics.keys())]))
`

t.test('confluent-kafka-python\'s AdminClient manages topics, configs, records and consumer groups on the fake broker', async t => {
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
  t.same(lines.get('alter'), { 'ConfigResource(ResourceType.TOPIC,c1)': null })
  t.same(lines.get('altered'), ['2000', 'delete'], 'AlterConfigs replaced the whole set: cleanup.policy is back to its default')
  t.same(lines.get('topics'), ['c1'])
  t.same(lines.get('describeTopic'), ['c1', 5])
  t.same(lines.get('groups'), [['ck-group', false, 'ConsumerGroupState.STABLE']])
  t.same(lines.get('describeGroup'), ['ck-group', 'ConsumerGroupState.STABLE', 'range', [['ck-member', [['c1', 0], ['c1', 1], ['c1', 2], ['c1', 3], ['c1', 4]]]]])
  t.same(lines.get('deleteBusy'), { 'ck-group': 'NON_EMPTY_GROUP' })
  t.same(lines.get('groupOffsets'), [['c1', 0, 3]])
  t.same(lines.get('alterOffsets'), [['c1', 0, 1, true]])
  t.same(lines.get('alteredOffsets'), [['c1', 0, 1]])
  t.same(lines.get('deleteGroup'), { 'ck-group': null, ghost: 'GROUP_ID_NOT_FOUND' })
  t.same(lines.get('deleteRecords'), 2)
  t.same(lines.get('deleteTopic'), { c1: null })
  t.same(lines.get('topicsAfter'), [])
})
