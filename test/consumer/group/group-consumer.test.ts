import t from 'tap'
import { cluster, drain, eventually, member } from './helpers.js'
import { GroupOffsets } from '../../../consumer/coordinator/index.js'
import { KafkaClient } from '../../../consumer/cluster.js'

async function committed (bootstrap: string, group: string, partitions: number): Promise<bigint[]> {
  const client = new KafkaClient({ bootstrapServers: bootstrap })
  try {
    const got = await new GroupOffsets(client).fetch(group, Array.from({ length: partitions }, (_, partition) => ({ topic: 't', partition })))
    return Array.from({ length: partitions }, (_, p) => got.get(`t:${p}`)?.offset ?? -99n)
  } finally { await client.close() }
}

t.test('one member gets every partition, reads every record from the earliest offset and commits on close what it moved past', async t => {
  const c = await cluster(t, 4, 40)
  const m = member(t, c)
  m.subscribe(['t'])
  const seen = await drain(m, s => s.length >= 40)
  t.equal(new Set(seen).size, 40)
  t.same(m.assignment().map(tp => tp.partition).sort(), [0, 1, 2, 3])
  await m.close()
  // The loop broke out at the 40th record without asking for the next one: that record is not processed, so the
  // commit on close leaves it to be read again (at least once), and the other 39 are committed.
  const got = await committed(c.bootstrap, 'g', 4)
  t.equal(got.reduce((a, b) => a + b, 0n), 39n)
  t.ok(got.every(o => o === 10n || o === 9n))
})

t.test('two members split the partitions and every record goes to exactly one of them', async t => {
  const c = await cluster(t, 4, 200)
  const a = member(t, c, { 'partition.assignment.strategy': 'range' })
  const b = member(t, c, { 'partition.assignment.strategy': 'range' })
  a.subscribe(['t'])
  b.subscribe(['t'])
  const seen = new Map<string, string>()
  const dup: string[] = []
  const read = async (m: typeof a, name: string): Promise<void> => {
    for await (const r of m) {
      const k = `${r.partition}:${r.offset}`
      if (seen.has(k) && seen.get(k) !== name) dup.push(k)
      seen.set(k, name)
    }
  }
  const loops = [read(a, 'a'), read(b, 'b')]
  await eventually(() => seen.size === 200 && a.assignment().length === 2 && b.assignment().length === 2, 30_000, 'all records and a 2+2 split')
  await Promise.all([a.close(), b.close()])
  await Promise.all(loops)
  t.same(dup, [], "no record went to both")
  t.same([...a.assignment(), ...b.assignment()], [], 'closed members own nothing')
  t.same(await committed(c.bootstrap, 'g', 4), [50n, 50n, 50n, 50n])
})
