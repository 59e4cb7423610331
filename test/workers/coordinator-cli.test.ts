// `batch-load coordinator` with workers joining as separate processes (as from other hosts), the
// channel token, GET /metrics while the run goes, and `batch-load merge` of the workers' own
// reports giving the coordinator's percentiles.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../src/metrics/types.js';
import type { JsonReport } from '../../src/report/json.js';
import { parsePrometheus } from '../serve/prometheus.js';
import { runCli } from '../helpers/cli.js';
import { startCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-coord-'));
const TOKEN = 'coordinator-cli-test-token-0123456789';
const env = { BATCH_LOAD_TOKEN: TOKEN };
const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as JsonReport;

describe('batch-load coordinator + batch-load worker', () => {
  it('two workers join by URL; a worker with another token is refused; /metrics; merge of the workers’ reports = the coordinator’s', async () => {
    const coordinator = startCli(
      ['coordinator', '--expect-workers', '2', '--port', '0', '--bind', '127.0.0.1', '--mock-port', '0', '--api-key', 'sk-static', '--scenario', 'chat:3,embeddings:1',
        '-u', '4', '-r', '4', '-t', '4s', '--wait-min', '0.02', '--wait-max', '0.05', '--progress-interval', '500ms', '--seed', '7', '--json', join(dir, 'coordinator.json')],
      env,
    );
    const url = `http://127.0.0.1:${(await coordinator.waitFor(/Coordinator listening on 127\.0\.0\.1:(\d+)/))[1]}`;

    const intruder = runCli(['worker', '--coordinator', url, '--connect-timeout', '5s'], { env: { BATCH_LOAD_TOKEN: 'a-different-token-of-enough-length' } });
    const workers = [0, 1].map((i) => startCli(['worker', '--coordinator', url, '--json', join(dir, `w${i}.json`)], env));
    const refused = await intruder;
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^batch-load worker: the coordinator at http:\/\/127\.0\.0\.1:\d+ could not prove the token .*: refusing it$/m);

    await coordinator.waitFor(/\| [1-9]\d* reqs.*workers 2\/2/);
    const samples = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
    const total = samples.filter((s) => s.name === 'batch_load_requests_total').reduce((n, s) => n + s.value, 0);
    expect(total).toBeGreaterThan(0);
    expect(samples.find((s) => s.name === 'batch_load_request_duration_seconds' && s.labels.quantile === '0.95')!.value).toBeLessThan(10);

    const [c, ...w] = await Promise.all([coordinator.exited, ...workers.map((x) => x.exited)]);
    expect(c!.code, `${coordinator.stdout()}\n${coordinator.stderr()}`).toBe(0);
    for (const [i, x] of w.entries()) expect(x.code, workers[i]!.stderr()).toBe(0);
    expect(workers[0]!.stdout()).toMatch(/Joined the coordinator at http:\/\/127\.0\.0\.1:\d+ as worker [01] of 2/);
    // the token never shows
    for (const text of [coordinator.stdout(), coordinator.stderr(), readFileSync(join(dir, 'coordinator.json'), 'utf8')]) expect(text).not.toContain(TOKEN);

    const merge = await runCli(['merge', join(dir, 'w0.json'), join(dir, 'w1.json'), '--json', join(dir, 'merged.json'), '--threshold', 'http_req_duration: p(99)<60000']);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/^Merged 2 reports: /);
    expect(merge.stdout).toMatch(/RESULT: PASS/);
    const [co, merged] = [read('coordinator.json'), read('merged.json')];
    const fields = ['count', 'failures', 'min', 'max', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999'] as const;
    const pick = (d: Distribution & { failures?: number }) => Object.fromEntries(fields.map((f) => [f, (d as unknown as Record<string, unknown>)[f]]));
    expect(Object.keys(merged.metrics.requests).sort()).toEqual(Object.keys(co.metrics.requests).sort());
    for (const name of Object.keys(co.metrics.requests)) expect(pick(merged.metrics.requests[name]!)).toEqual(pick(co.metrics.requests[name]!));
    expect(pick(merged.metrics.aggregated)).toEqual(pick(co.metrics.aggregated));
    for (const name of Object.keys(co.metrics.trends)) expect(pick(merged.metrics.trends[name]!)).toEqual(pick(co.metrics.trends[name]!));
    expect(merged.metrics.counters).toEqual(co.metrics.counters);
    expect(merged.thresholds.map((t) => t.source)).toContain('http_req_duration: p(99)<60000');
  }, 120_000);

  it('not every worker ready in time: exit 3 naming the missing ones', async () => {
    const coordinator = await runCli(['coordinator', '--expect-workers', '2', '--port', '0', '--bind', '127.0.0.1', '--mock-port', '0', '--ready-timeout', '2s', '--scenario', 'health', '-u', '2'], { env });
    expect(coordinator.code).toBe(3);
    expect(coordinator.stderr).toMatch(/^batch-load: not every worker was ready within 2s: worker 0 not connected; worker 1 not connected$/m);
  });

  it('ports in use: exit 3 with one line (the channel’s port, the embedded mock’s port)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = String((taken.address() as { port: number }).port);
    try {
      const channel = await runCli(['coordinator', '--expect-workers', '1', '--port', port, '--bind', '127.0.0.1', '--scenario', 'health'], { env });
      expect(channel.code).toBe(3);
      expect(channel.stderr).toMatch(new RegExp(`^batch-load: coordinator: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE$`, 'm'));
      const mock = await runCli(['coordinator', '--expect-workers', '1', '--port', '0', '--bind', '127.0.0.1', '--mock-port', port, '--scenario', 'health'], { env });
      expect(mock.code).toBe(3);
      expect(mock.stderr).toMatch(new RegExp(`^batch-load: cannot start the embedded mock server on 127\\.0\\.0\\.1:${port}: EADDRINUSE$`, 'm'));
    } finally {
      taken.close();
    }
  });

  it('bad usage is one line and exit 2: no token, a short token, no --expect-workers, --workers, more workers than users', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['coordinator', '--expect-workers', '2'], {}, /--token \(or BATCH_LOAD_TOKEN\): the shared secret .* is required/],
      [['coordinator', '--expect-workers', '2'], { BATCH_LOAD_TOKEN: 'short' }, /--token: at least 16 characters/],
      [['coordinator'], env, /--expect-workers: how many workers will join \(required\)/],
      [['coordinator', '--expect-workers', '2', '--workers', '2'], env, /use --expect-workers/],
      [['coordinator', '--expect-workers', '3', '-u', '2'], env, /--workers 3: needs at least 3 users \(--users 2\)/],
      [['worker'], env, /--coordinator: the URL of the coordinator to join/],
      [['worker', '--coordinator', 'http://x:1/path'], env, /give the coordinator's origin only/],
      [['--workers', '0'], {}, /--workers: '0' is not a number of workers/],
      [['--workers', '2', '--burst', '3'], {}, /--burst: --workers is not supported in burst mode/],
      [['coordinator', '--expect-workers', '2', '--burst', '3'], env, /--burst runs in one process/],
      [['--workers', '2', '-u', '2', '--compare-online'], {}, /--compare-online runs its batch and online phases in one process/],
      [['merge', join(dir, 'missing.json')], {}, /missing\.json: no such file/],
    ];
    for (const [args, e, message] of cases) {
      const run = await runCli(args, { env: e });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
  });
});
