import t from 'tap'
import { reclaimRequestBuffers, requestBytesReceived } from '../../../tools/fake-broker/reclaim-buffers.js'

// The standalone broker's prompt collection of dead request Buffers (tools/fake-broker/reclaim-buffers.ts).

const MIB = 1024 * 1024

/** Drops 32 MiB of written-to Buffers, as request frames are, reporting each as received; returns what stays. */
function churn (): number {
  const before = process.memoryUsage().arrayBuffers
  for (let i = 0; i < 32; i++) {
    Buffer.allocUnsafe(MIB).fill(i)
    requestBytesReceived(MIB)
  }
  return process.memoryUsage().arrayBuffers - before
}

t.test('while on, dead request Buffers are freed as bytes arrive', async t => {
  const stop = reclaimRequestBuffers()
  t.teardown(stop)
  t.ok(churn() < 4 * MIB, 'at most a few MiB of the 32 stay')
})

t.test('off, reporting bytes does nothing (the test process keeps its own collector)', async t => {
  reclaimRequestBuffers()()
  t.ok(churn() >= 16 * MIB, 'the dead Buffers are still counted')
})
