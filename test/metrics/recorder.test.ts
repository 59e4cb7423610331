import { describe, expect, it } from 'vitest';
import {
  DROPPED_TREND_SAMPLES_COUNTER,
  INVALID_SAMPLES_COUNTER,
  MAX_REQUEST_NAMES,
  MetricsRecorder,
  OTHER_FAILURE_ERROR,
  OTHER_REQUEST_NAME,
  methodOf,
} from '../../src/metrics/recorder.js';

function fakeClock(startMs = 1_700_000_000_000) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('MetricsRecorder', () => {
  it('records requests per name and aggregated, with rps and error rate', () => {
    const clock = fakeClock();
    const r = new MetricsRecorder({ now: clock.now });
    r.request('POST /v1/files [upload]', 100);
    r.request('POST /v1/files [upload]', 300, 'HTTP 500');
    r.request('GET /v1/batches/{id} [poll]', 50);
    r.request('custom step', 10);
    clock.advance(2000);
    const s = r.snapshot();
    expect(s.elapsedSeconds).toBe(2);
    const up = s.requests['POST /v1/files [upload]'];
    expect(up).toMatchObject({ method: 'POST', count: 2, failures: 1, min: 100, max: 300, mean: 200, rps: 1, errorRate: 0.5, failuresPerSecond: 0.5 });
    expect(s.requests['GET /v1/batches/{id} [poll]'].method).toBe('GET');
    expect(s.requests['custom step'].method).toBe('');
    expect(s.aggregated).toMatchObject({ name: 'Aggregated', method: '', count: 4, failures: 1, min: 10, max: 300, rps: 2, errorRate: 0.25 });
    expect(s.failures).toEqual([{ method: 'POST', name: 'POST /v1/files [upload]', error: 'HTTP 500', occurrences: 1 }]);
    expect(Object.keys(s.requests)).toEqual(['POST /v1/files [upload]', 'GET /v1/batches/{id} [poll]', 'custom step']);
    expect(s.startedAt).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('groups failures by (name, error), most frequent first', () => {
    const r = new MetricsRecorder();
    for (let i = 0; i < 3; i++) r.request('POST /a', 1, 'timeout after 30s');
    r.request('POST /a', 1, 'HTTP 429 rate_limit_exceeded');
    r.request('GET /b', 1, 'timeout after 30s');
    const rows = r.snapshot().failures;
    expect(rows.map((f) => [f.name, f.error, f.occurrences])).toEqual([
      ['POST /a', 'timeout after 30s', 3],
      ['POST /a', 'HTTP 429 rate_limit_exceeded', 1],
      ['GET /b', 'timeout after 30s', 1],
    ]);
  });

  it('failure() adds a failure row that is no request: counts, error rate and interval are untouched', () => {
    const r = new MetricsRecorder();
    r.request('POST /a', 1, 'HTTP 500');
    r.failure('batch workflow', 'poll: not terminal after 5 polls');
    r.failure('batch workflow', 'poll: not terminal after 5 polls');
    const s = r.snapshot();
    expect(s.failures).toEqual([
      { method: '', name: 'batch workflow', error: 'poll: not terminal after 5 polls', occurrences: 2 },
      { method: 'POST', name: 'POST /a', error: 'HTTP 500', occurrences: 1 },
    ]);
    expect(s.requests['batch workflow']).toBeUndefined();
    expect(s.aggregated).toMatchObject({ count: 1, failures: 1, errorRate: 1 });
    expect(r.totals()).toEqual({ requests: 1, failures: 1 });
    expect(r.intervalView().failures).toBe(1);
    expect(MetricsRecorder.merge([s, s]).failures[0]).toMatchObject({ name: 'batch workflow', occurrences: 4 });
  });

  it('caps distinct failure rows and lumps the rest into one other row', () => {
    const r = new MetricsRecorder({ maxFailureRows: 5 });
    for (let i = 0; i < 20; i++) r.request('POST /a', 1, `error ${i}`);
    const rows = r.snapshot().failures;
    expect(rows).toHaveLength(6);
    expect(rows[5]).toMatchObject({ error: OTHER_FAILURE_ERROR, occurrences: 15 });
    expect(rows.reduce((n, f) => n + f.occurrences, 0)).toBe(20);
  });

  it('caps distinct request names', () => {
    const r = new MetricsRecorder();
    for (let i = 0; i < MAX_REQUEST_NAMES + 50; i++) r.request(`GET /x/${i}`, 1);
    const s = r.snapshot(undefined, { histograms: false });
    expect(Object.keys(s.requests)).toHaveLength(MAX_REQUEST_NAMES + 1);
    expect(s.requests[OTHER_REQUEST_NAME].count).toBe(50);
    expect(s.aggregated.count).toBe(MAX_REQUEST_NAMES + 50);
  });

  it('records trends with the unit of the first call', () => {
    const r = new MetricsRecorder();
    r.trend('batch_turnaround', 12_000);
    r.trend('batch_turnaround', 18_000, 'count'); // unit ignored after the first call
    r.trend('batch_polls', 4, 'count');
    r.trend('tokens_per_second', 42.5, 'rate');
    const t = r.snapshot().trends;
    expect(t.batch_turnaround).toMatchObject({ name: 'batch_turnaround', unit: 'ms', count: 2, min: 12_000, max: 18_000, mean: 15_000 });
    expect(t.batch_polls).toMatchObject({ unit: 'count', p50: 4 });
    expect(t.tokens_per_second).toMatchObject({ unit: 'rate', max: 42.5 });
  });

  it('counts counters, and invalid samples', () => {
    const r = new MetricsRecorder();
    r.count('workflows_completed');
    r.count('workflows_completed', 2);
    r.count('batch_lines_ok', 100);
    r.trend('ttft', Number.NaN);
    r.trend('ttft', -5);
    r.request('GET /x', -3);
    const s = r.snapshot();
    expect(s.counters).toMatchObject({ workflows_completed: 3, batch_lines_ok: 100, [INVALID_SAMPLES_COUNTER]: 3 });
    expect(s.trends.ttft.count).toBe(0);
    expect(s.requests['GET /x']).toMatchObject({ count: 1, max: 0 });
    expect(r.counter('batch_lines_ok')).toBe(100);
    expect(r.counter('nope')).toBe(0);
  });

  it('drops samples of trends beyond the name cap and counts them', () => {
    const r = new MetricsRecorder();
    for (let i = 0; i < 1001; i++) r.trend(`t${i}`, 1);
    expect(r.cardinality.trends).toBe(1000);
    expect(r.counter(DROPPED_TREND_SAMPLES_COUNTER)).toBe(1);
  });

  it('snapshot without histograms leaves them empty', () => {
    const r = new MetricsRecorder();
    r.request('GET /x', 5);
    expect(r.snapshot(undefined, { histograms: false }).aggregated.histogram).toBe('');
    expect(r.snapshot().aggregated.histogram.length).toBeGreaterThan(0);
  });

  it('interval view covers the requests since the last tick', () => {
    const clock = fakeClock();
    const r = new MetricsRecorder({ now: clock.now });
    for (let i = 1; i <= 10; i++) r.request('GET /x', i * 10, i === 10 ? 'boom' : undefined);
    clock.advance(2000);
    const first = r.takeInterval();
    expect(first).toMatchObject({ requests: 10, failures: 1, seconds: 2, rps: 5, failuresPerSecond: 0.5, p95: 100 });
    // hdr reports the bucket's upper bound (3 significant digits): 50 ms lands in [49.984, 50.015]
    expect(first.p50).toBeCloseTo(50, 1);
    r.request('GET /x', 1000);
    clock.advance(1000);
    const view = r.intervalView();
    expect(view).toMatchObject({ requests: 1, failures: 0, seconds: 1, rps: 1, p95: 1000 });
    expect(first.latency.count).toBe(10); // the handed-out histogram is not reused
    expect(r.totals()).toEqual({ requests: 11, failures: 1 });
  });

  it('reset forgets everything and restarts the clock', () => {
    const clock = fakeClock();
    const r = new MetricsRecorder({ now: clock.now });
    r.request('GET /x', 5, 'e');
    r.trend('ttft', 5);
    r.count('c');
    clock.advance(5000);
    r.reset();
    clock.advance(1000);
    const s = r.snapshot();
    expect(s.elapsedSeconds).toBe(1);
    expect(s.aggregated.count).toBe(0);
    expect(s.requests).toEqual({});
    expect(s.failures).toEqual([]);
    expect(s.trends).toEqual({});
    expect(s.counters).toEqual({});
  });

  it('merge of two recorders equals one recorder that saw every sample', () => {
    const clock = fakeClock();
    const a = new MetricsRecorder({ now: clock.now });
    const b = new MetricsRecorder({ now: clock.now });
    const all = new MetricsRecorder({ now: clock.now });
    const rnd = lcg(1234);
    const names = ['POST /v1/files [upload]', 'POST /v1/batches [create]', 'GET /v1/batches/{id} [poll]'];
    for (let i = 0; i < 30_000; i++) {
      const name = names[i % 3];
      const ms = Math.round(rnd() * rnd() * 4e6) / 1000;
      const err = rnd() < 0.02 ? (rnd() < 0.5 ? 'HTTP 500' : 'timeout after 30s') : undefined;
      const target = rnd() < 0.4 ? a : b;
      target.request(name, ms, err);
      all.request(name, ms, err);
      if (i % 10 === 0) {
        const turnaround = Math.round(rnd() * 6e7) / 1000;
        target.trend('batch_turnaround', turnaround);
        all.trend('batch_turnaround', turnaround);
        const polls = 1 + Math.floor(rnd() * 20);
        target.trend('batch_polls', polls, 'count');
        all.trend('batch_polls', polls, 'count');
      }
      if (i % 50 === 0) {
        target.count('workflows_completed');
        all.count('workflows_completed');
      }
    }
    clock.advance(60_000);
    const sa = a.snapshot();
    const sb = b.snapshot();
    const merged = MetricsRecorder.merge([sa, sb]);
    const direct = all.snapshot();

    const strip = <T extends { mean: number; histogram: string }>(d: T) => ({ ...d, mean: 0, histogram: '' });
    expect(strip(merged.aggregated)).toEqual(strip(direct.aggregated));
    expect(merged.aggregated.mean).toBeCloseTo(direct.aggregated.mean, 9);
    for (const n of names) {
      expect(strip(merged.requests[n])).toEqual(strip(direct.requests[n]));
    }
    expect(strip(merged.trends.batch_turnaround)).toEqual(strip(direct.trends.batch_turnaround));
    expect(strip(merged.trends.batch_polls)).toEqual(strip(direct.trends.batch_polls));
    expect(merged.counters.workflows_completed).toBe(direct.counters.workflows_completed);
    const byKey = (rows: typeof merged.failures) => Object.fromEntries(rows.map((f) => [`${f.name}|${f.error}`, f.occurrences]));
    expect(byKey(merged.failures)).toEqual(byKey(direct.failures));
    expect(merged.elapsedSeconds).toBe(60);
  });

  it('merge rejects trends whose units differ', () => {
    const a = new MetricsRecorder();
    const b = new MetricsRecorder();
    a.trend('x', 1, 'ms');
    b.trend('x', 1, 'count');
    expect(() => MetricsRecorder.merge([a.snapshot(), b.snapshot()])).toThrow(/unit/);
    expect(() => MetricsRecorder.merge([])).toThrow();
  });

  it('keeps memory flat over 1,000,000 samples', () => {
    const r = new MetricsRecorder({ maxFailureRows: 100 });
    const names = ['POST /v1/files [upload]', 'GET /v1/batches/{id} [poll]', 'POST /v1/chat/completions'];
    const rnd = lcg(5);
    // warm up so histograms reach their working size
    for (let i = 0; i < 10_000; i++) r.request(names[i % 3], rnd() * 60_000);
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) {
      r.request(names[i % 3], rnd() * 60_000, i % 97 === 0 ? `HTTP ${500 + (i % 300)}` : undefined);
      if (i % 4 === 0) r.trend('ttft', rnd() * 2000);
      if (i % 1000 === 0) r.count('workflows_completed');
    }
    globalThis.gc?.();
    const growth = process.memoryUsage().heapUsed - before;
    expect(r.totals().requests).toBe(1_010_000);
    expect(r.cardinality).toEqual({ names: 3, failureRows: 101, trends: 1, counters: 1 });
    // 1M samples kept as a list would take > 8 MB; histograms stay well under that
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('methodOf', () => {
  it('parses the HTTP method from the first word', () => {
    expect(methodOf('POST /v1/files [upload]')).toBe('POST');
    expect(methodOf('DELETE /v1/files/{id}')).toBe('DELETE');
    expect(methodOf('GET')).toBe('GET');
    expect(methodOf('post /x')).toBe('');
    expect(methodOf('/v1/files [upload]')).toBe('');
  });
});
