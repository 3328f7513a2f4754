import t from 'tap'
import { existsSync } from 'node:fs'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kafka-python 2.0's KafkaAdminClient (Debian python3-kafka) against the fake broker: create_topics with configs,
// create_partitions, describe_configs and alter_configs, the calls it refused while keys 32 and 37 were not
// advertised (issue 15). The script prints JSON lines that the test checks.

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
admin.close()
`

t.test('kafka-python\'s KafkaAdminClient creates topics and partitions and describes and alters configs', async t => {
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
  t.equal(cluster.state.topics.get('t1')?.partitions.length, 4)
  const [describeError, configs] = lines.get('describe') as [number, Record<string, string>]
  t.equal(describeError, 0)
  t.same([configs['retention.ms'], configs['cleanup.policy'], configs['max.message.bytes']], ['60000', 'delete', '1048588'])
  t.same(lines.get('alter'), [[[0, null, 2, 't1']]])
  t.same(lines.get('after'), [{ 'cleanup.policy': 'compact', 'retention.ms': '604800000' }], 'AlterConfigs replaced the whole set: retention.ms is back to its default')
  t.same((lines.get('broker') as number[])[0], 0)
  t.ok((lines.get('broker') as number[])[1] > 30, 'the broker lists its configs')
})
