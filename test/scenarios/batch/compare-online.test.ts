/** --compare-online: one engine, two phases (a batch, then the same lines online), side by side. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/errors.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import { runCli } from '../../helpers/cli.js';

describe('--compare-online', () => {
  it('runs the batch, then every line once online, and reports both (embedded mock)', async () => {
    const config = await loadRunConfig({ compareOnline: true, data: 'medium', users: 3, runTime: '30s', pollInterval: '100ms', pollJitter: false, onlySummary: true });
    const r = await runLoadTest(config);
    expect(r.exitCode).toBe(0);
    const c = r.compareOnline!;
    expect(c.lines).toBe(10);
    expect(c.online).toMatchObject({ requests: 10, linesFailed: 0 });
    expect(c.batch).toMatchObject({ status: 'completed', linesFailed: 0 });
    // upload, verify, create, polls, output download: at least 5 requests for the whole file
    expect(c.batch.requests).toBeGreaterThanOrEqual(5);
    expect(c.batch.outputTokens).toBe(c.online.outputTokens);
    expect(c.online.lineLatencyMs.p50).toBeGreaterThan(0);
    expect(c.batch.seconds).toBeGreaterThan(0);
    expect(r.metrics.requests['POST /v1/chat/completions [online line]']).toMatchObject({ count: 10, failures: 0 });
    // one embedded mock served both phases: every request reconciles
    expect(r.serverStats!.requests.byRoute['POST /v1/chat/completions']).toEqual({ 200: 10 });
    expect(r.batches).toHaveLength(1);
  });

  it('prints the side-by-side table and writes it to the JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-compare-'));
    const run = await runCli(['--compare-online', '--data', 'small', '--rate', '20', '-u', '4', '-t', '30s', '--poll-interval', '100ms', '--only-summary', '--json', join(dir, 'r.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Batch vs online: 3 lines of batch_input_small\.jsonl \(batch completed\)$/m);
    expect(run.stdout).toMatch(/^ {2}time until every line was done +\S+ m?s +\S+ m?s$/m);
    expect(run.stdout).toMatch(/^ {2}HTTP requests sent +\d+ +3$/m);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { compareOnline: { online: { requests: number } }; batches: unknown[] };
    expect(report.compareOnline.online.requests).toBe(3);
    expect(report.batches).toHaveLength(1);
  });

  it('only with the batch scenario', async () => {
    await expect(loadRunConfig({ compareOnline: true, scenario: 'chat' })).rejects.toThrow(ConfigError);
  });
});
