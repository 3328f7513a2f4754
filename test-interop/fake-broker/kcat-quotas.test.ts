import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { peerMissing } from '../peers/cache.js'
import { runProcess, which } from './helpers.js'

// kcat (librdkafka) under a producer_byte_rate quota on the fake broker: librdkafka reads the throttle time from
// the Produce response and kcat's throttle callback prints it ("throttled request for N ms"), and the muted
// connection holds back its next request, so producing more than one request's worth takes at least that long.

const kcat = which('kcat')

t.test('kcat sees its producer throttled by a client-id quota, and a client without one does not', { skip: kcat === undefined ? peerMissing('kcat is not installed') : false }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'slow', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  const [set] = await admin.alterClientQuotas([{ entity: { 'client-id': 'kcat-slow' }, ops: { producer_byte_rate: 10_000 } }])
  t.equal(set.error, null)
  // 300 lines of 1000 bytes in requests of 100 messages: ~100 kB each. The first is within the 10 s of Kafka's
  // windows (10 kB/s × 10 s); the next ones are throttled, each for seconds.
  const input = Array.from({ length: 300 }, (_, i) => String(i).padStart(1000, 'x')).join('\n') + '\n'
  const produce = async (clientId: string): Promise<{ stderr: string, elapsedMs: number }> => {
    const start = Date.now()
    const r = await runProcess(kcat!, ['-P', '-b', cluster.bootstrap, '-t', 'slow', '-p', '0', '-X', `client.id=${clientId}`, '-X', 'batch.num.messages=100', '-X', 'linger.ms=5'], { input, timeoutMs: 120_000 })
    t.equal(r.code, 0, `kcat -P exits 0 (${clientId})`, { stderr: r.stderr.toString().slice(-2000) })
    return { stderr: r.stderr.toString(), elapsedMs: Date.now() - start }
  }
  const slow = await produce('kcat-slow')
  const throttles = [...slow.stderr.matchAll(/throttled request for (\d+)ms/g)].map(m => Number(m[1]))
  // librdkafka reports a throttle time of 0 once when throttling ends (the first unthrottled response after a
  // throttled one), so a 0 may appear, but only right after a positive time.
  t.ok(throttles.some(ms => ms > 0), `kcat reports throttling: ${throttles.join(', ')} ms`)
  t.ok(throttles.every((ms, i) => ms > 0 || (i > 0 && throttles[i - 1]! > 0)), 'a 0 only marks the end of throttling')
  // Every throttle but the last holds back a request kcat still had to send.
  const heldBack = throttles.slice(0, -1).reduce((a, b) => a + b, 0)
  t.ok(slow.elapsedMs >= heldBack * 0.9, `producing took ${slow.elapsedMs} ms, at least the ${heldBack} ms of throttles before the last request`)
  t.equal(cluster.highWatermark('slow', 0), 300n, 'every line was written')
  const free = await produce('kcat-free')
  t.notMatch(free.stderr, /throttled request/, 'a client id without a quota is not throttled')
})
