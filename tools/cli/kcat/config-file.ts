import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../../../protocol/errors.js'
import { systemReason } from '../system-reason.js'

// kcat -F <file>, $KCAT_CONFIG and ~/.config/kcat.conf: librdkafka properties, one `property=value` a line, read
// as kcat 1.7 reads them (kcat.c read_conf_file): each line trimmed of surrounding white space, blank lines and
// lines starting with # skipped, `\:` and `\=` unescaped (Java properties files escape them), and the first `=`
// splitting the name from the value (white space around it belongs to the name or value). Two Java client
// properties are translated, as kcat does, so that a Java client's file (Confluent Cloud's, say) works as it is:
// sasl.jaas.config with PlainLoginModule gives sasl.username and sasl.password, and
// ssl.endpoint.identification.algorithm is dropped. kcat reads lines into a 512-byte buffer and so splits longer
// ones; we read each line whole.

/** One property from a file, with where it came from ("path:line") for errors. */
export interface ConfigFileEntry { key: string, value: string, origin: string }

const JAAS_PLAIN = /^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required username="([^"]+)" password="([^"]+)"/

/**
 * Reads a kcat configuration file; a file that cannot be read or a line without `=` is a ConfigError naming it.
 * With `optional` (the default file in $HOME), a file that cannot be opened is undefined instead; a bad line
 * still fails, as in kcat.
 */
export function readConfigFile (path: string, optional?: false): ConfigFileEntry[]
export function readConfigFile (path: string, optional: true): ConfigFileEntry[] | undefined
export function readConfigFile (path: string, optional = false): ConfigFileEntry[] | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (optional) return undefined
    throw new ConfigError(path, `failed to open configuration file: ${systemReason(err)}`, { cause: err })
  }
  const entries: ConfigFileEntry[] = []
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((raw, i) => {
    const origin = `${path}:${i + 1}`
    const line = raw.trim().replaceAll('\\:', ':').replaceAll('\\=', '=')
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq <= 0) throw new ConfigError(origin, 'expected property=value')
    const key = line.slice(0, eq)
    const value = line.slice(eq + 1)
    if (key === 'ssl.endpoint.identification.algorithm') return
    const jaas = key === 'sasl.jaas.config' ? JAAS_PLAIN.exec(value) : null
    if (jaas !== null) {
      entries.push({ key: 'sasl.username', value: jaas[1], origin }, { key: 'sasl.password', value: jaas[2], origin })
      return
    }
    entries.push({ key, value, origin })
  })
  return entries
}

/** Where kcat looks for its configuration when no -F names a file. */
export type DefaultConfig =
  | { kind: 'env', path: string, variable: 'KCAT_CONFIG' | 'KAFKACAT_CONFIG' }
  | { kind: 'home', paths: [string, string] }
  | { kind: 'none' }

/**
 * kcat 1.7 without -F: $KCAT_CONFIG (else the deprecated $KAFKACAT_CONFIG) must be readable; failing that,
 * $HOME/.config/kcat.conf (else the deprecated kafkacat.conf) is read if it exists. `-F -` and `-F none` turn
 * the home search off but, as in kcat, not the variables. Empty variables count as unset.
 */
export function defaultConfig (env: NodeJS.ProcessEnv, searchHome: boolean): DefaultConfig {
  const set = (name: string): string | undefined => env[name] === undefined || env[name] === '' ? undefined : env[name]
  const kcat = set('KCAT_CONFIG')
  if (kcat !== undefined) return { kind: 'env', path: kcat, variable: 'KCAT_CONFIG' }
  const old = set('KAFKACAT_CONFIG')
  if (old !== undefined) return { kind: 'env', path: old, variable: 'KAFKACAT_CONFIG' }
  const home = set('HOME')
  if (!searchHome || home === undefined) return { kind: 'none' }
  return { kind: 'home', paths: [join(home, '.config', 'kcat.conf'), join(home, '.config', 'kafkacat.conf')] }
}
