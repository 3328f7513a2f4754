import t from 'tap'
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { SimpleConsumer, tpKey } from '../../consumer/index.js'
import { runKcat } from '../../test/tools/cli/run-kcat.js'
import { peerMissing } from '../peers/cache.js'
import { CONSUME_FORMATS, haveKcat, kcat, sorted } from './kcat-parity.js'

// Interop with a broker we did not write: librdkafka's mock cluster (rdkafka_mock.h), filled by librdkafka's own
// producer (see mock-cluster.c), read by our SimpleConsumer and by our kcat-compatible CLI, whose output must equal
// kcat's for the same flags, also while leaders move, brokers go down and requests fail.
//
// librdkafka 2.0's mock has two wire bugs, which the client survives without being told: its ListOffsets v4+
// responses carry 4 extra bytes per partition (they do not decode, so the client steps down to the highest version
// that does, v3, and warns once per broker; see BrokerConnection.request), and its answer to an ApiVersions version
// it does not know is malformed (the client falls back to v0, logged, see consumer/versions.ts).

const here = dirname(fileURLToPath(import.meta.url))
const header = '/usr/include/librdkafka/rdkafka_mock.h'
const skip = !existsSync(header) ? peerMissing(`${header} is absent (apt-get install librdkafka-dev)`) : !haveKcat ? peerMissing('kcat is absent') : false

const TOPIC = 'interop'
const PARTITIONS = 3
const MESSAGES = 600
/** Our stderr without the one warning per broker about the mock's ListOffsets v4+ answers, which kcat does not print. */
const withoutVersionWarnings = (stderr: string): string => stderr.split('\n').filter(l => !/^% .* did not decode/.test(l)).join('\n')

interface Mock { bootstrap: string, command: (line: string) => Promise<string>, stop: () => Promise<void> }

async function build (): Promise<string> {
  const out = join(here, '..', '.build')
  mkdirSync(out, { recursive: true })
  const bin = join(out, 'mock-cluster')
  await new Promise<void>((resolve, reject) => execFile('cc', ['-O1', '-o', bin, join(here, 'mock-cluster.c'), '-lrdkafka'], err => err === null ? resolve() : reject(err)))
  return bin
}

async function startMock (bin: string): Promise<Mock> {
  const child: ChildProcessWithoutNullStreams = spawn(bin, ['3', TOPIC, String(PARTITIONS), String(MESSAGES)])
  child.stderr.resume()
  const lines = createInterface({ input: child.stdout })
  const waiting: Array<(line: string) => void> = []
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  let bootstrap: (b: string) => void = () => {}
  const ready = new Promise<string>(resolve => { bootstrap = resolve })
  lines.on('line', line => {
    if (line.startsWith('BOOTSTRAP ')) bootstrap(line.slice(10))
    else waiting.shift()?.(line)
  })
  return {
    bootstrap: await ready,
    command: async line => await new Promise<string>(resolve => { waiting.push(resolve); child.stdin.write(line + '\n') }),
    stop: async () => { child.stdin.end('quit\n'); await exited }
  }
}

const ours = runKcat

