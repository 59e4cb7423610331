import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { rampingUsers } from '../../../src/engine/executors/ramping-users.js';
import { sleep } from '../../../src/engine/sleep.js';
import { context } from './helpers.js';

describe('ramping-users executor (stages of users)', () => {
  it('follows the linear target within one user, up and down; users leave only between iterations', async () => {
    let inIteration = 0;
    let leftMidIteration = 0;
    const samples: Array<{ t: number; users: number; target: number }> = [];
    const ctx = context({ stages: '600ms:6,600ms:12,600ms:0' }, async () => {
      inIteration++;
      await sleep(20);
      inIteration--;
    }, { thinkMs: 5 });
    let left = 0;
    ctx.onUserLeft = () => left++;
    const ex = rampingUsers.create(ctx);
    const t0 = performance.now();
    const run = ex.run();
    const linear = (t: number) => (t < 600 ? (6 * t) / 600 : t < 1200 ? 6 + (6 * (t - 600)) / 600 : Math.max(0, 12 - (12 * (t - 1200)) / 600));
    while (performance.now() - t0 < 1900) {
      await sleep(37);
      const t = performance.now() - t0;
      samples.push({ t, users: ctx.state.activeUsers, target: ex.progress().targetUsers! });
      if (ctx.state.activeUsers < inIteration) leftMidIteration++;
    }
    ctx.stop.abort();
    await run;
    expect(samples.length).toBeGreaterThan(20);
    // the distance from the linear target at some moment of the last `lagMs` (a loaded machine
    // runs the pool's timer and this sampler late; the slope is up to 20 users/s)
    const offLinear = (v: number, t: number, lagMs: number) => {
      let best = Infinity;
      for (let u = Math.max(0, t - lagMs); u <= t; u += 5) best = Math.min(best, Math.abs(v - linear(u)));
      return best;
    };
    for (const s of samples) {
      // the target is the linear one (floored); the users trail it by at most one iteration
      expect(offLinear(s.target, s.t, 100)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(s.users - s.target)).toBeLessThanOrEqual(3);
    }
    expect(Math.max(...samples.map((s) => s.users))).toBeGreaterThanOrEqual(10);
    expect(samples.at(-1)!.users).toBe(0);
    expect(leftMidIteration).toBe(0);
    expect(ctx.state.activeUsers).toBe(0);
    // every user left at ramp-down (before the stop): each was released (its connections close)
    expect(left).toBeGreaterThanOrEqual(Math.max(...samples.map((s) => s.users)));
  });

  it('a user in a long iteration at ramp-down finishes it (never aborted mid-request)', async () => {
    const finished: number[] = [];
    const ctx = context({ stages: '1ms:3,200ms:3,1ms:0,1s:0' }, async (user) => {
      await sleep(400);
      finished.push(user);
    });
    const ex = rampingUsers.create(ctx);
    const run = ex.run();
    await sleep(250);
    // the target is 0 now, but the 3 users are still in their first iteration
    expect(ex.progress().targetUsers).toBe(0);
    expect(ctx.state.activeUsers).toBe(3);
    await sleep(300);
    expect(finished.sort()).toEqual([1, 2, 3]);
    expect(ctx.state.activeUsers).toBe(0);
    ctx.stop.abort();
    await run;
    expect(ctx.state.iterationsStarted).toBe(3);
  });
});
