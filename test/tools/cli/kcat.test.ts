import t from 'tap'
import { runKcat } from './run-kcat.js'
import { parseFormat, renderRecord, unescape } from '../../../tools/cli/kcat/format.js'
import { parseOptions } from '../../../tools/cli/kcat/options.js'
import { FakeCluster } from '../../../tools/fake-broker/index.js'
import { ConfigError } from '../../../protocol/errors.js'
import { encodeRecordBatch } from '../../../protocol/records/index.js'
import { replyClusterOfOne, startRawBroker } from '../../consumer/raw-broker.js'
import type { KafkaRecord } from '../../../protocol/records/index.js'

// The kcat-compatible command: flag parsing as getopt does it, kcat's format tokens, and each mode end to end
// against the fake broker. Output equality with kcat itself is checked in test-interop/consumer.

const cli = runKcat

const record = (o: Partial<KafkaRecord>): KafkaRecord => ({ offset: 5n, timestamp: 1700n, key: null, value: null, headers: [], timestampType: 'create', leaderEpoch: 0, isControl: false, magic: 2, ...o })

t.test('flags group and take attached or separate arguments, as getopt reads them', async t => {
  const o = parseOptions(['-Ceq', '-tfoo', '-p', '3', '-X', 'fetch.wait.max.ms=10', '-o-5', '-Z'], {})
  t.equal(o.mode, 'consume')
  t.ok(o.exitAtEnd && o.quiet && o.nullString)
  t.same(o.topics, ['foo'])
  t.same(o.partitions, [3])
  t.equal(o.offset, '-5')
  t.same(o.config, { 'fetch.wait.max.ms': '10' })
  t.throws(() => parseOptions(['-C', '-P']), ConfigError)
  t.throws(() => parseOptions(['-t']), { name: 'UsageError', message: 'option -t requires an argument' })
  t.throws(() => parseOptions(['-Y']), { name: 'UsageError', message: 'unknown option -Y' })
})

t.test('format tokens and escapes render as kcat renders them', async t => {
  t.same([...unescape('a\\tb\\n\\x41\\65\\\\')], [...Buffer.from('a\tb\nAA\\')])
  const out: Buffer[] = []
  const r = record({ key: Buffer.from('k'), value: Buffer.from(''), headers: [{ key: 'h', value: Buffer.from('1') }, { key: 'n', value: null }] })
  renderRecord(parseFormat('%t/%p/%o/%k/%K/%s/%S/%T/%h/%%\\n'), r, { topic: 'tp', partition: 2, nullString: false }, out)
  t.equal(Buffer.concat(out).toString(), 'tp/2/5/k/1//0/1700/h=1,n=NULL/%\n')
  const z: Buffer[] = []
  renderRecord(parseFormat('%k|%s|%K|%S'), record({}), { topic: 'tp', partition: 0, nullString: true }, z)
  t.equal(Buffer.concat(z).toString(), 'NULL|NULL|-1|-1')
  // kcat tests the length, not the pointer: with -Z an empty key or value prints NULL too (seen from kcat 1.7.1).
  const empty: Buffer[] = []
  renderRecord(parseFormat('%k|%s|%K|%S'), record({ key: Buffer.alloc(0), value: Buffer.alloc(0) }), { topic: 'tp', partition: 0, nullString: true }, empty)
  t.equal(Buffer.concat(empty).toString(), 'NULL|NULL|0|0')
  t.throws(() => parseFormat('%q'), ConfigError)
})

t.test('produce, list, consume and query end to end', async t => {
  const cluster = await FakeCluster.start({ brokers: 2, topics: [{ name: 'lines', partitions: 2 }] })
  t.teardown(async () => await cluster.stop())
  const b = cluster.bootstrap
  t.equal((await cli(['-b', b, '-P', '-t', 'lines', '-p', '1', '-K', ':'], 'k1:one\n\nk2:two\nthree\n')).code, 0)
  t.equal(cluster.highWatermark('lines', 1), 3n, 'empty lines are skipped')

  const list = await cli(['-b', b, '-L'])
  t.match(list.stdout, /^Metadata for all topics \(from broker \d: 127\.0\.0\.1:\d+\/\d\):\n 2 brokers:\n/)
  t.match(list.stdout, / 1 topics:\n {2}topic "lines" with 2 partitions:\n {4}partition 0, leader \d, replicas: [\d,]+, isrs: [\d,]+\n/)

  const c = await cli(['-b', b, '-C', '-t', 'lines', '-p', '1', '-e', '-f', '%o %k=%s\\n'])
  t.equal(c.stdout, '0 k1=one\n1 k2=two\n2 =three\n')
  t.equal(c.stderr, '% Reached end of topic lines [1] at offset 3: exiting\n')

  const tail = await cli(['-b', b, '-C', '-t', 'lines', '-p', '1', '-o', '-1', '-e', '-q'])
  t.equal(tail.stdout, 'three\n')
  t.equal(tail.stderr, '')

  const whole = await cli(['-b', b, '-C', '-t', 'lines', '-e', '-c', '2', '-J'])
  t.equal(whole.stdout.split('\n').filter(Boolean).length, 2, '-c stops after two records')
  t.match(JSON.parse(whole.stdout.split('\n')[0]), { topic: 'lines', partition: 1, offset: 0, tstype: 'create', key: 'k1', payload: 'one' })

  const q = await cli(['-b', b, '-Q', '-t', 'lines:1:0'])
  t.equal(q.stdout, 'lines [1] offset 0\n')

  // kcat prints librdkafka's result list: sorted by topic, then partition, a partition asked twice listed twice
  // with the one answer (the last timestamp asked), and in -J "topic" before the partition keys (seen from kcat
  // 1.7.1 on librdkafka 2.0.2 against Kafka 4.4; test-interop/real-kafka/cli.test.ts compares the two live).
  cluster.createTopic('a-first', 1)
  const many = ['-Q', '-t', 'lines:1:-1', '-t', 'a-first:0:-1', '-t', 'lines:0:-2', '-t', 'lines:1:0']
  t.equal((await cli(['-b', b, ...many])).stdout, 'a-first [0] offset 0\nlines [0] offset 0\nlines [1] offset 0\nlines [1] offset 0\n')
  t.equal((await cli(['-b', b, ...many, '-J'])).stdout,
    '{"a-first":{"topic":"a-first","0":{"partition":0,"offset":0}},"lines":{"topic":"lines","0":{"partition":0,"offset":0},"1":{"partition":1,"offset":0},"1":{"partition":1,"offset":0}}}')
})

