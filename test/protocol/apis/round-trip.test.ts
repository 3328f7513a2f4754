import t from 'tap'
import fc from 'fast-check'
import { ALL_APIS } from '../../../protocol/apis/index.js'
import { compileMessage } from '../../../protocol/schema/compile.js'
import { inRange } from '../../../protocol/schema/versions.js'
import { Reader } from '../../../protocol/reader.js'
import { Writer } from '../../../protocol/writer.js'
import { ProtocolError } from '../../../protocol/errors.js'
import { arbitraryStruct, subsetDiff } from '../schema/arbitrary.js'

// For every API, every version and both directions: arbitrary values generated from the schema encode, decode
// to the same values (fields absent from the version come back as defaults), and re-encode to identical bytes.
// Then the same bytes, cut short or mutated, may only fail with a ProtocolError.

const runs = Number(process.env.KD_PROPERTY_RUNS ?? 40)

for (const api of ALL_APIS) {
  t.test(`${api.name} round-trips in every version and direction`, async t => {
    for (let v = api.versions.min; v <= api.versions.max; v++) {
      const flexible = inRange(api.flexible, v)
      for (const dir of ['request', 'response'] as const) {
        const codec = compileMessage(api, v, dir)
        const struct = dir === 'request' ? api.request : api.response
        fc.assert(fc.property(arbitraryStruct(struct, v, flexible), value => {
          const w = new Writer(16)
          codec.write(w, value)
          const bytes = w.finish()
          const r = new Reader(bytes)
          const decoded = codec.read(r)
          if (r.offset !== bytes.length) throw new Error(`v${v} ${dir}: ${bytes.length - r.offset} bytes left over`)
          const diff = subsetDiff(decoded, value)
          if (diff !== null) throw new Error(`v${v} ${dir}: decoded ${diff} differs`)
          const again = new Writer(16)
          codec.write(again, decoded)
          if (!again.finish().equals(bytes)) throw new Error(`v${v} ${dir}: re-encoding differs`)
        }), { numRuns: runs })
      }
    }
    t.pass('every version round-tripped')
  })

  t.test(`${api.name} decoders reject truncated and mutated frames only with ProtocolError`, async t => {
    for (let v = api.versions.min; v <= api.versions.max; v++) {
      const flexible = inRange(api.flexible, v)
      for (const dir of ['request', 'response'] as const) {
        const codec = compileMessage(api, v, dir)
        const struct = dir === 'request' ? api.request : api.response
        fc.assert(fc.property(arbitraryStruct(struct, v, flexible), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (value, pos, byte, cut) => {
          const w = new Writer(16)
          codec.write(w, value)
          const bytes = Buffer.from(w.finish())
          let input: Buffer
          if (cut) input = bytes.subarray(0, bytes.length === 0 ? 0 : pos % bytes.length)
          else { if (bytes.length > 0) bytes[pos % bytes.length] = byte; input = bytes }
          try {
            codec.read(new Reader(input))
          } catch (e) {
            if (!(e instanceof ProtocolError)) throw e
          }
        }), { numRuns: runs })
      }
    }
    t.pass('only ProtocolError was raised')
  })
}
