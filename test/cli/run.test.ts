import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAST, runCli } from '../helpers/cli.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { staticKeys: ['sk-test-static-key-0001'] } });
});
afterAll(() => mock.close());

describe('batch-load run', () => {
  it('the embedded mock accepts the configured API_KEY and Basic credentials; a repeated flag: the last one wins', async () => {
    const withKey = await runCli([...FAST, '-u', '1', '-t', '1s', '--scenario', 'chat', '-t', '600ms'], { env: { LOCUST_API_KEY: 'sk-configured-0001' } });
    expect(withKey.code).toBe(0);
    expect(withKey.stdout).toMatch(/run time 0.6s/);
    expect(withKey.stdout).not.toContain('sk-configured-0001');
    const withPassword = await runCli([...FAST, '-u', '1', '-t', '1s'], { env: { BASIC_AUTH_USERNAME: 'ops', BASIC_AUTH_PASSWORD: 's3cret-pw-42' } });
    expect(withPassword.code).toBe(0);
    expect(withPassword.stdout + withPassword.stderr).not.toContain('s3cret-pw-42');
  });

  it('a health-only run needs no API key', async () => {
    const closedKeys = await runCli(['--host', mock.url, '--scenario', 'health', '-u', '1', '-t', '500ms', ...FAST], { env: { BASIC_AUTH_PASSWORD: 'wrong-password' } });
    expect(closedKeys.code).toBe(0);
    expect(closedKeys.stdout).toMatch(/GET\s+\/health \[health\]/);
  });

  it('without --host runs against the embedded mock and says so first', async () => {
    const run = await runCli([...FAST, '-u', '2', '-r', '2', '-t', '1s']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^No --host given: running against the embedded mock server at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain('Server reconciliation (embedded mock): every request we counted, the server counted');
    expect(run.stdout).toMatch(/POST\s+\/v1\/files \[upload\]/);
    expect(run.stdout).toMatch(/batch_turnaround/);
  });

  it.each([
    ['smoke', 'batch_input_small.jsonl (3 requests)'],
    ['medium', 'batch_input_medium.jsonl (10 requests)'],
    ['stress', 'batch_input_large.jsonl (50 requests)'],
  ])('preset %s (shortened by flags) runs clean', async (preset, data) => {
    const run = await runCli(['--host', mock.url, '--preset', preset, '-t', '2s', '--wait-min', '0', '--wait-max', '300ms', '--poll-interval', '100ms', '--poll-max-interval', '200ms', '--api-key', 'sk-test-static-key-0001',
      // about the presets, not latency: 500 users on a loaded 2-core machine may exceed the 1 s default
      '--p95-threshold-ms', '60000']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`(preset ${preset}), data ${data}`);
    expect(run.stdout).toMatch(/Aggregated\s+\d+\s+0\(0\.00%\)/);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('RESULT: PASS');
  });

  it('accepts Locust flag names and BATCH_LOAD_<FLAG> env vars; a flag beats its env var', async () => {
    const run = await runCli(['-H', mock.url, '--headless', '-r', '3', '-t', '1s', ...FAST, '--only-summary', '--api-key', 'sk-test-static-key-0001'], {
      env: { BATCH_LOAD_USERS: '3', BATCH_LOAD_RUN_TIME: '1h' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/3 users at 3\/s, run time 1s/);
    expect(run.stdout).not.toMatch(/req\/s \|/); // --only-summary: no progress lines
  });

  it('accepts the other Locust flags users carry over, each with a one-line note', async () => {
    const run = await runCli(['-H', mock.url, '-u', '1', '-t', '500ms', ...FAST, '--api-key', 'sk-test-static-key-0001', '-f', 'locustfile.py', '-L', 'DEBUG', '--csv-full-history']);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([
      'batch-load: note: --loglevel is accepted for Locust compatibility and ignored: batch-load has one log level',
      'batch-load: note: --locustfile is accepted for Locust compatibility and ignored: batch-load runs its built-in scenarios (--scenario)',
      'batch-load: note: --csv-full-history is accepted for Locust compatibility and ignored: --csv always writes PREFIX_stats_history.csv',
    ]);
  });

  it('--json and --csv write the whole result; secrets appear nowhere', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bl-out-'));
    const key = 'sk-test-static-key-0001';
    const run = await runCli(['--host', mock.url, ...FAST, '-u', '2', '-r', '2', '-t', '1s', '--json', join(out, 'r/report.json'), '--csv', join(out, 'run')], {
      env: { API_KEY: key },
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'r/report.json'), 'utf8'));
    expect(report.tool).toBe('batch-load');
    expect(report.passed).toBe(true);
    expect(report.metrics.aggregated.histogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(report.metrics.requests['POST /v1/files [upload]'].count).toBeGreaterThan(0);
    expect(report.thresholds.map((t: { metric: string }) => t.metric)).toEqual(['http_req_duration', 'errors', 'scenario_errors', 'integrity', 'workflows_failed']);
    for (const f of ['run_stats.csv', 'run_failures.csv', 'run_stats_history.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'run_stats.csv'), 'utf8').split('\n')[0]).toMatch(/^Type,Name,Request Count,Failure Count,Median Response Time/);
    const files = ['r/report.json', 'run_stats.csv', 'run_failures.csv', 'run_stats_history.csv'].map((f) => readFileSync(join(out, f), 'utf8'));
    const everything = [run.stdout, run.stderr, ...files].join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain('Bearer sk-');
  });
});
