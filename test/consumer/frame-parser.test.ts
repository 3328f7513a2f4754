import t from 'tap'
import fc from 'fast-check'
import { BufferPool } from '../../consumer/buffer-pool.js'
import { FrameParser } from '../../consumer/frame-parser.js'
import { ProtocolError } from '../../protocol/errors.js'

// Frames on a TCP stream arrive in arbitrary pieces; the parser must give back exactly the frames that were sent,
// whatever the cut points, and refuse a size prefix over the limit before allocating.

function frame (body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

function collect (chunks: Buffer[], maxFrameBytes = 1 << 20): Buffer[] {
  const out: Buffer[] = []
  const p = new FrameParser({ maxFrameBytes, onFrame: f => out.push(Buffer.from(f)) })
  for (const c of chunks) p.push(c)
  return out
}

const bodies = [Buffer.from('hello'), Buffer.alloc(0), Buffer.from('a longer frame body, 39 bytes long....'), Buffer.from([1, 2, 3])]
const stream = Buffer.concat(bodies.map(frame))

t.test('a frame split at the front, middle and end of its size prefix and body is reassembled', async t => {
  const one = frame(Buffer.from('0123456789'))
  for (let cut = 0; cut <= one.length; cut++) {
    const got = collect([one.subarray(0, cut), one.subarray(cut)])
    t.same(got.map(String), ['0123456789'], `cut at ${cut}`)
  }
})

t.test('glued frames in one chunk come out one by one, in order', async t => {
  t.same(collect([stream]).map(b => b.toString('hex')), bodies.map(b => b.toString('hex')))
})

t.test('a stream fed one byte at a time yields the same frames', async t => {
  const chunks = [...stream].map(b => Buffer.from([b]))
  t.same(collect(chunks).map(b => b.toString('hex')), bodies.map(b => b.toString('hex')))
})

t.test('any split of a stream of frames yields the frames that were sent', async t => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
    fc.array(fc.nat(), { maxLength: 10 }),
    (arrays, cutSeeds) => {
      const bs = arrays.map(a => Buffer.from(a))
      const all = Buffer.concat(bs.map(frame))
      const cuts = [...new Set(cutSeeds.map(c => all.length === 0 ? 0 : c % all.length))].sort((a, b) => a - b)
      const chunks: Buffer[] = []
      let prev = 0
      for (const c of cuts) { chunks.push(all.subarray(prev, c)); prev = c }
      chunks.push(all.subarray(prev))
      const got = collect(chunks)
      return got.length === bs.length && got.every((g, i) => g.equals(bs[i]))
    }))
})

t.test('a frame wholly inside one chunk is handed out as a view, not a copy', async t => {
  const chunk = frame(Buffer.from('view me'))
  let seen: Buffer | undefined
  new FrameParser({ maxFrameBytes: 100, onFrame: f => { seen = f } }).push(chunk)
  t.equal(seen?.buffer, chunk.buffer)
})

t.test('a size prefix over the limit fails with a ProtocolError before the body arrives', async t => {
  const p = new FrameParser({ maxFrameBytes: 1000, onFrame: () => t.fail('no frame expected') })
  const huge = Buffer.alloc(4)
  huge.writeInt32BE(0x7fffffff)
  t.throws(() => p.push(huge), ProtocolError)
  t.equal(p.bufferedBytes, 0)
})

t.test('a negative size prefix fails with a ProtocolError', async t => {
  const p = new FrameParser({ maxFrameBytes: 1000, onFrame: () => {} })
  t.throws(() => p.push(Buffer.from([0xff, 0xff, 0xff, 0xfe])), /negative frame size/)
})

t.test('an incomplete frame is held until the rest arrives and counted as buffered', async t => {
  const out: Buffer[] = []
  const p = new FrameParser({ maxFrameBytes: 100, onFrame: f => out.push(f) })
  const f = frame(Buffer.from('abcdef'))
  p.push(f.subarray(0, 2))
  t.equal(p.bufferedBytes, 2)
  p.push(f.subarray(2, 7))
  t.equal(p.bufferedBytes, 3)
  t.equal(out.length, 0)
  p.push(f.subarray(7))
  t.same(out.map(String), ['abcdef'])
  p.push(f.subarray(0, 5))
  p.reset()
  t.equal(p.bufferedBytes, 0)
})

