import { describe, expect, it } from 'vitest';
import { isStreamedRequestName } from '../../src/metrics/names.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { MetricsSnapshot } from '../../src/metrics/types.js';
import { compare, defaultThresholds, evaluateThresholds } from '../../src/thresholds/evaluate.js';
import { parseThreshold } from '../../src/thresholds/parse.js';

const UPLOAD = 'POST /v1/files [upload]';

function snapshot(): MetricsSnapshot {
  let t = 0;
  const r = new MetricsRecorder({ now: () => t });
  for (let i = 1; i <= 100; i++) r.request(UPLOAD, i, i > 98 ? 'HTTP 500' : undefined); // 1..100 ms, 2 failures
  for (let i = 1; i <= 100; i++) r.request('GET /v1/batches/{id} [poll]', 1000 + i);
  r.request('GET /empty-soon', 1);
  [10_000, 20_000, 30_000].forEach((v) => r.trend('batch_turnaround', v));
  r.trend('batch_polls', 4, 'count');
  r.trend('never', Number.NaN); // exists, no samples
  r.count('workflows_completed', 3);
  r.count('integrity_missing', 2);
  r.count('integrity_duplicate', 1);
  t = 10_000;
  return r.snapshot();
}

function evalOne(expr: string, s = snapshot(), derived?: Parameters<typeof evaluateThresholds>[2]) {
  const results = evaluateThresholds(parseThreshold(expr), s, derived);
  expect(results).toHaveLength(1);
  return results[0];
}

