import { createRequire } from 'node:module'
import { Metadata } from '../../protocol/apis/metadata.js'
import { Fetch } from '../../protocol/apis/fetch.js'
import { compileMessage } from '../../protocol/schema/compile.js'
import { Reader } from '../../protocol/reader.js'
import { Writer } from '../../protocol/writer.js'
import { encodeRecordBatch, iterateRecords } from '../../protocol/records/index.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { measure, report, type CaseResult } from './harness.js'

// Codec benchmark (issue 2): a Metadata response for 1,000 partitions and a 1 MiB Fetch response frame,
// encoded and decoded by our compiled schemas and by kafkajs 2.2's Encoder/Decoder on the same values.
// kafkajs has response decoders but no response encoders, so its side of "encode" is its Encoder primitives
// driven by hand in the same field order, which is what a kafkajs-based broker would have to do.

const require = createRequire(import.meta.url)
const KEncoder = require('kafkajs/src/protocol/encoder')
const metadataV5 = require('kafkajs/src/protocol/requests/metadata/v5/response')
const fetchV4 = require('kafkajs/src/protocol/requests/fetch/v4/response')

const PARTITIONS = 1000
const metadataValue = {
  throttleTimeMs: 0,
  brokers: [0, 1, 2].map(i => ({ nodeId: i, host: `broker-${i}.example.com`, port: 9092, rack: null })),
  clusterId: 'kafka-direct-bench',
  controllerId: 0,
  topics: Array.from({ length: 10 }, (_, ti) => ({
    errorCode: ErrorCode.NONE,
    name: `topic-${ti}`,
    isInternal: false,
    partitions: Array.from({ length: PARTITIONS / 10 }, (_, p) => ({
      errorCode: ErrorCode.NONE, partitionIndex: p, leaderId: p % 3, replicaNodes: [0, 1, 2], isrNodes: [0, 1, 2], offlineReplicas: []
    }))
  }))
}

function kafkajsEncodeMetadata (): Buffer {
  const e = new KEncoder()
  e.writeInt32(0)
  e.writeArray(metadataValue.brokers.map(b => new KEncoder().writeInt32(b.nodeId).writeString(b.host).writeInt32(b.port).writeString(b.rack)))
  e.writeString(metadataValue.clusterId).writeInt32(0)
  e.writeArray(metadataValue.topics.map(t => new KEncoder().writeInt16(0).writeString(t.name).writeBoolean(false)
    .writeArray(t.partitions.map(p => new KEncoder().writeInt16(0).writeInt32(p.partitionIndex).writeInt32(p.leaderId)
      .writeArray([0, 1, 2], 'int32').writeArray([0, 1, 2], 'int32').writeArray([], 'int32')))))
  return e.buffer
}

function fetchValue (): Record<string, unknown> {
  // 1 MiB of 100-byte records, in 64 KiB-ish batches, over 4 partitions.
  const value = Buffer.alloc(100, 0x61)
  const perBatch = 600
  const parts = [0, 1, 2, 3].map(p => {
    const batches: Buffer[] = []
    for (let b = 0; b < 4; b++) {
      batches.push(encodeRecordBatch(Array.from({ length: perBatch }, (_, i) => ({ key: null, value, timestamp: 1_700_000_000_000 + i })),
        { baseOffset: BigInt(b * perBatch) }))
    }
    return { partitionIndex: p, errorCode: ErrorCode.NONE, highWatermark: 2400n, lastStableOffset: 2400n, abortedTransactions: [], records: Buffer.concat(batches) }
  })
  return { throttleTimeMs: 0, responses: [{ topic: 'bench', partitions: parts }] }
}

async function main (): Promise<void> {
  const mdEnc = compileMessage(Metadata, 5, 'response')
  const mdBytes = (() => { const w = new Writer(1 << 16); mdEnc.write(w, metadataValue); return w.finish() })()
  if (!kafkajsEncodeMetadata().equals(mdBytes)) throw new Error('kafkajs and kafka-direct disagree on the Metadata v5 bytes')

  const fetchEnc = compileMessage(Fetch, 4, 'response')
  const fv = fetchValue()
  const fetchBytes = (() => { const w = new Writer(1 << 21); fetchEnc.write(w, fv); return w.finish() })()
  const totalRecords = 4 * 4 * 600

  const rows: CaseResult[][] = [[], [], [], []]
  rows[0].push(await measure({ name: 'kafka-direct', run: () => { const w = new Writer(1 << 16); mdEnc.write(w, metadataValue); w.finish(); return 1 } }))
  rows[0].push(await measure({ name: 'kafkajs 2.2', run: () => { kafkajsEncodeMetadata(); return 1 } }))
  rows[1].push(await measure({ name: 'kafka-direct', run: () => { mdEnc.read(new Reader(mdBytes)); return 1 } }))
  rows[1].push(await measure({ name: 'kafkajs 2.2', run: async () => { await metadataV5.decode(mdBytes); return 1 } }))
  rows[2].push(await measure({ name: 'kafka-direct', run: () => { const w = new Writer(1 << 10); fetchEnc.write(w, fv); w.finishChunks(); return 1 } }))
  rows[3].push(await measure({
    name: 'kafka-direct',
    run: () => {
      const body = fetchEnc.read(new Reader(fetchBytes))
      let n = 0
      for (const t of body.responses) for (const p of t.partitions) for (const r of iterateRecords(p.records)) { if (r.value !== null) n++ }
      return n
    }
  }))
  rows[3].push(await measure({
    name: 'kafkajs 2.2',
    run: async () => {
      const res = await fetchV4.decode(fetchBytes)
      let n = 0
      for (const t of res.responses) for (const p of t.partitions) n += p.messages.length
      return n
    }
  }))
  report('codec', 'Codec benchmark: `npm run bench -- codec` (tools/bench/codec.bench.ts). Same values, same bytes, one process.', [
    { title: `Encode a Metadata v5 response, ${PARTITIONS} partitions`, unit: 'responses', rows: rows[0], baseline: 'kafkajs 2.2' },
    { title: `Decode a Metadata v5 response, ${PARTITIONS} partitions`, unit: 'responses', rows: rows[1], baseline: 'kafkajs 2.2' },
    { title: `Encode a Fetch v4 response of ${(fetchBytes.length / 1048576).toFixed(2)} MiB`, unit: 'responses', rows: rows[2], note: 'Record payloads are kept by reference (no copy); kafkajs has no response encoder to compare.' },
    { title: `Decode a Fetch v4 response of ${(fetchBytes.length / 1048576).toFixed(2)} MiB and read every record (${totalRecords} records)`, unit: 'records', rows: rows[3], baseline: 'kafkajs 2.2' }
  ])
}

await main()
