import t from 'tap'
import { Admin } from '../../consumer/admin/index.js'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { javaClient, type JavaClient } from '../peers/java-client.js'
import { runProcess } from './helpers.js'

// The Java client (kafka-clients 4.x) against the fake broker's client quotas and producer state: the
// AdminClient's describeClientQuotas, alterClientQuotas and describeProducers (test-interop/java/QuotaCalls.java),
// and a Java producer under a producer_byte_rate quota (ThrottledProduce.java), which must see itself throttled.

t.setTimeout(600_000)

let java: JavaClient | undefined
let skip: string | false = false
try {
  java = await javaClient()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = peerMissing(`Java client unavailable: ${err.message}`)
}

async function run (t: Tap.Test, main: string, args: string[]): Promise<string[]> {
  const r = await runProcess('java', java!.args(main, args), { timeoutMs: 180_000 })
  t.equal(r.code, 0, `${main} exits 0`, { stderr: r.stderr.slice(-3000) })
  return r.stdout.toString().split('\n').filter(l => l.length > 0)
}

t.test('the Java AdminClient alters and describes client quotas and describes producers', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'quoted', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const calls = new Map<string, string>()
  for (const l of await run(t, 'QuotaCalls', [cluster.bootstrap, 'quoted'])) {
    const space = l.indexOf(' ')
    calls.set(l.slice(0, space), l.slice(space + 1))
  }
  t.equal(calls.get('alterClientQuotas'), 'ok 3')
  t.equal(calls.get('alterClientQuotasInvalid'), 'error InvalidRequestException producer_byte_rate cannot be a fractional value.')
  t.equal(calls.get('alterClientQuotasValidateOnly'), 'ok {}', 'validateOnly stores nothing')
  t.equal(calls.get('describeClientQuotasExact'), 'ok {{user=jalice}={consumer_byte_rate=2048.0, producer_byte_rate=1024.0}}')
  t.equal(calls.get('describeClientQuotasContains'), 'ok {{client-id=null, user=jalice}={request_percentage=50.0}, {user=jalice}={consumer_byte_rate=2048.0, producer_byte_rate=1024.0}}')
  t.equal(calls.get('describeClientQuotasDefault'), 'ok {{client-id=null}={producer_byte_rate=4096.0}}')
  t.equal(calls.get('describeClientQuotasAll'), 'ok {{client-id=null, user=jalice}={request_percentage=50.0}, {client-id=null}={producer_byte_rate=4096.0}, {user=jalice}={consumer_byte_rate=2048.0, producer_byte_rate=1024.0}}')
  t.equal(calls.get('removeClientQuotas'), 'ok {{user=jalice}={consumer_byte_rate=2048.0}}')
  t.equal(calls.get('describeProducersEmpty'), 'ok []')
  t.equal(calls.get('describeProducersIdempotent'), 'ok [pid>=0:true epoch=0 lastSeq=2 hasTimestamp=true coordinatorEpoch=-1 txnStart=-1]')
  // The open transaction starts at offset 3 (after the idempotent producer's three records).
  t.equal(calls.get('describeProducersOpenTxn'), 'ok [pid>=0:true epoch=0 lastSeq=0 hasTimestamp=true coordinatorEpoch=-1 txnStart=3, pid>=0:true epoch=0 lastSeq=2 hasTimestamp=true coordinatorEpoch=-1 txnStart=-1]')
  // The Java producer speaks transaction protocol v2 here (transaction.version 2): its commit marker carries the
  // bumped epoch, which the partition's producer state takes on, with no sequence yet (KIP-890 part 2).
  t.match(calls.get('describeProducersCommitted'), /pid>=0:true epoch=1 lastSeq=-1 hasTimestamp=true coordinatorEpoch=\d+ txnStart=-1/, 'the commit marker closed it')
  t.notMatch(calls.get('describeProducersCommitted'), /txnStart=[0-9]/, 'no transaction is open any more')
  // Not asked: a missing topic. The AdminClient looks the leader up with Metadata first and retries
  // UNKNOWN_TOPIC_OR_PARTITION until its timeout, whatever the broker (our Admin answers the error at once).
})

t.test('a Java producer over its producer_byte_rate quota is throttled, and reports it', { skip }, async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'throttled', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  const admin = await Admin.connect({ 'bootstrap.servers': cluster.bootstrap })
  t.teardown(() => admin.close())
  const rate = 10_000
  const [set] = await admin.alterClientQuotas([{ entity: { 'client-id': 'slow-producer' }, ops: { producer_byte_rate: rate } }])
  t.equal(set.error, null)
  // 130 records of 1000 bytes: ~131 kB in requests. Kafka's rate spreads the first bytes over 10 s of windows, so
  // 100 kB pass at once; the rest waits: at least (131 kB / 10 kB/s) - 10 s ≈ 3 s. Unthrottled it takes well under 1 s.
  const count = 130
  const size = 1000
  const [line] = await run(t, 'ThrottledProduce', [cluster.bootstrap, 'throttled', 'slow-producer', String(count), String(size)])
  const m = /^elapsedMs (\d+) throttleMaxMs (\d+) throttleAvgMs (\d+)$/.exec(line)
  t.ok(m, line)
  const [elapsedMs, throttleMaxMs] = [Number(m![1]), Number(m![2])]
  t.ok(throttleMaxMs > 0, `the producer saw a throttle time in its responses (max ${throttleMaxMs} ms)`)
  t.ok(elapsedMs >= (count * size / rate - 10) * 1000 * 0.6, `producing took ${elapsedMs} ms, at least ~60% of the ${(count * size / rate - 10) * 1000} ms the quota allows`)
  t.equal(cluster.highWatermark('throttled', 0), BigInt(count), 'every record was written')
  // Another client id has no quota and is not throttled.
  const [free] = await run(t, 'ThrottledProduce', [cluster.bootstrap, 'throttled', 'free-producer', String(count), String(size)])
  t.match(free, /throttleMaxMs 0 /, 'a client without a quota is not throttled')
})
