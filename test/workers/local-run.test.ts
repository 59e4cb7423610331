// `batch-load --workers N` as a real process against the embedded mock: one run, exactly merged.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeOf } from '../../src/cli/reconcile.js';
import type { JsonReport } from '../../src/report/json.js';
import { startCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-workers-'));
const report = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as JsonReport & { serverStats: { apiKeys: { created: number }; requests: { byRoute: Record<string, Record<string, number>> } } };

describe('--workers N against the embedded mock', () => {
  it("4 workers, 'chat:2,batch:1', 40 users: one key, every request counted once and by the mock, 10 users each", async () => {
    const run = startCli(['--workers', '4', '--scenario', 'chat:2,batch:1', '-u', '40', '-r', '40', '-t', '4s', '--wait-min', '0.2', '--wait-max', '0.5',
      '--poll-interval', '200ms', '--poll-max-interval', '300ms', '--progress-interval', '1s', '--json', join(dir, 'four.json')]);
    const { code } = await run.exited;
    expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(0);
    expect(run.stdout()).toMatch(/Run \S+: chat:2,batch:1, 40 users at 40\/s, split over 4 workers/);
    expect(run.stdout()).toMatch(/\| workers 4\/4/);
    expect(run.stdout()).toMatch(/Started 4 workers together/);
    const r = report('four.json');
    expect(r.serverStats.apiKeys.created).toBe(1);
    expect(r.workers).toHaveLength(4);
    for (const w of r.workers!) {
      expect(w).toMatchObject({ users: 10, state: 'finished' });
      expect(w.requests).toBeGreaterThan(0);
      expect(w.achievedRate).toBeGreaterThan(0);
    }
    // total = the workers' sum (+ the coordinator's one key request) = the mock's count, per route
    const ours = new Map<string, number>();
    for (const s of Object.values(r.metrics.requests)) ours.set(routeOf(s.name), (ours.get(routeOf(s.name)) ?? 0) + s.count);
    const server = Object.fromEntries(Object.entries(r.serverStats.requests.byRoute).map(([route, byStatus]) => [route, Object.values(byStatus).reduce((a, b) => a + b, 0)]));
    expect(Object.fromEntries(ours)).toEqual(server);
    expect(r.metrics.aggregated.count).toBe(r.workers!.reduce((n, w) => n + w.requests, 0) + 1);
    expect(r.exitCode).toBe(0);
    expect(run.stdout()).toMatch(/every request we counted, the server counted/);
    // the workers' batch lifecycles make the report's timeline, their batches in flight its series
    expect(r.batches!.length).toBeGreaterThan(0);
    expect(r.timeseries!.some((p) => Object.values(p.batchesInFlight ?? {}).some((n) => n > 0))).toBe(true);
  }, 90_000);

  it('3 workers, --rate 300 --iterations 3001: exactly 3,001 iterations, 1001/1000/1000', async () => {
    const run = startCli(['--workers', '3', '--scenario', 'health', '--rate', '300', '--iterations', '3001', '-u', '90', '-t', '60s', '--only-summary', '--json', join(dir, 'rate.json')]);
    const { code } = await run.exited;
    expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(0);
    const r = report('rate.json');
    expect(r.metrics.counters['iterations:health']).toBe(3001);
    expect(r.workers!.map((w) => [w.iterations, w.iterationsStarted])).toEqual([[1001, 1001], [1000, 1000], [1000, 1000]]);
    expect(r.metrics.requests['GET /health [health]']!.count).toBe(3001);
  }, 90_000);

  it('stages split exactly: a ramping start rate over 2 workers starts what one process would (135), users ramp to 7 over 3', async () => {
    // 30 → 60/s over 1 s, 60/s for 1 s, 60 → 0/s over 1 s: 45 + 60 + 30 = 135 starts. Each worker
    // ramps half the rate (67.5 expected starts); worker 1's starts fall half a start later, so
    // they take the run's arrivals 0, 2, 4 ... and 1, 3, 5 ...: 68 + 67, not 68 + 68
    const rate = startCli(['--workers', '2', '--scenario', 'health', '--rate', '30', '--stages', '1s:60,1s:60,1s:0', '-u', '40', '--only-summary', '--json', join(dir, 'ramp.json')]);
    const users = startCli(['--workers', '3', '--scenario', 'health', '--stages', '1s:7,2s:7', '--wait-min', '0.05', '--wait-max', '0.1', '--progress-interval', '500ms', '--json', join(dir, 'users.json')]);
    for (const run of [rate, users]) {
      const { code } = await run.exited;
      expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(0);
    }
    const r = report('ramp.json');
    expect(r.executor).toBe('ramping-arrival-rate');
    expect(r.metrics.counters.iterations_scheduled).toBe(135);
    expect(r.workers!.map((w) => w.iterationsStarted)).toEqual([68, 67]);
    expect(r.metrics.counters['iterations:health']).toBe(135 - (r.metrics.counters.dropped_iterations ?? 0));
    const u = report('users.json');
    expect(u.executor).toBe('ramping-users');
    expect(u.workers!.map((w) => w.users)).toEqual([3, 2, 2]);
    // the workers' targets add up to the stage's 7, never more
    const targets = u.timeseries!.map((p) => p.targetUsers ?? 0);
    expect(Math.max(...targets)).toBe(7);
    expect(Math.max(...u.timeseries!.map((p) => p.users ?? 0))).toBeLessThanOrEqual(7);
  }, 90_000);

  it('SIGTERM to the coordinator: every worker stops, the merged partial report is written within 2 s, exit 5', async () => {
    const run = startCli(['--workers', '2', '--scenario', 'chat', '-u', '4', '-r', '4', '-t', '5m', '--wait-min', '0.05', '--wait-max', '0.1', '--progress-interval', '300ms', '--json', join(dir, 'term.json')]);
    await run.waitFor(/\| [1-9]\d* reqs.*workers 2\/2/);
    const t = Date.now();
    run.child.kill('SIGTERM');
    await run.waitFor(/Wrote .*term\.json/, 10_000);
    const took = Date.now() - t;
    const { code } = await run.exited;
    expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(5);
    expect(took).toBeLessThan(2000);
    expect(run.stdout()).toMatch(/RESULT: INTERRUPTED/);
    const r = report('term.json');
    expect(r).toMatchObject({ interrupted: true, exitCode: 5, passed: false });
    // both workers delivered their final figures: nothing lost, all counted once
    expect(r.workers!.map((w) => w.state)).toEqual(['finished', 'finished']);
    expect(r.metrics.aggregated.count).toBe(r.workers!.reduce((n, w) => n + w.requests, 0) + 1);
  }, 90_000);
});
