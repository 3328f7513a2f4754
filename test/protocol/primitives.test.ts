import t from 'tap'
import fc from 'fast-check'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import { ProtocolError } from '../../protocol/errors.js'

// Every primitive round-trips through Writer and Reader, consumes exactly what it wrote, and the unsigned
// varint matches the protocol guide's byte layout on hand-picked edges.

function roundTrip<T> (write: (w: Writer, v: T) => void, read: (r: Reader) => T, v: T): T {
  const w = new Writer(1)
  write(w, v)
  const buf = w.finish()
  const r = new Reader(buf)
  const out = read(r)
  if (r.offset !== buf.length) throw new Error(`left ${buf.length - r.offset} bytes`)
  return out
}

const i = (bits: number) => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 })

t.test('fixed-width integers, floats and booleans round-trip', async t => {
  fc.assert(fc.property(i(8), v => roundTrip((w, x) => w.int8(x), r => r.int8(), v) === v))
  fc.assert(fc.property(i(16), v => roundTrip((w, x) => w.int16(x), r => r.int16(), v) === v))
  fc.assert(fc.property(i(32), v => roundTrip((w, x) => w.int32(x), r => r.int32(), v) === v))
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), v => roundTrip((w, x) => w.uint16(x), r => r.uint16(), v) === v))
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), v => roundTrip((w, x) => w.uint32(x), r => r.uint32(), v) === v))
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), v => roundTrip((w, x) => w.int64(x), r => r.int64(), v) === v))
  fc.assert(fc.property(fc.double(), v => Object.is(roundTrip((w, x) => w.float64(x), r => r.float64(), v), v)))
  fc.assert(fc.property(fc.boolean(), v => roundTrip((w, x) => w.bool(x), r => r.bool(), v) === v))
})

t.test('int64 as a number round-trips every safe integer and agrees with the bigint form', async t => {
  fc.assert(fc.property(fc.maxSafeInteger(), v => {
    const buf = new Writer().int64Number(v).finish()
    return new Reader(buf).int64Number() === v && new Reader(buf).int64() === BigInt(v)
  }))
  t.throws(() => new Reader(new Writer().int64(2n ** 60n).finish()).int64Number(), ProtocolError)
})

t.test('unsigned varints match the LEB128 layout and round-trip every uint32', async t => {
  t.same([...new Writer().uvarint(0).finish()], [0x00])
  t.same([...new Writer().uvarint(127).finish()], [0x7f])
  t.same([...new Writer().uvarint(128).finish()], [0x80, 0x01])
  t.same([...new Writer().uvarint(300).finish()], [0xac, 0x02])
  t.same([...new Writer().uvarint(0xffffffff).finish()], [0xff, 0xff, 0xff, 0xff, 0x0f])
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), n => roundTrip((w, x) => w.uvarint(x), r => r.uvarint(), n) === n))
})

t.test('zigzag varints and varlongs round-trip and follow the zigzag mapping', async t => {
  // Zigzag maps 0,-1,1,-2,2 to 0,1,2,3,4 (protobuf encoding, used by Kafka records).
  t.same([...new Writer().varint(-1).finish()], [0x01])
  t.same([...new Writer().varint(1).finish()], [0x02])
  t.same([...new Writer().varint(-64).finish()], [0x7f])
  t.same([...new Writer().varint(64).finish()], [0x80, 0x01])
  fc.assert(fc.property(i(32), n => roundTrip((w, x) => w.varint(x), r => r.varint(), n) === n))
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), n => roundTrip((w, x) => w.varlong(x), r => r.varlong(), n) === n))
  const safe = fc.oneof(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52, -(2 ** 52), 63, 64, -64, -65, 0))
  fc.assert(fc.property(safe, n => {
    const a = new Writer().varlongNumber(n).finish()
    const b = new Writer().varlong(BigInt(n)).finish()
    return a.equals(b) && new Reader(a).varlongNumber() === n
  }))
})

t.test('over-long varints are rejected', async t => {
  t.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f])).uvarint(), ProtocolError)
  t.throws(() => new Reader(Buffer.from([0x80, 0x80])).uvarint(), /truncated varint/)
  t.throws(() => new Reader(Buffer.from(Array(11).fill(0xff))).varlong(), ProtocolError)
  // The zigzag of 2^53 decodes to a value past the safe range: refused rather than rounded.
  t.throws(() => new Reader(new Writer().varlong(2n ** 53n).finish()).varlongNumber(), /beyond 2\^53/)
  t.throws(() => new Reader(new Writer().varlong(-(2n ** 53n)).finish()).varlongNumber(), /beyond 2\^53/)
})

t.test('strings, bytes and uuids round-trip in classic, nullable and compact forms', async t => {
  const s = fc.string({ unit: 'grapheme', maxLength: 50 })
  const b = fc.uint8Array({ maxLength: 50 }).map(x => Buffer.from(x))
  fc.assert(fc.property(s, v => roundTrip((w, x) => w.string(x), r => r.string(), v) === v))
  fc.assert(fc.property(fc.option(s, { nil: null }), v => roundTrip((w, x) => w.nullableString(x), r => r.nullableString(), v) === v))
  fc.assert(fc.property(s, v => roundTrip((w, x) => w.compactString(x), r => r.compactString(), v) === v))
  fc.assert(fc.property(fc.option(s, { nil: null }), v => roundTrip((w, x) => w.compactNullableString(x), r => r.compactNullableString(), v) === v))
  fc.assert(fc.property(b, v => roundTrip((w, x) => w.bytes(x), r => r.bytes(), v).equals(v)))
  fc.assert(fc.property(b, v => roundTrip((w, x) => w.compactBytes(x), r => r.compactBytes(), v).equals(v)))
  fc.assert(fc.property(fc.option(b, { nil: null }), v => {
    const out = roundTrip((w, x) => w.nullableBytes(x), r => r.nullableBytes(), v)
    return v === null ? out === null : out !== null && out.equals(v)
  }))
  fc.assert(fc.property(fc.option(b, { nil: null }), v => {
    const out = roundTrip((w, x) => w.compactNullableBytes(x), r => r.compactNullableBytes(), v)
    return v === null ? out === null : out !== null && out.equals(v)
  }))
  fc.assert(fc.property(fc.uuid(), v => roundTrip((w, x) => w.uuid(x), r => r.uuid(), v) === v.toLowerCase()))
})

