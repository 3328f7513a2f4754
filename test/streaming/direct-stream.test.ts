import t from 'tap'
import { createDirectStream } from '../../streaming/direct-stream.js'
import { MemoryOffsetSource } from '../../streaming/memory-source.js'
import { offsetRangesOf, type OffsetRange } from '../../streaming/offset-range.js'
import { createRDD, type RDD } from '../../streaming/rdd.js'
import { ConfigError } from '../../protocol/errors.js'
import { DataLossError } from '../../streaming/errors.js'
import { keyValueBuffers, valueString } from '../../streaming/message-handlers.js'
import { PARAMS, runBatches, virtualContext } from './helpers.js'

function source (): MemoryOffsetSource {
  const s = new MemoryOffsetSource().createTopic('words', 2).createTopic('other', 1)
  s.chunkSize = 3
  return s
}

const plain = (rs: readonly OffsetRange[]): string[] => rs.map(r => `${r.topic}:${r.partition}:${r.fromOffset}-${r.untilOffset}`)

t.test('each batch reads from the previous until offsets to the latest, every record exactly once', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b'])
  src.append('words', 1, ['c'])
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src, messageHandler: valueString })
  const seen: string[][] = []
  const ranges: string[][] = []
  let batch = 0
  stream.foreachRDD(rdd => {
    seen.push(rdd.collect() as string[])
    ranges.push(plain(offsetRangesOf(rdd)))
    batch++
    if (batch === 1) { src.append('words', 0, ['d']); src.append('words', 1, ['e', 'f', 'g', 'h']) }
  })
  await runBatches(ctx, 3)
  t.same(ranges, [['words:0:0-2', 'words:1:0-1'], ['words:0:2-3', 'words:1:1-5'], ['words:0:3-3', 'words:1:5-5']])
  t.same(seen, [['a', 'b', 'c'], ['d', 'e', 'f', 'g', 'h'], []])
})

t.test('one batch partition per Kafka partition, in the order of the ranges', async t => {
  const src = source()
  src.append('words', 0, ['x'])
  src.append('words', 1, ['y', 'z'])
  src.append('other', 0, ['w'])
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, PARAMS, ['words', 'other'], { source: src, messageHandler: valueString })
  let parts: unknown
  stream.foreachRDD(rdd => { parts = { partitions: rdd.partitions, ranges: plain(offsetRangesOf(rdd)) } })
  await runBatches(ctx, 1)
  t.same(parts, { partitions: [['w'], ['x'], ['y', 'z']], ranges: ['other:0:0-1', 'words:0:0-1', 'words:1:0-2'] })
})

t.test('compacted gaps are allowed: records keep their offsets and nothing outside the range is delivered', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c'], { gap: 2 }) // offsets 0, 3, 6; latest 9
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src, messageHandler: r => Number(r.offset) })
  let got: unknown
  stream.foreachRDD(rdd => { got = rdd.collect() })
  await runBatches(ctx, 1)
  t.same(got, [0, 3, 6])
})

t.test('the default start is the latest offset; smallest/earliest start at the log start', async t => {
  for (const [reset, expected] of [[undefined, []], ['largest', []], ['latest', []], ['smallest', ['old']], ['earliest', ['old']]] as const) {
    const src = source()
    src.append('words', 0, ['old'])
    const { ctx } = virtualContext()
    const params: Record<string, string> = { 'bootstrap.servers': 'memory:0' }
    if (reset !== undefined) params['auto.offset.reset'] = reset
    const stream = createDirectStream(ctx, params, ['words'], { source: src, messageHandler: valueString })
    let got: unknown
    stream.foreachRDD(rdd => { got = rdd.collect() })
    await runBatches(ctx, 1)
    t.same(got, expected, `auto.offset.reset=${String(reset)}`)
  }
})

t.test('fromOffsets starts each listed partition at the given offset and reads only those partitions', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c'])
  src.append('words', 1, ['d', 'e'])
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, { 'metadata.broker.list': 'x:1' }, [], {
    source: src, messageHandler: valueString, fromOffsets: [{ topic: 'words', partition: 0, offset: 1 }]
  })
  let got: unknown
  stream.foreachRDD(rdd => { got = [rdd.collect(), plain(offsetRangesOf(rdd))] })
  await runBatches(ctx, 1)
  t.same(got, [['b', 'c'], ['words:0:1-3']])
  const fresh = virtualContext().ctx
  t.throws(() => createDirectStream(fresh, PARAMS, ['other'], { source: src, fromOffsets: new Map([['words:0', 0n]]) }), { name: 'ConfigError', key: 'fromOffsets' })
  t.throws(() => createDirectStream(fresh, PARAMS, ['words'], { source: src, fromOffsets: new Map([['words', 0n]]) }), { name: 'ConfigError', key: 'fromOffsets' })
  t.throws(() => createDirectStream(fresh, PARAMS, ['words'], { source: src, fromOffsets: [{ topic: 'words', partition: 0, offset: -1 }] }), { name: 'ConfigError', key: 'fromOffsets' })
})

