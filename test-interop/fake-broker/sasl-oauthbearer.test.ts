import { createRequire } from 'node:module'
import t from 'tap'
import { FakeCluster, type FakeClusterOptions } from '../../tools/fake-broker/index.js'
import { runKcat } from '../../test/tools/cli/run-kcat.js'
import { javaClientOrSkip } from '../peers/java-client.js'
import { peerMissing, PeerUnavailable } from '../peers/cache.js'
import { kafkaJars } from '../real-kafka/start-kafka.js'
import { clientPropertiesFile, produceDataset, readDatasetWithKafkajs, reauthLoopOutput, runProcess, which } from './helpers.js'

// SASL OAUTHBEARER (KIP-255) between the fake broker and clients we did not write, each with its own unsecured
// token builder or provider, checked by the fake as Kafka's default unsecured validator checks them:
// - the Java client (OAuthBearerLoginModule with unsecuredLoginStringClaim_sub and an extension, KIP-342) produces
//   and consumes across several 6 s sessions (connections.max.reauth.ms), re-authenticating with its token;
// - kcat (librdkafka's builder: enable.sasl.oauthbearer.unsecure.jwt, sasl.oauthbearer.config=principal=...) reads
//   the dataset, and our kcat-mode CLI with the same flags prints the same; a token without the required scope
//   is refused (librdkafka answers the JSON error with the kvsep, as Kafka expects);
// - kafkajs 2.2 (`oauthBearerProvider`) reads the dataset; the broker log shows the principal User:<sub>.

t.setTimeout(600_000)
const require = createRequire(import.meta.url)
const kcat = which('kcat')
const java = await javaClientOrSkip()
// kafka-clients reads and writes unsecured JWS tokens with Jackson, an optional dependency it does not bring along:
// taken from the Kafka broker's jars (the same release).
const jackson = java.skip !== false ? [] : await kafkaJars().then(jars => jars.filter(j => /\/jackson-(core|databind|annotations)-[^/]*\.jar$/.test(j)), (err: unknown) => {
  if (err instanceof PeerUnavailable) return []
  throw err
})
const javaSkip = java.skip !== false ? java.skip : jackson.length < 3 ? peerMissing('Jackson jars (from the Kafka broker\'s Maven resolution) are not available') : false

async function oauthCluster (t: any, extra: Partial<FakeClusterOptions> = {}): Promise<{ cluster: FakeCluster, expected: string[][], logs: string[] }> {
  const logs: string[] = []
  const cluster = await FakeCluster.start({ sasl: { users: {}, mechanisms: ['OAUTHBEARER'] }, log: l => logs.push(l), verbose: true, ...extra })
  t.teardown(async () => await cluster.stop())
  return { cluster, expected: produceDataset(cluster, 'shared', 2, 60), logs }
}

/** An unsecured JWS as a test writes it by hand (RFC 7515 appendix A.5), for clients that take a token. */
function handMadeToken (sub: string, lifeSeconds: number): string {
  const part = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const now = Date.now() / 1000
  return `${part({ alg: 'none' })}.${part({ sub, iat: now, exp: now + lifeSeconds })}.`
}

t.test('the Java client authenticates with an unsecured token and keeps going across several sessions', { skip: javaSkip }, async t => {
  const { cluster, logs } = await oauthCluster(t, { topics: [{ name: 'r', partitions: 1 }], brokerConfigs: { 'connections.max.reauth.ms': '6000' } })
  const file = clientPropertiesFile(t, [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="42";'
  ])
  const r = await runProcess('java', java.java!.args('ReauthLoop', [cluster.bootstrap, 'r', '14000'], [`-Dkd.client.config=${file}`], jackson), { timeoutMs: 180_000 })
  t.equal(r.code, 0, 'ReauthLoop exits 0', { stderr: r.stderr.slice(-3000) })
  const { sent, read } = reauthLoopOutput(r.stdout)
  t.ok(sent > 10, `${sent} records sent`)
  t.same(read, Array.from({ length: sent }, (_, i) => `j${i}`), 'every record read once, in order')
  const log = logs.join('\n')
  t.notMatch(log, /expired/, 'no connection was closed for an expired session')
  const ports = logs.map(l => / (127\.0\.0\.1:\d+) client=.* SaslHandshake v/.exec(l)?.[1]).filter((p): p is string => p !== undefined)
  t.ok(ports.length >= new Set(ports).size + 2, `${ports.length} handshakes on ${new Set(ports).size} connections: sessions were renewed`)
})

