import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { iterateRecords, scanBatches } from '../../protocol/records/index.js'
import { PeerUnavailable } from '../peers/cache.js'
import { kfakeProgram, kgoClient } from '../peers/franz-go.js'
import { startKfake } from '../peers/kfake.js'
import { produceDataset, runProcess, which } from './helpers.js'

// franz-go's kgo (Go, from the module proxy) against the fake broker: idempotent produce (Produce v13), direct
// reads with a seek, and a consumer group of two with commits. Then franz-go's own fake cluster, kfake, as a second
// anchor: the same program must see the same thing from both brokers.

// A cold first run fetches franz-go from the Go module proxy and builds two programs: on a busy 2-core machine that
// can outlast tap's 120 s per-file default.
t.setTimeout(600_000)

let kgo: string | undefined
let skip: string | false = false
try {
  kgo = await kgoClient()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  skip = `franz-go unavailable: ${err.message}`
}
let kfakeSkip: string | false = skip
try {
  if (skip === false) await kfakeProgram()
} catch (err) {
  if (!(err instanceof PeerUnavailable)) throw err
  kfakeSkip = `kfake unavailable: ${err.message}`
}

async function run (t: Tap.Test, args: string[]): Promise<string[]> {
  const r = await runProcess(kgo!, args, { timeoutMs: 120_000 })
  t.equal(r.code, 0, `kgo-client ${args[0]} exits 0`, { stderr: r.stderr.slice(-3000) })
  return r.stdout.toString().split('\n').filter(l => l.length > 0)
}

t.test('kgo produces idempotently: producer ids, sequences from 0, keys, values and headers', { skip }, async t => {
  const produces = new Set<string>()
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 4 }], verbose: true, log: line => { const m = / (Produce v\d+) #.* -> (\S+)/.exec(line); if (m !== null) produces.add(`${m[1]} ${m[2]}`) } })
  t.teardown(() => cluster.stop())
  const lines = await run(t, ['produce', cluster.bootstrap, 'orders', '4', '400'])
  t.same(lines, [0, 1, 2, 3].map(p => `partition ${p} first 0 last 99 count 100`))
  // franz-go speaks Produce v13 (topic ids, KIP-516), which the fake broker serves: every request answered ok.
  t.same([...produces], ['Produce v13 ok'], 'kgo negotiated Produce v13 and every request was answered ok')
  for (let p = 0; p < 4; p++) {
    const blob = cluster.state.partition('orders', p)!.log.read(0, 1 << 30, true)
    const { batches } = scanBatches(blob)
    t.ok(batches.every(b => b.producerId >= 0n && b.producerEpoch >= 0), `partition ${p}: every batch carries a producer id`)
    let next = 0
    for (const b of batches) {
      t.equal(b.baseSequence, next, `partition ${p} batch at ${b.baseOffset}: sequence`)
      next += b.recordCount
    }
    const got = [...iterateRecords(blob, { topic: 'orders', partition: p })].map(r => `${r.key?.toString()}=${r.value?.toString()}:${r.headers.map(h => `${h.key}=${h.value?.toString()}`).join(',')}`)
    const expected = []
    for (let i = p; i < 400; i += 4) expected.push(`k${i}=v${i}:h=i${i}`)
    t.same(got, expected, `partition ${p}: keys, values and headers in order`)
  }
})

t.test('kgo reads partitions directly from a seek position, across gzip batches and small fetches', { skip }, async t => {
  const cluster = await FakeCluster.start({ brokers: 3 })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'shared', 3, 120)
  const lines = await run(t, ['consume', cluster.bootstrap, 'shared', '3', '1', '30', String(120 * 3 - 30)])
  const got: string[][] = [[], [], []]
  let wrong = 0
  for (const line of lines) {
    const [, p, o, key, value] = line.split(' ')
    if (key !== `k${o}` || Number(o) !== got[Number(p)].length + (p === '1' ? 30 : 0)) wrong++
    got[Number(p)].push(value)
  }
  t.equal(wrong, 0, 'offsets consecutive from the start position, keys match')
  t.same(got, [expected[0], expected[1].slice(30), expected[2]])
})

