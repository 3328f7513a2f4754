import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as root from '../index.js'
import * as protocol from '../protocol/index.js'
import * as consumer from '../consumer/index.js'
import * as streaming from '../streaming/index.js'
import * as fakeBroker from '../tools/fake-broker/index.js'

// The public surface is listed by name in each entry point (the package's exports map), so that what users can
// import is a decision: no `export *` (which also re-exported ~30 internal constants and helpers), the top level
// offers exactly what the three layers offer, and no internal constant slips out.
const here = dirname(fileURLToPath(import.meta.url))
const ENTRY_POINTS = ['index.ts', 'protocol/index.ts', 'consumer/index.ts', 'streaming/index.ts', 'tools/fake-broker/index.ts']

/** Every name an index file exports (values and types), from its `export { ... }` lists. */
function exportedNames (file: string): Set<string> {
  const text = readFileSync(join(here, '..', file), 'utf8').replace(/\/\/[^\n]*/g, '')
  const names = new Set<string>()
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of (m[1] as string).split(',')) {
      const words = item.trim().replace(/^type\s+/, '').split(/\s+as\s+/)
      const name = (words[1] ?? words[0] as string).trim()
      if (name !== '') names.add(name)
    }
  }
  return names
}

t.test('each entry point lists its exports by name', async t => {
  for (const file of ENTRY_POINTS) {
    const text = readFileSync(join(here, '..', file), 'utf8')
    t.notMatch(text, /export\s+\*/, `${file} has no export *`)
  }
})

t.test('the top level offers exactly what protocol, consumer and streaming offer', async t => {
  const layers = new Set([...exportedNames('protocol/index.ts'), ...exportedNames('consumer/index.ts'), ...exportedNames('streaming/index.ts')])
  const top = exportedNames('index.ts')
  t.same([...layers].filter(n => !top.has(n)).sort(), [], 'missing at the top level')
  t.same([...top].filter(n => !layers.has(n)).sort(), [], 'at the top level but in no layer')
  const runtime = new Set([...Object.keys(protocol), ...Object.keys(consumer), ...Object.keys(streaming)])
  t.same(Object.keys(root).sort(), [...runtime].sort(), 'the same values at run time')
})

t.test('no internal constants are exported; the constants that are, are data users look things up in', async t => {
  // ERROR_CODES: Kafka's error table; ALL_APIS: every schema; CONSUMER_DEFAULTS, PRODUCER_DEFAULTS, GROUP_DEFAULTS: the
  // documented defaults.
  const allowed = new Set(['ERROR_CODES', 'ALL_APIS', 'CONSUMER_DEFAULTS', 'PRODUCER_DEFAULTS', 'GROUP_DEFAULTS'])
  for (const [name, mod] of Object.entries({ root, fakeBroker })) {
    const constants = Object.keys(mod).filter(k => /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(k) && !allowed.has(k))
    t.same(constants, [], `${name}: no SCREAMING_CASE exports beyond ${[...allowed].join(', ')}`)
  }
  for (const internal of ['MIN_POOLED_BYTES', 'CHECKPOINT_FILE', 'encodeResponseChunks', 'writeRequestHeader', 'readResponseHeader', 'prefixFieldPath', 'joinPath', 'rewriteBatchHeader']) {
    t.notOk(internal in root, `${internal} is internal`)
  }
})

t.test('every API schema is exported by its name, and the records and codecs the README names are there', async t => {
  for (const api of protocol.ALL_APIS) t.equal((root as Record<string, unknown>)[api.name], api, api.name)
  for (const name of ['encodeRecordBatch', 'encodeMessageSet', 'scanBatches', 'iterateRecords', 'compress', 'decompress', 'FakeCluster']) {
    t.ok(name in root || name in fakeBroker, name)
  }
})
