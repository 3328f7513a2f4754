import t from 'tap'
import { Fetch } from '../../../protocol/apis/index.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { RawClient } from './raw-client.js'

// Fetch v0-3 answers with legacy message sets (magic 0 for v0-1, magic 1 for v2-3) down-converted from the stored
// record batches. The expected bytes below are written field by field from the protocol guide ("Message sets"),
// not by our encoder; the CRC-32 values were computed with Python's zlib.crc32 over magic..value.

function fetchV (topic: string, fetchOffset: bigint, partitionMaxBytes = 1 << 20): unknown {
  return { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes }] }] }
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

// offset 3, value "d", key null, timestamp 1003 (magic 1 only); then offset 4, value "e", timestamp 1004.
const MAGIC0 = hex(`
  0000000000000003 0000000f 21b5cebd 00 00 ffffffff 00000001 64
  0000000000000004 0000000f 56b2fe2b 00 00 ffffffff 00000001 65`)
const MAGIC1 = hex(`
  0000000000000003 00000017 1138a6e1 01 00 00000000000003eb ffffffff 00000001 64
  0000000000000004 00000017 84e38d0e 01 00 00000000000003ec ffffffff 00000001 65`)

async function setup (t: any): Promise<RawClient> {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  // One producer batch of five records, as a real producer sends them: every fetch inside it starts mid-batch.
  cluster.produce('t', 0, ['a', 'b', 'c', 'd', 'e'].map((value, i) => ({ value, timestamp: 1000 + i })))
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  return client
}

t.test('Fetch v0/v1 from the middle of a batch answers magic-0 messages from the fetch offset on, byte for byte', async t => {
  const client = await setup(t)
  for (const v of [0, 1]) {
    const res = await client.request(Fetch, v, fetchV('t', 3n))
    const p = res.responses[0].partitions[0]
    t.equal(p.errorCode, 0)
    t.same(p.records.toString('hex'), MAGIC0.toString('hex'), `Fetch v${v}`)
  }
})

t.test('Fetch v2/v3 from the middle of a batch answers magic-1 messages with timestamps, byte for byte', async t => {
  const client = await setup(t)
  for (const v of [2, 3]) {
    const res = await client.request(Fetch, v, fetchV('t', 3n))
    t.same(res.responses[0].partitions[0].records.toString('hex'), MAGIC1.toString('hex'), `Fetch v${v}`)
  }
})

t.test('a down-converted answer cut at partitionMaxBytes still holds the first message whole', async t => {
  const client = await setup(t)
  const res = await client.request(Fetch, 2, fetchV('t', 3n, 10))
  t.same(res.responses[0].partitions[0].records.toString('hex'), MAGIC1.toString('hex'), 'the batch is converted whole from the offset (KIP-74 first batch)')
})

t.test('a consumer that follows the log with Fetch v0 sees every record exactly once', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 't', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  for (let b = 0; b < 20; b++) cluster.produce('t', 0, Array.from({ length: 10 }, (_, i) => ({ value: `v${b * 10 + i}` })))
  const client = await RawClient.connect(cluster.bootstrap)
  t.teardown(() => { client.close() })
  const seen: string[] = []
  let next = 0n
  // The client takes at most 3 messages of each answer (as one whose buffer filled up would), so that most of
  // its fetches start inside a stored batch.
  // Bounded, so that a broker that answers the same records again ends the test instead of hanging it.
  for (let round = 0; next < 200n && round < 1000; round++) {
    const res = await client.request(Fetch, 0, fetchV('t', next))
    const set: Buffer = res.responses[0].partitions[0].records
    for (let pos = 0, taken = 0; pos + 12 <= set.length && taken < 3; taken++) {
      const offset = set.readBigInt64BE(pos)
      const size = set.readInt32BE(pos + 8)
      if (pos + 12 + size > set.length) break
      const valueLength = set.readInt32BE(pos + 12 + 10)
      seen.push(`${offset}:${set.toString('utf8', pos + 12 + 14, pos + 12 + 14 + valueLength)}`)
      next = offset + 1n
      pos += 12 + size
    }
  }
  t.same(seen, Array.from({ length: 200 }, (_, i) => `${i}:v${i}`))
})
