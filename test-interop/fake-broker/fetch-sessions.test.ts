import t from 'tap'
import { join } from 'node:path'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { PeerUnavailable, peerMissing } from '../peers/cache.js'
import { buildGoProgram, FRANZ_GO_VERSION } from '../peers/go.js'
import { produceDataset, runProcess } from './helpers.js'

// Fetch sessions (KIP-227) with a client we did not write that uses them: franz-go's kgo opens a session with a
// full fetch (epoch 0) and goes on with incremental ones. The broker's request log shows the epochs it was sent;
// the records read show that incremental answers lose nothing. (librdkafka 2.0, kcat's library, fetches without
// sessions: its path is the kcat tests'.)

const here = import.meta.dirname

t.test('kgo reads every record through one fetch session, with incremental fetches', async t => {
  let bin: string
  try {
    bin = await buildGoProgram('kgo-fetch-session', [join(here, 'kgo-fetch-session', 'main.go')], [`github.com/twmb/franz-go@${FRANZ_GO_VERSION}`])
  } catch (err) {
    if (err instanceof PeerUnavailable) { t.skip(peerMissing(err.message)); return }
    throw err
  }
  const logs: string[] = []
  const cluster = await FakeCluster.start({ log: l => logs.push(l) })
  t.teardown(() => cluster.stop())
  const expected = produceDataset(cluster, 'sessions', 3, 200)
  // Each Fetch request, logged with its session id and epoch by the interceptor below.
  const fetches: Array<{ sessionId: number, sessionEpoch: number }> = []
  cluster.faults.intercept(req => {
    if (req.apiName === 'Fetch') {
      const body = req.body as { sessionId?: number, sessionEpoch?: number }
      fetches.push({ sessionId: body.sessionId ?? 0, sessionEpoch: body.sessionEpoch ?? -1 })
    }
    return undefined
  })
  const r = await runProcess(bin, [cluster.bootstrap, 'sessions', '600'], { timeoutMs: 60_000 })
  t.equal(r.code, 0, r.stderr)
  const got: string[][] = [[], [], []]
  const outOfOrder: string[] = []
  for (const line of r.stdout.toString().trim().split('\n')) {
    const [p, o, value] = line.split(' ')
    if (Number(o) !== got[Number(p)].length) outOfOrder.push(line)
    got[Number(p)].push(value)
  }
  t.same(outOfOrder, [], 'offsets in order per partition')
  t.same(got, expected, 'every record, in order per partition')
  t.ok(fetches.some(f => f.sessionId === 0 && f.sessionEpoch === 0), 'a full fetch opened a session')
  const incremental = fetches.filter(f => f.sessionId !== 0 && f.sessionEpoch > 0)
  t.ok(incremental.length >= 3, `incremental fetches in the session (${incremental.length})`)
  const epochs = incremental.map(f => f.sessionEpoch)
  t.same(epochs.slice(0, 3), [1, 2, 3], 'epochs count up from 1')
  t.notOk(logs.some(l => /FETCH_SESSION|INVALID_FETCH/.test(l)), 'no session errors')
})
