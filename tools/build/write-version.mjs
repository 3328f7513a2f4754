// Writes consumer/client-version.ts from package.json, so the version the client reports to brokers (ApiVersions
// v3+, KIP-511 clientSoftwareVersion) is the package's, never a second copy kept by hand. Run by `npm run build`
// before tsc (and by `npm version`); test/tools/build/write-version.test.ts fails when the file is stale.
// Plain JavaScript because it must run before anything is compiled.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The module's text for a package.json's version. */
export function versionModule (version) {
  return '// Generated from package.json by tools/build/write-version.mjs (npm run build). Do not edit.\n' +
    `export const CLIENT_SOFTWARE_VERSION = '${String(version).replace(/[\\']/g, '\\$&')}'\n`
}

export function packageVersion () {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'consumer', 'client-version.ts')
  const text = versionModule(packageVersion())
  let old = ''
  try { old = readFileSync(path, 'utf8') } catch {}
  // Unchanged: leave the file (and its timestamp) alone.
  if (old !== text) writeFileSync(path, text)
}
