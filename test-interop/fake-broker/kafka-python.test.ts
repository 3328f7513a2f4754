import t from 'tap'
import { existsSync } from 'node:fs'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { produceDataset, runProcess } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// kafka-python 2.0 (Debian python3-kafka, run with /usr/bin/python3). It probes the broker with ApiVersions v0
// and Metadata v0 sent back to back, infers a broker version from the ranges, then uses fixed versions for it.

const PYTHON = '/usr/bin/python3'

async function kafkaPythonMissing (): Promise<string | false> {
  if (!existsSync(PYTHON)) return peerMissing(`${PYTHON} is not installed`)
  const r = await runProcess(PYTHON, ['-c', 'import kafka'], { timeoutMs: 20_000 })
  return r.code === 0 ? false : peerMissing('kafka-python (python3-kafka) is not installed')
}

const SCRIPT = `
import json, sys
from kafka import KafkaConsumer
consumer = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1].split(','), auto_offset_reset='earliest',
                         enable_auto_commit=False, group_id=None, consumer_timeout_ms=3000, fetch_max_wait_ms=100)
for m in consumer:
    print(json.dumps([m.partition, m.offset, m.key.decode() if m.key is not None else None, m.value.decode()]))
consumer.close()
`

t.test('kafka-python consumes a topic from the beginning, in order per partition', async t => {
  const missing = await kafkaPythonMissing()
  if (missing !== false) { t.skip(missing); return }
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const r = await runProcess(PYTHON, ['-c', SCRIPT, cluster.bootstrap, 'shared'], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const got: string[][] = [[], [], []]
  for (const line of r.stdout.toString().trim().split('\n')) {
    const [p, offset, key, value] = JSON.parse(line) as [number, number, string, string]
    t.equal(offset, got[p].length, 'offsets are consecutive from 0')
    t.equal(key, `k${offset}`)
    got[p].push(value)
  }
  t.same(got, expected)
})
