import { describe, expect, it } from 'vitest';
import { Profile } from '../../../src/engine/executors/profile.js';

const stages = (text: string) => text.split(',').map((p) => ({ durationMs: Number(p.split(':')[0]) * 1000, target: Number(p.split(':')[1]) }));

describe('Profile (a target over time)', () => {
  it('interpolates linearly through the stages and holds the last target', () => {
    const p = new Profile(0, stages('5:10,5:30,5:0'));
    expect([0, 2500, 5000, 7500, 10_000, 12_500, 15_000, 20_000].map((t) => p.valueAt(t))).toEqual([0, 5, 10, 20, 30, 15, 0, 0]);
    expect(p.durationMs).toBe(15_000);
    expect(p.max).toBe(30);
  });

  it('its integral counts expected starts and its inverse maps a count back to the time it falls due', () => {
    // 0 → 100/s over 10 s: 500 starts; then 100/s for ever
    const p = new Profile(0, stages('10:100'));
    expect(p.integral(10_000)).toBeCloseTo(500, 9);
    expect(p.integral(5000)).toBeCloseTo(125, 9);
    expect(p.integral(12_000)).toBeCloseTo(700, 9);
    for (const x of [0.5, 1, 125, 499.9, 500, 700]) expect(p.integral(p.timeOfIntegral(x))).toBeCloseTo(x, 6);
    // a constant rate: the k-th start at k / rate
    const c = Profile.constant(500);
    expect(c.timeOfIntegral(10)).toBeCloseTo(20, 9);
    // a ramp down to 0: no start after the last
    const down = new Profile(10, stages('2:0'));
    expect(down.integral(2000)).toBeCloseTo(10, 9);
    expect(down.timeOfIntegral(10.5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('levels (users) change exactly where the linear target crosses an integer, up and down', () => {
    const p = new Profile(0, stages('5:10,5:0'));
    const seen: Array<[number, number]> = [];
    for (let t = 0; Number.isFinite(t) && seen.length < 40; t = p.nextLevelChange(t)) seen.push([Math.round(t), p.levelAt(t)]);
    const levels = seen.map(([, l]) => l);
    expect(levels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // every 0.5 s on the way up
    expect(seen.slice(1, 11).map(([t]) => t)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
    for (const [t, l] of seen) expect(Math.abs(l - p.valueAt(t))).toBeLessThan(1);
  });
});
