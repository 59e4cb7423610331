import { describe, expect, it } from 'vitest';
import { MetricHistogram } from '../../src/metrics/histogram.js';

/** Deterministic PRNG so the data is "known". */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Nearest-rank percentile, the definition HdrHistogram uses (float noise in p/100·N removed). */
function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil(Math.round((p / 100) * sorted.length * 1e6) / 1e6));
  return sorted[rank - 1];
}

/** 3 significant digits: the bucket's upper bound is within 1/1024 of the true value (+1 raw unit). */
function expectWithinPrecision(actual: number, exact: number, resolution: number): void {
  expect(actual).toBeGreaterThanOrEqual(exact - 1e-9);
  expect(actual - exact).toBeLessThanOrEqual(exact / 1024 + resolution);
}

describe('MetricHistogram', () => {
  it('matches brute-force percentiles on known ms data within 3 significant digits', () => {
    const rnd = lcg(42);
    // µs-precise latencies, log-spread from 0.05 ms to ~50 s
    const values = Array.from({ length: 20_000 }, () => Math.round(Math.exp(rnd() * 13.8) * 50) / 1000);
    const h = new MetricHistogram('ms');
    for (const v of values) h.record(v);
    const sorted = [...values].sort((a, b) => a - b);
    const d = h.distribution();
    expect(d.count).toBe(values.length);
    expect(d.min).toBe(sorted[0]);
    expect(d.max).toBe(sorted[sorted.length - 1]);
    expect(d.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    const pairs: Array<[number, number]> = [[50, d.p50], [90, d.p90], [95, d.p95], [99, d.p99], [99.9, d.p999]];
    for (const [p, got] of pairs) expectWithinPrecision(got, exactPercentile(sorted, p), 0.001);
    for (const p of [1, 33.3, 66, 75, 98, 99.99, 100]) expectWithinPrecision(h.percentile(p), exactPercentile(sorted, p), 0.001);
  });

  it('is exact (µs) below 2.048 ms', () => {
    const h = new MetricHistogram('ms');
    const values = [0.001, 0.5, 1.234, 2.047, 0.75];
    for (const v of values) h.record(v);
    expect(h.percentile(50)).toBe(0.75);
    expect(h.percentile(100)).toBe(2.047);
    expect(h.min).toBe(0.001);
  });

  it('never reports a percentile above max or below min', () => {
    const h = new MetricHistogram('ms');
    h.record(12345.678);
    expect(h.percentile(99)).toBe(12345.678);
    expect(h.percentile(50)).toBe(12345.678);
  });

  it('rounds sub-resolution values and accepts 0', () => {
    const h = new MetricHistogram('ms');
    expect(h.record(0)).toBe(true);
    expect(h.record(0.0004)).toBe(true);
    expect(h.max).toBe(0);
    expect(h.count).toBe(2);
  });

  it('rejects NaN, Infinity and negatives without recording', () => {
    const h = new MetricHistogram('ms');
    expect(h.record(Number.NaN)).toBe(false);
    expect(h.record(Number.POSITIVE_INFINITY)).toBe(false);
    expect(h.record(-1)).toBe(false);
    expect(h.count).toBe(0);
    expect(h.distribution().p99).toBe(0);
  });

  it('auto-resizes for huge values (no overflow, no clamping)', () => {
    const h = new MetricHistogram('ms');
    h.record(1);
    h.record(30 * 24 * 3600 * 1000); // 30 days
    expect(h.max).toBe(30 * 24 * 3600 * 1000);
    expectWithinPrecision(h.percentile(100), 30 * 24 * 3600 * 1000, 0.001);
  });

  it('stores count and rate units', () => {
    const c = new MetricHistogram('count');
    [3, 7, 7, 10].forEach((v) => c.record(v));
    expect(c.distribution()).toMatchObject({ count: 4, min: 3, max: 10, p50: 7, mean: 6.75 });
    const r = new MetricHistogram('rate');
    [12.5, 40.125, 99.999].forEach((v) => r.record(v));
    expect(r.min).toBe(12.5);
    expect(r.max).toBe(99.999);
    expect(r.percentile(50)).toBeCloseTo(40.125, 1);
  });

  it('encode/decode round-trips percentiles, min, max and mean exactly', () => {
    const rnd = lcg(7);
    const h = new MetricHistogram('ms');
    for (let i = 0; i < 5000; i++) h.record(Math.round(rnd() * 1e7) / 1000);
    const d = h.distribution();
    const back = MetricHistogram.fromDistribution(d, 'ms');
    expect(back.distribution()).toEqual(d);
    // without the exact stats: bucket-derived but still consistent
    const loose = MetricHistogram.decode(d.histogram, 'ms');
    expect(loose.count).toBe(d.count);
    expect(loose.percentile(95)).toBe(d.p95);
  });

  it('merge equals one histogram that saw all samples', () => {
    const rnd = lcg(99);
    const a = new MetricHistogram('ms');
    const b = new MetricHistogram('ms');
    const all = new MetricHistogram('ms');
    for (let i = 0; i < 10_000; i++) {
      const v = Math.round(rnd() * 5e6) / 1000;
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    const merged = MetricHistogram.merge(
      MetricHistogram.fromDistribution(a.distribution(), 'ms'),
      MetricHistogram.fromDistribution(b.distribution(), 'ms'),
    );
    const m = merged.distribution(false);
    const e = all.distribution(false);
    expect({ ...m, mean: 0 }).toEqual({ ...e, mean: 0 });
    expect(m.mean).toBeCloseTo(e.mean, 9);
  });

  it('refuses to merge different units', () => {
    expect(() => new MetricHistogram('ms').add(new MetricHistogram('count'))).toThrow(/merge/);
  });
});
