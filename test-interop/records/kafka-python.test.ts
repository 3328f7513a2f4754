// Cross-checks our record batches against kafka-python (Debian's python3-kafka, `kafka.record`), a codec we did
// not write: it builds batches (magic 2 and legacy 0/1) that we decode record for record, and it decodes and
// CRC-checks the batches we encode. Codecs are those kafka-python can use here (gzip always; snappy, lz4 and zstd
// only when their Python modules are installed). Skipped when /usr/bin/python3 cannot import kafka.
import t from 'tap'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { encodeMessageSet, encodeRecordBatch, iterateRecords, scanBatches } from '../../protocol/records/index.js'
import type { CompressionCodec } from '../../protocol/compression/codec.js'
import { peerMissing } from '../peers/cache.js'

const PYTHON = '/usr/bin/python3'

const SCRIPT = String.raw`
import json, struct, sys
import kafka.codec as codecs
from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.legacy_records import LegacyRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords

def unhex(h): return None if h is None else bytes.fromhex(h)
def tohex(v): return None if v is None else bytes(v).hex()

req = json.load(sys.stdin)
if req['op'] == 'codecs':
    print(json.dumps({'gzip': codecs.has_gzip(), 'snappy': codecs.has_snappy(), 'lz4': codecs.has_lz4(), 'zstd': codecs.has_zstd()}))
elif req['op'] == 'build':
    out = []
    for batch in req['batches']:
        magic, codec, base, recs = batch['magic'], batch['codec'], batch['baseOffset'], batch['records']
        if magic == 2:
            b = DefaultRecordBatchBuilder(2, codec, batch['transactional'], batch['producerId'], batch['producerEpoch'], batch['baseSequence'], 2 ** 30)
            for i, r in enumerate(recs):
                b.append(i, r['timestamp'], unhex(r['key']), unhex(r['value']), [(k, unhex(v)) for k, v in r['headers']])
        else:
            b = LegacyRecordBatchBuilder(magic, codec, 2 ** 30)
            for i, r in enumerate(recs):
                # Producers write relative inner offsets for magic 1 (KIP-31), absolute ones otherwise.
                b.append(i if (codec and magic == 1) else base + i, r['timestamp'], unhex(r['key']), unhex(r['value']))
        data = bytearray(b.build())
        # What a broker does on append: assign the base offset (v2, outside the CRC) or the wrapper's offset (the
        # last inner one, KIP-31). The offset field is not covered by either CRC.
        if magic == 2:
            struct.pack_into('>q', data, 0, base)
        elif codec:
            struct.pack_into('>q', data, 0, base + len(recs) - 1)
        out.append(data.hex())
    print(json.dumps(out))
else:
    records = MemoryRecords(bytes.fromhex(req['hex']))
    batches = []
    while True:
        batch = records.next_batch()
        if batch is None:
            break
        batches.append({
            'crcOk': batch.validate_crc(),
            'compression': batch.compression_type,
            'records': [{'offset': r.offset, 'timestamp': r.timestamp, 'key': tohex(r.key), 'value': tohex(r.value),
                         'headers': [[k, tohex(v)] for k, v in r.headers]} for r in batch]
        })
    print(json.dumps(batches))
`

function python (request: unknown): any {
  const res = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 })
  if (res.status !== 0) throw new Error(`python3 failed: ${res.stderr}`)
  return JSON.parse(res.stdout)
}

const available = spawnSync(PYTHON, ['-c', 'import kafka.record'], { encoding: 'utf8' }).status === 0
const skip = available ? false : peerMissing(`${PYTHON} cannot import kafka (install python3-kafka)`)

const CODEC_IDS: Record<CompressionCodec, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }

interface Rec { key: string | null, value: string | null, headers: Array<[string, string | null]>, timestamp: number }

// Values repeat a pattern so that compression pays: kafka-python sends a batch uncompressed when it would not shrink.
const hexBytes = fc.uint8Array({ maxLength: 12 }).map(a => Buffer.from(a).toString('hex').repeat(4))
const recArb: fc.Arbitrary<Rec> = fc.record({
  key: fc.option(hexBytes, { nil: null, freq: 4 }),
  value: fc.option(hexBytes, { nil: null, freq: 6 }),
  headers: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.option(hexBytes, { nil: null })), { maxLength: 3 }),
  timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 })
})

const unhex = (h: string | null): Buffer | null => (h === null ? null : Buffer.from(h, 'hex'))
const tohex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'))

interface Case { magic: 0 | 1 | 2, codec: CompressionCodec, baseOffset: number, records: Rec[] }