describe('evaluateThresholds', () => {
  const s = snapshot();

  it('request name: percentiles, avg/min/max/med, count, rate = error rate', () => {
    // hdr: 3 significant digits, the bucket's upper bound (99 ms → 99.007)
    const p99 = evalOne(`${UPLOAD}: p(99)<800`, s);
    expect(p99).toMatchObject({ passed: true, threshold: 800, op: '<' });
    expect(p99.observed).toBeCloseTo(99, 1);
    expect(evalOne(`${UPLOAD}: avg==50.5`, s)).toMatchObject({ observed: 50.5, passed: true });
    expect(evalOne(`${UPLOAD}: min==1`, s).passed).toBe(true);
    expect(evalOne(`${UPLOAD}: max==100`, s).passed).toBe(true);
    expect(evalOne(`${UPLOAD}: med<50.1`, s).passed).toBe(true);
    expect(evalOne(`${UPLOAD}: med>=50`, s).passed).toBe(true);
    expect(evalOne(`${UPLOAD}: count==100`, s).passed).toBe(true);
    expect(evalOne(`${UPLOAD}: rate<0.01`, s)).toMatchObject({ observed: 0.02, passed: false });
    // uncommon percentile: decoded from the histogram
    const p66 = evalOne(`${UPLOAD}: p(66)<=66.1`, s);
    expect(p66.passed).toBe(true);
    expect(p66.observed).toBeCloseTo(66, 1);
  });

  it('aggregated aliases', () => {
    for (const m of ['http_req_duration', 'http', 'Aggregated']) {
      expect(evalOne(`${m}: count==201`, s).passed).toBe(true);
      expect(evalOne(`${m}: max<=1100`, s)).toMatchObject({ observed: 1100, passed: true });
    }
    expect(evalOne('http_req_duration: p(95)<500', s).passed).toBe(false);
  });

  it('errors and http_reqs', () => {
    expect(evalOne('errors: rate<0.01', s)).toMatchObject({ observed: 2 / 201, passed: true });
    expect(evalOne('errors: count==2', s).passed).toBe(true);
    expect(evalOne('errors: p(95)<1', s)).toMatchObject({ observed: null, passed: false, note: expect.stringContaining("'p(95)' is not available") });
    expect(evalOne('http_reqs: count>200', s).passed).toBe(true);
    expect(evalOne('http_reqs: rate>=20.1', s)).toMatchObject({ observed: 20.1, passed: true });
  });

  it('trends in their unit; count = samples; rate unsupported', () => {
    expect(evalOne('batch_turnaround: p(95)<60000', s)).toMatchObject({ observed: 30_000, passed: true });
    expect(evalOne('batch_turnaround: avg==20000', s).passed).toBe(true);
    expect(evalOne('batch_turnaround: count==3', s).passed).toBe(true);
    expect(evalOne('batch_polls: max<=4', s).passed).toBe(true);
    expect(evalOne('batch_turnaround: rate<1', s)).toMatchObject({ passed: false, note: expect.stringContaining('not available') });
  });

  it('counters: count = value, rate = per second', () => {
    expect(evalOne('workflows_completed: count>=3', s)).toMatchObject({ observed: 3, passed: true });
    expect(evalOne('workflows_completed: rate==0.3', s)).toMatchObject({ observed: 0.3, passed: true });
    expect(evalOne('workflows_completed: avg<1', s).passed).toBe(false);
  });

  it('integrity sums integrity_* counters, 0 when none exist', () => {
    expect(evalOne('integrity: count==0', s)).toMatchObject({ observed: 3, passed: false });
    expect(evalOne('integrity: count==0', new MetricsRecorder().snapshot())).toMatchObject({ observed: 0, passed: true });
  });

  it('derived metrics by aggregation', () => {
    const derived = { overhead: { 'p(50)': 2, 'p(99)': 12 } };
    expect(evalOne('overhead: p(99)<10', s, derived)).toMatchObject({ observed: 12, passed: false });
    expect(evalOne('overhead: p(50)<10', s, derived)).toMatchObject({ observed: 2, passed: true });
    expect(evalOne('overhead: p(95)<10', s, derived)).toMatchObject({ observed: null, passed: false, note: expect.stringContaining('p(50), p(99)') });
    expect(evalOne('overhead: p(99)<10', s, { overhead: {} })).toMatchObject({ observed: null, note: 'no samples' });
  });

  it('a known counter that was never created has no samples and fails; the engine creates workflows_failed at 0', () => {
    expect(evalOne('workflows_failed: count==0', s)).toMatchObject({ observed: null, passed: false, note: 'no samples' });
    const r = new MetricsRecorder();
    r.count('workflows_failed', 0);
    expect(evalOne('workflows_failed: count==0', r.snapshot())).toMatchObject({ observed: 0, passed: true });
  });

  it('unknown metric fails with a note instead of throwing', () => {
    expect(evalOne('nope: p(95)<1', s)).toMatchObject({ observed: null, passed: false, note: "unknown metric 'nope'" });
  });

  it('no samples fails with observed null', () => {
    expect(evalOne('never: p(95)<1', s)).toMatchObject({ observed: null, passed: false, note: 'no samples' });
    const empty = new MetricsRecorder().snapshot();
    expect(evalOne('http_req_duration: p(95)<1', empty)).toMatchObject({ observed: null, note: 'no samples' });
    expect(evalOne('errors: rate<0.1', empty)).toMatchObject({ observed: null, note: 'no samples' });
    expect(evalOne('errors: count==0', empty)).toMatchObject({ observed: 0, passed: true });
  });

  it('uncommon percentile without histograms notes it', () => {
    let t = 0;
    const r = new MetricsRecorder({ now: () => t });
    r.request('GET /x', 5);
    t = 1000;
    const lean = r.snapshot(undefined, { histograms: false });
    expect(evalOne('GET /x: p(66)<10', lean)).toMatchObject({ observed: null, note: expect.stringContaining('histogram') });
    expect(evalOne('GET /x: p(95)<10', lean).passed).toBe(true);
  });

  it('keeps spec fields in the result', () => {
    const [res] = evaluateThresholds(parseThreshold('errors: rate<=0.5'), s);
    expect(res).toEqual({ source: 'errors: rate<=0.5', metric: 'errors', aggregation: 'rate', op: '<=', threshold: 0.5, observed: 2 / 201, passed: true });
  });
});

