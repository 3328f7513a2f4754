import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// House style: typed code, no casts; where `any` is the honest type (a codec compiled at run time, a recursive type
// language), a comment says why. This finds every `any` in a type position of protocol/, streaming/ and tools/ and
// wants a comment naming it ("any: ...") on its line or the three lines above. consumer/ and tools/fake-broker/
// are their owners' (the client's request typing and the broker's handlers are being reworked there).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ANY = /(?::\s*any\b(?!\s+[a-z])|<any\b|\bany>|\bas any\b|\bany\[\]|,\s*any\b|=\s*any\b)/

function tsFiles (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...tsFiles(p))
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

t.test('every any in production code says why', async t => {
  const files = [...tsFiles(join(root, 'protocol')), ...tsFiles(join(root, 'streaming')), ...tsFiles(join(root, 'tools'))]
    .filter(f => !relative(root, f).startsWith(join('tools', 'fake-broker')))
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
