/**
 * --retry-429: a 429 is sent again after the wait the server asks for; the retried 429s have a
 * request row of their own (counted, reconciled with the server, out of the error rate and of
 * the request's own latency), the last 429 is a failure, and no wait outlives the run.
 */
import { describe, expect, it } from 'vitest';
import { reconcileWithServer } from '../../src/cli/reconcile.js';
import { retriedName, retryAfterMs } from '../../src/http/retry.js';
import type { MockServerOptions } from '../../src/mock/index.js';
import { useMockRuns } from '../helpers/mock-runs.js';
import type { RawRunOptions } from '../../src/options/run-options.js';

const header = (h: Record<string, string>) => ({ header: (n: string) => h[n] });

describe('retryAfterMs / retriedName', () => {
  it('retry-after-ms first, then retry-after in seconds or as an HTTP date', () => {
    expect(retryAfterMs(header({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(header({ 'retry-after': '1.5' }))).toBe(1500);
    expect(retryAfterMs(header({ 'retry-after': new Date(10_000).toUTCString() }), 8_000)).toBe(2000);
    expect(retryAfterMs(header({}))).toBeUndefined();
    expect(retryAfterMs(header({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('a row of its own on the same route', () => {
    expect(retriedName('POST /v1/chat/completions [chat]')).toBe('POST /v1/chat/completions [chat, 429 retried]');
    expect(retriedName('GET /health')).toBe('GET /health [429 retried]');
  });
});

const runs = useMockRuns({ apiKey: 'sk-t', waitMin: 0, waitMax: 0, onlySummary: true, runTime: '30s' });
const against = (options: MockServerOptions, raw: RawRunOptions) => runs.run({ auth: { staticKeys: ['sk-t'] }, ...options }, raw);

describe('--retry-429 against the mock', () => {
  it('with 30 % 429s every request succeeds after retries; counts reconcile; no wait in the latency', async () => {
    const r = await against(
      { faults: { global: { error429: 0.3 }, retryAfterSeconds: 0.3 }, seed: 11 },
      { scenario: 'chat', users: 1, iterations: 20, retry429: 3 },
    );
    const m = r.metrics;
    const chat = m.requests['POST /v1/chat/completions [chat]']!;
    const retried = m.requests['POST /v1/chat/completions [chat, 429 retried]']!;
    expect(chat).toMatchObject({ count: 20, failures: 0 });
    expect(retried.count).toBeGreaterThan(0);
    expect(retried.failures).toBe(0);
    expect(m.counters.rate_limited).toBe(retried.count);
    expect(m.counters.retries).toBe(retried.count);
    expect(m.trends.retry_wait).toMatchObject({ count: retried.count, min: 300, max: 300 });
    // the 300 ms waits are in no request's latency
    expect(chat.max).toBeLessThan(300);
    expect(m.aggregated.failures).toBe(0);
    expect(r.exitCode).toBe(0);
    const rec = reconcileWithServer(m, runs.mock.stats());
    expect(rec.ok).toBe(true);
    expect(runs.mock.stats().requests.byRoute['POST /v1/chat/completions']).toEqual({ 200: 20, 429: retried.count });
  });

  it('retries used up: the last 429 fails under the request name; the batch calls retry too', async () => {
    const r = await against(
      { faults: { routes: { 'POST /v1/chat/completions': { error429: 1 } }, retryAfterSeconds: 0.01 } },
      { scenario: 'chat', users: 1, iterations: 3, retry429: 2 },
    );
    const m = r.metrics;
    expect(m.requests['POST /v1/chat/completions [chat]']).toMatchObject({ count: 3, failures: 3 });
    expect(m.failures).toEqual([expect.objectContaining({ name: 'POST /v1/chat/completions [chat]', error: 'HTTP 429 rate_limit_exceeded', occurrences: 3 })]);
    expect(m.requests['POST /v1/chat/completions [chat, 429 retried]']!.count).toBe(6);
    expect(m.counters).toMatchObject({ rate_limited: 9, retries: 6 });
    expect(r.exitCode).toBe(1);
    expect(reconcileWithServer(m, runs.mock.stats()).ok).toBe(true);
  });

  it('a wait past the run end is not taken: the 429 is final at once', async () => {
    const started = performance.now();
    const r = await against(
      { faults: { global: { error429: 1 }, retryAfterSeconds: 120 } },
      { scenario: 'chat', users: 1, iterations: 1, retry429: 3, runTime: '2s', stopTimeout: '1s' },
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(r.metrics.counters).toMatchObject({ rate_limited: 1, retries: 0 });
    expect(r.metrics.requests['POST /v1/chat/completions [chat]']).toMatchObject({ count: 1, failures: 1 });
  });

  it('the batch workflow: an upload answered 429 is streamed again from the start', async () => {
    const r = await against(
      { faults: { routes: { 'POST /v1/files': { error429: 0.5 }, 'GET /v1/batches/{batch_id}': { error429: 0.5 } }, retryAfterSeconds: 0.01 }, seed: 5 },
      { scenario: 'batch', users: 1, iterations: 3, retry429: 10, pollInterval: '50ms', pollJitter: false, verify: 'content' },
    );
    expect(r.metrics.counters.workflows_completed).toBe(3);
    expect(r.metrics.counters.retries).toBeGreaterThan(0);
    expect(r.metrics.requests['POST /v1/files [upload]']).toMatchObject({ count: 3, failures: 0 });
    expect(r.metrics.requests['POST /v1/files [upload, 429 retried]']!.count).toBeGreaterThan(0);
    expect(reconcileWithServer(r.metrics, runs.mock.stats()).ok).toBe(true);
    expect(r.exitCode).toBe(0);
  });
});
