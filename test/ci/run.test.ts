import t from 'tap'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PEER_MISSING, peerMissing, PeerUnavailable } from '../../test-interop/peers/cache.js'

// .ci/run's skip report on TAP output as tap 21 writes it (both shapes: a skipped subtest, `ok N - name # SKIP
// reason`, and t.skip(reason) inside a test, `ok N - reason # SKIP`). In CI a skip for a missing peer fails the run:
// CI installs every peer, so it means the install broke; other skips are listed and allowed.
const ciRun = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.ci', 'run')

function report (t: Tap.Test, tap: string, ci: boolean): { code: number | null, out: string } {
  const file = join(t.testdir(), 'suite.tap')
  writeFileSync(file, tap)
  const env = { ...process.env, CI: ci ? 'true' : '' }
  const r = spawnSync('bash', [ciRun, '--report-skips', 'interop tests', file], { env, encoding: 'utf8' })
  return { code: r.status, out: r.stdout + r.stderr }
}

const MISSING = `# Subtest: test-interop/fake-broker/kcat.test.ts
    ok 1 - kcat -L lists the brokers # SKIP ${peerMissing('kcat is not installed')}
    ok 2 - kcat reads the dataset # SKIP ${peerMissing('kcat is not installed')}
    # Subtest: c
        ok 1 - ${peerMissing('/usr/bin/python3 is not installed')} # SKIP
        1..1
    ok 3 - c
ok 1 - test-interop/fake-broker/kcat.test.ts
# { total: 4, pass: 1, skip: 3 }
`
const DOCUMENTED = `    ok 1 - equals node:zlib crc32 on random buffers # SKIP node:zlib has no crc32
    ok 2 - something else
# { total: 2, pass: 1, skip: 1 }
`

t.test('a peer missing in CI fails the run, with the count and the reasons', async t => {
  const r = report(t, MISSING, true)
  t.equal(r.code, 1)
  t.match(r.out, /^interop tests: 3 skipped\n/)
  t.match(r.out, /\n  skipped 1x: kcat -L lists the brokers: PEER MISSING: kcat is not installed\n/)
  t.match(r.out, /\n  skipped 1x: PEER MISSING: \/usr\/bin\/python3 is not installed\n/)
  t.match(r.out, /a peer CI installs is missing/)
})

t.test('outside CI the same skips are listed and allowed', async t => {
  const r = report(t, MISSING, false)
  t.equal(r.code, 0)
  t.match(r.out, /interop tests: 3 skipped/)
  t.match(r.out, /not in CI/)
})

t.test('a skip for a documented reason is listed and allowed, in CI too; no skips is a zero count', async t => {
  const r = report(t, DOCUMENTED, true)
  t.equal(r.code, 0)
  t.match(r.out, /interop tests: 1 skipped\n {2}skipped 1x: equals node:zlib crc32 on random buffers: node:zlib has no crc32\n/)
  const none = report(t, '    ok 1 - fine\n# { total: 1, pass: 1 }\n', true)
  t.equal(none.code, 0)
  t.equal(none.out, 'interop tests: 0 skipped\n')
})

t.test('PeerUnavailable carries the marker, so tests that skip with its message are counted as missing peers', async t => {
  t.equal(new PeerUnavailable('go is not installed').message, `${PEER_MISSING} go is not installed`)
})
