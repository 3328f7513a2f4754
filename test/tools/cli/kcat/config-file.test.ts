import t from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfig, readConfigFile } from '../../../../tools/cli/kcat/config-file.js'
import { parseOptions } from '../../../../tools/cli/kcat/options.js'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// kcat -F, $KCAT_CONFIG and ~/.config/kcat.conf, as kcat 1.7.1 reads them (seen with `kcat ... -X dump` against
// files like these): the order of -F among -X options, the default files read after every option (so that they
// override -X), which notices print at which -v level, and the errors that name the file and line. Every test
// passes its own environment (HOME, KCAT_CONFIG) pointing into a temporary directory.

function tempDir (t: { teardown: (fn: () => unknown) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kd-kcat-conf-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function file (dir: string, name: string, text: string): string {
  const path = join(dir, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return path
}

t.test('a configuration file: trimmed lines, comments, escapes, the first = splits, Java PLAIN JAAS translated', async t => {
  const dir = tempDir(t)
  const path = file(dir, 'a.conf', [
    '# a comment',
    '',
    '   client.id=with spaces inside  \r',
    'ssl.endpoint.identification.algorithm=https',
    'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u1" password="p=1";',
    'x.y=a\\:b\\=c=d',
    '  # indented comment'
  ].join('\n'))
  t.same(readConfigFile(path), [
    { key: 'client.id', value: 'with spaces inside', origin: `${path}:3` },
    { key: 'sasl.username', value: 'u1', origin: `${path}:5` },
    { key: 'sasl.password', value: 'p=1', origin: `${path}:5` },
    { key: 'x.y', value: 'a:b=c=d', origin: `${path}:6` }
  ])
  t.same(readConfigFile(file(dir, 'other-jaas.conf', 'sasl.jaas.config=com.example.Other required;\n')),
    [{ key: 'sasl.jaas.config', value: 'com.example.Other required;', origin: `${dir}/other-jaas.conf:1` }], 'other JAAS modules pass as they are')
  t.same(readConfigFile(file(dir, 'empty.conf', '')), [])
})

t.test('a line without property=value, or a file that cannot be read, is a ConfigError naming file and line', async t => {
  const dir = tempDir(t)
  const bad = file(dir, 'bad.conf', 'a=1\nnoequals\n')
  t.throws(() => readConfigFile(bad), { name: 'ConfigError', message: `config ${bad}:2: expected property=value` })
  const noName = file(dir, 'noname.conf', '=value\n')
  t.throws(() => readConfigFile(noName), { name: 'ConfigError', message: `config ${noName}:1: expected property=value` })
  const missing = join(dir, 'missing.conf')
  t.throws(() => readConfigFile(missing), { name: 'ConfigError', message: `config ${missing}: failed to open configuration file: No such file or directory` })
  t.equal(readConfigFile(missing, true), undefined, 'optional: a file that is not there is not an error')
  t.throws(() => readConfigFile(dir), { name: 'ConfigError', message: /failed to open configuration file: Illegal operation on a directory/ })
})

t.test('-F applies where it stands among -X options: the later setting wins', async t => {
  const dir = tempDir(t)
  const conf = file(dir, 'f.conf', 'client.id=fromfile\nsocket.timeout.ms=1111\n')
  const env = { HOME: dir }
  const xThenF = parseOptions(['-X', 'client.id=fromX', '-F', conf], env)
  t.same(xThenF.config, { 'client.id': 'fromfile', 'socket.timeout.ms': '1111' })
  t.same(xThenF.configOrigin, { 'client.id': `${conf}:1`, 'socket.timeout.ms': `${conf}:2` })
  t.same(xThenF.notices, [`% Reading configuration from file ${conf}`])
  const fThenX = parseOptions(['-F', conf, '-X', 'client.id=fromX'], env)
  t.same(fThenX.config, { 'client.id': 'fromX', 'socket.timeout.ms': '1111' })
  t.same(fThenX.configOrigin, { 'socket.timeout.ms': `${conf}:2` }, 'a -X setting has no file to name')
  t.same(parseOptions(['-q', '-F', conf], env).notices, [], '-q before -F silences the notice, as kcat')
  const timeout = file(dir, 't.conf', 'bootstrap.timeout.ms=100\ndebug=broker\n')
  const overridden = parseOptions(['-F', timeout, '-m', '2', '-d', 'fetch'], env)
  t.same(overridden.config, { 'bootstrap.timeout.ms': '2000', debug: 'fetch' })
  t.same(overridden.configOrigin, {}, '-m and -d are command-line settings too')
  const second = file(dir, 'g.conf', 'client.id=second\n')
  t.equal(parseOptions(['-F', conf, '-F', second], env).config['client.id'], 'second', 'several -F, in order')
})

t.test('without -F: $KCAT_CONFIG, else ~/.config/kcat.conf, read after the options so that they override -X', async t => {
  const dir = tempDir(t)
  const envConf = file(dir, 'env.conf', 'client.id=fromenv\n')
  const home = join(dir, 'home')
  const homeConf = file(home, '.config/kcat.conf', 'client.id=fromhome\n')
  const withEnv = parseOptions(['-X', 'client.id=fromX'], { HOME: home, KCAT_CONFIG: envConf })
  t.equal(withEnv.config['client.id'], 'fromenv')
  t.same(withEnv.notices, [`% Reading configuration from file ${envConf}`])
  const fromHome = parseOptions(['-X', 'client.id=fromX'], { HOME: home })
  t.equal(fromHome.config['client.id'], 'fromhome')
  t.same(fromHome.notices, [], 'the home file is announced only at -vv')
  t.same(parseOptions(['-vv'], { HOME: home }).notices, [`% Reading configuration from file ${homeConf}`])
  t.equal(parseOptions([], { HOME: home, KCAT_CONFIG: '' }).config['client.id'], 'fromhome', 'an empty variable is unset')
  // -F names the file: neither the variable nor the home file is read.
  const f = file(dir, 'f.conf', 'socket.timeout.ms=5\n')
  t.same(parseOptions(['-F', f], { HOME: home, KCAT_CONFIG: envConf }).config, { 'socket.timeout.ms': '5' })
  // -F none and -F - read nothing and stop the home search, but (as in kcat) not the variable.
  t.same(parseOptions(['-F', 'none'], { HOME: home }).config, {})
  t.same(parseOptions(['-F', '-'], { HOME: home }).config, {})
  t.equal(parseOptions(['-F', 'none'], { HOME: home, KCAT_CONFIG: envConf }).config['client.id'], 'fromenv')
  t.throws(() => parseOptions([], { HOME: home, KCAT_CONFIG: join(dir, 'nope.conf') }), { name: 'ConfigError', message: /nope\.conf: failed to open/ }, 'the variable must name a readable file')
})

t.test('the deprecated names still work, with kcat\'s notices', async t => {
  const dir = tempDir(t)
  const envConf = file(dir, 'env.conf', 'client.id=fromold\n')
  const old = parseOptions([], { KAFKACAT_CONFIG: envConf })
  t.equal(old.config['client.id'], 'fromold')
  t.same(old.notices, ['% KAFKA_CONFIG is deprecated!', '% Rename KAFKA_CONFIG to KCAT_CONFIG', `% Reading configuration from file ${envConf}`])
  const home = join(dir, 'home')
  const oldHome = file(home, '.config/kafkacat.conf', 'client.id=oldhome\n')
  const h = parseOptions([], { HOME: home })
  t.equal(h.config['client.id'], 'oldhome')
  t.same(h.notices, ['% Configuration filename kafkacat.conf is deprecated!', `% Rename ${oldHome} to ${join(home, '.config/kcat.conf')}`])
  t.same(defaultConfig({}, true), { kind: 'none' }, 'no HOME: nothing to search')
  t.same(defaultConfig({ HOME: home }, false), { kind: 'none' })
})

t.test('end to end: brokers from -F, and a bad property names its file and line', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  const dir = tempDir(t)
  const conf = file(dir, 'b.conf', `bootstrap.servers=${cluster.bootstrap}\n`)
  const list = await runKcat(['-F', conf, '-L'])
  const fromEnv = await runKcat(['-L'], '', { KCAT_CONFIG: conf })
  t.equal(fromEnv.code, 0, 'the environment given to the command is where $KCAT_CONFIG is read')
  t.equal(fromEnv.stdout, list.stdout)
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, /topic "lines" with 1 partitions/)
  t.equal(list.stderr, `% Reading configuration from file ${conf}\n`)
  const typo = file(dir, 'typo.conf', '\nfetch.wait.max.mss=5\n')
  const r = await runKcat(['-b', cluster.bootstrap, '-F', typo, '-L'])
  t.equal(r.code, 1)
  t.equal(r.stderr, `% Reading configuration from file ${typo}\n% ERROR: config ${typo}:2: fetch.wait.max.mss: unknown configuration key; did you mean fetch.wait.max.ms?\n`)
  const missing = await runKcat(['-b', cluster.bootstrap, '-F', join(dir, 'none.conf'), '-L'])
  t.equal(missing.code, 1)
  t.equal(missing.stderr, `% ERROR: config ${join(dir, 'none.conf')}: failed to open configuration file: No such file or directory\n`)
})
