import t from 'tap'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { productionFiles, root } from './source-files.js'

// House style: broker error codes are named (ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), never bare numbers, so a reader
// sees which error is meant and a search for the name finds every use. This scans the production code of protocol/,
// consumer/, streaming/ and tools/ for the shapes a bare code takes: `new KafkaError(3, ...)`, `errorCode !== 0`, `errorCode: 0`.
// Also the codes the fake broker's handlers compare under other names: `injected !== 0` (a fault's code),
// `leaderError !== 0`.
const BARE = /KafkaError\(\s*[^,)]*\?\?\s*\d|KafkaError\(\s*\d|rrorCode\)?\s*(?:[!=]==?|[<>]=?|:)\s*\d|\d\s*[!=]==?\s*[\w.?]*errorCode\b|\b(?:injected|[a-z]\w*Error(?:\([^)]*\))?)\s*[!=]==?\s*\d/

t.test('no bare error numbers in protocol/, consumer/, streaming/ and tools/', async t => {
  const files = productionFiles()
  const found: string[] = []
  for (const f of files) {
    const rel = relative(root, f)
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (line.trimStart().startsWith('//')) return
      if (BARE.test(line)) found.push(`${rel}:${i + 1}: ${line.trim()}`)
    })
  }
  t.same(found, [], 'use ErrorCode.X')
  t.ok(files.length > 50, `scanned ${files.length} files`)
})
