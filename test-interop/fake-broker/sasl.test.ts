import t from 'tap'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runKcat } from '../../test/tools/cli/run-kcat.js'
import { OPENSSL, selfSignedCert } from '../../test/consumer/tls-cert.js'
import { produceDataset, readDatasetWithKafkajs, runProcess, which } from './helpers.js'
import { peerMissing } from '../peers/cache.js'

// SASL between the fake broker and clients we did not write: kcat (librdkafka 2.0, SaslHandshake v1 +
// SaslAuthenticate, and its repeated client nonce in SCRAM's final message), kafkajs 2.2 and kafka-python 2.0
// (SaslHandshake v0 and raw tokens). Each authenticates with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, reads the shared
// dataset, and is refused with a wrong password. Our kcat-mode CLI, given the same -X flags, prints what kcat prints.

const require = createRequire(import.meta.url)
const kcat = which('kcat')
const PYTHON = '/usr/bin/python3'
const pythonSkip = !existsSync(PYTHON)
  ? peerMissing(`${PYTHON} is not installed`)
  : (await runProcess(PYTHON, ['-c', 'import kafka'], { timeoutMs: 20_000 })).code === 0 ? false : peerMissing('kafka-python (python3-kafka) is not installed')
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']
const USERS = { alice: 's3cret' }

async function saslCluster (t: any, tls?: { key: Buffer, cert: Buffer }): Promise<{ cluster: FakeCluster, expected: string[][] }> {
  const cluster = await FakeCluster.start({ sasl: { users: USERS }, tls })
  t.teardown(async () => await cluster.stop())
  return { cluster, expected: produceDataset(cluster, 'shared', 2, 60) }
}

function saslFlags (mechanism: string, password: string, protocol = 'sasl_plaintext'): string[] {
  return ['-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=alice', '-X', `sasl.password=${password}`]
}

const ours = runKcat

t.test('kcat authenticates with each mechanism and reads what our CLI reads with the same flags', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const { cluster, expected } = await saslCluster(t)
  for (const mechanism of MECHANISMS) {
    const args = ['-b', cluster.bootstrap, ...saslFlags(mechanism, 's3cret'), '-C', '-t', 'shared', '-p', '1', '-o', 'beginning', '-e', '-q', '-f', '%k %s\\n']
    const k = await runProcess(kcat!, args, { timeoutMs: 30_000 })
    t.equal(k.code, 0, `${mechanism}: ${k.stderr}`)
    t.same(k.stdout.toString().trim().split('\n').map(l => l.split(' ')[1]), expected[1], `kcat ${mechanism} reads partition 1 in order`)
    const d = await ours(args)
    t.equal(d.code, 0, d.stderr)
    t.equal(d.stdout, k.stdout.toString(), `our CLI with kcat's flags prints the same (${mechanism})`)
    const refused = await runProcess(kcat!, ['-b', cluster.bootstrap, ...saslFlags(mechanism, 'wrong'), '-L', '-m', '3'], { timeoutMs: 30_000 })
    t.not(refused.code, 0, `kcat ${mechanism} with a wrong password fails`)
    t.match(refused.stderr, /Authentication failed|Broker transport failure|SASL/)
  }
})

t.test('kcat and our CLI over SASL_SSL', { skip: kcat === undefined ? peerMissing('kcat is not installed') : OPENSSL === undefined ? peerMissing('openssl is not installed') : false }, async t => {
  const { cert, cleanup } = await selfSignedCert()
  t.teardown(cleanup)
  const { cluster, expected } = await saslCluster(t, { key: cert.key, cert: cert.cert })
  const args = ['-b', cluster.bootstrap, ...saslFlags('SCRAM-SHA-512', 's3cret', 'sasl_ssl'), '-X', `ssl.ca.location=${cert.certFile}`,
    '-C', '-t', 'shared', '-p', '0', '-o', 'beginning', '-e', '-q']
  const k = await runProcess(kcat!, args, { timeoutMs: 30_000 })
  t.equal(k.code, 0, k.stderr)
  t.same(k.stdout.toString().trim().split('\n'), expected[0])
  const d = await ours(args)
  t.equal(d.stdout, k.stdout.toString(), 'the same bytes')
})

t.test('kafkajs authenticates with each mechanism, reads the dataset, and is refused with a wrong password', async t => {
  const { Kafka, logLevel } = require('kafkajs')
  const { cluster, expected } = await saslCluster(t)
  for (const mechanism of MECHANISMS) {
    // A fresh object each time: kafkajs stores its authenticator, with the password, in the sasl object it is given.
    const sasl = (password: string): object => ({ mechanism: mechanism.toLowerCase(), username: 'alice', password })
    const kafka = new Kafka({ clientId: 'interop-sasl', brokers: cluster.bootstrap.split(','), sasl: sasl('s3cret'), logLevel: logLevel.NOTHING, retry: { retries: 0 } })
    const got = await readDatasetWithKafkajs(kafka.consumer({ groupId: `g-${mechanism}`, maxWaitTimeInMs: 50 }), 'shared', expected)
    t.same(got, expected, `kafkajs ${mechanism}`)
    const bad = new Kafka({ brokers: cluster.bootstrap.split(','), sasl: sasl('wrong'), logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin()
    const refused = await bad.connect().then(() => 'connected', (e: Error) => `${e.name}: ${e.message}`)
    t.match(refused, /^KafkaJSSASLAuthenticationError: .*Authentication failed/, `kafkajs ${mechanism} wrong password`)
    await bad.disconnect()
  }
})

const KAFKA_PYTHON = `
import sys
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
bootstrap, mechanism, password = sys.argv[1:4]
try:
    c = KafkaConsumer(bootstrap_servers=bootstrap, security_protocol='SASL_PLAINTEXT', sasl_mechanism=mechanism,
                      sasl_plain_username='alice', sasl_plain_password=password, consumer_timeout_ms=3000,
                      api_version_auto_timeout_ms=5000)
    for p in (0, 1):
        tp = TopicPartition('shared', p)
        c.assign([tp]); c.seek_to_beginning(tp)
        print(' '.join(m.value.decode() for m in c))
    c.close()
except Exception as e:
    print('ERROR', type(e).__name__, e)
`

t.test('kafka-python authenticates with SaslHandshake v0 and raw tokens', { skip: pythonSkip }, async t => {
  const { cluster, expected } = await saslCluster(t)
  for (const mechanism of MECHANISMS) {
    const r = await runProcess(PYTHON, ['-c', KAFKA_PYTHON, cluster.bootstrap, mechanism, 's3cret'], { timeoutMs: 60_000 })
    t.same(r.stdout.toString().trim().split('\n').map(l => l.split(' ')), expected, `kafka-python ${mechanism}: ${r.stderr.slice(-300)}`)
    const bad = await runProcess(PYTHON, ['-c', KAFKA_PYTHON, cluster.bootstrap, mechanism, 'wrong'], { timeoutMs: 60_000 })
    t.match(bad.stdout.toString(), /^ERROR/, `kafka-python ${mechanism} wrong password is refused`)
  }
})