// Classic, then KIP-848 (kgo's ServerSideBalancer: the fake broker's coordinator assigns).
for (const protocol of ['classic', 'consumer']) {
  t.test(`a kgo consumer group of two (${protocol} protocol) splits the partitions and commits every record once`, { skip }, async t => {
    const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'grouped', partitions: 4 }], groupConsumerHeartbeatIntervalMs: 200 })
    t.teardown(() => cluster.stop())
    for (let p = 0; p < 4; p++) {
      for (let start = 0; start < 50; start += 10) {
        cluster.produce('grouped', p, Array.from({ length: 10 }, (_, i) => ({ value: `p${p}-${start + i}` })))
      }
    }
    const lines = await run(t, ['group', cluster.bootstrap, 'kgo-group', 'grouped', '200', ...(protocol === 'consumer' ? ['consumer'] : [])])
    if (protocol === 'consumer') t.ok(cluster.state.consumerGroups.has('kgo-group'), 'the group used ConsumerGroupHeartbeat')
    t.same(lines.filter(l => l.startsWith('commit-error')), [], 'no commit failed')
    const held = new Map<string, number[]>()
    let bothHeld = false
    for (const l of lines.filter(l => l.startsWith('assigned '))) {
      const [, member, parts] = l.split(' ')
      held.set(member, (parts ?? '').split(',').filter(x => x !== '').map(Number))
      const all = [...held.values()]
      if (all.length === 2 && all.every(ps => ps.length > 0)) {
        bothHeld = true
        t.same(all.flat().sort(), [0, 1, 2, 3], 'while both hold partitions, each partition has one owner')
      }
    }
    t.ok(bothHeld, 'both members held partitions at once')
    const seen = new Map<string, number>()
    let wrong = 0
    for (const l of lines.filter(l => l.startsWith('record '))) {
      const [, , p, o, value] = l.split(' ')
      if (value !== `p${p}-${o}`) wrong++
      seen.set(`${p}:${o}`, (seen.get(`${p}:${o}`) ?? 0) + 1)
    }
    t.equal(wrong, 0)
    t.equal(seen.size, 200, 'every record was read')
    t.ok([...seen.values()].every(n => n === 1), 'and none twice')
    const readBy = new Set(lines.filter(l => l.startsWith('record ')).map(l => l.split(' ')[1]))
    t.same([...readBy].sort(), ['m1', 'm2'], 'both members read records')
    for (let p = 0; p < 4; p++) t.equal(cluster.state.groups.committed('kgo-group', 'grouped', p)?.offset, 50n, `committed offset of partition ${p}`)
    t.same(lines.filter(l => l.startsWith('done ')).sort(), ['done m1', 'done m2'])
  })
}

t.test('kgo follows a leader move in the middle of its reads', { skip }, async t => {
  const log: string[] = []
  const cluster = await FakeCluster.start({ brokers: 3, log: line => log.push(line), verbose: true })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'moving', 3, 1500)
  const id = cluster.state.topics.get('moving')!.id
  const from = cluster.state.partition('moving', 1)!.leaderId
  const to = from % 3 + 1
  // On the second fetch that reads partition 1, its leadership moves and its leader epoch goes up. The old leader,
  // now a follower, turns fetches with the old epoch away (FENCED_LEADER_EPOCH: followers serve consumers, KIP-392).
  let fetches = 0
  cluster.faults.intercept(req => {
    const body = req.body as { topics?: Array<{ topicId?: string, topic?: string, partitions: Array<{ partition: number }> }> }
    const readsP1 = req.apiName === 'Fetch' && body.topics?.some(x => (x.topicId === id || x.topic === 'moving') && x.partitions.some(p => p.partition === 1)) === true
    if (readsP1 && ++fetches === 2) cluster.faults.moveLeader('moving', 1, to)
    return undefined
  })
  const lines = await run(t, ['consume', cluster.bootstrap, 'moving', '3', '0', '0', String(3 * 1500)])
  const got: string[][] = [[], [], []]
  for (const line of lines) {
    const [, p, , , value] = line.split(' ')
    got[Number(p)].push(value)
  }
  t.same(got, expected, 'every record once, in order, across the move')
  t.ok(log.some(l => l.includes(`broker ${from}:`) && l.includes('Fetch') && l.includes('FENCED_LEADER_EPOCH')), 'the old leader turned a fetch away')
  t.ok(log.some(l => l.includes(`broker ${to}:`) && / Fetch v\d+ #\d+ \S*\[[\d,]*1[\d,]*\] -> ok/.test(l)), 'the new leader served partition 1')
  t.ok(log.some(l => l.includes('OffsetForLeaderEpoch') && l.includes('-> ok')), 'its position was validated with OffsetForLeaderEpoch')
})

t.test('kfake, franz-go\'s fake cluster, as a second anchor: the same kgo program sees the same from both', { skip: kfakeSkip }, async t => {
  const kfake = await startKfake({ brokers: 3, topics: [{ name: 'orders', partitions: 4 }] })
  t.teardown(() => kfake.stop())
  const cluster = await FakeCluster.start({ brokers: 3, topics: [{ name: 'orders', partitions: 4 }] })
  t.teardown(() => cluster.stop())
  const outputs = []
  for (const bootstrap of [kfake.bootstrap, cluster.bootstrap]) {
    const produced = await run(t, ['produce', bootstrap, 'orders', '4', '200'])
    const consumed = await run(t, ['consume', bootstrap, 'orders', '4', '2', '10', String(200 - 10)])
    outputs.push({ produced, consumed: consumed.sort() })
  }
  t.same(outputs[1], outputs[0], 'acknowledgements and records equal kfake\'s')
  t.equal(outputs[0].consumed.length, 190)
  const kcat = which('kcat')
  if (kcat !== undefined) {
    const listed = await runProcess(kcat, ['-b', kfake.bootstrap, '-L'], { timeoutMs: 30_000 })
    t.equal(listed.code, 0, 'kcat -L against kfake', { stderr: listed.stderr })
    t.match(listed.stdout.toString(), /3 brokers:/)
    t.match(listed.stdout.toString(), /topic "orders" with 4 partitions/)
  }
  await kfake.stop()
  t.throws(() => process.kill(kfake.pid, 0), 'the kfake process is gone after stop')
})
