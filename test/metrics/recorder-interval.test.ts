import { describe, expect, it } from 'vitest';
import { clockedRecorder } from '../report/fixture.js';

describe('MetricsRecorder interval view per name, ttft/itl and output tokens', () => {
  it('covers each name, the interval trends and the token counter since the last tick', () => {
    const { recorder: r, advance } = clockedRecorder();
    const requests: Array<[string, number, string?]> = [['POST /a', 10], ['POST /a', 30, 'HTTP 500'], ['GET /b', 5]];
    for (const [name, ms, error] of requests) r.request(name, ms, error);
    // e2e is no interval trend
    for (const [trend, value] of [['ttft', 100], ['itl', 4], ['itl', 6], ['e2e', 500]] as const) r.trend(trend, value);
    r.count('output_tokens_total', 40);
    advance(2000);
    const first = r.takeInterval();
    expect([...first.byName.keys()]).toEqual(['POST /a', 'GET /b']);
    expect(first.byName.get('POST /a')).toMatchObject({ requests: 2, failures: 1 });
    expect(first.byName.get('POST /a')!.latency.max).toBe(30);
    expect([...first.trends.keys()]).toEqual(['ttft', 'itl']);
    expect(first.trends.get('itl')!.count).toBe(2);
    expect(first.counters).toEqual({ output_tokens_total: 40 });

    r.request('GET /b', 7);
    r.count('output_tokens_total', 2);
    advance(1000);
    const view = r.intervalView();
    expect([...view.byName.keys()]).toEqual(['GET /b']);
    expect(view.byName.get('GET /b')).toMatchObject({ requests: 1, failures: 0 });
    expect(view.trends.size).toBe(0);
    expect(view.counters).toEqual({ output_tokens_total: 2 });
    const second = r.takeInterval();
    expect(second.byName.get('GET /b')!.latency.count).toBe(1);
    // the handed-over histograms are no longer written
    r.request('GET /b', 9);
    expect(first.byName.get('GET /b')!.latency.count).toBe(1);
    expect(second.byName.get('GET /b')!.latency.count).toBe(1);
    // totals are untouched by the interval view
    expect(r.snapshot().requests['GET /b'].count).toBe(3);
    r.reset();
    expect(r.takeInterval().byName.size).toBe(0);
  });
});
