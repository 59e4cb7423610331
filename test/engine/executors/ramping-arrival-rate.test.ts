import { describe, expect, it } from 'vitest';
import { rampingArrivalRate } from '../../../src/engine/executors/ramping-arrival-rate.js';
import { sleep } from '../../../src/engine/sleep.js';
import { context } from './helpers.js';

describe('ramping-arrival-rate executor (stages of rates)', () => {
  it('starts follow the interpolated rate: 0 → 200/s over 0.5 s then 200/s; intended starts on the ramp', async () => {
    const intended: number[] = [];
    const ctx = context({ arrival: 'constant', stages: '500ms:200,500ms:200', users: 100 }, async (_u, _i, at) => {
      intended.push(at!);
    });
    const ex = rampingArrivalRate.create(ctx);
    const run = ex.run();
    await sleep(1000);
    const progress = ex.progress();
    ctx.stop.abort();
    await run;
    // ∫ rate: 50 starts on the ramp, then 200/s (the first at once); the stop came at ~1 s
    const s = ex.schedule!();
    const expected = 50 + 200 * (s.seconds - 0.5) + 1;
    expect(Math.abs(ctx.state.iterationsStarted - expected)).toBeLessThanOrEqual(8);
    expect(s.requestedRate * s.seconds).toBeCloseTo(expected - 1, 0);
    const t0 = intended[0]!;
    // the 50th start after t0 falls exactly on 500 ms (√(50/200) s), where float rounding
    // decides the side; the 49th is at 495 ms: count below the midpoint
    const onRamp = intended.filter((t) => t - t0 < 497.5).length;
    expect(onRamp).toBe(50);
    // the gaps shrink along the ramp: the k-th start at √(k / 200) s
    expect(intended[25]! - t0).toBeCloseTo(Math.sqrt(25 / 200) * 1000, 3);
    expect(progress.targetRate).toBe(200);
    expect(ctx.recorder.counter('dropped_iterations')).toBe(0);
  });

  it('starts from --rate and ramps down to 0: no start after the last stage reaches 0', async () => {
    const ctx = context({ rate: 100, stages: '300ms:0,300ms:0', users: 100 }, () => Promise.resolve());
    const run = rampingArrivalRate.create(ctx).run();
    await sleep(700);
    ctx.stop.abort();
    await run;
    // 100 → 0 over 0.3 s: 15 starts expected (+ the one at t = 0)
    expect(ctx.state.iterationsStarted).toBe(16);
  });
});
