/**
 * Load shapes end to end through the CLI against the mock on loopback: stages (users over time
 * against the linear target, nothing aborted at ramp-down), the open model's schedule report and
 * its dropped-starts threshold, goodput on a constructed case with an exact count, bad usage.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock/index.js';
import type { JsonReport } from '../../src/report/json.js';
import { runCli } from '../helpers/cli.js';
import { startDelayProxy, type DelayProxy } from '../helpers/delay-proxy.js';

let mock: MockServer | undefined;
let proxy: DelayProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await mock?.close();
  mock = undefined;
  proxy = undefined;
});

const dir = () => mkdtempSync(join(tmpdir(), 'bl-shapes-'));
const start = async (opts: MockServerOptions = {}) => (mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { noAuth: true }, ...opts }));
const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as JsonReport;

describe('stages of users (ramping-users)', () => {
  it('users follow the linear target within one user at every interval; nothing is aborted at ramp-down', async () => {
    const m = await start({ latency: { ttftMs: 20, perTokenMs: 1, jitterMs: 0 } });
    const out = dir();
    const run = await runCli([
      '--host', m.url, '--scenario', 'chat', '--api-key', 'k', '--stages', '2500ms:10,2500ms:30,2500ms:0',
      '--wait-min', '20ms', '--wait-max', '80ms', '--progress-interval', '500ms', '--json', join(out, 'r.json'), '--csv', join(out, 'r'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('users ramping through');
    const report = readReport(join(out, 'r.json'));
    expect(report.executor).toBe('ramping-users');
    const t0 = Date.parse(report.startedAt);
    const linear = (s: number) => (s <= 2.5 ? (10 * s) / 2.5 : s <= 5 ? 10 + (20 * (s - 2.5)) / 2.5 : Math.max(0, 30 - (30 * (s - 5)) / 2.5));
    const points = report.timeseries!.filter((p) => (Date.parse(p.end) - t0) / 1000 < 7.4);
    expect(points.length).toBeGreaterThanOrEqual(12);
    // distance from the linear target at some moment of the last 0.25 s: on a loaded machine a
    // progress tick samples late, and the users trail the target by an iteration
    const offLinear = (v: number, s: number) => {
      let best = Infinity;
      for (let u = Math.max(0, s - 0.25); u <= s; u += 0.01) best = Math.min(best, Math.abs(v - linear(u)));
      return best;
    };
    for (const p of points) {
      const s = (Date.parse(p.end) - t0) / 1000;
      expect(offLinear(p.users!, s), `at ${p.end}: users ${p.users}, target ${linear(s)}`).toBeLessThanOrEqual(1.5);
      expect(offLinear(p.targetUsers!, s)).toBeLessThanOrEqual(1.05);
    }
    expect(Math.max(...points.map((p) => p.users!))).toBeGreaterThanOrEqual(28);
    // the CSV's user counts are the same samples
    const csvUsers = readFileSync(join(out, 'r_stats_history.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(csvUsers.slice(0, points.length)).toEqual(points.map((p) => p.users));
    // users leave between iterations: no request was cut short
    expect(report.metrics.aggregated.failures).toBe(0);
    for (const [route, outcomes] of Object.entries(m.stats().requests.byRoute)) expect(outcomes.aborted, route).toBeUndefined();
  });
});

describe('the open model', () => {
  it('reports requested vs achieved rate and the schedule lag; dropped starts are judged by a default threshold', async () => {
    const m = await start({ latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } });
    const out = dir();
    const run = await runCli(['--host', m.url, '--scenario', 'chat', '--api-key', 'k', '--rate', '300', '-u', '1000', '-t', '3s', '--arrival', 'poisson', '--seed', '3', '--json', join(out, 'r.json'),
      // the schedule is what this checks, not latency on a loaded machine
      '--p95-threshold-ms', '60000']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/open model \(poisson arrivals\): requested 300\.00\/s, achieved \d+\.\d\d\/s/);
    expect(run.stdout).toMatch(/schedule lag \(actual − intended start\): p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(run.stdout).toMatch(/dropped_iterations_ratio\n\s+✓ 'rate<=0.01' rate=0/);
    const report = readReport(join(out, 'r.json'));
    expect(report.executor).toBe('open');
    expect(report.schedule!.achievedRate / report.schedule!.requestedRate).toBeGreaterThan(0.85);
    expect(report.metrics.trends.schedule_lag.count).toBe(report.schedule!.started);
    expect(report.timeseries!.some((p) => p.targetRate === 300)).toBe(true);
  });

  it('more than 1 % of the starts dropped fails the run, unless default thresholds are off', async () => {
    const m = await start({ latency: { ttftMs: 100, perTokenMs: 0, jitterMs: 0 } });
    const args = ['--host', m.url, '--scenario', 'chat', '--api-key', 'k', '--rate', '100', '-u', '2', '-t', '1s'];
    const failing = await runCli(args);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/dropped_iterations_ratio\n\s+✗ 'rate<=0.01' rate=0\.[1-9]/);
    const off = await runCli([...args, '--no-default-thresholds']);
    expect(off.code, off.stdout).toBe(0);
  });
});

describe('goodput (--slo)', () => {
  it('goodput_ratio is exactly the share of requests meeting the SLO: every 4th request held 600 ms', async () => {
    const m = await start({ latency: { ttftMs: 0, perTokenMs: 1, jitterMs: 0 } });
    // in arrival order (one user: one request at a time), request n is held 600 ms when n % 4 == 3
    proxy = await startDelayProxy({ upstream: m.url, delayMs: (n) => (n % 4 === 3 ? 600 : 0) });
    const out = dir();
    const run = await runCli([
      '--host', proxy.url, '--scenario', 'chat', '--stream', '--api-key', 'k', '-u', '1', '--iterations', '24', '--wait-min', '0',
      '--slo', 'ttft<=300ms,e2e<=5s', '--threshold', 'goodput_ratio: rate>=0.75', '--threshold', 'goodput_ratio: rate<0.76',
      '--threshold', 'goodput: count==18', '--json', join(out, 'r.json'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = readReport(join(out, 'r.json'));
    expect(report.metrics.counters.slo_requests).toBe(24);
    expect(report.metrics.counters.slo_met).toBe(18);
    expect(report.derived!.goodput_ratio!.rate).toBe(0.75);
    expect(run.stdout).toMatch(/goodput: [\d.]+ req\/s met every SLO; goodput_ratio 75\.00% \(18 of 24 requests\)/);
  });

  it('a failed request meets no SLO', async () => {
    const m = await start({ latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 }, faults: { routes: { 'POST /v1/embeddings': { error500: 1 } } } });
    const run = await runCli(['--host', m.url, '--scenario', 'chat:1,embeddings:1', '--api-key', 'k', '-u', '1', '--iterations', '20', '--wait-min', '0', '--seed', '5', '--slo', 'e2e<=10s', '--no-default-thresholds', '--json', join(dir(), 'r.json')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const failed = Number(/(\d+) of 20 requests/.exec(run.stdout)?.[1]);
    expect(failed).toBeGreaterThan(0);
    expect(run.stdout).toContain(`goodput_ratio ${((failed / 20) * 100).toFixed(2)}%`);
  });
});

describe('load shape usage errors: one line, exit 2, nothing sent', () => {
  it.each([
    [['--stages', '10s:5', '--run-time', '1m'], /--stages: the stages set the run time/],
    [['--stages', '10s:5', '-u', '3'], /--stages: the stages set the users/],
    [['--stages', '10s:2.5'], /a user count must be a whole number/],
    [['--stages', '10s'], /'10s' is not DURATION:TARGET/],
    [['--stages', '10x:5'], /--stages '10x:5': expected a duration/],
    [['--burstiness', '0.5', '--rate', '5'], /--burstiness: applies to --arrival gamma only/],
    [['--arrival', 'poisson'], /--arrival poisson: the open model needs --rate or --stages/],
    [['--sweep', '--rate', '10'], /--sweep: cannot be combined with --rate/],
    [['--sweep', '2'], /--sweep: must be ≥ 3/],
    [['--step-time', '5s'], /--step-time: applies to --sweep only/],
    [['--threshold', 'max_sustainable_rate: rate>10'], /max_sustainable_rate is what a sweep finds; it needs --sweep/],
    [['--threshold', 'goodput: rate>10'], /goodput needs --slo/],
    [['--slo', 'ttfb<=1s'], /--slo: 'ttfb<=1s' is not METRIC<=DURATION/],
    [['--slo', 'ttft<=1s,ttft<2s'], /ttft is bounded twice/],
  ])('%j', async (args, message) => {
    const run = await runCli(['--scenario', 'chat', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
