import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Case } from './corpus.js'
import { DELIBERATE } from './deliberate.js'
import { Normalizer, differences } from './normalize.js'
import { Session } from './session.js'

// Runs a corpus against a real Kafka and the fake broker, one tap subtest per case: both sides run the case at
// once, their answers are normalized and compared, and any difference that deliberate.ts does not list fails the
// case. Last, every deliberate entry of this corpus must still have occurred, so the list cannot go stale.
// DIFFERENTIAL_DUMP=<dir> writes each case's two normalized answers there as JSON, to read a difference whole.

const DUMP = process.env.DIFFERENTIAL_DUMP

interface Tap {
  test: (name: string, fn: (t: any) => Promise<void>) => Promise<unknown>
  same: (found: unknown, wanted: unknown, message?: string) => void
}

export async function runCorpus (t: Tap, corpus: readonly Case[], kafkaBootstrap: string, fakeBootstrap: string): Promise<void> {
  const seen = new Set<string>()
  for (const c of corpus) {
    await t.test(c.name, async t => {
      const kafka = new Session('kafka', kafkaBootstrap)
      const fake = new Session('fake', fakeBootstrap)
      t.teardown(() => { kafka.close(); fake.close() })
      const [k, f] = await Promise.all([c.run(kafka), c.run(fake)])
      const kafkaAnswers = new Normalizer().normalize(k)
      const fakeAnswers = new Normalizer().normalize(f)
      if (DUMP !== undefined) {
        mkdirSync(DUMP, { recursive: true })
        const file = c.name.replace(/[^a-zA-Z0-9]+/g, '-').slice(0, 60)
        writeFileSync(join(DUMP, `${file}.kafka.json`), JSON.stringify(kafkaAnswers, null, 2))
        writeFileSync(join(DUMP, `${file}.fake.json`), JSON.stringify(fakeAnswers, null, 2))
      }
      const allowed = DELIBERATE.filter(d => d.case === c.name)
      const unexpected: string[] = []
      for (const d of differences(kafkaAnswers, fakeAnswers)) {
        const hit = allowed.find(a => a.path.test(d))
        if (hit === undefined) unexpected.push(d)
        else {
          seen.add(`${hit.case}: ${String(hit.path)}`)
          t.comment(`deliberate: ${d}`)
        }
      }
      t.same(unexpected, [], 'no difference that is not listed as deliberate')
    })
  }
  const stale = DELIBERATE.filter(d => corpus.some(c => c.name === d.case))
    .map(d => `${d.case}: ${String(d.path)}`).filter(d => !seen.has(d))
  t.same(stale, [], 'every deliberate difference still occurs (remove stale entries from deliberate.ts)')
}
