import t from 'tap'
import { connect, type Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Fetch } from '../../../protocol/apis/index.js'
import { encodeRequest } from '../../../protocol/messages.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'

// Long runs: a Fetch must leave nothing behind once answered. Each test sends many fetches down one connection and
// compares the heap after a full GC; a leak of even 100 bytes a fetch shows as megabytes. No timing is asserted.

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGc (): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/** Sends `count` copies of `frame` (pipelined, `window` at a time) and resolves once as many responses arrived. */
async function pump (socket: Socket, frame: Buffer, count: number, window = 256): Promise<void> {
  let answered = 0
  let sent = 0
  let pending = Buffer.alloc(0)
  await new Promise<void>((resolve, reject) => {
    const sendMore = (): void => {
      const n = Math.min(window - (sent - answered), count - sent)
      if (n > 0) {
        socket.write(Buffer.concat(Array.from({ length: n }, () => frame)))
        sent += n
      }
    }
    const onData = (d: Buffer): void => {
      pending = pending.length === 0 ? d : Buffer.concat([pending, d])
      let pos = 0
      while (pending.length - pos >= 4 && pending.length - pos >= 4 + pending.readInt32BE(pos)) {
        pos += 4 + pending.readInt32BE(pos)
        answered++
      }
      pending = pending.subarray(pos)
      if (answered === count) { socket.off('data', onData); resolve(); return }
      sendMore()
    }
    socket.on('data', onData)
    socket.once('close', () => { reject(new Error(`connection closed after ${answered} of ${count} answers`)) })
    sendMore()
  })
}

async function setup (t: any): Promise<{ cluster: FakeCluster, socket: Socket }> {
  const cluster = await FakeCluster.start({ topics: [{ name: 'busy', partitions: 1 }, { name: 'idle', partitions: 1 }] })
  t.teardown(() => cluster.stop())
  cluster.produce('busy', 0, [{ value: 'x' }])
  const [host, port] = cluster.bootstrap.split(':')
  const socket = connect(Number(port), host)
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  t.teardown(() => { socket.destroy() })
  return { cluster, socket }
}

function fetchFrame (topic: string, maxWaitMs: number): Buffer {
  return encodeRequest(Fetch, 11, { correlationId: 1, clientId: 'leak-test' }, {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }] }],
    forgottenTopicsData: [], rackId: ''
  })
}

t.test('100,000 fetches answered at once on one connection leave the heap where it was', async t => {
  const { socket } = await setup(t)
  const frame = fetchFrame('busy', 500)
  await pump(socket, frame, 10_000)
  const before = heapAfterGc()
  await pump(socket, frame, 100_000)
  const grown = heapAfterGc() - before
  t.comment(`heap grew ${grown} bytes over 100,000 fetches`)
  t.ok(grown < 2 * 2 ** 20, `under 2 MiB (${(grown / 100_000).toFixed(1)} B a fetch; the leak kept 192 B a fetch)`)
})

t.test('fetches that long-poll an idle partition until their deadline leave nothing behind', async t => {
  const { socket } = await setup(t)
  // Each waits maxWaitMs = 1 ms for an append that never comes, then answers empty.
  const frame = fetchFrame('idle', 1)
  // A warm-up as long as the measured run: what the broker builds once (quota windows, timers' lists, JIT'd code)
  // must not count, only what each fetch would leave behind.
  await pump(socket, frame, 4000)
  const before = heapAfterGc()
  await pump(socket, frame, 4000)
  const grown = heapAfterGc() - before
  t.comment(`heap grew ${grown} bytes over 4,000 waiting fetches`)
  t.ok(grown < 512 * 1024, `under 512 KiB (${(grown / 4000).toFixed(1)} B a fetch; the leak kept 624 B a fetch)`)
})