t.test('-P creates a missing topic where the broker allows auto-creation, as kcat does', async t => {
  const cluster = await FakeCluster.start({ brokers: 1, autoCreateTopics: true })
  t.teardown(async () => await cluster.stop())
  const r = await cli(['-b', cluster.bootstrap, '-P', '-t', 'fresh'], 'one\ntwo\n')
  t.equal(r.code, 0, r.stderr)
  t.equal(cluster.highWatermark('fresh', 0), 2n)
  const off = await FakeCluster.start({ brokers: 1 })
  t.teardown(async () => await off.stop())
  const refused = await cli(['-b', off.bootstrap, '-X', 'retries=1', '-X', 'retry.backoff.ms=5', '-P', '-t', 'fresh'], 'one\n')
  t.not(refused.code, 0)
  t.match(refused.stderr, /UNKNOWN_TOPIC_OR_PARTITION/)
})

t.test('CRCs are checked only with -X check.crcs=true, as librdkafka does', async t => {
  const bad = encodeRecordBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }], { baseOffset: 0n })
  bad[bad.length - 2] ^= 0x20 // the last value's byte: the CRC no longer matches, the structure still parses
  let port = 0
  const broker = await startRawBroker(req => {
    if (replyClusterOfOne(req, port)) return
    if (req.api.name === 'Fetch') {
      req.reply({
        responses: [{
          topic: 't',
          partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: bad }]
        }]
      })
    }
  })
  port = broker.port
  t.teardown(async () => await broker.close())
  const args = ['-b', broker.address, '-C', '-t', 't', '-p', '0', '-o', '0', '-e', '-q', '-f', '%o %s\\n']
  const unchecked = await cli(args)
  t.equal(unchecked.code, 0)
  t.equal(unchecked.stdout, '0 a\n1 b\n2 C\n', 'the damaged byte is printed, as kcat prints it')
  const checked = await cli([...args, '-X', 'check.crcs=true'])
  t.equal(checked.code, 1)
  t.equal(checked.stdout, '')
  t.match(checked.stderr, /^% ERROR: t\[0\] offset 0: record batch CRC-32C mismatch/)
})

t.test('a bad flag or configuration prints a kcat-style error and exits 1', async t => {
  const r = await cli(['-b', '127.0.0.1:1', '-C', '-t', 'x', '-X', 'fetch.max.bytes=lots'])
  t.equal(r.code, 1)
  t.match(r.stderr, /^% ERROR: config fetch\.max\.bytes: expected an integer/)
})

t.test('command-line mistakes get kcat-style one-line errors that say what is wrong', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  const b = cluster.bootstrap

  // kcat has no long options: the whole word is the unknown option, not its first "-".
  const long = await cli(['--frobnicate'])
  t.equal(long.code, 1)
  t.equal(long.stderr, '% ERROR: unknown option --frobnicate\n')

  // Offsets are int64 on the wire: a larger one is a typed error before anything is sent, not Node's RangeError.
  for (const o of ['99999999999999999999999', '-99999999999999999999999', 's@99999999999999999999999']) {
    const r = await cli(['-b', b, '-C', '-t', 'lines', '-e', '-o', o])
    t.equal(r.code, 1, o)
    t.match(r.stderr, /^% ERROR: config -o: (offset|timestamp) \d+ is above the largest Kafka (offset|timestamp) \(9223372036854775807\)\n$/, o)
    t.notMatch(r.stderr, /RangeError|out of range/, o)
  }
  const max = await cli(['-b', b, '-C', '-t', 'lines', '-e', '-o', '9223372036854775807'])
  t.notMatch(max.stderr, /ERROR: config -o/, 'the largest int64 is still an offset')

  const typo = await cli(['-b', b, '-L', '-X', 'fetch.wait.max.mss=5'])
  t.equal(typo.code, 1)
  t.equal(typo.stderr, '% ERROR: config fetch.wait.max.mss: unknown configuration key; did you mean fetch.wait.max.ms?\n')
  const far = await cli(['-b', b, '-L', '-X', 'completely.different=1'])
  t.equal(far.stderr, '% ERROR: config completely.different: unknown configuration key\n', 'no guess when nothing is close')
})

