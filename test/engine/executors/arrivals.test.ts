import { describe, expect, it } from 'vitest';
import { createArrivalProcess } from '../../../src/engine/executors/arrivals.js';
import { Profile } from '../../../src/engine/executors/profile.js';
import { createRandom } from '../../../src/engine/random.js';

/** The intended start times (ms) of `n` arrivals at `rate`/s, as the scheduler computes them. */
function schedule(process: 'constant' | 'poisson' | 'gamma', rate: number, n: number, seed: number, burstiness = 1): number[] {
  const arrivals = createArrivalProcess({ process, burstiness }, createRandom(seed));
  const profile = Profile.constant(rate);
  const out: number[] = [];
  for (let x = arrivals.first(); out.length < n; x += arrivals.next()) out.push(profile.timeOfIntegral(x));
  return out;
}

function gapStats(times: number[]): { mean: number; cv: number } {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

describe('arrival processes (the generated schedule, counted: no timing)', () => {
  it('poisson: 20,000 arrivals at 500/s have a mean gap within 2 % of 2 ms and a CV in 0.95–1.05', () => {
    const { mean, cv } = gapStats(schedule('poisson', 500, 20_000, 42));
    expect(Math.abs(mean - 2) / 2).toBeLessThan(0.02);
    expect(cv).toBeGreaterThanOrEqual(0.95);
    expect(cv).toBeLessThanOrEqual(1.05);
  });

  it('gamma with burstiness 0.25: the same mean gap, CV 2.0 ± 5 %', () => {
    const { mean, cv } = gapStats(schedule('gamma', 500, 20_000, 42, 0.25));
    expect(Math.abs(mean - 2) / 2).toBeLessThan(0.05);
    expect(Math.abs(cv - 2) / 2).toBeLessThan(0.05);
  });

  it('gamma with burstiness 1 is Poisson-like, above 1 smoother (CV 1/√K)', () => {
    expect(gapStats(schedule('gamma', 500, 20_000, 7, 1)).cv).toBeCloseTo(1, 1);
    expect(gapStats(schedule('gamma', 500, 20_000, 7, 4)).cv).toBeCloseTo(0.5, 1);
  });

  it('constant: every gap is exactly 1 / rate, the first start at once', () => {
    const t = schedule('constant', 500, 1000, 1);
    expect(t[0]).toBe(0);
    expect(gapStats(t).cv).toBeLessThan(1e-9);
    expect(t[999]).toBeCloseTo(1998, 6);
  });

  it('the same seed gives the same schedule; another seed another one', () => {
    expect(schedule('poisson', 100, 50, 3)).toEqual(schedule('poisson', 100, 50, 3));
    expect(schedule('poisson', 100, 50, 3)).not.toEqual(schedule('poisson', 100, 50, 4));
  });

  it('on a ramp the arrivals follow the rate: 0 → 100/s over 10 s puts ~1/4 of them in the first half', () => {
    const arrivals = createArrivalProcess({ process: 'poisson', burstiness: 1 }, createRandom(5));
    const profile = new Profile(0, [{ durationMs: 10_000, target: 100 }]);
    const times: number[] = [];
    for (let x = arrivals.first(); ; x += arrivals.next()) {
      const t = profile.timeOfIntegral(x);
      if (t >= 10_000) break;
      times.push(t);
    }
    // expected 500 in all, 125 in the first 5 s (Poisson: ± a few √n)
    expect(times.length).toBeGreaterThan(430);
    expect(times.length).toBeLessThan(570);
    const firstHalf = times.filter((t) => t < 5000).length;
    expect(firstHalf / times.length).toBeGreaterThan(0.18);
    expect(firstHalf / times.length).toBeLessThan(0.32);
  });
});
