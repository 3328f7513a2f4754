import t from 'tap'
import { parseDelimiter } from '../../../../tools/cli/kcat/delimiter.js'
import { ConfigError } from '../../../../protocol/errors.js'
import { runKcat } from '../run-kcat.js'
import { FakeCluster } from '../../../../tools/fake-broker/index.js'

// -D and -K as kcat 1.7 reads them (kcat.c parse_delim and its unit test, `kcat -U`): \n, \t, \xHH.

t.test('the escapes kcat reads, and the ones it leaves alone', async t => {
  // kcat's own unit test cases (unittest_parse_delim).
  t.same(parseDelimiter('-D', ''), Buffer.alloc(0))
  t.same(parseDelimiter('-D', '\\n'), Buffer.from('\n'))
  t.same(parseDelimiter('-D', '\\t\\n\\n'), Buffer.from('\t\n\n'))
  t.same(parseDelimiter('-D', '\\x54!\\x45\\x53T'), Buffer.from('T!EST'))
  t.same(parseDelimiter('-D', '\\x30'), Buffer.from('0'))
  // More.
  t.same(parseDelimiter('-D', '\\x1e'), Buffer.from([0x1e]))
  t.same(parseDelimiter('-D', '\\xfF'), Buffer.from([0xff]))
  t.same(parseDelimiter('-D', '\\x141'), Buffer.from([0x41]), 'every hex digit is read, the low byte kept')
  t.same(parseDelimiter('-D', '\\x' + 'f'.repeat(17) + '0'), Buffer.from([0xff]), 'beyond 64 bits strtoul saturates')
  t.same(parseDelimiter('-D', '\\r|\\\\'), Buffer.from('\\r|\\\\'), 'other backslashes stay as they are')
  t.same(parseDelimiter('-D', 'end\\'), Buffer.from('end\\'))
  t.same(parseDelimiter('-K', '→'), Buffer.from('→'), 'text is UTF-8')
  t.throws(() => parseDelimiter('-D', 'a\\xg'), new ConfigError('-D', 'delimiter a\\xg expects a hex number after \\x'))
})

t.test('-D and -K escapes in -P and -C, and a bad one refused before connecting', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'd', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  const b = cluster.bootstrap
  const p = await runKcat(['-b', b, '-P', '-t', 'd', '-D', '\\x1e', '-K', '\\t'], 'k\tv\x1eonly\x1e')
  t.equal(p.code, 0, p.stderr)
  const c = await runKcat(['-b', b, '-C', '-t', 'd', '-e', '-q', '-K', '=', '-D', '\\n--\\n'])
  t.equal(c.stdout, 'k=v\n--\n=only\n--\n')
  const bad = await runKcat(['-b', '127.0.0.1:1', '-P', '-t', 'd', '-D', '\\x'])
  t.equal(bad.code, 1)
  t.equal(bad.stderr, '% ERROR: config -D: delimiter \\x expects a hex number after \\x\n')
})