/**
 * Feeds `all` the way a socket with `onread` does: each read fills at most `sizes[i]` bytes of the buffer the
 * parser hands out (the kernel returns what has arrived, up to the buffer's length).
 */
function collectDirect (all: Buffer, sizes: number[], maxFrameBytes = 1 << 20): { frames: Buffer[], views: Buffer[] } {
  const frames: Buffer[] = []
  const views: Buffer[] = []
  const p = new FrameParser({ maxFrameBytes, onFrame: f => { views.push(f); frames.push(Buffer.from(f)) } })
  let pos = 0
  for (let i = 0; pos < all.length; i++) {
    const into = p.readBuffer()
    const n = Math.min(into.length, all.length - pos, Math.max(1, sizes.length === 0 ? all.length : sizes[i % sizes.length]))
    all.copy(into, 0, pos, pos + n)
    pos += n
    p.filled(n, into)
  }
  return { frames, views }
}

t.test('reads into the buffers the parser hands out yield the frames that were sent, whatever the read sizes', async t => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 200_000 }), { maxLength: 5 }),
    fc.array(fc.integer({ min: 1, max: 300_000 }), { maxLength: 6 }),
    (arrays, sizes) => {
      const bs = arrays.map(a => Buffer.from(a))
      const got = collectDirect(Buffer.concat(bs.map(frame)), sizes).frames
      return got.length === bs.length && got.every((g, i) => g.equals(bs[i]))
    }), { numRuns: 60 })
})

t.test('a frame larger than the scratch buffer is read in place into its own buffer', async t => {
  const body = Buffer.alloc(300_000, 7)
  body.write('end', body.length - 3)
  const p = new FrameParser({ maxFrameBytes: 1 << 20, onFrame: f => { seen = f } })
  let seen: Buffer | undefined
  const all = frame(body)
  const first = p.readBuffer()
  all.copy(first, 0, 0, 1000)
  p.filled(1000, first)
  // The rest of the body goes straight into the frame: the next buffer is exactly what is missing.
  const rest = p.readBuffer()
  t.equal(rest.length, all.length - 1000)
  t.not(rest.buffer, first.buffer)
  all.copy(rest, 0, 1000)
  p.filled(rest.length, rest)
  t.equal(seen?.buffer, rest.buffer, 'the frame is the buffer the body was read into')
  t.ok(seen?.equals(body))
})

t.test('the bodies of large frames come from the allocate hook (a BufferPool), in both read paths', async t => {
  const pool = new BufferPool()
  const body = Buffer.alloc(200_000, 3)
  for (const direct of [true, false]) {
    const sizes: number[] = []
    let seen: Buffer | undefined
    const p = new FrameParser({ maxFrameBytes: 1 << 20, onFrame: f => { seen = f }, allocate: n => { sizes.push(n); return pool.take(n) } })
    const all = frame(body)
    if (direct) {
      for (let pos = 0; pos < all.length;) {
        const into = p.readBuffer()
        const n = Math.min(into.length, all.length - pos, 50_000)
        all.copy(into, 0, pos, pos + n)
        pos += n
        p.filled(n, into)
      }
    } else {
      for (let pos = 0; pos < all.length; pos += 50_000) p.push(all.subarray(pos, pos + 50_000))
    }
    t.same(sizes, [body.length], `${direct ? 'direct reads' : 'pushed chunks'}: one allocation, of the body's size`)
    t.ok(seen?.equals(body))
    pool.release(seen as Buffer)
  }
  t.ok(pool.freeBytes >= body.length, 'the released frame is free for the next one')
})

t.test('frames found in the reused scratch buffer are copied out before the next read overwrites it', async t => {
  const bodies = ['one', 'two', 'three'].map(s => Buffer.from(s))
  const { views } = collectDirect(Buffer.concat(bodies.map(frame)), [7])
  t.same(views.map(String), ['one', 'two', 'three'])
})

t.test('a size prefix over the limit read directly fails with a ProtocolError, allocating nothing', async t => {
  const p = new FrameParser({ maxFrameBytes: 1000, onFrame: () => t.fail('no frame expected') })
  const into = p.readBuffer()
  into.writeInt32BE(0x7fffffff)
  t.throws(() => p.filled(4, into), ProtocolError)
  t.equal(p.bufferedBytes, 0)
})
