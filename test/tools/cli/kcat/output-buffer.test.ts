import t from 'tap'
import fc from 'fast-check'
import { Writable } from 'node:stream'
import { OutputBuffer } from '../../../../tools/cli/kcat/output-buffer.js'

// The consumer's output buffer: what goes in comes out in order, in chunks, with numbers as decimal digits, and a
// flush waits for a full stream to drain.

/**
 * A stream that keeps what it is given. With `hold`, each write stays pending (so the stream fills up after
 * `highWaterMark` bytes) until `release`.
 */
function sink (hold = false, highWaterMark = 1 << 20): { stream: Writable, chunks: Buffer[], text: () => string, release: () => void } {
  const chunks: Buffer[] = []
  const held: Array<() => void> = []
  const stream = new Writable({
    highWaterMark,
    write (chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk))
      if (hold) held.push(done); else done()
    }
  })
  return { stream, chunks, text: () => Buffer.concat(chunks).toString('latin1'), release: () => { for (const d of held.splice(0)) d() } }
}

t.test('integers are written in decimal, as String() writes them', async t => {
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31, 2 ** 53 - 1, -1)), { maxLength: 50 }), async ns => {
    const out = new OutputBuffer(64)
    const s = sink()
    for (const n of ns) { out.integer(n); out.ascii(',') }
    await out.flush(s.stream)
    return s.text() === ns.map(n => `${String(n)},`).join('')
  }))
})

t.test('bytes, strings and large values come out in the order written, across chunk boundaries', async t => {
  const out = new OutputBuffer(32)
  const s = sink()
  const big = Buffer.alloc(20_000, 0x62)
  out.bytes(Buffer.from('head:'))
  out.string('é✓')
  out.bytes(big)
  out.bytes(Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'))
  out.ascii('!')
  t.ok(out.full, 'more than a chunk is waiting')
  await out.flush(s.stream)
  t.equal(Buffer.concat(s.chunks).toString('utf8'), `head:é✓${big.toString()}0123456789abcdefghijklmnopqrstuvwxyz!`)
  t.ok(s.chunks.some(c => c.length === big.length), 'the large value went out as one write of its own')
  t.notOk(out.full)
})

t.test('a flush into a full stream resolves only once the stream drains', async t => {
  const out = new OutputBuffer(16)
  const s = sink(true, 8)
  out.ascii('0123456789012345678901234567890123456789')
  let flushed = false
  const done = out.flush(s.stream).then(() => { flushed = true })
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(flushed, 'waiting for drain')
  while (!flushed) {
    s.release()
    await new Promise(resolve => setImmediate(resolve))
  }
  await done
  t.equal(s.text(), '0123456789012345678901234567890123456789')
})

t.test('a flush holding views of large values resolves only once the stream has written them', async t => {
  // The consumer recycles a round's memory after flushing it: views still queued in the stream would then print
  // the next round's bytes.
  const out = new OutputBuffer(16)
  const s = sink(true, 1 << 20)
  const big = Buffer.alloc(20_000, 0x63)
  out.bytes(big)
  out.ascii('\n')
  let flushed = false
  const done = out.flush(s.stream).then(() => { flushed = true })
  for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve))
  t.notOk(flushed, 'the stream accepted the view (no backpressure) but has not written it yet')
  while (!flushed) {
    s.release()
    await new Promise(resolve => setImmediate(resolve))
  }
  await done
  big.fill(0x64)
  t.equal(s.text(), `${'c'.repeat(20_000)}\n`, 'what was written is what was flushed')
})