t.test('null markers follow the spec: -1 for classic forms, 0 for compact ones', async t => {
  t.same([...new Writer().nullableString(null).finish()], [0xff, 0xff])
  t.same([...new Writer().compactNullableString(null).finish()], [0x00])
  t.same([...new Writer().compactString('').finish()], [0x01])
  t.same([...new Writer().nullableBytes(null).finish()], [0xff, 0xff, 0xff, 0xff])
  t.same([...new Writer().compactNullableArray(null, () => {}).finish()], [0x00])
})

t.test('arrays round-trip in all four forms', async t => {
  const items = fc.array(i(32), { maxLength: 20 })
  const wr = (w: Writer, x: number) => { w.int32(x) }
  const rd = (r: Reader) => r.int32()
  fc.assert(fc.property(items, v => JSON.stringify(roundTrip((w, x) => w.array(x, wr), r => r.array(rd, 4), v)) === JSON.stringify(v)))
  fc.assert(fc.property(items, v => JSON.stringify(roundTrip((w, x) => w.compactArray(x, wr), r => r.compactArray(rd, 4), v)) === JSON.stringify(v)))
  fc.assert(fc.property(fc.option(items, { nil: null }), v => JSON.stringify(roundTrip((w, x) => w.nullableArray(x, wr), r => r.nullableArray(rd, 4), v)) === JSON.stringify(v)))
  fc.assert(fc.property(fc.option(items, { nil: null }), v => JSON.stringify(roundTrip((w, x) => w.compactNullableArray(x, wr), r => r.compactNullableArray(rd, 4), v)) === JSON.stringify(v)))
})

t.test('a tiny frame claiming a huge count or length fails at once, before allocating', async t => {
  const huge = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0])
  t.throws(() => new Reader(huge).array(r => r.int8()), /array count 2147483647 cannot fit in the 4 bytes left/)
  t.throws(() => new Reader(huge).bytes(), /length 2147483647 exceeds/)
  t.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).compactArray(r => r.int8()), ProtocolError)
  t.throws(() => new Reader(Buffer.from([0xff, 0xfe])).string(), /string length -2/)
  t.throws(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe])).nullableArray(r => r.int8()), /array count -2/)
  // The minimum element size counts too: 3 int32s cannot fit in 8 bytes.
  t.throws(() => new Reader(Buffer.from([0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0])).array(r => r.int32(), 4), /cannot fit/)
})

t.test('errors name the byte offset relative to the frame start', async t => {
  const buf = Buffer.from([9, 9, 9, 0x00, 0x05, 0x61])
  const r = new Reader(buf, 3)
  r.api = 'Test'
  r.version = 2
  const err = t.throws(() => r.string()) as ProtocolError
  t.equal(err.where.offset, 0)
  t.match(err.message, /^Test v2: \(frame\) at byte 0: string length 5 exceeds/)
})

t.test('tagged fields are read in order, unknown ones handed back, and misordered tags rejected', async t => {
  const w = new Writer().uvarint(2).uvarint(0).uvarint(1).int8(7).uvarint(5).uvarint(2).int16(513)
  const seen: Array<[number, number[]]> = []
  let known = -1
  new Reader(w.finish()).taggedFields((tag, r) => { if (tag === 0) { known = r.int8(); return true } return false },
    (tag, data) => seen.push([tag, [...data]]))
  t.equal(known, 7)
  t.same(seen, [[5, [2, 1]]])
  const bad = new Writer().uvarint(2).uvarint(3).uvarint(0).uvarint(1).uvarint(0).finish()
  t.throws(() => new Reader(bad).skipTaggedFields(), /tag 1 is not greater than the previous tag 3/)
  const over = new Writer().uvarint(1).uvarint(0).uvarint(2).int16(1).finish()
  t.throws(() => new Reader(over).taggedFields(() => { return true }), /bytes left over/)
})

t.test('the writer patches a reserved size prefix and can keep large payloads by reference', async t => {
  const big = Buffer.alloc(100_000, 1)
  const w = new Writer(8).sizePrefix().int16(1).bytes(big).int8(2)
  const chunks = w.finishChunks()
  t.ok(chunks.includes(big), 'the large payload is not copied')
  const whole = Buffer.concat(chunks)
  t.equal(whole.readInt32BE(0), whole.length - 4)
  t.equal(whole[whole.length - 1], 2)
})

t.test('reading past the end never returns garbage', async t => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), bytes => {
    const r = new Reader(Buffer.from(bytes))
    for (const m of ['int64', 'uuid', 'string', 'compactBytes', 'varlong', 'float64'] as const) {
      try { (r as any)[m]() } catch (e) { if (!(e instanceof ProtocolError)) throw e }
    }
    return r.offset <= bytes.length
  }))
})
