import t from 'tap'
import fc from 'fast-check'
import { Writable } from 'node:stream'
import { compileFormat, parseFormat, renderRecord, type FormatContext } from '../../../../tools/cli/kcat/format.js'
import { OutputBuffer } from '../../../../tools/cli/kcat/output-buffer.js'
import { encodeRecordBatch, iterateRecords, type KafkaRecord } from '../../../../protocol/records/index.js'

// The compiled printer (what the consumer uses) against renderRecord (the plain rendering of kcat's tokens): the
// same bytes for every format and record, including offsets too large for the number fast path.

async function printed (fmt: string, records: KafkaRecord[], ctx: FormatContext): Promise<Buffer> {
  const chunks: Buffer[] = []
  const stream = new Writable({ write (c: Buffer, _e, done) { chunks.push(Buffer.from(c)); done() } })
  const out = new OutputBuffer(64)
  const print = compileFormat(parseFormat(fmt), ctx)
  for (const r of records) print(r, out)
  await out.flush(stream)
  return Buffer.concat(chunks)
}

function rendered (fmt: string, records: KafkaRecord[], ctx: FormatContext): Buffer {
  const out: Buffer[] = []
  for (const r of records) renderRecord(parseFormat(fmt), r, ctx, out)
  return Buffer.concat(out)
}

const bytes = fc.option(fc.uint8Array({ maxLength: 40 }).map(a => Buffer.from(a)), { nil: null })
const formats = fc.array(fc.constantFrom('%t', '%p', '%o', '%k', '%K', '%s', '%S', '%T', '%h', '%%', '|', '\\n', 'text'), { maxLength: 12 }).map(p => p.join(''))

t.test('the compiled printer writes what renderRecord renders, for any format and records', async t => {
  await fc.assert(fc.asyncProperty(
    formats,
    fc.array(fc.record({ key: bytes, value: bytes, headers: fc.array(fc.record({ key: fc.string({ maxLength: 5 }), value: bytes }), { maxLength: 2 }) }), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(0n, 7_000_000_000n, BigInt(Number.MAX_SAFE_INTEGER) - 1n),
    fc.boolean(),
    async (fmt, inputs, baseOffset, nullString) => {
      const records = [...iterateRecords(encodeRecordBatch(inputs, { baseOffset, baseTimestamp: 1_700_000_000_000n }))]
      const ctx = { topic: 'tøpic', partition: 3, nullString }
      return (await printed(fmt, records, ctx)).equals(rendered(fmt, records, ctx))
    }))
})

t.test('records that are not lazy magic-2 records print their bigint offsets', async t => {
  const r: KafkaRecord = { offset: 42n, timestamp: -1n, key: null, value: Buffer.from('v'), headers: [], timestampType: 'create', leaderEpoch: -1, isControl: false, magic: 1 }
  t.equal((await printed('%o:%s:%T\\n', [r], { topic: 't', partition: 0, nullString: false })).toString(), '42:v:-1\n')
})

t.test('with -s pack-strs, the compiled printer writes what renderRecord renders when every record fits', async t => {
  const { parsePackFormat } = await import('../../../../tools/cli/kcat/pack-format.js')
  await fc.assert(fc.asyncProperty(
    formats,
    fc.array(fc.record({ key: fc.option(fc.uint8Array({ minLength: 2, maxLength: 9 }).map(a => Buffer.from(a)), { nil: null }), value: bytes }), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
    async (fmt, inputs, nullString) => {
      const records = [...iterateRecords(encodeRecordBatch(inputs, { baseOffset: 3n }))]
      const ctx = { topic: 't', partition: 0, nullString, keyPack: parsePackFormat('key', '<h c'), valuePack: parsePackFormat('value', 's') }
      return (await printed(fmt, records, ctx)).equals(rendered(fmt, records, ctx))
    }))
})

t.test('a record that does not fit: what printed stays, the rest of its format goes, and -E reports and moves on', async t => {
  const { parsePackFormat } = await import('../../../../tools/cli/kcat/pack-format.js')
  const { RecordFormatError } = await import('../../../../tools/cli/kcat/format.js')
  const records = [...iterateRecords(encodeRecordBatch([{ value: Buffer.from([0, 0, 0, 0, 1]) }, { value: Buffer.from([0, 2]) }, { value: Buffer.from([0, 0, 0, 0, 3]) }], { baseOffset: 10n }))]
  const reported: string[] = []
  const ctx = { topic: 't', partition: 4, nullString: false, valuePack: parsePackFormat('value', 'B i'), onFormatError: (m: string) => { reported.push(m) } }
  t.equal((await printed('[%s]\\n', records, ctx)).toString(), '[0 1]\n[0 [0 3]\n')
  t.same(reported, ['Failed to format message in t [4] at offset 11: value truncated, expected 4 bytes to unpack i but only 1 bytes remaining'])
  const out = new OutputBuffer(64)
  const print = compileFormat(parseFormat('%s\\n'), { ...ctx, onFormatError: undefined })
  print(records[0], out)
  t.throws(() => print(records[1], out), new RecordFormatError('Failed to format message in t [4] at offset 11: value truncated, expected 4 bytes to unpack i but only 1 bytes remaining: terminating'))
  // Other errors are not the pack-str's to report.
  const broken = { ...records[0], get value (): Buffer { throw new Error('boom') } } as unknown as KafkaRecord
  t.throws(() => compileFormat(parseFormat('%s'), ctx)(broken, out), { message: 'boom' })
})
