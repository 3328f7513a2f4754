import t from 'tap'
import fc from 'fast-check'
import { PidRateEstimator } from '../../../streaming/rate/pid-rate-estimator.js'
import { ConfigError } from '../../../protocol/errors.js'

// Each row: [time ms, records, processing delay ms, scheduling delay ms, expected result]. Expected values were worked
// out by hand from Spark's formulas (see the comment at the top of pid-rate-estimator.ts), e.g. row 3:
// processingRate = 500, error = 500 − 500 = 0, historicalError = 500 × 500 / 1000 = 250, new = 500 − 0.2 × 250 = 450.
type Row = [number, number, number, number, number | undefined]

t.test('the default gains follow the hand-computed table', async t => {
  const est = new PidRateEstimator({ batchIntervalMs: 1000 })
  const rows: Row[] = [
    [1000, 1000, 1000, 0, undefined], // first valid batch: seeds latestRate = 1000, returns nothing
    [2000, 500, 1000, 0, 500], // error 500 → 1000 − 500
    [3000, 500, 1000, 500, 450], // scheduling delay adds the integral term
    [3000, 500, 1000, 0, undefined], // not newer than the last update: skipped
    [4000, 0, 1000, 0, undefined], // no records: skipped
    [4500, 100, 0, 0, undefined], // no processing delay: skipped
    [5000, 100, 1000, 0, 100], // 450 − 350 = 100
    [6000, 10, 1000, 0, 100] // 100 − 90 = 10, floored at minRate 100
  ]
  rows.forEach(([time, n, proc, sched, expected], i) => {
    t.equal(est.compute(time, n, proc, sched), expected, `row ${i}`)
  })
})

t.test('the derivative term divides the change in error by the seconds since the last update', async t => {
  const est = new PidRateEstimator({ batchIntervalMs: 1000, derivative: 0.5 })
  t.equal(est.compute(1000, 1000, 1000, 0), undefined)
  // delay 2 s; rate 800; error 200; historical 160; dError (200 − 0) / 2 = 100 → 1000 − 200 − 32 − 50
  t.equal(est.compute(3000, 800, 1000, 200), 718)
})

t.test('the defaults are Spark\'s: kp 1.0, ki 0.2, kd 0.0, minRate 100', async t => {
  const est = new PidRateEstimator({ batchIntervalMs: 500 })
  t.same([est.proportional, est.integral, est.derivative, est.minRate], [1.0, 0.2, 0.0, 100])
})

t.test('invalid gains and intervals are ConfigErrors naming Spark\'s key', async t => {
  t.throws(() => new PidRateEstimator({ batchIntervalMs: 0 }), ConfigError)
  t.throws(() => new PidRateEstimator({ batchIntervalMs: 1000, proportional: -1 }), { name: 'ConfigError', key: 'spark.streaming.backpressure.pid.proportional' })
  t.throws(() => new PidRateEstimator({ batchIntervalMs: 1000, integral: -1 }), { name: 'ConfigError', key: 'spark.streaming.backpressure.pid.integral' })
  t.throws(() => new PidRateEstimator({ batchIntervalMs: 1000, derivative: -0.1 }), { name: 'ConfigError', key: 'spark.streaming.backpressure.pid.derived' })
  t.throws(() => new PidRateEstimator({ batchIntervalMs: 1000, minRate: 0 }), { name: 'ConfigError', key: 'spark.streaming.backpressure.pid.minRate' })
})

t.test('the estimate matches the reference formula on random batches and never drops below minRate', async t => {
  fc.assert(fc.property(
    fc.array(fc.record({
      dt: fc.integer({ min: 1, max: 5000 }), n: fc.integer({ min: 0, max: 100000 }),
      proc: fc.integer({ min: 0, max: 5000 }), sched: fc.integer({ min: 0, max: 5000 })
    }), { maxLength: 30 }),
    fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
    (batches, kp, ki, kd) => {
      const est = new PidRateEstimator({ batchIntervalMs: 1000, proportional: kp, integral: ki, derivative: kd, minRate: 50 })
      // The reference, written out again independently.
      let first = true; let lt = -1; let lr = -1; let le = -1; let time = 0
      for (const b of batches) {
        time += b.dt
        let expected: number | undefined
        if (time > lt && b.n > 0 && b.proc > 0) {
          const pr = b.n / b.proc * 1000
          const err = lr - pr
          const hist = b.sched * pr / 1000
          const dErr = (err - le) / ((time - lt) / 1000)
          const nr = Math.max(lr - kp * err - ki * hist - kd * dErr, 50)
          lt = time
          if (first) { lr = pr; le = 0; first = false } else { lr = nr; le = err; expected = nr }
        }
        const got = est.compute(time, b.n, b.proc, b.sched)
        if (got !== expected) return false
        if (got !== undefined && got < 50) return false
      }
      return true
    }))
})
