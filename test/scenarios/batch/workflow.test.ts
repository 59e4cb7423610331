/**
 * A batch workflow that fails is a named failure (`batch workflow` rows in the failures table,
 * the JSON and the CSV, never counted as a request) and fails the run through the default
 * `workflows_failed: count==0` threshold.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/config/load.js';
import type { RawRunOptions } from '../../../src/options/run-options.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import type { MetricsSnapshot } from '../../../src/metrics/types.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../../src/mock/index.js';
import { WORKFLOW_FAILURE_NAME } from '../../../src/scenarios/batch/names.js';
import { terminalFailure } from '../../../src/scenarios/batch/workflow.js';
import { runCli } from '../../helpers/cli.js';

const fast: RawRunOptions = { waitMin: 0, waitMax: 0, pollInterval: '50ms', pollMaxInterval: '50ms', pollJitter: false, progressInterval: '1s' };
let mock: MockServer | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  proxy = undefined;
});

async function against(options: MockServerOptions, raw: RawRunOptions) {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', ...options });
  const config = await loadRunConfig({ ...fast, host: mock.url, ...raw });
  return runLoadTest(config);
}

function workflowRows(m: MetricsSnapshot) {
  return m.failures.filter((f) => f.name === WORKFLOW_FAILURE_NAME);
}

/** Every failed workflow has exactly one row, and rows are no requests. */
function expectRowsMatchCounter(m: MetricsSnapshot) {
  const rows = workflowRows(m);
  expect(rows.reduce((n, f) => n + f.occurrences, 0)).toBe(m.counters.workflows_failed);
  expect(m.requests[WORKFLOW_FAILURE_NAME]).toBeUndefined();
  const requestFailures = m.failures.filter((f) => f.name !== WORKFLOW_FAILURE_NAME).reduce((n, f) => n + f.occurrences, 0);
  expect(requestFailures).toBe(m.aggregated.failures);
}

