import t from 'tap'
import { clientThrottles } from '../../protocol/client-throttle.js'
import { ConsumerGroupHeartbeat, DescribeCluster, Fetch, Produce } from '../../protocol/apis/index.js'

// KIP-219's versions, as the Java client's shouldClientThrottle has them; the message definitions' comments are
// checked against the whole table in test-interop/protocol/client-throttle.test.ts.

t.test('Produce from v6 and Fetch from v8: the client waits out the throttle; before, the broker held the response', async t => {
  t.notOk(clientThrottles(Produce.key, 5))
  t.ok(clientThrottles(Produce.key, 6))
  t.ok(clientThrottles(Produce.key, 13))
  t.notOk(clientThrottles(Fetch.key, 7))
  t.ok(clientThrottles(Fetch.key, 8))
})

t.test('APIs the Java client never throttles for are not throttled here either', async t => {
  t.notOk(clientThrottles(DescribeCluster.key, 1))
  t.notOk(clientThrottles(ConsumerGroupHeartbeat.key, 0))
  t.notOk(clientThrottles(9999, 0), 'an unknown key')
})
