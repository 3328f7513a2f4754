import t from 'tap'
import { Metadata } from '../../../protocol/apis/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { fuzzFrames, sendFrames } from './fuzz-requests.js'
import { RawClient } from './raw-client.js'

// A deterministic fuzz run: mutated requests of every API the broker serves, from a printed seed (KD_FUZZ_SEED
// replays one). The broker must stay up and serving, and no request may reach a handler and throw: a handler
// exception closes the connection with "internal error", which is a bug however bad the input. The larger run
// (20,000 requests, a separate broker process, RSS and kcat checks) is test-interop/fake-broker/fuzz.test.ts.

// A fixed seed, so that every run sends the same requests; KD_FUZZ_SEED explores others.
const seed = Number(process.env.KD_FUZZ_SEED ?? 20261206)
const COUNT = Number(process.env.KD_FUZZ_COUNT ?? 3000)

t.test(`${COUNT} mutated requests (seed ${seed}) leave the broker serving, with no handler exception`, async t => {
  t.comment(`fuzz seed ${seed} (replay with KD_FUZZ_SEED=${seed})`)
  const lines: string[] = []
  const cluster = await FakeCluster.start({ brokers: 1, topics: [{ name: 't', partitions: 3 }], sasl: undefined, log: line => lines.push(line) })
  t.teardown(() => cluster.stop())
  const { answered, closed } = await sendFrames(cluster.bootstrap, fuzzFrames(seed, COUNT), { parallel: 8, waitMs: 100 })
  t.comment(`${answered} answered, ${closed} connections closed by the broker`)
  t.ok(answered > COUNT / 10, 'a good share of the requests were answered')
  const internal = lines.filter(l => l.includes('internal error'))
  t.same(internal.slice(0, 3), [], 'no handler threw')
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const md = await client.request(Metadata, 1, { topics: null })
  // (The fuzz may have deleted topic t with a DeleteTopics of its own.)
  t.equal(md.brokers.length, 1, 'the broker still answers Metadata')
})

t.test(`mutated requests against a SASL listener (seed ${seed}): SaslHandshake and SaslAuthenticate reach their handlers and none throws`, async t => {
  const lines: string[] = []
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }], sasl: { users: { fuzz: 'secret' } }, log: line => lines.push(line) })
  t.teardown(() => cluster.stop())
  // Before authenticating, only ApiVersions, SaslHandshake and SaslAuthenticate are read; the rest close the
  // connection. So most of these frames are closed on, and the SASL ones exercise the exchange.
  const { answered } = await sendFrames(cluster.bootstrap, fuzzFrames(seed + 1, 1500), { parallel: 8, waitMs: 100 })
  t.ok(answered > 0, `${answered} answered`)
  t.same(lines.filter(l => l.includes('internal error')).slice(0, 3), [], 'no handler threw')
})
