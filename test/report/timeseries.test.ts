import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricHistogram } from '../../src/metrics/histogram.js';
import { STATS_HISTORY_HEADER } from '../../src/report/csv.js';
import { TimeSeries } from '../../src/report/timeseries.js';
import { clockedRecorder } from './fixture.js';
import { realMixedRun, type RealRun } from './real-run.js';

/** Deterministic pseudo-random numbers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Feeds `n` intervals of 1 s into a series; returns the per-interval reference histograms. */
function feed(series: TimeSeries, n: number, onAdd?: () => void) {
  const { recorder, advance } = clockedRecorder();
  const rnd = lcg(42);
  const reference: Array<{ startMs: number; endMs: number; all: MetricHistogram; a: MetricHistogram; ttft: MetricHistogram }> = [];
  for (let i = 0; i < n; i++) {
    const ref = { startMs: 0, endMs: 0, all: new MetricHistogram(), a: new MetricHistogram(), ttft: new MetricHistogram() };
    const requests = 1 + Math.floor(rnd() * 40);
    for (let k = 0; k < requests; k++) {
      const name = k % 3 === 0 ? 'POST /a' : 'GET /b';
      const ms = 1 + rnd() * (i % 7 === 0 ? 2000 : 200);
      recorder.request(name, ms, rnd() < 0.1 ? 'HTTP 500' : undefined);
      ref.all.record(ms);
      if (name === 'POST /a') ref.a.record(ms);
    }
    const ttft = 50 + rnd() * 100;
    recorder.trend('ttft', ttft);
    ref.ttft.record(ttft);
    recorder.count('output_tokens_total', 10);
    advance(1000);
    const interval = recorder.takeInterval();
    ref.startMs = interval.startedAtMs;
    ref.endMs = interval.endedAtMs;
    reference.push(ref);
    series.add({ interval, users: i % 2 === 0 ? 10 : 20, targetUsers: 20, batchesInFlight: { in_progress: i % 2 === 0 ? 2 : 4 } });
    onAdd?.();
  }
  return { reference, totals: recorder.totals() };
}

const sum = <T,>(items: T[], f: (p: T) => number) => items.reduce((n, p) => n + f(p), 0);

