import t from 'tap'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { findRepoRoot, generateProtocolDocs, historyComment, renderApiPage } from '../../../tools/docs/generate-protocol-docs.js'
import { ALL_APIS } from '../../../protocol/apis/index.js'
import { JoinGroup } from '../../../protocol/apis/join-group.js'
import { ApiVersions } from '../../../protocol/apis/api-versions.js'

const root = findRepoRoot(resolve('.'))

function generate (t: { teardown: (fn: () => void) => void }): { dir: string, files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kd-docs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return { dir, files: generateProtocolDocs(root, dir) }
}

t.test('one page per registered API plus an index are written', async t => {
  const { dir, files } = generate(t)
  t.equal(files.length, ALL_APIS.length + 1)
  t.ok(files.includes('README.md'))
  t.ok(files.includes('join-group.md'))
  t.ok(files.includes('consumer-group-heartbeat.md'))
  const index = readFileSync(join(dir, 'README.md'), 'utf8')
  for (const api of ALL_APIS) t.match(index, `[${api.name}](`)
})

t.test('generating twice gives identical bytes, and stale pages are removed', async t => {
  const { dir } = generate(t)
  const first = new Map(readdirSync(dir).map(f => [f, readFileSync(join(dir, f), 'utf8')]))
  writeFileSync(join(dir, 'gone-api.md'), 'stale')
  generateProtocolDocs(root, dir)
  const second = new Map(readdirSync(dir).map(f => [f, readFileSync(join(dir, f), 'utf8')]))
  t.same(second, first)
})

t.test('a page names types per version range, nullable and tagged versions, defaults and header versions', async t => {
  const page = renderApiPage(JoinGroup, ['JoinGroup history.'])
  t.match(page, /^# JoinGroup \(key 11\)\n/)
  t.match(page, /\n> JoinGroup history\.\n/)
  t.match(page, /Flexible versions:\*\* 6-9: .*v0-5 use the classic encodings/)
  t.match(page, /Request header:\*\* v1 .* in v0-5; v2 .* in v6-9\./)
  t.match(page, /\| `protocolName` \| v0-5: string; v6: compact string; v7-9: compact nullable string \| 0-9 \| 7-9 \| {2}\| "" \|/)
  t.match(page, /\| `members\[\]\.groupInstanceId` \| v5: nullable string; v6-9: compact nullable string \| 5-9 \| 5-9 \| {2}\| null \|/)
  const av = renderApiPage(ApiVersions, [])
  t.match(av, /\| `finalizedFeaturesEpoch` \| int64 \| 3-5 \| {2}\| tag 1, 3-5 \| -1 \|/)
  t.match(av, /always use header v0/)
})

t.test('the history comment is the first comment block after the imports', async t => {
  const src = "import { a } from './a.js'\nimport { b } from './b.js'\n\n// Line one.\n// Line two.\n\n// Not this.\nexport const X = 1\n"
  t.same(historyComment(src), ['Line one.', 'Line two.'])
  t.same(historyComment('export const X = 1\n'), [])
})