t.test('-P refuses a message above message.max.bytes, as kcat does, after sending the lines before it', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'lines', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  const big = 'x'.repeat(2_000_000)
  const r = await cli(['-b', cluster.bootstrap, '-P', '-t', 'lines', '-p', '0'], `first\n${big}\nafter\n`)
  t.equal(r.code, 1)
  t.match(r.stderr, /^% ERROR: Failed to produce message \(2000000 bytes\): above message\.max\.bytes \(1000000; .*MESSAGE_TOO_LARGE/)
  t.equal(cluster.highWatermark('lines', 0), 1n, 'the line before it was produced, nothing after')
  // Raised with -X, as with kcat, the same line goes through (to a topic whose max.message.bytes lets it in, as
  // on Kafka, where the broker's own limit of about 1 MiB would refuse it too).
  cluster.state.configs.setTopicConfigs('lines', [{ name: 'max.message.bytes', value: '3000000' }])
  const raised = await cli(['-b', cluster.bootstrap, '-P', '-t', 'lines', '-p', '0', '-X', 'message.max.bytes=3000000'], `${big}\n`)
  t.equal(raised.code, 0, raised.stderr)
  t.equal(cluster.highWatermark('lines', 0), 2n)
})

t.test('-s pack-strs in -C and -G: kcat\'s output, its error on a record that does not fit, -E to go on', async t => {
  const cluster = await FakeCluster.start({ topics: [{ name: 'bin', partitions: 1 }] })
  t.teardown(async () => await cluster.stop())
  const b = cluster.bootstrap
  cluster.produce('bin', 0, [
    { key: Buffer.from([0, 7]), value: Buffer.from([0, 0, 0, 1]) },
    { key: null, value: Buffer.from([0xff, 0xfe]) },
    { key: Buffer.from('k'), value: Buffer.from([0x80, 0, 0, 0]) }
  ])
  const args = ['-b', b, '-C', '-t', 'bin', '-e', '-q']
  const stops = await cli([...args, '-s', 'value=i', '-f', '[%s]\\n'])
  t.equal(stops.code, 1)
  t.equal(stops.stdout, '[1]\n[', 'the failing record\'s output up to the failing token, as kcat writes it')
  t.equal(stops.stderr, '% ERROR: Failed to format message in bin [0] at offset 1: value truncated, expected 4 bytes to unpack i but only 2 bytes remaining: terminating\n')
  const goesOn = await cli([...args, '-E', '-s', 'value=i'])
  t.equal(goesOn.code, 0)
  t.equal(goesOn.stdout, '1\n-2147483648\n', 'the default format\'s delimiter is skipped with the rest of the failed record')
  t.equal(goesOn.stderr, '% ERROR: Failed to format message in bin [0] at offset 1: value truncated, expected 4 bytes to unpack i but only 2 bytes remaining\n')
  const both = await cli([...args, '-s', 'key=h', '-s', 'value=B', '-Z', '-f', '%k|%s\\n', '-c', '2'])
  t.equal(both.stdout, '7|0\nNULL|255\n', 'null keys are not unpacked; -Z prints NULL')
  const group = await cli(['-b', b, '-G', 'g', 'bin', '-o', 'beginning', '-e', '-q', '-E', '-s', 'I', '-X', 'session.timeout.ms=6000'])
  t.equal(group.code, 0, group.stderr)
  t.equal(group.stdout, '1\n2147483648\n')
  t.match(group.stderr, /at offset 1: value truncated/)
  const groupStops = await cli(['-b', b, '-G', 'g2', 'bin', '-o', 'beginning', '-e', '-q', '-s', 'value=I', '-f', '<%s>'])
  t.equal(groupStops.code, 1)
  t.equal(groupStops.stdout, '<1><')
  for (const [flags, message] of [
    [['-P', '-s', 'i'], /config -s: deserializers are only available in the consumer/],
    [['-C', '-s', 'avro'], /config -s: avro needs a schema registry \(-r\)/],
    [['-C', '-s', 'key=avro'], /config -s: avro needs a schema registry/],
    [['-C', '-r', 'http://registry:8081'], /config -r: schema registry \(Avro, -s avro\) is not supported/],
    [['-C', '-s', 'value=iz'], /config -s: invalid token 'z' in value pack-format/],
    [['-C', 'stray'], /config stray: unexpected argument: a file\/topic list is only allowed in producer \(-P\) and balanced consumer \(-G\) mode/]
  ] as Array<[string[], RegExp]>) {
    const r = await cli(['-b', b, '-t', 'bin', ...flags], '')
    t.equal(r.code, 1, flags.join(' '))
    t.match(r.stderr, message, flags.join(' '))
  }
})
