import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { createReceiverStream } from '../../../streaming/receiver-stream.js'
import { StreamingContext } from '../../../streaming/context.js'
import { valueString } from '../../../streaming/message-handlers.js'
import { offsetRangesOf } from '../../../streaming/offset-range.js'
import { writeFileAtomic } from '../../../streaming/atomic-file.js'

// One receiver of a shared group, as a process of its own, for the SIGKILL test (group-receiver.test.ts):
//   node group-receiver-child.js BOOTSTRAP DIR
// checkpoints and logs in DIR/checkpoint, and writes each batch's values and offset ranges to DIR/out/<time>.json
// (atomically, named by the batch time, so a batch re-run after a crash overwrites its own file). Prints a line per
// batch; SIGTERM stops it gracefully.

const [bootstrap, dir] = process.argv.slice(2) as [string, string]
const out = join(dir, 'out')
mkdirSync(out, { recursive: true })
const ctx = new StreamingContext({
  batchIntervalMs: 50,
  checkpointDir: join(dir, 'checkpoint'),
  conf: { 'spark.streaming.receiver.writeAheadLog.enable': true },
  log: line => { process.stderr.write(line + '\n') }
})
const stream = createReceiverStream(ctx, {
  'bootstrap.servers': bootstrap,
  'group.id': 'receivers',
  'auto.offset.reset': 'smallest',
  'fetch.max.wait.ms': 30,
  'session.timeout.ms': 1000,
  'heartbeat.interval.ms': 100,
  'retry.backoff.ms': 5,
  'retry.backoff.max.ms': 50
}, ['lines'], { messageHandler: valueString, shareGroup: true })
stream.foreachRDD(async (rdd, time) => {
  const values = rdd.collect() as string[]
  const ranges = offsetRangesOf(rdd).filter(r => r.untilOffset > r.fromOffset).map(r => [r.partition, String(r.fromOffset), String(r.untilOffset)])
  if (ranges.length > 0) await writeFileAtomic(join(out, `${time}.json`), JSON.stringify({ values, ranges }))
  process.stdout.write(`batch ${time} ${values.length} records | owns ${stream.assignment.length}\n`)
})
process.on('SIGTERM', () => { void ctx.stop().then(() => process.exit(0), () => process.exit(1)) })
await ctx.start()
