import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/load.js';
import type { RawRunOptions } from '../../src/options/run-options.js';
import { runLoadTest } from '../../src/engine/runner.js';
import { reconcileWithServer } from '../../src/cli/reconcile.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/index.js';

const fast: RawRunOptions = { waitMin: 0, waitMax: 0, pollInterval: '100ms', pollMaxInterval: '200ms', progressInterval: '1s' };
let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function against(options: MockServerOptions, raw: RawRunOptions) {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', ...options });
  const config = await loadRunConfig({ ...fast, host: mock.url, ...raw });
  const result = await runLoadTest(config);
  return { config, result, server: mock.stats() };
}

describe('runLoadTest against the mock', () => {
  it('200 users starting in the same tick create exactly one API key, all used as Bearer', async () => {
    const { result, server } = await against({}, { users: 200, spawnRate: 200, runTime: '1500ms', stopTimeout: '20s' });
    expect(server.apiKeys.created).toBe(1);
    expect(server.requests.byRoute['POST /admin/api/v1/users/current/api-keys']).toEqual({ '201': 1 });
    // no 401 anywhere: every user sent the shared key
    for (const [route, statuses] of Object.entries(server.requests.byRoute)) expect(statuses['401'], route).toBeUndefined();
    expect(result.metrics.counters['iterations:batch']).toBeGreaterThanOrEqual(200);
    expect(result.metrics.aggregated.failures).toBe(0);
  });

  it('counts per route equal the server\'s own counts', async () => {
    const { result, server } = await against({}, { users: 4, spawnRate: 4, runTime: '2s' });
    const rec = reconcileWithServer(result.metrics, server);
    expect(rec.rows.length).toBeGreaterThanOrEqual(5);
    expect(rec.ok, rec.text).toBe(true);
    const total = Object.values(result.metrics.requests).reduce((n, r) => n + r.count, 0);
    expect(total).toBe(result.metrics.aggregated.count);
    expect(server.requests.total).toBe(total); // the key request included: nothing sent goes uncounted
  });

  it.each([
    ['drops', { dropOutputLine: 1 }, 'integrity_missing'],
    ['duplicates', { duplicateOutputLine: 1 }, 'integrity_duplicate'],
  ])('an output file that %s a line fails the integrity check by kind', async (_what, batchFaults, counter) => {
    const { result } = await against(
      { faults: { batch: batchFaults }, seed: 1 },
      { users: 2, spawnRate: 2, runTime: '1s', data: 'medium', threshold: ['integrity: count==0'] },
    );
    expect(result.metrics.counters[counter]).toBeGreaterThanOrEqual(1);
    expect(result.metrics.counters.workflows_failed).toBeGreaterThanOrEqual(1);
    expect(result.metrics.counters.workflows_completed ?? 0).toBe(0);
    const integrity = result.thresholds.find((t) => t.metric === 'integrity')!;
    expect(integrity.passed).toBe(false);
    expect(result.exitCode).toBe(1);
  });

  it('the default thresholds fail a run whose batches lose a custom_id, although every HTTP call succeeded', async () => {
    const { result } = await against({ faults: { batch: { dropOutputLine: 1 } }, seed: 2 }, { users: 1, spawnRate: 1, runTime: '800ms' });
    expect(result.metrics.aggregated.failures).toBe(0);
    expect(result.thresholds.map((t) => `${t.metric}:${t.passed}`)).toEqual(['http_req_duration:true', 'errors:true', 'scenario_errors:true', 'integrity:false', 'workflows_failed:false']);
    expect(result.exitCode).toBe(1);
  });

  it('a batch stuck in_progress is abandoned after the stop timeout and its work still counted', async () => {
    const { result, server } = await against(
      { faults: { batch: { stuckInProgress: 1 } } },
      { users: 1, spawnRate: 1, runTime: '600ms', stopTimeout: '500ms', pollInterval: '50ms', pollMaxInterval: '50ms', pollJitter: false },
    );
    const polls = result.metrics.requests['GET /v1/batches/{batch_id} [poll]'];
    expect(polls.count).toBeGreaterThanOrEqual(3);
    expect(result.metrics.counters['iterations_failed:batch']).toBe(1);
    expect(result.metrics.counters.workflows_failed).toBe(1);
    // whatever was sent is in our counts and the server's
    expect(reconcileWithServer(result.metrics, server).ok).toBe(true);
  });

  it('gives up on a batch after --max-polls and names why', async () => {
    const { result } = await against(
      { faults: { batch: { stuckInProgress: 1 } } },
      { users: 1, spawnRate: 1, runTime: '2s', iterations: 1, maxPolls: 3, pollInterval: '20ms', pollMaxInterval: '20ms' },
    );
    expect(result.metrics.requests['GET /v1/batches/{batch_id} [poll]'].count).toBe(3);
    expect(result.metrics.counters.workflows_failed).toBe(1);
    expect(result.metrics.trends.batch_polls.max).toBe(3);
  });

  it('an interrupt abandons in-flight requests, counts each once as a named failure, and returns the partial result', async () => {
    mock = await startMockServer({ port: 0, host: '127.0.0.1', faults: { routes: { 'GET /v1/batches/{batch_id}': { hang: 1 } } } });
    const config = await loadRunConfig({ ...fast, host: mock.url, users: 3, spawnRate: 3, runTime: '30s', requestTimeout: '30s' });
    const interrupt = new AbortController();
    const polled = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if ((mock!.stats().requests.byRoute['GET /v1/batches/{batch_id}']?.hang ?? 0) >= 3) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    const running = runLoadTest(config, { signal: interrupt.signal });
    await polled;
    interrupt.abort();
    const result = await running;
    expect(result.interrupted).toBe(true);
    const polls = result.metrics.requests['GET /v1/batches/{batch_id} [poll]'];
    expect(polls.count).toBe(3);
    expect(polls.failures).toBe(3);
    expect(result.metrics.failures).toContainEqual(expect.objectContaining({ name: 'GET /v1/batches/{batch_id} [poll]', error: 'aborted (run stopped)', occurrences: 3 }));
  });

  it('runs the mix by weight and stops after --iterations', async () => {
    const { result } = await against({ latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } }, { users: 4, spawnRate: 4, runTime: '20s', iterations: 400, scenario: 'health:1,chat:3' });
    const health = result.metrics.counters['iterations:health'] ?? 0;
    const chat = result.metrics.counters['iterations:chat'] ?? 0;
    expect(health + chat).toBe(400);
    expect(chat / 400).toBeGreaterThan(0.65);
    expect(chat / 400).toBeLessThan(0.85);
  });
});
