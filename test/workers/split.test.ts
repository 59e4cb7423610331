import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { applyShare, splitRun, splitWhole, workerSeed } from '../../src/workers/split.js';
import { parseWorkerCount } from '../../src/workers/count.js';
import { availableParallelism } from 'node:os';

const config = (raw: Record<string, unknown>) => resolveRunConfig({ host: 'http://127.0.0.1:9', scenario: 'chat', ...raw });

describe('splitting a run over workers', () => {
  it('whole numbers add up, the remainder going to the lowest indices', () => {
    expect(splitWhole(10, 3)).toEqual([4, 3, 3]);
    expect(splitWhole(3001, 3)).toEqual([1001, 1000, 1000]);
    expect(splitWhole(40, 4)).toEqual([10, 10, 10, 10]);
    for (const [total, n] of [[7, 7], [1_000_003, 13], [5, 2]]) expect(splitWhole(total!, n!).reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('users, iterations, spawn and arrival rates: the shares are the run', () => {
    const shares = splitRun(config({ users: 10, spawnRate: 3, rate: 300, iterations: 3001, seed: 42 }), 3);
    expect(shares.map((s) => s.users)).toEqual([4, 3, 3]);
    expect(shares.map((s) => s.iterations)).toEqual([1001, 1000, 1000]);
    expect(shares.map((s) => s.arrivalRate)).toEqual([100, 100, 100]);
    expect(shares.reduce((n, s) => n + s.spawnRate, 0)).toBeCloseTo(3, 12);
    // the run's users dealt round-robin: worker 1 runs users 2, 5, 8 (ids unique across the run)
    expect(shares.map((s) => s.userIds)).toEqual([{ first: 1, stride: 3 }, { first: 2, stride: 3 }, { first: 3, stride: 3 }]);
    const ids = shares.flatMap((s) => Array.from({ length: s.users }, (_, n) => s.userIds.first + n * s.userIds.stride));
    expect(ids.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('phases: together the workers keep one process’s schedule (user j at j / spawn rate, arrival k at k / rate)', () => {
    // open model, 300/s over 3: each 100/s, starting 0, 3.33, 6.67 ms after the start
    const open = splitRun(config({ users: 9, rate: 300 }), 3);
    const arrivals = open.flatMap((s) => Array.from({ length: 4 }, (_, k) => s.startDelayMs + (k * 1000) / s.arrivalRate)).sort((a, b) => a - b);
    arrivals.forEach((t, k) => expect(t).toBeCloseTo((k * 1000) / 300, 9));
    // closed model, 10 users at 2/s over 3: user j spawns at j × 500 ms
    const closed = splitRun(config({ users: 10, spawnRate: 2 }), 3);
    const spawns = closed.flatMap((s) => Array.from({ length: s.users }, (_, n) => ({ user: s.userIds.first + n * s.userIds.stride, at: s.startDelayMs + (n * 1000) / s.spawnRate })));
    for (const { user, at } of spawns) expect(at).toBeCloseTo((user - 1) * 500, 9);
    // a spawn rate that covers every user spawns them all at once, as one process does
    expect(splitRun(config({ users: 6, spawnRate: 100 }), 3).map((s) => s.startDelayMs)).toEqual([0, 0, 0]);
  });

  it('no iteration budget stays none', () => {
    expect(splitRun(config({ users: 4 }), 2).map((s) => s.iterations)).toEqual([0, 0]);
  });

  it('seeds: one per worker, derived from the run seed and the index; none without a run seed', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => workerSeed(7, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(workerSeed(7, 3)).toBe(workerSeed(7, 3));
    expect(workerSeed(8, 3)).not.toBe(workerSeed(7, 3));
    expect(workerSeed(undefined, 0)).toBeUndefined();
    expect(splitRun(config({ users: 2, seed: 1 }), 2).map((s) => s.seed)).toEqual([workerSeed(1, 0), workerSeed(1, 1)]);
  });

  it('a worker runs its share with the sockets shared out like the users', () => {
    const c = config({ users: 10, connections: 20 });
    const [first] = splitRun(c, 3);
    const worker = applyShare(c, first!);
    expect(worker).toMatchObject({ users: 4, connections: 8, runId: c.runId, runTimeMs: c.runTimeMs });
  });

  it('refuses a split that leaves a worker nothing to do', () => {
    expect(() => splitRun(config({ users: 2 }), 4)).toThrow(ConfigError);
    expect(() => splitRun(config({ users: 2 }), 4)).toThrow(/--workers 4: needs at least 4 users \(--users 2\)/);
    expect(() => splitRun(config({ users: 8, iterations: 3 }), 4)).toThrow(/needs at least 4 iterations/);
  });

  it('--workers: a count, auto or -1 (one per core)', () => {
    expect(parseWorkerCount('3')).toBe(3);
    expect(parseWorkerCount('auto')).toBe(availableParallelism());
    expect(parseWorkerCount('-1')).toBe(availableParallelism());
    for (const bad of ['0', '1.5', 'x', '0x10', '2000']) expect(() => parseWorkerCount(bad)).toThrow(ConfigError);
  });
});
