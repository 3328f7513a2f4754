import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { runProcess } from './helpers.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { buildGoProgram, FRANZ_GO_VERSION, KADM_VERSION } from '../peers/go.js'

// franz-go's admin client, kadm, against the fake broker's replica APIs, through our Go program
// test-interop/go/kadm-replicas: log dirs, reassignments listed in progress and cancelled, a preferred election,
// and DescribeQuorum through kmsg (kadm has no call for it).

t.setTimeout(600_000)

t.test('kadm describes log dirs, moves and cancels replica moves, elects leaders and reads the quorum', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('kadm-replicas', [join(import.meta.dirname, '..', 'go', 'kadm-replicas', 'main.go')], [`github.com/twmb/franz-go@${FRANZ_GO_VERSION}`, `github.com/twmb/franz-go/pkg/kadm@${KADM_VERSION}`])
  } catch (err) {
    if (!(err instanceof PeerUnavailable)) throw err
    t.skip(peerMissing(err.message)); return
  }
  // Moves stay in progress (a minute's delay), so that kadm lists them and then cancels them.
  const cluster = await FakeCluster.start({ brokers: 4, topics: [{ name: 'km', partitions: 2 }], reassignmentDelayMs: 60_000 })
  t.teardown(() => cluster.stop())
  const r = await runProcess(bin, [cluster.bootstrap, 'km'], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.toString().trim().split('\n').map(l => JSON.parse(l) as unknown[])
  const dir = (b: number, held: string[]): unknown[] => ['logdir', b, `/var/lib/kafka-direct/broker-${b}`, null, held, true, true]
  t.same(lines, [
    dir(1, ['km-0']), dir(2, ['km-0', 'km-1']), dir(3, ['km-0', 'km-1']), dir(4, ['km-1']),
    ['move', 'ghost', 0, 'UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition.'],
    ['move', 'km', 0, null],
    ['move', 'km', 1, null],
    ['listed', 'km', 0, [2, 3, 1], null, [1]], // Go decodes an empty array as a nil slice
    ['listed', 'km', 1, [1, 2, 4, 3], [1], [3]],
    ['cancel', 'km', 0, null],
    ['cancel', 'km', 1, null],
    ['elect', 'km', 0, null],
    ['elect', 'km', 1, 'ELECTION_NOT_NEEDED: Leader election not needed for topic partition'],
    ['quorum', 2, 0, 1, 1, true, [1], [2, 3, 4], 1]
  ])
  t.same([[...cluster.state.partition('km', 0)!.replicas], cluster.state.partition('km', 0)!.leaderId], [[2, 3, 1], 2], 'cancelled, then the preferred replica leads')
})