function cases (codecs: CompressionCodec[], runs: number): Case[] {
  const arb = fc.record({
    magic: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    codec: fc.constantFrom(...codecs),
    baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
    records: fc.array(recArb, { minLength: 1, maxLength: 8 })
  }).map(c => c.magic === 2 ? c : { ...c, codec: c.codec === 'zstd' ? 'gzip' as const : c.codec, records: c.records.map(r => ({ ...r, headers: [] })) })
  return fc.sample(arb, { numRuns: runs, seed: 20241001 })
}

/** What a reader should see for a case: offsets from baseOffset; magic 0 has no timestamps (-1, None in Python). */
function want (c: Case): Array<{ offset: number, timestamp: number | null, key: string | null, value: string | null, headers: Array<[string, string | null]> }> {
  return c.records.map((r, i) => ({
    offset: c.baseOffset + i,
    timestamp: c.magic === 0 ? null : r.timestamp,
    key: r.key,
    value: r.value,
    headers: c.magic === 2 ? r.headers : []
  }))
}

t.test('kafka-python interop', { skip }, async t => {
  const have = python({ op: 'codecs' }) as Record<string, boolean>
  const codecs: CompressionCodec[] = ['none', ...(['gzip', 'snappy', 'lz4', 'zstd'] as const).filter(c => have[c])]
  t.comment(`codecs kafka-python can use here: ${codecs.join(', ')}`)
  const missing = (['snappy', 'lz4', 'zstd'] as const).filter(c => !have[c])
  if (missing.length > 0) t.comment(`not cross-checked (Python module missing): ${missing.join(', ')}`)
  const all = cases(codecs, 150)

  t.test('we decode what kafka-python builds, record for record', async t => {
    const built = python({
      op: 'build',
      batches: all.map(c => ({ magic: c.magic, codec: CODEC_IDS[c.codec], baseOffset: c.baseOffset, records: c.records, transactional: false, producerId: -1, producerEpoch: -1, baseSequence: -1 }))
    }) as string[]
    let compressed = 0
    for (let i = 0; i < all.length; i++) {
      const c = all[i]
      const blob = Buffer.from(built[i], 'hex')
      const got = [...iterateRecords(blob)].map(r => ({
        offset: Number(r.offset),
        timestamp: r.magic === 0 ? null : Number(r.timestamp),
        key: tohex(r.key),
        value: tohex(r.value),
        headers: r.headers.map(h => [h.key, tohex(h.value)] as [string, string | null])
      }))
      t.same(got, want(c), `case ${i}: magic ${c.magic} ${c.codec}`)
      const { batches } = scanBatches(blob, { verifyCrc: true })
      t.equal(batches[batches.length - 1].lastOffset, BigInt(c.baseOffset + c.records.length - 1))
      if (c.codec !== 'none' && batches[0].compression === c.codec) compressed++
    }
    t.ok(compressed > 20, `${compressed} of the batches kafka-python built were really compressed`)
  })

  t.test('kafka-python decodes and CRC-checks what we encode, record for record', async t => {
    const blobs = all.map(c => {
      const inputs = c.records.map(r => ({ key: unhex(r.key), value: unhex(r.value), headers: r.headers.map(([key, value]) => ({ key, value: unhex(value) })), timestamp: r.timestamp }))
      return c.magic === 2
        ? encodeRecordBatch(inputs, { baseOffset: BigInt(c.baseOffset), compression: c.codec })
        : encodeMessageSet(inputs, { magic: c.magic, baseOffset: BigInt(c.baseOffset), compression: c.codec })
    })
    // One Python run reads every blob: a records blob is batches back to back, whatever their magic.
    const decoded = python({ op: 'read', hex: Buffer.concat(blobs).toString('hex') }) as Array<{ crcOk: boolean, compression: number, records: unknown[] }>
    t.ok(decoded.every(b => b.crcOk), 'every CRC validates')
    const records = decoded.flatMap(b => b.records)
    t.same(records, all.flatMap(want))
  })

  t.test('kafka-python reads our transactional batch header fields', async t => {
    const blob = encodeRecordBatch([{ value: 'x', timestamp: 5 }], { transactional: true, producerId: 77n, producerEpoch: 3, baseSequence: 11, compression: 'gzip' })
    const [batch] = python({ op: 'read', hex: blob.toString('hex') }) as Array<{ crcOk: boolean, compression: number }>
    t.equal(batch.crcOk, true)
    t.equal(batch.compression, 1)
  })
})