t.test('librdkafka mock cluster', { skip }, async t => {
  const bin = await build()
  const mock = await startMock(bin)
  t.teardown(async () => await mock.stop())
  const b = mock.bootstrap

  t.test('our SimpleConsumer reads every record librdkafka produced, exactly once, in order', async t => {
    const consumer = new SimpleConsumer({ bootstrapServers: b, fetchWaitMaxMs: 50, log: () => {} })
    t.teardown(async () => await consumer.close())
    const tps = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition }))
    const ends = await consumer.latestOffsets(tps)
    const got = await consumer.fetch(tps.map(tp => ({ ...tp, fromOffset: 0n, untilOffset: ends.get(tpKey(TOPIC, tp.partition)) as bigint })))
    for (const tp of tps) {
      const values = (got.get(tpKey(TOPIC, tp.partition)) ?? []).map(r => String(r.value))
      const want = Array.from({ length: MESSAGES / PARTITIONS }, (_, i) => `value-${i * PARTITIONS + tp.partition}`)
      t.same(values, want, `partition ${tp.partition}`)
    }
  })

  t.test('-L prints what kcat prints, after the line naming the broker that answered', async t => {
    const theirs = await kcat(['-b', b, '-L', '-t', TOPIC])
    const mine = await ours(['-b', b, '-L', '-t', TOPIC])
    t.same(mine.stdout.split('\n').slice(1), theirs.stdout.split('\n').slice(1))
    t.match(mine.stdout.split('\n')[0], /^Metadata for interop \(from broker \d: 127\.0\.0\.1:\d+\/\d\):$/)
  })

  for (const extra of CONSUME_FORMATS) {
    t.test(`-C -e ${extra.join(' ')} prints what kcat prints, partition by partition`, async t => {
      for (let p = 0; p < PARTITIONS; p++) {
        const args = ['-C', '-t', TOPIC, '-p', String(p), '-e', ...extra]
        const theirs = await kcat(['-b', b, ...args])
        const mine = await ours(['-b', b, ...args])
        // kcat -J names the broker that served each record: the same leader for both.
        t.equal(mine.stdout, theirs.stdout, `partition ${p} stdout`)
        t.equal(withoutVersionWarnings(mine.stderr), theirs.stderr, `partition ${p} stderr`)
      }
    })
  }

  t.test('-C -e of the whole topic prints the same records and end messages as kcat', async t => {
    const theirs = await kcat(['-b', b, '-C', '-t', TOPIC, '-e', '-f', '%p %o %k %s\\n'])
    const mine = await ours(['-b', b, '-C', '-t', TOPIC, '-e', '-f', '%p %o %k %s\\n'])
    t.same(sorted(mine.stdout), sorted(theirs.stdout))
    const ends = (s: string): string[] => sorted(s.replace(/: exiting/g, ''))
    t.same(ends(withoutVersionWarnings(mine.stderr)), ends(theirs.stderr))
    t.equal(mine.stderr.match(/: exiting/g)?.length, 1)
  })

  t.test('-Q prints what kcat prints', async t => {
    const args = ['-Q', '-t', `${TOPIC}:0:0`, '-t', `${TOPIC}:1:-1`]
    t.equal((await ours(['-b', b, ...args])).stdout, (await kcat(['-b', b, ...args])).stdout)
  })

  t.test('under moved leaders and injected Fetch errors the output still equals kcat\'s', async t => {
    const args = ['-C', '-t', TOPIC, '-e', '-q', '-f', '%p %o %k %s\\n']
    const baseline = await kcat(['-b', b, ...args])
    t.equal(await mock.command(`leader ${TOPIC} 0 2`), 'OK')
    t.equal(await mock.command(`leader ${TOPIC} 1 3`), 'OK')
    // NOT_LEADER_OR_FOLLOWER (6) and LEADER_NOT_AVAILABLE (5) on the next Fetch requests.
    t.equal(await mock.command('error 1 2 6'), 'OK')
    t.equal(await mock.command('error 1 2 5'), 'OK')
    const mine = await ours(['-b', b, ...args])
    t.same(sorted(mine.stdout), sorted(baseline.stdout))
    t.same(sorted((await kcat(['-b', b, ...args])).stdout), sorted(baseline.stdout), 'kcat agrees after the faults')
  })

  t.test('a leader broker going down and coming back mid-consume loses and repeats nothing', async t => {
    const args = ['-C', '-t', TOPIC, '-e', '-q', '-f', '%p %o %k %s\\n']
    const baseline = await kcat(['-b', b, ...args])
    t.equal(await mock.command('down 2'), 'OK')
    const consuming = ours(['-b', b, ...args])
    t.equal(await mock.command('up 2'), 'OK')
    const mine = await consuming
    t.equal(mine.code, 0)
    t.same(sorted(mine.stdout), sorted(baseline.stdout))
  })
})
