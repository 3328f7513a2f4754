import t from 'tap'
import { cluster, ManualTimers, member } from './helpers.js'

// close() is bounded: committing, onPartitionsRevoked and LeaveGroup get `timeoutMs` (default 30 s, as the Java
// client's close()) on the member's timers, here virtual ones, after which the connections close anyway.

async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  // Enough turns of the event loop for a resolved close to finish its cleanup (it closes sockets).
  for (let i = 0; i < 20; i++) await new Promise(resolve => setTimeout(resolve, 5))
  return done
}

for (const [name, timeoutMs, wait] of [['the default 30 s', undefined, 30_000], ['timeoutMs', 5000, 5000]] as const) {
  t.test(`a LeaveGroup that never gets an answer: close() returns after ${name} of (virtual) time`, async t => {
    const c = await cluster(t, 1, 3)
    const timers = new ManualTimers()
    const revoked: string[] = []
    const m = member(t, c, { 'session.timeout.ms': 60_000, 'heartbeat.interval.ms': 1000 }, {
      timers, rebalanceListener: { onPartitionsRevoked: tps => { revoked.push(...tps.map(tp => `${tp.topic}:${tp.partition}`)) } }
    })
    m.subscribe(['t'])
    const it = m[Symbol.asyncIterator]()
    t.equal((await it.next()).value?.offset, 0n)
    // The coordinator holds LeaveGroup far longer than the test runs (until the connection closes).
    c.faults.intercept(req => req.apiName === 'LeaveGroup' ? { delayMs: 600_000 } : undefined)
    const closing = m.close(timeoutMs === undefined ? {} : { timeoutMs })
    t.notOk(await settled(closing), 'waiting for the LeaveGroup answer')
    t.same(revoked, ['t:0'], 'onPartitionsRevoked ran before the LeaveGroup')
    timers.advance(wait - 1)
    t.notOk(await settled(closing), 'still within the close timeout')
    timers.advance(1)
    t.ok(await settled(closing), 'closed at the timeout')
    await closing
    t.same(await it.next(), { done: true, value: undefined }, 'the iterator ends')
  })
}

t.test('close() refuses a negative or fractional timeout with a ConfigError', async t => {
  const c = await cluster(t, 1)
  const m = member(t, c)
  await t.rejects(m.close({ timeoutMs: -1 }), { name: 'ConfigError', key: 'timeoutMs' })
  await t.rejects(m.close({ timeoutMs: 1.5 }), { name: 'ConfigError', key: 'timeoutMs' })
  await m.close({ timeoutMs: 0 })
})
