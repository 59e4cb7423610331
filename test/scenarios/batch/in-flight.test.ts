// Batches in flight by status: the gauge itself, and the time series of a real batch run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { BatchesInFlight } from '../../../src/scenarios/batch/in-flight.js';
import { FAST, runCli } from '../../helpers/cli.js';

describe('BatchesInFlight', () => {
  it('counts each batch once, in its last seen status, until its polling ends', () => {
    const g = new BatchesInFlight();
    const a = g.track('validating');
    const b = g.track('validating');
    expect(g.snapshot()).toEqual({ validating: 2 });
    a.set('in_progress');
    a.set('in_progress');
    b.set('finalizing');
    expect(g.snapshot()).toEqual({ validating: 0, in_progress: 1, finalizing: 1 });
    a.done();
    a.done();
    a.set('cancelling'); // after done: ignored
    expect(g.snapshot()).toEqual({ validating: 0, in_progress: 0, finalizing: 1 });
    b.done();
    expect(Object.values(g.snapshot()).every((n) => n === 0)).toBe(true);
  });
});

describe('the time series of a batch run', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, host: '127.0.0.1', batch: { validatingMs: 400, finalizingMs: 400 }, auth: { staticKeys: ['k'] } });
  });
  afterAll(() => mock.close());

  it('shows the batches in flight by status, never more than the users, none after the last', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-inflight-'));
    const run = await runCli([
      '--host', mock.url, '--scenario', 'batch', '--api-key', 'k', ...FAST, '--progress-interval', '250ms',
      '-u', '3', '-r', '3', '-t', '3s', '--json', join(dir, 'r.json'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { timeseries: Array<{ batchesInFlight?: Record<string, number> }> };
    const points = doc.timeseries.map((p) => p.batchesInFlight);
    expect(points.every((p) => p !== undefined)).toBe(true);
    const seen = new Set(points.flatMap((p) => Object.entries(p!).filter(([, n]) => n > 0).map(([s]) => s)));
    // 400 ms validating and 400 ms finalizing against 250 ms intervals: both are seen
    expect(seen.has('validating')).toBe(true);
    expect(seen.has('finalizing')).toBe(true);
    // terminal statuses are not in flight
    expect(points.some((p) => 'completed' in p!)).toBe(false);
    for (const p of points) expect(Object.values(p!).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3.01);
    // the last interval ends after every workflow: nothing is in flight
    expect(Object.values(points.at(-1)!).every((n) => n === 0)).toBe(true);
  });
});