describe('http_req_duration_nonstream', () => {
  const CHAT = 'POST /v1/chat/completions [chat]';
  const STREAM = 'POST /v1/chat/completions [chat stream]';
  const BASELINE_STREAM = 'POST /v1/chat/completions [chat stream baseline]';

  it('is exactly the merge of the non-streamed request names', () => {
    const mixed = new MetricsRecorder();
    const plain = new MetricsRecorder();
    for (const r of [mixed, plain]) {
      for (let i = 1; i <= 100; i++) r.request(CHAT, i, i > 95 ? 'HTTP 500' : undefined);
      for (let i = 1; i <= 50; i++) r.request('GET /health [health]', 200 + i);
    }
    for (let i = 1; i <= 300; i++) mixed.request(STREAM, 5000 + i);
    for (let i = 1; i <= 10; i++) mixed.request(BASELINE_STREAM, 9000 + i, 'timeout after 60s');
    const m = mixed.snapshot();
    const p = plain.snapshot();
    for (const agg of ['p(95)', 'p(66)', 'avg', 'min', 'max', 'med', 'count', 'rate']) {
      const got = evalOne(`http_req_duration_nonstream: ${agg}<0`, m).observed;
      const want = evalOne(`http_req_duration: ${agg}<0`, p).observed;
      expect(got, agg).toBeCloseTo(want!, 9);
    }
    expect(evalOne('http_req_duration_nonstream: count==150', m).passed).toBe(true);
    expect(evalOne('http_req_duration_nonstream: rate<0.04', m)).toMatchObject({ observed: 5 / 150, passed: true });
    expect(evalOne('http_req_duration: p(95)<=1000', m).passed).toBe(false);
  });

  it('equals the aggregate when nothing streams; no samples when everything streams', () => {
    expect(evalOne('http_req_duration_nonstream: p(95)<1000', snapshot()).observed).toBe(evalOne('http_req_duration: p(95)<1000', snapshot()).observed);
    const streams = new MetricsRecorder();
    streams.request(STREAM, 10);
    expect(evalOne('http_req_duration_nonstream: p(95)<1000', streams.snapshot())).toMatchObject({ observed: null, passed: false, note: 'no samples' });
  });

  it('a snapshot without histograms cannot merge names: says so', () => {
    const r = new MetricsRecorder();
    r.request(CHAT, 10);
    r.request(STREAM, 10);
    expect(evalOne('http_req_duration_nonstream: p(95)<1000', r.snapshot(undefined, { histograms: false }))).toMatchObject({
      observed: null,
      note: expect.stringContaining('histogram'),
    });
  });

  it('streamed names are the ones whose bracket tag holds the word stream', () => {
    expect([CHAT, STREAM, BASELINE_STREAM, 'POST /v1/responses [responses stream]', 'GET /v1/streams [list]', 'POST /v1/files [upload]'].map(isStreamedRequestName)).toEqual([
      false, true, true, true, false, false,
    ]);
  });
});

describe('defaultThresholds', () => {
  it('builds the p95 and error-rate specs', () => {
    expect(defaultThresholds(1000, 0.01)).toEqual([
      { source: 'http_req_duration: p(95)<=1000', metric: 'http_req_duration', aggregation: 'p(95)', op: '<=', value: 1000 },
      { source: 'errors: rate<=0.01', metric: 'errors', aggregation: 'rate', op: '<=', value: 0.01 },
    ]);
  });
});

describe('compare', () => {
  it('implements every operator', () => {
    expect([compare(1, '<', 2), compare(2, '<=', 2), compare(3, '>', 2), compare(2, '>=', 2), compare(2, '==', 2), compare(1, '!=', 2)]).toEqual([true, true, true, true, true, true]);
    expect([compare(2, '<', 2), compare(3, '<=', 2), compare(2, '>', 2), compare(1, '>=', 2), compare(1, '==', 2), compare(2, '!=', 2)]).toEqual([false, false, false, false, false, false]);
  });
});
