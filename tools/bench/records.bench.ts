import { createRequire } from 'node:module'
import { crc32c } from '../../protocol/records/crc32c.js'
import { encodeRecordBatch, iterateRecords } from '../../protocol/records/index.js'
import { measure, report, type CaseResult } from './harness.js'

// Records benchmark (issue 3): decoding a 1 MiB stream of uncompressed record batches of 100-byte records, the
// consumer's hot path, and CRC-32C throughput. Peer: kafkajs 2.2's RecordBatch decoder (src/protocol/recordBatch/
// v0/decoder.js), which decodes every field eagerly and does not check CRCs, and its crc32C.

const require = createRequire(import.meta.url)
const KDecoder = require('kafkajs/src/protocol/decoder')
const kafkajsRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C')

const RECORD_BYTES = 100
const PER_BATCH = 500
const STREAM_BYTES = 1 << 20

/** Batches of PER_BATCH records with 100-byte values (16-byte keys) until the stream reaches 1 MiB. */
function stream (): { blob: Buffer, records: number } {
  const value = Buffer.alloc(RECORD_BYTES - 16, 0x61)
  const batches: Buffer[] = []
  let size = 0
  let records = 0
  while (size < STREAM_BYTES) {
    const batch = encodeRecordBatch(Array.from({ length: PER_BATCH }, (_, i) => ({
      key: Buffer.from(`key-${String(records + i).padStart(12, '0')}`), value, timestamp: 1_700_000_000_000 + i
    })), { baseOffset: BigInt(records) })
    batches.push(batch)
    size += batch.length
    records += PER_BATCH
  }
  return { blob: Buffer.concat(batches), records }
}

async function kafkajsDecode (blob: Buffer): Promise<number> {
  const d = new KDecoder(blob)
  let n = 0
  while (d.canReadBytes(49)) {
    const batch = await kafkajsRecordBatch(d)
    for (const r of batch.records) if (r.value !== null) n++
  }
  return n
}

async function main (): Promise<void> {
  const { blob, records } = stream()
  if (await kafkajsDecode(blob) !== records) throw new Error('kafkajs decoded a different number of records')

  const decode: CaseResult[] = []
  decode.push(await measure({
    name: 'kafka-direct, offsets only',
    run: () => { let n = 0; for (const r of iterateRecords(blob)) { if (r.offset >= 0n) n++ } return n }
  }))
  decode.push(await measure({
    name: 'kafka-direct, offsets only, verifyCrc: false',
    run: () => { let n = 0; for (const r of iterateRecords(blob, { verifyCrc: false })) { if (r.offset >= 0n) n++ } return n }
  }))
  decode.push(await measure({
    name: 'kafka-direct, offsets only, verifyCrc: false, reuseRecord',
    run: () => { let n = 0; for (const r of iterateRecords(blob, { verifyCrc: false, reuseRecord: true })) { if (r.offset >= 0n) n++ } return n }
  }))
  decode.push(await measure({
    name: 'kafka-direct, offset + key + value + headers',
    run: () => {
      let n = 0
      for (const r of iterateRecords(blob)) { if (r.offset >= 0n && r.key !== null && r.value !== null && r.headers.length === 0) n++ }
      return n
    }
  }))
  decode.push(await measure({
    name: 'kafka-direct, all fields, verifyCrc: false',
    run: () => {
      let n = 0
      for (const r of iterateRecords(blob, { verifyCrc: false })) { if (r.offset >= 0n && r.key !== null && r.value !== null && r.headers.length === 0) n++ }
      return n
    }
  }))
  decode.push(await measure({ name: 'kafkajs 2.2 (no CRC check)', run: () => kafkajsDecode(blob) }))

  const crc: CaseResult[] = []
  const MiB = 1 << 20
  const data = Buffer.alloc(MiB)
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24
  crc.push(await measure({ name: 'kafka-direct crc32c', run: () => { crc32c(data); return 1 } }))
  crc.push(await measure({ name: 'kafkajs 2.2 crc32C', run: () => { kafkajsCrc32C(data); return 1 } }))

  report('records', 'Records benchmark: `npm run bench -- records` (tools/bench/records.bench.ts). One process, same bytes.', [
    {
      title: `Decode ${(blob.length / MiB).toFixed(2)} MiB of uncompressed v2 batches (${records} records of ${RECORD_BYTES} bytes, ${PER_BATCH} a batch)`,
      unit: 'records',
      rows: decode,
      baseline: 'kafkajs 2.2 (no CRC check)',
      note: 'kafka-direct checks each batch\'s CRC-32C unless told not to; its records decode lazily, so reading only offsets costs less.'
    },
    { title: 'CRC-32C over 1 MiB', unit: 'MiB', rows: crc, baseline: 'kafkajs 2.2 crc32C' }
  ])
}

await main()
