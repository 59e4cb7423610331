import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { open } from '../../../src/engine/executors/open.js';
import { sleep } from '../../../src/engine/sleep.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { context } from './helpers.js';

describe('open executor (constant arrival rate)', () => {
  it('starts iterations at the rate with their intended start; a start with no free worker is dropped and counted', async () => {
    const scheduled: number[] = [];
    const t0 = performance.now();
    // one worker, iterations of 50 ms, 100 starts per second: most starts find the worker busy
    const ctx = context({ users: 1, rate: 100 }, async (_user, _i, at) => {
      scheduled.push(at!);
      await sleep(50);
    });
    const ex = open.create(ctx);
    const run = ex.run();
    await sleep(500);
    ctx.stop.abort();
    await run;
    const { recorder, state } = ctx;
    const dropped = recorder.counter('dropped_iterations');
    // ~50 slots in 500 ms, one 50 ms worker: a handful start, most are dropped (bounds loose:
    // a loaded machine delays ticks, it does not change which starts find the worker busy)
    expect(state.iterationsStarted).toBeGreaterThanOrEqual(2);
    expect(state.iterationsStarted).toBeLessThanOrEqual(12);
    expect(dropped).toBeGreaterThan(state.iterationsStarted);
    expect(recorder.counter('iterations_scheduled')).toBe(dropped + state.iterationsStarted);
    expect(scheduled).toHaveLength(state.iterationsStarted);
    // intended start times sit on the 10 ms grid of the rate, not on when the worker got free
    for (const at of scheduled) {
      const slots = (at - scheduled[0]) / 10;
      expect(Math.abs(slots - Math.round(slots))).toBeLessThan(1e-6);
    }
    expect(scheduled[0] - t0).toBeLessThan(1000);
    const s = ex.schedule!();
    expect(s.started).toBe(state.iterationsStarted);
    expect(s.dropped).toBe(dropped);
    expect(s.requestedRate).toBeCloseTo(100, -1);
  });

  it('records the schedule lag of every start and reports achieved against requested', async () => {
    const ctx = context({ users: 50, rate: 400 }, () => sleep(2));
    const ex = open.create(ctx);
    const run = ex.run();
    await sleep(500);
    ctx.stop.abort();
    await run;
    const snap = ctx.recorder.snapshot();
    expect(snap.trends.schedule_lag.count).toBe(ctx.state.iterationsStarted);
    const s = ex.schedule!();
    expect(s.arrival).toBe('constant');
    expect(s.started).toBe(ctx.state.iterationsStarted);
    // every start that fell due started (50 workers for 400/s of 2 ms iterations)
    expect(s.dropped).toBe(0);
    expect(s.achievedRate / s.requestedRate).toBeGreaterThan(0.9);
  });

  it('starts everything due at each tick: at 20,000/s the starts per tick are many and the count holds', async () => {
    const ctx = context({ users: 1000, rate: 20_000 }, () => Promise.resolve());
    const ex = open.create(ctx);
    const run = ex.run();
    await sleep(300);
    ctx.stop.abort();
    await run;
    const s = ex.schedule!();
    // the schedule's own count: started + dropped = arrivals due, none dropped, none lost
    expect(s.dropped).toBe(0);
    expect(s.started).toBe(s.scheduled);
    // the due arrivals are all started at each tick: within one tick's worth of the ideal count
    expect(s.started).toBeGreaterThan(s.requestedRate * s.seconds * 0.9);
  });

  it('the schedule begins at the first tick: no backlog is fired at once after a slow start', async () => {
    const ctx = context({ users: 100, rate: 1000 }, () => sleep(1));
    const ex = open.create(ctx);
    // block the event loop before the executor starts (a cold process): nothing is due yet
    const until = performance.now() + 100;
    while (performance.now() < until);
    const run = ex.run();
    ctx.stop.abort();
    await run;
    expect(ctx.state.iterationsStarted).toBe(1);
  });

  it('warns and counts when an interval falls behind (starts dropped for want of workers)', async () => {
    const lines: string[] = [];
    const ctx = context({ users: 1, rate: 200 }, () => sleep(100), { log: (l) => lines.push(l) });
    const ex = open.create(ctx);
    const run = ex.run();
    await sleep(400);
    ex.progress();
    ctx.stop.abort();
    await run;
    expect(ctx.recorder.counter('schedule_warnings')).toBe(1);
    expect(lines.join('\n')).toMatch(/fell behind.*dropped for want of a free worker under --users 1/);
  });

  it('catching up after a stall is arithmetic: 1e9 starts/s on 2 workers drop in one count per tick', async () => {
    const recorder = new MetricsRecorder();
    let droppedCalls = 0;
    const spy = {
      ...recorder,
      trend: recorder.trend.bind(recorder),
      count: (name: string, n = 1) => {
        if (name === 'dropped_iterations') droppedCalls++;
        recorder.count(name, n);
      },
    } as unknown as MetricsRecorder;
    const t0 = performance.now();
    const ctx = context({ users: 2, rate: 1e9 }, () => sleep(10_000, ctx.stopping), { recorder: spy });
    const run = open.create(ctx).run();
    await sleep(300);
    ctx.stop.abort();
    await run;
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(3000);
    expect(ctx.state.iterationsStarted).toBe(2);
    // ~3e8 starts fell due in 300 ms; each tick (≥ 1 ms apart) counts its drops once
    expect(recorder.counter('dropped_iterations')).toBeGreaterThan(1e7);
    expect(droppedCalls).toBeGreaterThan(0);
    expect(droppedCalls).toBeLessThan(elapsed + 10);
  });

  it('at an absurd rate the budget is still exact and the run ends promptly', async () => {
    let budgetSpent = 0;
    const started = performance.now();
    const ctx = context({ users: 3, rate: 1e9, iterations: 7 }, () => sleep(20));
    ctx.onBudgetSpent = () => {
      budgetSpent++;
      ctx.stop.abort();
    };
    await open.create(ctx).run();
    expect(ctx.state.iterationsStarted).toBe(7);
    expect(budgetSpent).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(ctx.recorder.counter('dropped_iterations')).toBeGreaterThan(0);
  });

  it('with enough workers starts every iteration and honours the budget', async () => {
    const ctx = context({ users: 50, rate: 500, iterations: 100 }, () => sleep(5));
    await open.create(ctx).run();
    expect(ctx.state.iterationsStarted).toBe(100);
    expect(ctx.recorder.counter('dropped_iterations')).toBe(0);
  });
});
