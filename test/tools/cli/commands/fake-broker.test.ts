import t from 'tap'
import { Metadata } from '../../../../protocol/apis/index.js'
import { run } from '../../../../tools/cli/commands/fake-broker.js'
import type { FakeCluster } from '../../../../tools/fake-broker/index.js'
import { RawClient } from '../../fake-broker/raw-client.js'

t.test('fake-broker prints the bootstrap list first, serves until stopped, then exits 0', async t => {
  const out: string[] = []
  const err: string[] = []
  const ac = new AbortController()
  let cluster: FakeCluster | undefined
  let started!: () => void
  const up = new Promise<void>(resolve => { started = resolve })
  const exit = run(['--brokers', '2', '--topic', 'a:3', '--topic', 'b', '--verbose'], {
    stdout: { write: s => out.push(s) },
    stderr: { write: s => err.push(s) },
    signal: ac.signal,
    onStart: c => { cluster = c; started() }
  })
  await up
  const bootstrap = out.join('').split('\n')[0]
  t.match(bootstrap, /^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/)
  t.equal(bootstrap, cluster!.bootstrap)
  const c = await RawClient.connect(bootstrap)
  const md = await c.request(Metadata, 1, { topics: null }, 'cli-test')
  c.close()
  t.same(md.topics.map((x: any) => [x.name, x.partitions.length]).sort(), [['a', 3], ['b', 1]])
  ac.abort()
  t.equal(await exit, 0)
  t.match(err.join(''), /client=cli-test Metadata v1/)
})

t.test('fake-broker rejects bad options with exit code 2', async t => {
  const err: string[] = []
  t.equal(await run(['--brokers', 'zero'], { stderr: { write: s => err.push(s) } }), 2)
  t.match(err.join(''), /--brokers/)
})
