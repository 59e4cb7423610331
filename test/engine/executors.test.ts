import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve.js';
import type { RawRunOptions } from '../../src/options/run-options.js';
import { runClosedModel, runOpenModel, type ExecutorState } from '../../src/engine/executors.js';
import { sleep } from '../../src/engine/sleep.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';

const config = (raw: RawRunOptions) => resolveRunConfig({ scenario: 'health', ...raw });
const state = (): ExecutorState => ({ activeUsers: 0, iterationsStarted: 0 });

describe('closed model', () => {
  it('spawns users one by one at the spawn rate, each looping until stopping', async () => {
    const stop = new AbortController();
    const starts: number[] = [];
    const seen = new Set<number>();
    const s = state();
    const run = runClosedModel(
      config({ users: 4, spawnRate: 20 }),
      s,
      stop.signal,
      async (user) => {
        if (!seen.has(user)) {
          seen.add(user);
          starts.push(user);
        }
        await sleep(5);
      },
      () => Promise.resolve(),
      () => stop.abort(),
    );
    await sleep(400);
    stop.abort();
    await run;
    expect(starts).toEqual([1, 2, 3, 4]);
    expect(s.iterationsStarted).toBeGreaterThan(8);
    expect(s.activeUsers).toBe(0);
  });

  it('a user whose iterations complete without a macrotask turn still lets timers run: the run ends at its run time', async () => {
    const stop = new AbortController();
    const s = state();
    let iterations = 0;
    let spun = false;
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
      stop.abort();
    }, 50);
    // an iteration that fails synchronously (e.g. a header value the HTTP client rejects before
    // sending) with no think time: only microtasks, unless the executor yields
    const run = runClosedModel(
      config({ users: 2, spawnRate: 2 }),
      s,
      stop.signal,
      async () => {
        if (++iterations >= 5_000_000 && !spun) {
          spun = true; // bound the test on a build that never yields
          stop.abort();
        }
      },
      () => Promise.resolve(),
      () => stop.abort(),
    );
    await run;
    expect(spun).toBe(false);
    expect(timerFired).toBe(true);
    expect(iterations).toBeGreaterThan(10);
    expect(s.activeUsers).toBe(0);
  });

  it('stops at the iteration budget', async () => {
    const stop = new AbortController();
    const s = state();
    let runs = 0;
    await runClosedModel(config({ users: 3, spawnRate: 3, iterations: 10 }), s, stop.signal, async () => void runs++, () => Promise.resolve(), () => stop.abort());
    expect(runs).toBe(10);
    expect(s.iterationsStarted).toBe(10);
  });
});

describe('open model', () => {
  it('starts iterations at the rate with their intended start; a start with no free worker is dropped and counted', async () => {
    const stop = new AbortController();
    const recorder = new MetricsRecorder();
    const scheduled: number[] = [];
    const s = state();
    const t0 = performance.now();
    // one worker, iterations of 50 ms, 100 starts per second: most starts find the worker busy
    const run = runOpenModel(
      config({ users: 1, rate: 100 }),
      s,
      stop.signal,
      async (_user, _i, at) => {
        scheduled.push(at!);
        await sleep(50);
      },
      recorder,
      () => stop.abort(),
    );
    await sleep(500);
    stop.abort();
    await run;
    const dropped = recorder.counter('dropped_iterations');
    // ~50 slots in 500 ms, one 50 ms worker: a handful start, most are dropped (bounds loose:
    // a loaded machine delays ticks, it does not change which starts find the worker busy)
    expect(s.iterationsStarted).toBeGreaterThanOrEqual(2);
    expect(s.iterationsStarted).toBeLessThanOrEqual(12);
    expect(dropped).toBeGreaterThan(s.iterationsStarted);
    expect(scheduled).toHaveLength(s.iterationsStarted);
    // intended start times sit on the 10 ms grid of the rate, not on when the worker got free
    for (const at of scheduled) {
      const slots = (at - scheduled[0]) / 10;
      expect(Math.abs(slots - Math.round(slots))).toBeLessThan(1e-6);
    }
    expect(scheduled[0] - t0).toBeLessThan(1000);
  });

  it('catching up after a stall is arithmetic: 1e9 starts/s on 2 workers drop in one count per tick', async () => {
    const stop = new AbortController();
    const recorder = new MetricsRecorder();
    let droppedCalls = 0;
    const spy = {
      ...recorder,
      count: (name: string, n = 1) => {
        if (name === 'dropped_iterations') droppedCalls++;
        recorder.count(name, n);
      },
    } as unknown as MetricsRecorder;
    const s = state();
    const t0 = performance.now();
    // workers stay busy the whole run: every start but the first two is dropped
    const run = runOpenModel(config({ users: 2, rate: 1e9 }), s, stop.signal, () => sleep(10_000, stop.signal), spy, () => stop.abort());
    await sleep(300);
    stop.abort();
    await run;
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(3000);
    expect(s.iterationsStarted).toBe(2);
    // ~3e8 starts fell due in 300 ms; each tick (≥ 1 ms apart) counts its drops once
    expect(recorder.counter('dropped_iterations')).toBeGreaterThan(1e7);
    expect(droppedCalls).toBeGreaterThan(0);
    expect(droppedCalls).toBeLessThan(elapsed + 10);
  });

  it('at an absurd rate the budget is still exact and the run ends promptly', async () => {
    const stop = new AbortController();
    const recorder = new MetricsRecorder();
    const s = state();
    let budgetSpent = 0;
    const started = performance.now();
    await runOpenModel(config({ users: 3, rate: 1e9, iterations: 7 }), s, stop.signal, () => sleep(20), recorder, () => {
      budgetSpent++;
      stop.abort();
    });
    expect(s.iterationsStarted).toBe(7);
    expect(budgetSpent).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(3000);
    // 3 start at once, the rest of each tick is dropped until workers free up, then 3 more, then 1
    expect(recorder.counter('dropped_iterations')).toBeGreaterThan(0);
  });

  it('with enough workers starts every iteration and honours the budget', async () => {
    const stop = new AbortController();
    const recorder = new MetricsRecorder();
    const s = state();
    await runOpenModel(config({ users: 50, rate: 500, iterations: 100 }), s, stop.signal, async () => sleep(5), recorder, () => stop.abort());
    expect(s.iterationsStarted).toBe(100);
    expect(recorder.counter('dropped_iterations')).toBe(0);
  });
});
