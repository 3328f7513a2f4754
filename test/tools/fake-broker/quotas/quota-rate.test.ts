import t from 'tap'
import { KAFKA_QUOTA_WINDOWS, throttleTimeMs, WindowedRate } from '../../../../tools/fake-broker/quotas/quota-rate.js'

// Fixed tables checked against Kafka's formulas (Rate.windowSize, WindowedSum, QuotaUtils.throttleTime), worked by
// hand for 11 windows of 1000 ms.

t.test('a first value is spread over samples - 1 windows, not over the instant it took', async t => {
  const rate = new WindowedRate()
  rate.record(10_000, 0)
  // elapsed 0 ms, 0 full windows: 10 windows are added, 10 000 ms.
  t.equal(rate.windowSizeMs(0), 10_000)
  t.equal(rate.measure(0), 1000)
  // O = 1000, T = 500, W = 10 000: X = (O - T) / T × W.
  t.equal(throttleTimeMs(rate.measure(0), 500, rate.windowSizeMs(0)), 10_000)
})

t.test('a value in a later window starts a new one, and the window size counts from the oldest', async t => {
  const rate = new WindowedRate(KAFKA_QUOTA_WINDOWS)
  rate.record(10_000, 0)
  rate.record(5_000, 2_500)
  // Oldest starts at 0: elapsed 2 500, 2 full windows, so 8 more are added: 10 500 ms.
  t.equal(rate.windowSizeMs(2_500), 10_500)
  t.equal(rate.measure(2_500), 15_000 / 10.5)
  t.equal(throttleTimeMs(rate.measure(2_500), 1000, rate.windowSizeMs(2_500)), 4_500)
})

t.test('a window with no value for samples × window ms is forgotten', async t => {
  const rate = new WindowedRate()
  rate.record(10_000, 0)
  rate.record(5_000, 2_500)
  // At 12 000 the first window (last value at 0) is 12 000 ms old, over 11 000: reset to start now. The second
  // (at 2 500) stays: elapsed 9 500, 9 full windows, 1 added: 10 500 ms for 5 000 bytes.
  t.equal(rate.windowSizeMs(12_000), 10_500)
  t.equal(rate.measure(12_000), 5_000 / 10.5)
})

t.test('values in the same window add up, and a negative one takes a value back', async t => {
  const rate = new WindowedRate({ samples: 2, windowMs: 100 })
  rate.record(300, 0)
  rate.record(200, 50)
  t.equal(rate.windowSizeMs(50), 150)
  t.equal(rate.measure(50), 500 / 0.15)
  rate.record(-200, 50)
  t.equal(rate.measure(50), 300 / 0.15)
})

t.test('the windows are reused in a ring of samples + 1', async t => {
  const rate = new WindowedRate({ samples: 2, windowMs: 100 })
  for (let i = 0; i < 5; i++) rate.record(100, i * 100)
  // Three windows are kept (samples + 1): those of 300 and 400 reused the ones of 0 and 100, the one of 200 is
  // left. At 450 that one is 250 ms old, over 2 × 100: forgotten. The oldest is 300: 150 ms for 200 bytes.
  t.equal(rate.windowSizeMs(450), 150)
  t.equal(rate.measure(450), 200 / 0.15)
})

t.test('the window is at least 1 ms', async t => {
  const rate = new WindowedRate({ samples: 1, windowMs: 1000 })
  rate.record(10, 5)
  t.equal(rate.windowSizeMs(5), 1)
  t.equal(rate.measure(5), 10_000)
})
