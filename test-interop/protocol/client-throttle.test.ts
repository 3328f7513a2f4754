import t from 'tap'
import { ALL_APIS } from '../../protocol/apis/index.js'
import { clientThrottles } from '../../protocol/client-throttle.js'
import { loadDefinitionsOrSkip } from './kafka-definitions.js'

// The versions from which our client waits out a quota throttle itself (protocol/client-throttle.ts, KIP-219)
// against what Kafka's message definitions say: "Starting in version N, on quota violation, brokers send out
// responses before throttling". Kafka 4.x dropped many old versions and some of those comments with them, so the
// 3.9 definitions are read too. Produce's definition never said it (the Java client's ProduceResponse throttles
// from v6), so it is checked in test/protocol/client-throttle.test.ts only.

const SAID = /Starting in version (\d+),? on quota violation,? brokers send out\s*(?:\/\/\s*)?responses before throttling/

t.test('the client waits out throttles from the versions Kafka\'s message definitions name', async t => {
  const defs = await loadDefinitionsOrSkip(t)
  if (defs === undefined) return
  let checked = 0
  for (const api of ALL_APIS) {
    const name = `${api.name}Response`
    const text = defs.map(d => d.texts.get(name)).find(x => x !== undefined && SAID.test(x))
    if (text === undefined) continue
    const first = Number((SAID.exec(text) as RegExpExecArray)[1])
    t.ok(clientThrottles(api.key, first), `${api.name} v${first}: the client waits`)
    if (first > 0) t.notOk(clientThrottles(api.key, first - 1), `${api.name} v${first - 1}: the broker delayed the response itself`)
    checked++
  }
  t.ok(checked >= 25, `${checked} APIs' definitions say from which version`)
})
