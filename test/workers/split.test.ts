// A run over N workers: the load shapes' split (splitShape) plus what a worker process needs to
// be one part of one run (user ids, phase, seed, sockets).
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { parseWorkerCount } from '../../src/workers/count.js';
import { splitRun, workerSeed } from '../../src/workers/split.js';

const config = (raw: Record<string, unknown>) => resolveRunConfig({ host: 'http://127.0.0.1:9', scenario: 'chat', ...raw });
const shares = (raw: Record<string, unknown>, n: number) => splitRun(config(raw), n).map((p) => p.share);

describe('splitting a run over workers', () => {
  it('users, iterations, spawn and arrival rates: the shares are the run (remainders to the lowest indices)', () => {
    const s = shares({ users: 10, spawnRate: 3, rate: 300, iterations: 3001, seed: 42 }, 3);
    expect(s.map((x) => x.users)).toEqual([4, 3, 3]);
    expect(s.map((x) => x.iterations)).toEqual([1001, 1000, 1000]);
    expect(s.map((x) => x.arrivalRate)).toEqual([100, 100, 100]);
    expect(s.reduce((n, x) => n + x.spawnRate, 0)).toBeCloseTo(3, 12);
  });

  it('user ids: worker i runs the run’s users i+1, i+1+N, ...: unique, and exactly 1..users', () => {
    const s = shares({ users: 10 }, 3);
    expect(s.map((x) => x.userIds)).toEqual([{ first: 1, stride: 3 }, { first: 2, stride: 3 }, { first: 3, stride: 3 }]);
    const ids = s.flatMap((x) => Array.from({ length: x.users }, (_, n) => x.userIds.first + n * x.userIds.stride));
    expect(ids.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('phases: an even split keeps one process’s schedule (arrival k at k / rate, user j at j / spawn rate)', () => {
    // open model: worker i's starts fall at i/N, i/N + 1, ... expected starts of its own schedule
    const open = shares({ users: 9, rate: 300 }, 3);
    expect(open.map((x) => [x.arrivalPhase, x.startDelayMs])).toEqual([[0, 0], [1 / 3, 0], [2 / 3, 0]]);
    const arrivals = open.flatMap((x) => Array.from({ length: 4 }, (_, k) => ((x.arrivalPhase + k) * 1000) / x.arrivalRate)).sort((a, b) => a - b);
    arrivals.forEach((t, k) => expect(t).toBeCloseTo((k * 1000) / 300, 9));
    expect(shares({ users: 9, rate: 10, stages: '1s:60,1s:0' }, 3).map((x) => x.arrivalPhase)).toEqual([0, 1 / 3, 2 / 3]);
    const closed = shares({ users: 9, spawnRate: 3 }, 3);
    const spawns = closed.flatMap((x) => Array.from({ length: x.users }, (_, n) => ({ user: x.userIds.first + n * x.userIds.stride, at: x.startDelayMs + (n * 1000) / x.spawnRate })));
    for (const { user, at } of spawns) expect(at).toBeCloseTo(((user - 1) * 1000) / 3, 9);
    expect(closed.map((x) => x.arrivalPhase)).toEqual([0, 0, 0]);
    // a spawn rate that covers every user spawns them all at once, as one process does; stages ramp together
    expect(shares({ users: 6, spawnRate: 100 }, 3).map((x) => x.startDelayMs)).toEqual([0, 0, 0]);
    expect(shares({ stages: '5s:6,5s:6' }, 3).map((x) => x.startDelayMs)).toEqual([0, 0, 0]);
  });

  it('each worker runs its own run config: the share, its seed, its part of the sockets; stages split too', () => {
    const c = config({ users: 10, connections: 20, seed: 1 });
    const [first] = splitRun(c, 3);
    expect(first!.config).toMatchObject({ users: 4, connections: 8, seed: workerSeed(1, 0), runId: c.runId, runTimeMs: c.runTimeMs });
    const staged = splitRun(config({ stages: '10s:7,10s:0' }), 2);
    expect(staged.map((p) => p.config.stages!.stages.map((s) => s.target))).toEqual([[4, 0], [3, 0]]);
  });

  it('no iteration budget stays none', () => {
    expect(shares({ users: 4 }, 2).map((x) => x.iterations)).toEqual([0, 0]);
  });

  it('seeds: one per worker, derived from the run seed and the index; none without a run seed', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => workerSeed(7, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(workerSeed(7, 3)).toBe(workerSeed(7, 3));
    expect(workerSeed(8, 3)).not.toBe(workerSeed(7, 3));
    expect(workerSeed(undefined, 0)).toBeUndefined();
    expect(shares({ users: 2, seed: 1 }, 2).map((x) => x.seed)).toEqual([workerSeed(1, 0), workerSeed(1, 1)]);
  });

  it('refuses a split that leaves a worker nothing to do, and what runs in one process only', () => {
    expect(() => splitRun(config({ users: 2 }), 4)).toThrow(ConfigError);
    expect(() => splitRun(config({ users: 2 }), 4)).toThrow(/--workers 4: needs at least 4 users \(--users 2\)/);
    expect(() => splitRun(config({ users: 8, iterations: 3 }), 4)).toThrow(/needs at least 4 iterations/);
    expect(() => splitRun(config({ users: 8, sweep: 5 }), 2)).toThrow(/--sweep searches step by step in one process/);
  });

  it('--workers: a count, auto or -1 (one per core)', () => {
    expect(parseWorkerCount('3')).toBe(3);
    expect(parseWorkerCount('auto')).toBe(availableParallelism());
    expect(parseWorkerCount('-1')).toBe(availableParallelism());
    for (const bad of ['0', '1.5', 'x', '0x10', '2000']) expect(() => parseWorkerCount(bad)).toThrow(ConfigError);
  });
});
