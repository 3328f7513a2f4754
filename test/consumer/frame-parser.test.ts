import t from 'tap'
import fc from 'fast-check'
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
