import t from 'tap'
import { BufferPool, MIN_POOLED_BYTES } from '../../consumer/buffer-pool.js'

t.test('small buffers are ordinary allocations and are never pooled', async t => {
  const pool = new BufferPool()
  const b = pool.take(100)
  t.equal(b.length, 100)
  pool.release(b)
  t.equal(pool.freeBytes, 0)
})

t.test('a released buffer serves the next take that fits, its views included', async t => {
  const pool = new BufferPool()
  const a = pool.take(MIN_POOLED_BYTES * 3)
  t.equal(a.length, MIN_POOLED_BYTES * 3)
  a[0] = 7
  // Releasing through any view of the frame (a partition's records inside it) gives back the whole buffer.
  pool.release(a.subarray(1000, 2000))
  t.ok(pool.freeBytes >= MIN_POOLED_BYTES * 3)
  const b = pool.take(MIN_POOLED_BYTES * 3 + 10)
  t.equal(b.buffer, a.buffer, 'a slightly larger response still fits the rounded-up buffer')
  t.equal(b.length, MIN_POOLED_BYTES * 3 + 10)
  t.equal(pool.freeBytes, 0)
})

t.test('release ignores foreign memory and second releases', async t => {
  const pool = new BufferPool()
  pool.release(Buffer.alloc(MIN_POOLED_BYTES * 2))
  t.equal(pool.freeBytes, 0, 'memory the pool did not lend')
  const a = pool.take(MIN_POOLED_BYTES)
  pool.release(a)
  const before = pool.freeBytes
  pool.release(a)
  t.equal(pool.freeBytes, before, 'a buffer is free once, not twice')
  const b = pool.take(MIN_POOLED_BYTES)
  const c = pool.take(MIN_POOLED_BYTES)
  t.not(b.buffer, c.buffer, 'two takes never share memory')
})

t.test('the smallest free buffer that fits is chosen, and at most two are kept', async t => {
  const pool = new BufferPool()
  const sizes = [8, 2, 32].map(k => k * MIN_POOLED_BYTES)
  const bufs = sizes.map(s => pool.take(s))
  for (const b of bufs) pool.release(b)
  // Three released, two kept: the smallest (2x) went.
  t.equal(pool.freeBytes, (8 + 32) * MIN_POOLED_BYTES)
  const got = pool.take(5 * MIN_POOLED_BYTES)
  t.equal(got.buffer, bufs[0].buffer, 'the 8x buffer is the smallest that holds 5x')
  const fresh = pool.take(64 * MIN_POOLED_BYTES)
  t.notOk(bufs.some(b => b.buffer === fresh.buffer), 'nothing free is large enough: a new buffer')
})