t.test('kcat builds its unsecured token, reads what our CLI reads with the same flags, and is refused without the scope', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const { cluster, expected } = await oauthCluster(t, { sasl: { users: {}, mechanisms: ['OAUTHBEARER'], oauthbearer: { requiredScope: ['kafka'] } } })
  const flags = (config: string): string[] => ['-X', 'security.protocol=sasl_plaintext', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=${config}`]
  const args = ['-b', cluster.bootstrap, ...flags('principal=alice scope=kafka,other extension_traceId=42'), '-C', '-t', 'shared', '-p', '1', '-o', 'beginning', '-e', '-q', '-f', '%k %s\\n']
  const k = await runProcess(kcat!, args, { timeoutMs: 30_000 })
  t.equal(k.code, 0, k.stderr)
  t.same(k.stdout.toString().trim().split('\n').map(l => l.split(' ')[1]), expected[1], 'kcat reads partition 1 in order')
  const d = await runKcat(args)
  t.equal(d.code, 0, d.stderr)
  t.equal(d.stdout, k.stdout.toString(), 'our CLI with kcat\'s flags prints the same')

  const refused = await runProcess(kcat!, ['-b', cluster.bootstrap, ...flags('principal=alice'), '-L', '-m', '3'], { timeoutMs: 30_000 })
  t.not(refused.code, 0, 'kcat without the required scope fails')
  // librdkafka prints the broker's failure message, which is the JSON error (it answered the JSON with the kvsep).
  t.match(refused.stderr, /SASL authentication error: \{"status":"insufficient_scope", "scope":"\[kafka\]"\}/)
  const ours = await runKcat(['-b', cluster.bootstrap, ...flags('principal=alice'), '-L', '-m', '3'])
  t.not(ours.code, 0)
  t.match(ours.stderr, /the broker refused the token: insufficient_scope \(scope needed: \[kafka\]\)/)
})

t.test('kafkajs authenticates with its oauthBearerProvider and reads the dataset as User:<sub>', async t => {
  const { Kafka, logLevel } = require('kafkajs')
  // Only User:alice may do anything (a super user; no ACLs): the principal must be the token's sub.
  const { cluster, expected, logs } = await oauthCluster(t, { authorizer: { superUsers: ['User:alice'] } })
  let calls = 0
  const kafka = new Kafka({
    clientId: 'interop-oauth',
    brokers: cluster.bootstrap.split(','),
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => { calls++; return { value: handMadeToken('alice', 3600), extensions: { traceId: '42' } } } },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 }
  })
  const got = await readDatasetWithKafkajs(kafka.consumer({ groupId: 'g-oauth', maxWaitTimeInMs: 50 }), 'shared', expected)
  t.same(got, expected)
  t.ok(calls >= 1, `the provider was asked ${calls} times`)
  t.notMatch(logs.join('\n'), /closing connection|expired/)

  const mallory = new Kafka({
    brokers: cluster.bootstrap.split(','),
    sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: handMadeToken('mallory', 3600) }) },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 }
  }).admin()
  await mallory.connect()
  t.teardown(async () => await mallory.disconnect())
  const denied = await mallory.fetchTopicMetadata({ topics: ['shared'] }).then(() => 'allowed', (e: Error) => `${e.name}: ${e.message}`)
  t.match(denied, /not authorized|TOPIC_AUTHORIZATION_FAILED/i, 'User:mallory is authenticated but not authorized')
})
