import { describe, expect, it } from 'vitest';
import { splitInteger, splitRate, splitShape } from '../../../src/engine/executors/index.js';
import { config } from './helpers.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('splitShape: shares across workers add up to the whole', () => {
  it('integers split with the remainder to the lowest indices', () => {
    expect([0, 1, 2].map((i) => splitInteger(10, i, 3))).toEqual([4, 3, 3]);
    expect([0, 1, 2, 3].map((i) => splitInteger(2, i, 4))).toEqual([1, 1, 0, 0]);
  });

  it('rates split in millionths: 2000/s over 3 workers', () => {
    const shares = [0, 1, 2].map((i) => splitRate(2000, i, 3));
    expect(shares).toEqual([666.666667, 666.666667, 666.666666]);
    expect(sum(shares.map((s) => Math.round(s * 1e6)))).toBe(2000 * 1e6);
  });

  it.each([1, 2, 3, 7])('a closed shape over %i workers: users, spawn rate and iterations add up', (n) => {
    const c = config({ users: 100, spawnRate: 7, iterations: 1001 });
    const shares = Array.from({ length: n }, (_, i) => splitShape(c, i, n).config);
    expect(sum(shares.map((s) => s.users))).toBe(100);
    expect(sum(shares.map((s) => s.iterations))).toBe(1001);
    expect(sum(shares.map((s) => s.spawnRate))).toBeCloseTo(7, 9);
    // each worker's ramp ends when the whole one does
    for (const s of shares) expect(s.users / s.spawnRate).toBeCloseTo(100 / 7, 9);
  });

  it('an open shape: rate and in-flight users add up; stages of rates split stage by stage', () => {
    const c = config({ users: 10, rate: 333.3, arrival: 'poisson', stages: '30s:1000,1m:10.5' });
    const shares = [0, 1, 2, 3].map((i) => splitShape(c, i, 4).config);
    expect(sum(shares.map((s) => s.arrivalRate))).toBeCloseTo(333.3, 9);
    expect(sum(shares.map((s) => s.users))).toBe(10);
    for (const k of [0, 1]) expect(sum(shares.map((s) => s.stages!.stages[k]!.target))).toBeCloseTo(c.stages!.stages[k]!.target, 9);
    for (const s of shares) {
      expect(s.stages!.stages.map((x) => x.durationMs)).toEqual([30_000, 60_000]);
      expect(s.arrival).toEqual({ process: 'poisson', burstiness: 1 });
    }
  });

  it('stages of users split as integers; each worker’s most users is its highest target', () => {
    const c = config({ stages: '10s:10,10s:31,5s:0' });
    const shares = [0, 1, 2].map((i) => splitShape(c, i, 3).config);
    expect(shares.map((s) => s.stages!.stages.map((x) => x.target))).toEqual([
      [4, 11, 0],
      [3, 10, 0],
      [3, 10, 0],
    ]);
    expect(shares.map((s) => s.users)).toEqual([11, 10, 10]);
  });

  it('a worker with no share of a positive iteration budget is idle (0 iterations would mean unbounded)', () => {
    const c = config({ users: 4, iterations: 1 });
    expect(splitShape(c, 0, 2)).toMatchObject({ idle: false, config: { iterations: 1 } });
    expect(splitShape(c, 1, 2)).toMatchObject({ idle: true, config: { iterations: 0 } });
    expect(splitShape(config({ users: 4 }), 1, 2).idle).toBe(false);
  });

  it('refuses a bad index or count, and a sweep (split each step instead)', () => {
    expect(() => splitShape(config({}), 2, 2)).toThrow(/index/);
    expect(() => splitShape(config({}), 0, 0)).toThrow(/count/);
    expect(() => splitShape(config({ sweep: 5 }), 0, 2)).toThrow(/sweep/);
  });
});
