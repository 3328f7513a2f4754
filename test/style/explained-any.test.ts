import t from 'tap'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { productionFiles, root } from './source-files.js'

// House style: typed code, no casts; where `any` is the honest type (a codec compiled at run time, a recursive type
// language), a comment says why. This finds every `any` in a type position of protocol/, consumer/, streaming/ and
// tools/ and wants a comment naming it ("any: ...") on its line or the three lines above.
const ANY = /(?::\s*any\b(?!\s+[a-z])|<any\b|\bany>|\bas any\b|\bany\[\]|,\s*any\b|=\s*any\b)/

t.test('every any in production code says why', async t => {
  const files = productionFiles()
  const unexplained: string[] = []
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n')
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '').replace(/'[^']*'|`[^`]*`/g, "''")
      if (code.trimStart().startsWith('*') || !ANY.test(code)) return
      const near = lines.slice(Math.max(0, i - 3), i + 1).join('\n')
      if (!/(\/\/|\*).*\bany\b/.test(near)) unexplained.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`)
    })
  }
  t.same(unexplained, [], 'comment each any with why')
})