t.test('the default message handler gives [key, value] UTF-8 strings; buffers and custom handlers are available', async t => {
  const src = source()
  src.append('words', 0, [{ key: 'k', value: 'v' }, { key: null, value: 'only' }, { key: 'nv', value: null }])
  const { ctx } = virtualContext()
  const s1 = createDirectStream(ctx, PARAMS, ['words'], { source: src })
  const s2 = createDirectStream(ctx, PARAMS, ['words'], { source: src, messageHandler: keyValueBuffers })
  let strings: unknown
  let buffers: Array<[Buffer | null, Buffer | null]> = []
  s1.foreachRDD(rdd => { strings = rdd.collect() })
  s2.foreachRDD(rdd => { buffers = rdd.collect() })
  await runBatches(ctx, 1)
  t.same(strings, [['k', 'v'], [null, 'only'], ['nv', null]])
  t.ok(Buffer.isBuffer(buffers[0]?.[1]))
  t.equal(buffers[0]?.[1]?.toString(), 'v')
})

t.test('maxRatePerPartition caps each batch at floor(rate × batch seconds) records per partition', async t => {
  const src = source()
  src.append('words', 0, Array.from({ length: 25 }, (_, i) => `w${i}`))
  src.append('words', 1, ['one'])
  const { ctx } = virtualContext({ conf: { 'spark.streaming.kafka.maxRatePerPartition': 10 } })
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src, messageHandler: valueString })
  const ranges: string[][] = []
  stream.foreachRDD(rdd => { ranges.push(plain(offsetRangesOf(rdd))) })
  const infos = await runBatches(ctx, 4)
  t.same(ranges, [
    ['words:0:0-10', 'words:1:0-1'], ['words:0:10-20', 'words:1:1-1'], ['words:0:20-25', 'words:1:1-1'], ['words:0:25-25', 'words:1:1-1']
  ])
  t.equal(infos[0]?.inputs[0]?.rateLimit, 20, 'the stream-wide limit is reported: 10/s × 2 partitions')
  t.equal(infos[0]?.inputs[0]?.lag, 15n)
})

t.test('offsetRangesOf is the typed HasOffsetRanges accessor; derived datasets have no ranges', async t => {
  const src = source()
  src.append('words', 0, ['a'])
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src })
  let mapped: RDD<unknown> | undefined
  stream.map(kv => kv[1]).foreachRDD(rdd => { mapped = rdd })
  await runBatches(ctx, 1)
  t.throws(() => offsetRangesOf(mapped), ConfigError)
  t.throws(() => offsetRangesOf(null), ConfigError)
})

t.test('kafkaParams need metadata.broker.list or bootstrap.servers', async t => {
  const { ctx } = virtualContext()
  t.throws(() => createDirectStream(ctx, {}, ['words'], { source: source() }), { name: 'ConfigError', key: 'metadata.broker.list' })
  t.throws(() => createDirectStream(ctx, { 'bootstrap.servers': ' ' }, ['words'], { source: source() }), ConfigError)
})

t.test('kafkaParams that would change semantics are used or rejected by name, never ignored', async t => {
  const { ctx } = virtualContext()
  const bad: Array<[Record<string, string>, string]> = [
    [{ 'fetch.max.bytez': '1' }, 'fetch.max.bytez'],
    [{ 'enable.auto.commit': 'true' }, 'enable.auto.commit'],
    [{ 'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer' }, 'value.deserializer'],
    [{ 'auto.offset.reset': 'none' }, 'auto.offset.reset'],
    [{ 'isolation.level': 'serializable' }, 'isolation.level'],
    [{ 'security.protocol': 'KERBEROS' }, 'security.protocol'],
    [{ 'security.protocol': 'SASL_SSL' }, 'sasl.mechanism'],
    [{ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI', 'sasl.username': 'u', 'sasl.password': 'p' }, 'sasl.mechanism'],
    [{ 'sasl.jaas.config': 'com.example.OtherModule required;' }, 'sasl.jaas.config'],
    [{ 'fetch.max.bytes': '-1' }, 'fetch.max.bytes']
  ]
  for (const [extra, key] of bad) {
    t.throws(() => createDirectStream(ctx, { ...PARAMS, ...extra }, ['words'], { source: source() }), { name: 'ConfigError', key }, key)
  }
  const ok = createDirectStream(ctx, {
    ...PARAMS, 'group.id': 'g', 'isolation.level': 'read_committed', 'enable.auto.commit': 'false', 'zookeeper.connect': 'zk:2181', 'fetch.max.wait.ms': 100
  }, ['words'], { source: source() })
  t.equal(ok.params.isolationLevel, 'read_committed')
  t.equal(ok.params.fetchMaxWaitMs, 100)
  t.equal(ok.params.groupId, 'g')
  const secured = createDirectStream(ctx, {
    ...PARAMS,
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cret";'
  }, ['words'], { source: source() })
  t.same(secured.params.security, { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'alice', 'sasl.password': 's3cret' })
})

t.test('offsets deleted before they were read fail the batch with a DataLossError naming the range', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c', 'd'])
  const { ctx } = virtualContext({ conf: { 'spark.streaming.kafka.maxRatePerPartition': 1 } })
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src })
  let n = 0
  stream.foreachRDD(() => { if (++n === 1) src.deleteBefore('words', 0, 3n) })
  await ctx.start()
  const err = await ctx.awaitTermination().then(() => undefined, (e: unknown) => e)
  t.type(err, DataLossError)
  t.match((err as Error).message, /words\[0\] 1\.\.4: offsets 1\.\.3 were deleted/)
})