describe('TimeSeries', () => {
  it('one point per interval: counts, rates, percentiles, per name, ttft, tokens and gauges', () => {
    const series = new TimeSeries();
    const { reference } = feed(series, 5);
    const points = series.toJSON();
    expect(points).toHaveLength(5);
    points.forEach((p, i) => {
      const ref = reference[i];
      expect(p).toMatchObject({ intervals: 1, seconds: 1, requests: ref.all.count, rps: ref.all.count, users: i % 2 === 0 ? 10 : 20, targetUsers: 20 });
      expect(p.start).toBe(new Date(ref.startMs).toISOString());
      expect(p.p95).toBe(ref.all.percentile(95));
      expect(p.byName['POST /a'].requests).toBe(ref.a.count);
      expect(p.byName['POST /a'].p99).toBe(ref.a.percentile(99));
      expect(p.byName['POST /a'].requests + p.byName['GET /b'].requests).toBe(p.requests);
      expect(p.byName['POST /a'].failures + p.byName['GET /b'].failures).toBe(p.failures);
      expect(p.ttft).toEqual({ count: 1, p50: ref.ttft.percentile(50), p95: ref.ttft.percentile(95) });
      expect(p.itl).toBeUndefined();
      expect(p).toMatchObject({ outputTokens: 10, outputTokensPerSecond: 10, batchesInFlight: { in_progress: i % 2 === 0 ? 2 : 4 } });
    });
  });

  it('stays under its cap by merging pairs, with exact counts and percentiles of the merged histograms', () => {
    const series = new TimeSeries({ maxPoints: 8 });
    let most = 0;
    const { reference, totals } = feed(series, 203, () => (most = Math.max(most, series.length)));
    expect(most).toBeLessThanOrEqual(9); // maxPoints + the point being gathered
    const points = series.toJSON();
    expect(points.length).toBeGreaterThanOrEqual(4);
    expect(series.intervalsPerPoint).toBeGreaterThanOrEqual(16);
    // counts exact: every interval in exactly one point, in order, no gaps
    expect(sum(points, (p) => p.requests)).toBe(totals.requests);
    expect(sum(points, (p) => p.failures)).toBe(totals.failures);
    expect(sum(points, (p) => p.intervals)).toBe(203);
    expect(sum(points, (p) => p.outputTokens ?? 0)).toBe(2030);
    for (let i = 1; i < points.length; i++) expect(points[i].start).toBe(points[i - 1].end);
    // percentiles: those of the histogram of every sample in the point's intervals
    let next = 0;
    for (const p of points) {
      const all = new MetricHistogram();
      const a = new MetricHistogram();
      const ttft = new MetricHistogram();
      for (let k = 0; k < p.intervals; k++, next++) {
        all.add(reference[next].all);
        a.add(reference[next].a);
        ttft.add(reference[next].ttft);
      }
      expect(new Date(reference[next - 1].endMs).toISOString()).toBe(p.end);
      expect([p.p50, p.p95, p.p99]).toEqual([all.percentile(50), all.percentile(95), all.percentile(99)]);
      expect(p.byName['POST /a'].p95).toBe(a.percentile(95));
      expect(p.ttft).toEqual({ count: p.intervals, p50: ttft.percentile(50), p95: ttft.percentile(95) });
      expect(p.rps).toBeCloseTo(p.requests / p.intervals, 3);
      // gauges: time-weighted means (users alternate 10/20 each second)
      expect(p.users).toBeGreaterThanOrEqual(10);
      expect(p.users).toBeLessThanOrEqual(20);
      if (p.intervals % 2 === 0) {
        expect(p.users).toBe(15);
        expect(p.batchesInFlight).toEqual({ in_progress: 3 });
      }
    }
    expect(next).toBe(203);
  });

  it('gives the first maxNames names their own series; the rest count in the overall figures only', () => {
    const series = new TimeSeries({ maxNames: 1 });
    feed(series, 3);
    for (const p of series.toJSON()) {
      expect(Object.keys(p.byName)).toEqual(['POST /a']);
      expect(p.requests).toBeGreaterThan(p.byName['POST /a'].requests);
    }
  });

  it('an interval without requests has null percentiles (a gap in the charts), not zeros', () => {
    const { recorder, advance } = clockedRecorder();
    const series = new TimeSeries();
    advance(1000);
    series.add({ interval: recorder.takeInterval() });
    expect(series.toJSON()[0]).toMatchObject({ requests: 0, rps: 0, p50: null, p95: null, p99: null, byName: {} });
    expect(series.toJSON()[0].users).toBeUndefined();
  });
});

describe('a real run: the JSON time series and the stats-history CSV agree', () => {
  let run: RealRun;
  beforeAll(async () => {
    run = await realMixedRun();
  });
  afterAll(async () => {
    if (run) await rm(run.dir, { recursive: true, force: true });
  });

  it('has the same request and failure counts per interval', async () => {
    const rows = (await readFile(run.historyPath, 'utf8')).trimEnd().split('\n');
    expect(rows[0]).toBe(STATS_HISTORY_HEADER.join(','));
    const totals = rows.slice(1).map((r) => r.split(',').slice(-2).map(Number));
    const points = run.doc.timeseries!;
    expect(points.length).toBeGreaterThanOrEqual(8);
    expect(points).toHaveLength(totals.length);
    points.forEach((p, i) => {
      const [requests, failures] = totals[i];
      const [prevRequests, prevFailures] = i === 0 ? [0, 0] : totals[i - 1];
      expect(p.requests, `interval ${i}`).toBe(requests - prevRequests);
      expect(p.failures, `interval ${i}`).toBe(failures - prevFailures);
    });
    // the engine's last tick covers the rest of the run: every request is in the series once
    expect(sum(points, (p) => p.requests)).toBe(totals[totals.length - 1][0]);
    expect(sum(points, (p) => p.requests)).toBe(run.result.metrics.aggregated.count);
    expect(sum(points, (p) => p.failures)).toBe(run.result.metrics.aggregated.failures);
    for (const p of points) expect(sum(Object.values(p.byName), (n) => n.requests)).toBe(p.requests);
    expect(points.some((p) => p.ttft && p.ttft.count > 0)).toBe(true);
    expect(points.some((p) => (p.outputTokens ?? 0) > 0)).toBe(true);
    expect(run.doc.batches!.length).toBeGreaterThan(0);
  });
});
