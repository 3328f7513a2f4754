import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLIENT_SOFTWARE_VERSION } from '../../../consumer/versions.js'
// @ts-expect-error: a plain JavaScript build script, without type declarations
import { packageVersion, versionModule } from '../../../tools/build/write-version.mjs'

// The version the client reports to brokers is package.json's, generated into consumer/client-version.ts by the
// build: this fails when the version was bumped without a build, instead of the client reporting the old one.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

t.test('the client reports the version of package.json', async t => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  t.equal(packageVersion(), pkg.version)
  t.equal(CLIENT_SOFTWARE_VERSION, pkg.version)
  t.equal(readFileSync(join(root, 'consumer', 'client-version.ts'), 'utf8'), versionModule(pkg.version), 'consumer/client-version.ts is as the build writes it')
  // KIP-511's pattern for clientSoftwareVersion; a version that breaks it would be refused by Kafka.
  t.match(CLIENT_SOFTWARE_VERSION, /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/)
})

t.test('the generated module is a constant and nothing else; quotes are escaped', async t => {
  t.equal(versionModule('1.2.3-rc.1'), "// Generated from package.json by tools/build/write-version.mjs (npm run build). Do not edit.\nexport const CLIENT_SOFTWARE_VERSION = '1.2.3-rc.1'\n")
  t.match(versionModule("x'y"), /= 'x\\'y'\n$/)
})
