import t from 'tap'
import { existsSync } from 'node:fs'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kafka-python 2.0's KafkaAdminClient (Debian python3-kafka) against the fake broker: create_topics with configs,
// create_partitions, describe_configs and alter_configs, the calls it refused while keys 32 and 37 were not
// advertised (issue 15); list_topics, describe_topics and delete_topics; and list_consumer_groups,
// describe_consumer_groups (with a member in the group), list_consumer_group_offsets and delete_consumer_groups
// (key 42, also refused before). The script prints JSON lines that the test checks.

const PYTHON = '/usr/bin/python3'

const SCRIPT = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, NewPartitions, ConfigResource, ConfigResourceType
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1].split(','), client_id='kp-admin', request_timeout_ms=10000)
r = admin.create_topics([NewTopic('t1', 2, 1, topic_configs={'retention.ms': '60000'})])
print(json.dumps(['create', [list(e) for e in r.topic_errors]]))
r = admin.create_partitions({'t1': NewPartitions(total_count=4)})
print(json.dumps(['partitions', [list(e) for e in r.topic_errors]]))
r = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 't1')])
res = r[0].resources[0]
print(json.dumps(['describe', res[0], {c[0]: c[1] for c in res[4]}]))
r = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, 't1', configs={'cleanup.policy': 'compact'})])
print(json.dumps(['alter', [list(x) for x in r.resources]]))
r = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 't1', configs={'cleanup.policy': None, 'retention.ms': None})])
print(json.dumps(['after', {c[0]: c[1] for c in r[0].resources[0][4]}]))
r = admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, '1')])
print(json.dumps(['broker', r[0].resources[0][0], len(r[0].resources[0][4])]))
print(json.dumps(['topics', sorted(admin.list_topics()), [[t['topic'], t['error_code'], len(t['partitions'])] for t in admin.describe_topics(['t1'])]]))

# A group: a member reads t1's three records and commits; the admin lists and describes the group while the member
# is in it, then lists its offsets and deletes it once the member has left.
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
producer = KafkaProducer(bootstrap_servers=sys.argv[1].split(','))
# t1 is compacted by now (alter_configs above): Kafka refuses keyless records there, so each has a key.
for i in range(3):
    producer.send('t1', key=b'k%d' % i, value=b'v%d' % i, partition=0)
producer.flush()
producer.close()
consumer = KafkaConsumer('t1', group_id='kp-group', client_id='kp-member', bootstrap_servers=sys.argv[1].split(','), auto_offset_reset='earliest', enable_auto_commit=False)
seen = 0
while seen < 3:
    for tp, records in consumer.poll(timeout_ms=1000).items():
        seen += len(records)
consumer.commit()
print(json.dumps(['groups', sorted([list(g) for g in admin.list_consumer_groups()])]))
for g in admin.describe_consumer_groups(['kp-group']):
    members = [[m.client_id, sorted(m.member_metadata.subscription), sorted([[t, sorted(ps)] for t, ps in m.member_assignment.assignment])] for m in g.members]
    print(json.dumps(['describeGroup', g.error_code, g.group, g.state, g.protocol_type, g.protocol, members]))
print(json.dumps(['deleteBusy', [[g, e.__name__ if isinstance(e, type) else type(e).__name__] for g, e in admin.delete_consumer_groups(['kp-group'])]]))
consumer.close()
offsets = admin.list_consumer_group_offsets('kp-group')
print(json.dumps(['groupOffsets', sorted([[tp.topic, tp.partition, o.offset] for tp, o in offsets.items()])]))
print(json.dumps(['deleteGroup', [[g, e.__name__ if isinstance(e, type) else type(e).__name__] for g, e in admin.delete_consumer_groups(['kp-group', 'ghost'])]]))
print(json.dumps(['groupsAfter', [list(g) for g in admin.list_consumer_groups()]]))
r = admin.delete_topics(['t1'])
print(json.dumps(['deleteTopic', [list(e) for e in r.topic_error_codes]]))
print(json.dumps(['topicsAfter', admin.list_topics()]))
admin.close()
`

t.test('kafka-python\'s KafkaAdminClient manages topics, partitions, configs and consumer groups', async t => {
  if (!existsSync(PYTHON) || (await runProcess(PYTHON, ['-c', 'import kafka.admin'], { timeoutMs: 20_000 })).code !== 0) {
    t.skip(peerMissing('kafka-python (python3-kafka) is not installed')); return
  }
  const cluster = await FakeCluster.start()
  t.teardown(() => cluster.stop())
  const r = await runProcess(PYTHON, ['-c', SCRIPT, cluster.bootstrap], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = new Map(r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[]).map(l => [l[0] as string, l.slice(1)]))
  t.same(lines.get('create'), [[['t1', 0, null]]])
  t.same(lines.get('partitions'), [[['t1', 0, null]]])
  const [describeError, configs] = lines.get('describe') as [number, Record<string, string>]
  t.equal(describeError, 0)
  t.same([configs['retention.ms'], configs['cleanup.policy'], configs['max.message.bytes']], ['60000', 'delete', '1048588'])
  t.same(lines.get('alter'), [[[0, null, 2, 't1']]])
  t.same(lines.get('after'), [{ 'cleanup.policy': 'compact', 'retention.ms': '604800000' }], 'AlterConfigs replaced the whole set: retention.ms is back to its default')
  t.same((lines.get('broker') as number[])[0], 0)
  t.ok((lines.get('broker') as number[])[1] > 30, 'the broker lists its configs')
  t.same(lines.get('topics'), [['t1'], [['t1', 0, 4]]])
  t.same(lines.get('groups'), [[['kp-group', 'consumer']]])
  t.same(lines.get('describeGroup'), [0, 'kp-group', 'Stable', 'consumer', 'range', [['kp-member', ['t1'], [['t1', [0, 1, 2, 3]]]]]], 'the member\'s subscription and assignment, decoded by kafka-python')
  t.same(lines.get('deleteBusy'), [[['kp-group', 'NonEmptyGroupError']]])
  t.same(lines.get('groupOffsets'), [[['t1', 0, 3], ['t1', 1, 0], ['t1', 2, 0], ['t1', 3, 0]]], 'the member committed its position in each assigned partition')
  t.same(lines.get('deleteGroup'), [[['kp-group', 'NoError'], ['ghost', 'GroupIdNotFoundError']]])
  t.same(lines.get('groupsAfter'), [[]])
  t.same(lines.get('deleteTopic'), [[['t1', 0]]])
  t.same(lines.get('topicsAfter'), [[]])
})
