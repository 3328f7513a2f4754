import t from 'tap'
import { DEBUG_CONTEXTS, parseDebugContexts } from '../../../../tools/cli/kcat/debug-contexts.js'
import { runKcat } from '../run-kcat.js'

// -d / -X debug: librdkafka's debug contexts, read as librdkafka 2.0.2 reads them (seen through `kcat -d ...
// -X dump` and its errors): case-insensitive names, "all", "+name" and "-name", empty names skipped, white space
// skipped before a name but not after it, an unknown name refused by name.

t.test('names, all, + and -, case and white space as librdkafka reads them', async t => {
  t.same([...parseDebugContexts('broker,protocol')], ['broker', 'protocol'])
  t.same([...parseDebugContexts('BROKER, Fetch')], ['broker', 'fetch'])
  t.same([...parseDebugContexts('broker,,fetch,')], ['broker', 'fetch'])
  t.same([...parseDebugContexts('all')], [...DEBUG_CONTEXTS])
  t.same([...parseDebugContexts('all,-broker')], DEBUG_CONTEXTS.filter(c => c !== 'broker'))
  t.same([...parseDebugContexts('+broker')], ['broker'])
  t.same([...parseDebugContexts('-broker')], [])
  t.same([...parseDebugContexts(',')], [])
  t.same([...parseDebugContexts('\tbroker')], ['broker'])
})

t.test('an unknown context or an empty value is a ConfigError naming the property and the context', async t => {
  t.throws(() => parseDebugContexts('broker,foo'), { name: 'ConfigError', message: /^config debug: invalid value "foo" for configuration property "debug" \(librdkafka debug contexts: all,generic,broker,/ })
  t.throws(() => parseDebugContexts('broker ,fetch'), { message: /invalid value "broker " /, }, 'white space after a name is part of it, as in librdkafka')
  t.throws(() => parseDebugContexts('broker fetch'), { message: /invalid value "broker fetch" / })
  t.throws(() => parseDebugContexts('', 'f.conf:2: debug'), { message: /^config f\.conf:2: debug: cannot be set to an empty value/ })
})

t.test('-d, -X debug and a file\'s debug= are the same property, checked before anything connects', async t => {
  for (const args of [['-d', 'nonsense'], ['-X', 'debug=nonsense']]) {
    const r = await runKcat(['-b', '127.0.0.1:1', '-L', ...args])
    t.equal(r.code, 1)
    t.match(r.stderr, /^% ERROR: config debug: invalid value "nonsense" for configuration property "debug"/)
  }
  const empty = await runKcat(['-b', '127.0.0.1:1', '-L', '-d', ''])
  t.match(empty.stderr, /^% ERROR: config debug: cannot be set to an empty value/)
})