t.test('with failOnDataLoss: false the lost offsets are skipped and logged', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c', 'd'])
  const { ctx, logs } = virtualContext({ conf: { 'spark.streaming.kafka.maxRatePerPartition': 1 } })
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src, failOnDataLoss: false, messageHandler: valueString })
  const seen: string[] = []
  stream.foreachRDD(rdd => {
    seen.push(...(rdd.collect() as string[]))
    if (seen.length === 1) src.deleteBefore('words', 0, 3n)
  })
  await runBatches(ctx, 3)
  t.same(seen, ['a', 'd'])
  t.ok(logs.some(l => /data loss: words\[0\] 1\.\.4: skipping offsets 1\.\.3/.test(l)), logs.join('\n'))
})

t.test('records deleted between planning and reading are caught by the task too', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c'])
  const range = { topic: 'words', partition: 0, fromOffset: 0n, untilOffset: 3n }
  src.deleteBefore('words', 0, 2n)
  await t.rejects(createRDD(undefined, PARAMS, [range], { source: src }), DataLossError)
  const logs: string[] = []
  const rdd = await createRDD({ log: l => logs.push(l) }, PARAMS, [range], { source: src, failOnDataLoss: false, messageHandler: valueString })
  t.same(rdd.collect(), ['c'])
  t.match(logs[0], /skipped offsets 0\.\.2/)
})

t.test('createRDD reads given ranges as a one-off batch, one partition per range', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c'])
  src.append('words', 1, ['d', 'e'])
  const ranges = [{ topic: 'words', partition: 1, fromOffset: 0n, untilOffset: 2n }, { topic: 'words', partition: 0, fromOffset: 1n, untilOffset: 2n }]
  const rdd = await createRDD(undefined, PARAMS, ranges, { source: src, maxConcurrentTasks: 1 })
  t.same(rdd.partitions, [[[null, 'd'], [null, 'e']], [[null, 'b']]])
  t.same(offsetRangesOf(rdd), ranges)
  await t.rejects(createRDD(undefined, PARAMS, [{ topic: 'words', partition: 0, fromOffset: 2n, untilOffset: 1n }], { source: src }), ConfigError)
})

t.test('with commitGroup, each batch\'s until offsets are committed after its output', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b'])
  const { ctx } = virtualContext()
  const stream = createDirectStream(ctx, PARAMS, ['words'], { source: src, commitGroup: 'wordcount' })
  let committedBeforeOutput = -1
  stream.foreachRDD(() => { committedBeforeOutput = src.commits.length })
  await runBatches(ctx, 1)
  t.equal(committedBeforeOutput, 0)
  t.same(src.commits, [{ groupId: 'wordcount', offsets: new Map([['words:0', 2n], ['words:1', 0n]]) }])
})

t.test('each batch reports its stats to listeners and logs one compact line', async t => {
  const src = source()
  src.append('words', 0, ['a', 'b', 'c'])
  const { ctx, logs } = virtualContext()
  createDirectStream(ctx, PARAMS, ['words'], { source: src }).foreachRDD(() => {})
  const infos = await runBatches(ctx, 1)
  t.equal(infos[0]?.numRecords, 3)
  t.equal(infos[0]?.inputs[0]?.offsetRanges.length, 2)
  t.match(logs.at(-1), /^batch \d+ records=3 ranges=2 sched=\d+ms proc=\d+ms total=\d+ms rate=unlimited lag=0$/)
})
