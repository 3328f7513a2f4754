import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FakeCluster } from '../../tools/fake-broker/index.js'
import { realKafkaFor, realKafkaSkip } from '../real-kafka/start-kafka.js'
import { CORPUS } from './corpus.js'
import { DELIBERATE } from './deliberate.js'
import { Normalizer, differences } from './normalize.js'
import { Session } from './session.js'

// The differential test: every case of the corpus runs against one real Kafka 4.x node and against the fake broker
// configured alike (one broker, topics auto-created by Metadata as Kafka's default auto.create.topics.enable=true
// does), and the normalized answers must be equal field by field, except for the differences deliberate.ts lists
// with their reasons (and docs/fake-broker.md explains). One Kafka for the whole file: starting one takes seconds.
// DIFFERENTIAL_DUMP=<dir> writes each case's two normalized answers there as JSON, to read a difference whole.

const DUMP = process.env.DIFFERENTIAL_DUMP

const skip = await realKafkaSkip()

t.test('the fake broker answers as real Kafka does', { skip }, async t => {
  const kafka = await realKafkaFor(t)
  const fake = await FakeCluster.start({ brokers: 1, autoCreateTopics: true })
  t.teardown(() => fake.stop())
  const seen = new Set<string>()
  for (const c of CORPUS) {
    await t.test(c.name, async t => {
      const kafkaSession = new Session('kafka', kafka.bootstrap)
      const fakeSession = new Session('fake', fake.bootstrap)
      t.teardown(() => { kafkaSession.close(); fakeSession.close() })
      const [k, f] = await Promise.all([c.run(kafkaSession), c.run(fakeSession)])
      const kafkaAnswers = new Normalizer().normalize(k)
      const fakeAnswers = new Normalizer().normalize(f)
      if (DUMP !== undefined) {
        mkdirSync(DUMP, { recursive: true })
        const file = c.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60)
        writeFileSync(join(DUMP, `${file}.kafka.json`), JSON.stringify(kafkaAnswers, null, 2))
        writeFileSync(join(DUMP, `${file}.fake.json`), JSON.stringify(fakeAnswers, null, 2))
      }
      const diffs = differences(kafkaAnswers, fakeAnswers)
      const allowed = DELIBERATE.filter(d => d.case === c.name)
      const unexpected = diffs.filter(d => {
        const hit = allowed.find(a => a.path.test(d))
        if (hit !== undefined) seen.add(`${hit.case}: ${String(hit.path)}`)
        return hit === undefined
      })
      for (const d of diffs.filter(d => !unexpected.includes(d))) t.comment(`deliberate: ${d}`)
      t.same(unexpected, [], 'no difference that is not listed as deliberate')
    })
  }
  const stale = DELIBERATE.map(d => `${d.case}: ${String(d.path)}`).filter(d => !seen.has(d))
  t.same(stale, [], 'every deliberate difference still occurs (remove stale entries from deliberate.ts)')
})
