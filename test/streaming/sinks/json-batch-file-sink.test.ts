import t from 'tap'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JsonBatchFileSink } from '../../../streaming/sinks/json-batch-file-sink.js'
import { CheckpointError } from '../../../streaming/errors.js'

const ranges = [{ topic: 't', partition: 0, fromOffset: 5n, untilOffset: 9n }, { topic: 't', partition: 1, fromOffset: 0n, untilOffset: 2n }]

t.test('one file per batch time holds the output and its offset ranges; rewriting a batch is idempotent', async t => {
  const dir = t.testdir({ '.batch-000000000001000.json.123.tmp': 'half-written' })
  const sink = await new JsonBatchFileSink(dir).open()
  await sink.write(1000, ranges, { counts: { a: 1 } })
  await sink.write(1000, ranges, { counts: { a: 1 } })
  await sink.write(2000, [{ topic: 't', partition: 0, fromOffset: 9n, untilOffset: 12n }], { counts: {} })
  t.same((await readdir(dir)).sort(), ['batch-000000000001000.json', 'batch-000000000002000.json'], 'temp files of a crash are removed')
  t.same(JSON.parse(await readFile(join(dir, 'batch-000000000001000.json'), 'utf8')), {
    batchTime: 1000, offsetRanges: [{ topic: 't', partition: 0, fromOffset: 5, untilOffset: 9 }, { topic: 't', partition: 1, fromOffset: 0, untilOffset: 2 }], counts: { a: 1 }
  })
  t.same((await sink.readAll()).map(f => f.batchTime), [1000, 2000])
  t.same([...await sink.committedOffsets()], [['t:0', 12n], ['t:1', 2n]])
})

t.test('offsets beyond 2^53 are written as strings', async t => {
  const sink = await new JsonBatchFileSink(t.testdir()).open()
  await sink.write(1, [{ topic: 't', partition: 0, fromOffset: 2n ** 60n, untilOffset: 2n ** 60n + 1n }], {})
  const [f] = await sink.readAll()
  t.equal(f?.offsetRanges[0]?.fromOffset, (2n ** 60n).toString())
  t.same([...await sink.committedOffsets()], [['t:0', 2n ** 60n + 1n]])
})

t.test('a damaged output file is a CheckpointError naming it', async t => {
  const dir = t.testdir()
  const sink = await new JsonBatchFileSink(dir).open()
  await writeFile(join(dir, sink.fileName(5)), '{')
  await t.rejects(sink.readAll(), CheckpointError)
  await writeFile(join(dir, sink.fileName(5)), '{"counts":{}}')
  await t.rejects(sink.readAll(), { name: 'CheckpointError', message: /lacks batchTime/ })
})