describe('a failed batch workflow', () => {
  it('stuck in in_progress: the run exits 1, the reason is in the summary, the JSON and the failures CSV', async () => {
    mock = await startMockServer({ port: 0, host: '127.0.0.1', faults: { batch: { stuckInProgress: 1 } } });
    const out = mkdtempSync(join(tmpdir(), 'bl-stuck-'));
    const run = await runCli([
      '--host', mock.url, '-u', '2', '-r', '2', '-t', '1500ms', '--wait-min', '0', '--wait-max', '0.1s',
      '--poll-interval', '100ms', '--no-poll-jitter', '--max-polls', '3', '--max-wait', '5s', '--only-summary',
      '--json', join(out, 'r.json'), '--csv', join(out, 'run'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Failures\n.*\n-+\n\s*\d+\s+batch workflow\s+poll: not terminal after 3 polls/);
    expect(run.stdout).toMatch(/^ {2}workflows_failed\n {4}✗ 'count==0' count=[1-9]/m);
    expect(run.stdout).toMatch(/^RESULT: FAIL \(1 of 5 thresholds failed\)$/m);
    const report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { metrics: MetricsSnapshot; exitCode: number };
    expect(report.exitCode).toBe(1);
    expect(workflowRows(report.metrics)).toEqual([
      { method: '', name: 'batch workflow', error: 'poll: not terminal after 3 polls', occurrences: report.metrics.counters.workflows_failed },
    ]);
    expect(report.metrics.aggregated.failures).toBe(0); // no HTTP request failed: the error rate is untouched
    expectRowsMatchCounter(report.metrics);
    expect(readFileSync(join(out, 'run_failures.csv'), 'utf8')).toContain(',batch workflow,poll: not terminal after 3 polls,');
  });

  it('not terminal within --max-wait', async () => {
    const result = await against({ faults: { batch: { stuckInProgress: 1 } } }, { users: 1, runTime: '2s', iterations: 1, maxPolls: 1000, maxWait: '250ms' });
    expect(workflowRows(result.metrics)).toEqual([expect.objectContaining({ error: 'poll: not terminal after max wait', occurrences: 1 })]);
    expect(result.thresholds.find((t) => t.metric === 'workflows_failed')).toMatchObject({ observed: 1, passed: false });
    expect(result.exitCode).toBe(1);
  });

  it('a batch the server fails: `batch failed: <code>` from errors.data[0]', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-models-'));
    const line = (id: string, model: string) =>
      JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: 'hi' }] } });
    writeFileSync(join(dir, 'two-models.jsonl'), `${line('a', 'm-1')}\n${line('b', 'm-2')}\n`);
    const result = await against({ batch: { validatingMs: 10 } }, { users: 1, runTime: '2s', iterations: 2, data: join(dir, 'two-models.jsonl') });
    expect(workflowRows(result.metrics)).toEqual([expect.objectContaining({ error: 'batch failed: mismatched_model', occurrences: 2 })]);
    expect(result.metrics.counters.batches_failed).toBe(2);
    expectRowsMatchCounter(result.metrics);
    expect(result.exitCode).toBe(1);
  });

  it('a batch that expires: `batch expired`', async () => {
    const result = await against({ faults: { batch: { stuckInProgress: 1 } }, batch: { expiryMs: 150 } }, { users: 1, runTime: '2s', iterations: 1 });
    expect(workflowRows(result.metrics)).toEqual([expect.objectContaining({ error: 'batch expired', occurrences: 1 })]);
    expect(result.exitCode).toBe(1);
  });

  it("an unknown status: `poll: unknown status '<status>'`, one poll request failure, the run fails even with many good requests", async () => {
    mock = await startMockServer({ port: 0, host: '127.0.0.1' });
    const upstream = new URL(mock.url);
    // a gateway that reports the batch as `queued`, a status the Batch API does not have
    proxy = createServer((req, res) => {
      const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        if (req.method === 'GET' && /^\/v1\/batches\/[^/]+$/.test(req.url ?? '')) {
          const chunks: Buffer[] = [];
          upRes.on('data', (c: Buffer) => chunks.push(c));
          upRes.on('end', () => {
            const body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), status: 'queued' });
            res.writeHead(200, { 'content-type': 'application/json' }).end(body);
          });
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
    const host = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const config = await loadRunConfig({ ...fast, host, users: 1, runTime: '3s', iterations: 200, scenario: 'health:99,batch:1', seed: 3 });
    const result = await runLoadTest(config);
    const m = result.metrics;
    expect(m.counters['iterations:batch']).toBeGreaterThanOrEqual(1);
    expect(m.aggregated.errorRate).toBeLessThan(0.05); // the error-rate threshold alone would pass
    expect(workflowRows(m)).toEqual([expect.objectContaining({ error: "poll: unknown status 'queued'", occurrences: m.counters['iterations:batch'] })]);
    expect(m.failures).toContainEqual(expect.objectContaining({ name: 'GET /v1/batches/{batch_id} [poll]', error: "poll: unknown status 'queued'" }));
    expect(result.thresholds.find((t) => t.metric === 'errors')!.passed).toBe(true);
    expect(result.thresholds.find((t) => t.metric === 'workflows_failed')!.passed).toBe(false);
    expect(result.exitCode).toBe(1);
  });

  it('a clean run has workflows_failed 0 from the start, and the default threshold passes with observed 0', async () => {
    const result = await against({}, { users: 1, runTime: '2s', iterations: 1 });
    expect(result.metrics.counters).toMatchObject({ workflows_completed: 1, workflows_failed: 0 });
    expect(workflowRows(result.metrics)).toEqual([]);
    expect(result.thresholds.find((t) => t.metric === 'workflows_failed')).toMatchObject({ observed: 0, passed: true });
    expect(result.exitCode).toBe(0);
  });

  it('a mix where the batch workflow is never picked still judges workflows_failed: observed 0', async () => {
    const result = await against({}, { users: 1, runTime: '2s', iterations: 3, scenario: 'health:1000000,batch:1', seed: 1 });
    expect(result.metrics.counters['iterations:batch']).toBeUndefined();
    expect(result.thresholds.find((t) => t.metric === 'workflows_failed')).toMatchObject({ observed: 0, passed: true });
  });
});

describe('a batch input with a UTF-8 byte order mark', () => {
  it('loads, uploads and completes with every custom_id back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-bom-'));
    const line = (id: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
    writeFileSync(join(dir, 'bom.jsonl'), `\uFEFF${line('first')}\n${line('second')}\n`);
    const result = await against({ batch: { validatingMs: 10, finalizingMs: 10 } }, { users: 1, runTime: '3s', iterations: 2, data: join(dir, 'bom.jsonl') });
    expect(result.metrics.counters).toMatchObject({ workflows_completed: 2, workflows_failed: 0, batch_lines_ok: 4 });
    expect(result.exitCode).toBe(0);
  });
});

describe('terminalFailure', () => {
  it('names each terminal status; the error code only when it is a plain low-cardinality code', () => {
    expect(terminalFailure({ id: 'b', status: 'completed' })).toBeUndefined();
    expect(terminalFailure({ id: 'b', status: 'failed', errors: { data: [{ code: 'mismatched_model' }] } })).toBe('batch failed: mismatched_model');
    expect(terminalFailure({ id: 'b', status: 'failed', errors: { data: [{ code: 'has spaces and id 123' }] } })).toBe('batch failed');
    expect(terminalFailure({ id: 'b', status: 'failed', errors: null })).toBe('batch failed');
    expect(terminalFailure({ id: 'b', status: 'expired' })).toBe('batch expired');
    expect(terminalFailure({ id: 'b', status: 'cancelled' })).toBe('batch cancelled');
  });
});
