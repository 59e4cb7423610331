/**
 * Long runs: ?async=true polled to completion, DELETE mid-run keeping a partial result whose
 * counts reconcile with what the mock saw, 409 while busy, /metrics live and idle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAST, startHarness, TOKEN, waitFor, type Harness } from './helpers.js';
import { parsePrometheus } from './prometheus.js';

let h: Harness;
let slow: MockServer;
beforeAll(async () => {
  h = await startHarness();
  // slow replies, so a stop always finds requests in flight
  slow = await startMockServer({ latency: { ttftMs: 300, perTokenMs: 0, jitterMs: 0 } });
});
afterAll(async () => {
  await h.close();
  await slow.close();
});

describe('async runs', () => {
  it('?async=true answers 202 with a run id at once; GET /runs/{id} polls to completion', async () => {
    const r = await h.call('POST', '/run-load-tests/embeddings?async=true', { body: FAST });
    expect(r.status).toBe(202);
    expect(r.json.run_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.json.status_url).toBe(`/runs/${r.json.run_id}`);
    expect(r.headers.get('location')).toBe(r.json.status_url);

    const done = await waitFor(async () => {
      const s = await h.call('GET', r.json.status_url);
      expect(s.status).toBe(200);
      expect(['queued', 'running', 'completed']).toContain(s.json.status);
      return s.json.status === 'completed' ? s.json : undefined;
    });
    expect(done.progress).toMatchObject({ tests_done: 1, tests_total: 1, fraction: 1 });
    expect(done.result.test).toBe('embeddings');
    expect(done.result.result.requests).toBeGreaterThan(0);
    expect(done.ended_at).not.toBeNull();

    const list = await h.call('GET', '/runs');
    expect(list.json.runs[0]).toMatchObject({ run_id: r.json.run_id, status: 'completed', tests: ['embeddings'], async: true });
    expect(list.json.max_concurrent_runs).toBe(1);
  });

  it('an async run that cannot start records status failed with the message', async () => {
    const r = await h.call('POST', '/run-load-tests/chat?async=true', { body: { ...FAST, host: 'http://127.0.0.1:1' } });
    expect(r.status).toBe(202);
    const failed = await waitFor(async () => {
      const s = await h.call('GET', r.json.status_url);
      return s.json.status === 'failed' ? s.json : undefined;
    });
    expect(failed.error).toMatch(/^chat: .*127\.0\.0\.1:1/);
  });
});

describe('a long run', () => {
  it('409 while busy, live /metrics, DELETE keeps a partial result that reconciles with the mock', async () => {
    const before = slow.stats();
    const body = { ...FAST, host: slow.url, duration_seconds: 60, user_count: 4, spawn_rate: 100, stop_timeout: '30s' };
    const started = await h.call('POST', '/run-load-tests/chat?async=true', { body });
    expect(started.status).toBe(202);
    const id: string = started.json.run_id;
    const running = await waitFor(async () => {
      const s = await h.call('GET', `/runs/${id}`);
      // users come with the engine's progress ticks (every second in serve)
      return s.json.status === 'running' && s.json.progress.requests >= 8 && s.json.progress.users > 0 ? s.json : undefined;
    });
    expect(running.progress.current_test).toBe('chat');
    expect(running.progress.fraction).toBeLessThan(1);

    // one run at a time: both sync and async POSTs are refused, naming the running run
    for (const path of ['/run-load-tests/chat', '/run-load-tests/embeddings?async=true', '/run-load-tests']) {
      const busy = await h.call('POST', path, { body: path === '/run-load-tests' ? { chat: FAST } : FAST });
      expect(busy.status, path).toBe(409);
      expect(busy.json.run_id).toBe(id);
      expect(busy.json.detail).toContain(id);
    }

    const live = await h.call('GET', '/metrics');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(live.text);
    const info = samples.find((s) => s.name === 'batch_load_run_info');
    expect(info?.labels).toMatchObject({ run_id: id, test: 'chat', status: 'running' });
    const chatRequests = samples.find((s) => s.name === 'batch_load_requests_total' && s.labels.name === 'POST /v1/chat/completions [chat]');
    expect(chatRequests?.value).toBeGreaterThan(0);
    expect(samples.find((s) => s.name === 'batch_load_users')?.value).toBeGreaterThan(0);
    expect(samples.filter((s) => s.name === 'batch_load_request_duration_ms' && s.labels.quantile === '0.95').length).toBeGreaterThan(0);

    const stopped = await h.call('DELETE', `/runs/${id}`);
    expect(stopped.status).toBe(200);
    expect(stopped.json.status).toBe('stopped');
    const result = stopped.json.result.result;
    expect(result.interrupted).toBe(true);
    expect(stopped.json.progress.fraction).toBeLessThan(1);

    // counts reconcile: total = sum over names = failures + successes, and the stop's abandoned
    // requests are failures named as such
    const endpoints = result.endpoints as Array<{ name: string; requests: number; failures: number }>;
    expect(result.requests).toBe(endpoints.reduce((n, e) => n + e.requests, 0));
    expect(result.failures).toBe(endpoints.reduce((n, e) => n + e.failures, 0));
    const errors = result.errors as Array<{ name: string; error: string; occurrences: number }>;
    expect(result.failures).toBe(errors.reduce((n, e) => n + e.occurrences, 0));
    expect(errors.every((e) => e.error === 'aborted (run stopped)')).toBe(true);
    expect(result.failures).toBeGreaterThan(0);
    expect(result.failures).toBeLessThanOrEqual(4);

    // ... and match what the mock saw on the chat route (it counts a request once it replies,
    // as "aborted" when the client has gone)
    const chat = endpoints.find((e) => e.name === 'POST /v1/chat/completions [chat]')!;
    const routeTotal = (s: ReturnType<MockServer['stats']>, outcome?: string) => {
      const byOutcome = s.requests.byRoute['POST /v1/chat/completions'] ?? {};
      return outcome ? (byOutcome[outcome] ?? 0) : Object.values(byOutcome).reduce((a, b) => a + b, 0);
    };
    const after = await waitFor(async () => {
      const s = slow.stats();
      return routeTotal(s) - routeTotal(before) === chat.requests ? s : undefined;
    }, 5_000);
    expect(routeTotal(after, '200') - routeTotal(before, '200')).toBe(chat.requests - chat.failures);
    expect(routeTotal(after, 'aborted') - routeTotal(before, 'aborted')).toBe(chat.failures);

    // GET keeps the partial result; DELETE again changes nothing
    const again = await h.call('DELETE', `/runs/${id}`);
    expect(again.json.status).toBe('stopped');
    expect(again.json.result.result.requests).toBe(result.requests);

    // idle: /metrics shows the last run's final values
    const idle = parsePrometheus((await h.call('GET', '/metrics')).text);
    expect(idle.find((s) => s.name === 'batch_load_run_info')?.labels).toMatchObject({ run_id: id, status: 'stopped' });
    expect(idle.find((s) => s.name === 'batch_load_requests_total' && s.labels.name === chat.name)?.value).toBe(chat.requests);
    expect(idle.find((s) => s.name === 'batch_load_runs_active')?.value).toBe(0);

    // free again
    const next = await h.call('POST', '/run-load-tests/embeddings', { body: FAST });
    expect(next.status).toBe(200);
  });

  it('a sync caller whose run is stopped by DELETE gets the partial result', async () => {
    const body = { ...FAST, host: slow.url, duration_seconds: 60, user_count: 2, spawn_rate: 100 };
    const sync = h.call('POST', '/run-load-tests/chat', { body });
    const run = await waitFor(async () => {
      const runs = (await h.call('GET', '/runs')).json.runs as Array<{ run_id: string; status: string; progress: { requests: number } }>;
      return runs.find((r) => r.status === 'running' && r.progress.requests > 2);
    });
    const stopped = await h.call('DELETE', `/runs/${run.run_id}`);
    expect(stopped.json.status).toBe('stopped');
    const reply = await sync;
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ test: 'chat', status: 'stopped', run_id: run.run_id });
    expect(reply.json.result.interrupted).toBe(true);
    expect(reply.json.result.requests).toBe(stopped.json.result.result.requests);
  });

  it('keeps the token out of every body and log line', () => {
    for (const text of [...h.bodies, ...h.logs]) expect(text).not.toContain(TOKEN);
  });
});
