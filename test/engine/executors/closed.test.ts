import { describe, expect, it } from 'vitest';
import { closed, SpawnCurve } from '../../../src/engine/executors/closed.js';
import { sleep } from '../../../src/engine/sleep.js';
import { context } from './helpers.js';

describe('closed executor', () => {
  it('spawns users at the spawn rate (all at once when the rate covers them), each looping until stopping', async () => {
    const starts: number[] = [];
    const seen = new Set<number>();
    const ctx = context({ users: 4, spawnRate: 20 }, async (user) => {
      if (!seen.has(user)) {
        seen.add(user);
        starts.push(user);
      }
      await sleep(5);
    });
    const ex = closed.create(ctx);
    const run = ex.run();
    await sleep(400);
    expect(ex.progress()).toEqual({ targetUsers: 4 });
    ctx.stop.abort();
    await run;
    expect(starts).toEqual([1, 2, 3, 4]);
    expect(ctx.state.iterationsStarted).toBeGreaterThan(8);
    expect(ctx.state.activeUsers).toBe(0);
  });

  it('the spawn curve: user k starts at (k − 1) / rate, exact and never past the user count', () => {
    const c = new SpawnCurve(5, 2);
    expect([0, 499, 500, 1999, 2000, 10_000].map((t) => c.levelAt(t))).toEqual([1, 1, 2, 4, 5, 5]);
    expect(c.nextLevelChange(0)).toBe(500);
    expect(c.nextLevelChange(1600)).toBe(2000);
    expect(c.nextLevelChange(2000)).toBe(Number.POSITIVE_INFINITY);
    expect(new SpawnCurve(3, 3).levelAt(0)).toBe(3);
    expect(new SpawnCurve(0, 1).levelAt(5000)).toBe(0);
  });

  it('a user whose iterations complete without a macrotask turn still lets timers run: the run ends at its run time', async () => {
    let iterations = 0;
    let spun = false;
    let timerFired = false;
    // an iteration that fails synchronously (e.g. a header value the HTTP client rejects before
    // sending) with no think time: only microtasks, unless the executor yields
    const ctx = context({ users: 2, spawnRate: 2 }, async () => {
      if (++iterations >= 5_000_000 && !spun) {
        spun = true; // bound the test on a build that never yields
        ctx.stop.abort();
      }
    });
    setTimeout(() => {
      timerFired = true;
      ctx.stop.abort();
    }, 50);
    await closed.create(ctx).run();
    expect(spun).toBe(false);
    expect(timerFired).toBe(true);
    expect(iterations).toBeGreaterThan(10);
    expect(ctx.state.activeUsers).toBe(0);
  });

  it('stops at the iteration budget', async () => {
    let runs = 0;
    const ctx = context({ users: 3, spawnRate: 3, iterations: 10 }, async () => void runs++);
    await closed.create(ctx).run();
    expect(runs).toBe(10);
    expect(ctx.state.iterationsStarted).toBe(10);
  });

  it('think time between iterations is cut short when the run stops', async () => {
    let runs = 0;
    const ctx = context({ users: 2, spawnRate: 2 }, async () => void runs++, { thinkMs: 60_000 });
    const run = closed.create(ctx).run();
    await sleep(50);
    const t0 = performance.now();
    ctx.stop.abort();
    await run;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(runs).toBe(2);
  });
});
