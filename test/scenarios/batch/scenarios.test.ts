/**
 * batch-cancel and batch-expire against the mock, alone and mixed with the plain workflow; the
 * held-back fault (a line dropped from a cancelled batch's output) fails the run; every batch
 * endpoint's shipped file completes with integrity and line checks.
 */
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/config/load.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import type { RawRunOptions } from '../../../src/options/run-options.js';
import type { MockServerOptions } from '../../../src/mock/index.js';
import { useMockRuns } from '../../helpers/mock-runs.js';
import { WORKFLOW_FAILURE_NAME } from '../../../src/scenarios/batch/names.js';

const fast: RawRunOptions = { apiKey: 'sk-t', waitMin: 0, waitMax: 0, pollInterval: '50ms', pollMaxInterval: '50ms', pollJitter: false, onlySummary: true, runTime: '20s' };
/** Lines slow enough (2 at a time, 100 ms each) that a cancel or an expiry finds some unstarted. */
const slowLines: MockServerOptions = {
  auth: { staticKeys: ['sk-t'] },
  latency: { ttftMs: 100, perTokenMs: 0, jitterMs: 0 },
  batch: { validatingMs: 50, finalizingMs: 50, cancellingMs: 50, lineConcurrency: 2, msTimestamps: true, expiryMs: 400 },
};

const runs = useMockRuns(fast);
const against = runs.run;

const failures = (r: Awaited<ReturnType<typeof against>>) => r.metrics.failures.filter((f) => f.name === WORKFLOW_FAILURE_NAME);

describe('batch-cancel', () => {
  it('cancels once in_progress: cancelling → cancelled, every custom_id accounted for, exit 0', async () => {
    const r = await against(slowLines, { scenario: 'batch-cancel', data: 'medium', users: 2, iterations: 4 });
    expect(failures(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    const c = r.metrics.counters;
    expect(c.batches_cancelled).toBe(4);
    expect(c.workflows_completed).toBe(4);
    // 10 lines each: those not started are in the error file as batch_cancelled
    expect(c.batch_lines_ok! + c.batch_lines_failed!).toBe(40);
    expect(c['batch_line_errors:batch_cancelled']).toBeGreaterThan(0);
    expect(r.metrics.trends['batch_status:cancelling']!.count).toBe(4);
    expect(r.metrics.requests['POST /v1/batches/{batch_id}/cancel [cancel]']!.count).toBe(4);
    expect(r.serverStats).toBeUndefined();
  });

  it('after a random part of --cancel-after, mixed by weight with the plain workflow', async () => {
    const noExpiry = { ...slowLines, batch: { ...slowLines.batch, expiryMs: 86_400_000 } };
    const r = await against(noExpiry, { scenario: 'batch:1,batch-cancel:1', data: 'medium', users: 2, iterations: 6, cancelAfter: '300ms', seed: 3 });
    expect(failures(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    const c = r.metrics.counters;
    expect((c['iterations:batch'] ?? 0) + (c['iterations:batch-cancel'] ?? 0)).toBe(6);
    expect(c['iterations:batch-cancel']).toBeGreaterThan(0);
    expect((c.batches_completed ?? 0) + (c.batches_cancelled ?? 0)).toBe(6);
  });

  it('a line dropped from a cancelled batch output fails integrity and the run', async () => {
    const r = await against({ ...slowLines, faults: { batch: { dropOutputLine: 1 } } }, { scenario: 'batch-cancel', data: 'medium', users: 1, iterations: 2 });
    expect(r.exitCode).toBe(1);
    expect(failures(r)).toEqual([expect.objectContaining({ error: expect.stringMatching(/^integrity: .*missing/), occurrences: 2 })]);
    expect(r.thresholds.find((t) => t.metric === 'integrity')).toMatchObject({ passed: false });
  });
});

describe('batch-expire', () => {
  it('expects expired with the unfinished lines in the error file (the mock expires 24h batches in 400 ms)', async () => {
    const r = await against(slowLines, { scenario: 'batch-expire', data: 'medium', users: 2, iterations: 2 });
    expect(failures(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    const c = r.metrics.counters;
    expect(c.batches_expired).toBe(2);
    expect(c['batch_line_errors:batch_expired']).toBeGreaterThan(0);
    expect(c.batch_lines_ok! + c.batch_lines_failed!).toBe(20);
  });

  it('a batch that completes instead fails the workflow, named', async () => {
    const r = await against({ auth: { staticKeys: ['sk-t'] } }, { scenario: 'batch-expire', data: 'small', users: 1, iterations: 1 });
    expect(failures(r)).toEqual([expect.objectContaining({ error: 'batch completed (expected expired)' })]);
    expect(r.exitCode).toBe(1);
  });

  it('with no --host, --expire-window asks the embedded mock for a short window', async () => {
    const config = await loadRunConfig({ ...fast, apiKey: undefined, scenario: 'batch-expire', expireWindow: '60ms', data: 'small', iterations: 1 });
    const r = await runLoadTest(config);
    expect(failures(r)).toEqual([]);
    expect(r.metrics.counters.batches_expired).toBe(1);
    expect(r.metrics.counters['batch_line_errors:batch_expired']).toBe(3);
  });
});

describe('every batch endpoint', () => {
  for (const data of ['chat', 'responses', 'completions', 'embeddings'] as const) {
    it(`${data}: completes with integrity and the online checks on every line's body`, async () => {
      const r = await against({ auth: { staticKeys: ['sk-t'] } }, { data, users: 1, iterations: 1, verify: 'content' });
      expect(failures(r)).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(r.metrics.counters.batch_lines_ok).toBe(10);
      if (data !== 'embeddings') expect(r.metrics.counters.batch_output_tokens).toBeGreaterThan(0);
      expect(r.metrics.counters.upload_bytes).toBeGreaterThan(0);
      expect(r.metrics.trends.download_mb_per_second!.count).toBe(2); // verify content, output
    });
  }
});
