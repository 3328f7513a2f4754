import t from 'tap'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { findRepoRoot } from '../../../tools/docs/generate-protocol-docs.js'
import { TABLE_END, TABLE_START, renderApiTable, withApiTable, writeApiTable } from '../../../tools/docs/fake-broker-api-table.js'
import { FAKE_BROKER_API_NOTES } from '../../../tools/docs/fake-broker-api-notes.js'
import { KAFKA_4_4_VERSIONS, KFAKE_VERSIONS } from '../../../tools/docs/peer-api-versions.js'
import { SASL_HANDLERS } from '../../../tools/fake-broker/handlers/index.js'
import { advertisedApis } from '../../../tools/fake-broker/handlers/18-api-versions.js'

const root = findRepoRoot(resolve('.'))

t.test('the README holds the table the code gives (run npm run docs after changing a handler or a note)', async t => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  t.equal(withApiTable(readme, renderApiTable()), readme)
})

t.test('each served API has a row with exactly the range ApiVersions advertises', async t => {
  const table = renderApiTable().join('\n')
  for (const api of advertisedApis(SASL_HANDLERS)) {
    const range = api.minVersion === api.maxVersion ? `${api.minVersion}` : `${api.minVersion}-${api.maxVersion}`
    const name = SASL_HANDLERS.get(api.apiKey)?.api.name ?? ''
    t.match(table, `| ${api.apiKey} | ${name} | ${range} |`, name)
  }
  t.match(table, `serves ${SASL_HANDLERS.size} APIs`)
})

t.test('a note is kept only for an API the fake serves: a note for a dropped API would describe nothing', async t => {
  for (const key of FAKE_BROKER_API_NOTES.keys()) t.ok(SASL_HANDLERS.has(key), `note for key ${key}`)
})

t.test('keys served by no one are not listed; keys served only by the peers say "not served"', async t => {
  const rows = renderApiTable()
  t.notOk(rows.some(r => r.startsWith('| 4 |')), 'LeaderAndIsr (key 4) is no broker\'s client API any more')
  const peerOnly = [...KAFKA_4_4_VERSIONS.keys(), ...KFAKE_VERSIONS.keys()].find(k => !SASL_HANDLERS.has(k))
  if (peerOnly !== undefined) t.match(rows.find(r => r.startsWith(`| ${peerOnly} |`)) ?? '', '| not served |')
})

t.test('a served API without a note is an error naming it', async t => {
  const notes = new Map(FAKE_BROKER_API_NOTES)
  notes.delete(0)
  t.throws(() => renderApiTable(SASL_HANDLERS, notes), /no note for served API\(s\): 0 Produce/)
})

t.test('withApiTable needs both markers, in order', async t => {
  t.throws(() => withApiTable('no markers here', ['x']), /lacks the markers/)
  t.throws(() => withApiTable(`${TABLE_END}\n${TABLE_START}`, ['x']), /lacks the markers/)
  t.equal(withApiTable(`a\n${TABLE_START}\nold\n${TABLE_END}\nb`, ['new']), `a\n${TABLE_START}\nnew\n${TABLE_END}\nb`)
})

t.test('writeApiTable rewrites a stale README and leaves a current one alone', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-api-table-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(join(root, 'README.md'), join(dir, 'README.md'))
  t.equal(writeApiTable(dir), false)
  const current = readFileSync(join(dir, 'README.md'), 'utf8')
  writeFileSync(join(dir, 'README.md'), withApiTable(current, ['stale']))
  t.equal(writeApiTable(dir), true)
  t.equal(readFileSync(join(dir, 'README.md'), 'utf8'), current)
})
