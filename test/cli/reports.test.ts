// The report outputs as the CLI writes them: --html/--junit on a run, `report` reproducing the
// HTML from the run's JSON, `compare` exit codes, burst's --json.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAST, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-reports-'));
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { staticKeys: ['sk-test-reports'] } });
});
afterAll(() => mock.close());

const f = (name: string) => join(dir, name);

describe('report outputs from the CLI', () => {
  it('a run writes --json, --html and --junit; `report` renders the same HTML from the JSON', async () => {
    const run = await runCli(
      ['--host', mock.url, '--scenario', 'chat:2,health:1', ...FAST, '-u', '3', '-r', '3', '-t', '2s', '--progress-interval', '500ms',
        '--json', f('run.json'), '--html', f('run.html'), '--junit', f('junit.xml'), '--threshold', 'http_req_duration: p(99)<0.001'],
      { env: { API_KEY: 'sk-test-reports' } },
    );
    expect(run.code).toBe(1);
    for (const file of ['run.json', 'run.html', 'junit.xml']) expect(run.stdout).toContain(`Wrote ${f(file)}`);
    const doc = JSON.parse(readFileSync(f('run.json'), 'utf8'));
    expect(doc.timeseries.length).toBeGreaterThanOrEqual(3);
    // the time series and the run agree on the total
    expect(doc.timeseries.reduce((n: number, p: { requests: number }) => n + p.requests, 0)).toBe(doc.metrics.aggregated.count);
    const html = readFileSync(f('run.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).not.toContain('sk-test-reports');
    const junit = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(f('junit.xml'), 'utf8'));
    expect(JSON.stringify(junit)).toContain('http_req_duration');

    const again = await runCli(['report', f('run.json'), '--html', f('again.html'), '--junit', f('again.xml'), '--csv', f('again')]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(f('again.html'), 'utf8')).toBe(html);
    expect(readFileSync(f('again.xml'), 'utf8')).toBe(readFileSync(f('junit.xml'), 'utf8'));
    expect(existsSync(f('again_stats_history.csv'))).toBe(true);
  });

  it('report and compare refuse bad input with one line and exit 2', async () => {
    writeFileSync(f('notjson.json'), 'nope');
    for (const args of [
      ['report', f('missing.json'), '--html', f('x.html')],
      ['report', f('notjson.json'), '--html', f('x.html')],
      ['report', f('notjson.json')],
      ['compare', f('notjson.json'), f('notjson.json')],
      ['compare', f('run.json'), f('run.json'), '--max-regression', 'lots'],
      ['report', f('run.json'), '--html', '/proc/nope/x.html'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('compare: identical runs exit 0; a regression beyond the bound exits 1 and is written as markdown', async () => {
    const same = await runCli(['compare', f('run.json'), f('run.json'), '--markdown', f('same.md')]);
    expect(same.code).toBe(0);
    const doc = JSON.parse(readFileSync(f('run.json'), 'utf8'));
    // a crafted regression: every request 30 % slower (the noise guard wants ≥ 20 samples above the
    // median on both sides, so the median is what moves here)
    expect(doc.metrics.aggregated.count).toBeGreaterThanOrEqual(40);
    const worse = structuredClone(doc);
    for (const r of [worse.metrics.aggregated, ...Object.values(worse.metrics.requests as Record<string, { p50: number; p95: number; mean: number }>)]) {
      r.p50 *= 1.3;
      r.p95 *= 1.3;
      r.mean *= 1.3;
    }
    writeFileSync(f('worse.json'), JSON.stringify(worse));
    copyFileSync(f('run.json'), f('base.json'));
    const r10 = await runCli(['compare', f('base.json'), f('worse.json'), '--max-regression', '10%', '--markdown', f('worse.md')]);
    expect(r10.code).toBe(1);
    expect(readFileSync(f('worse.md'), 'utf8')).toMatch(/\|/);
    const r50 = await runCli(['compare', f('base.json'), f('worse.json'), '--max-regression', '50%']);
    expect(r50.code).toBe(0);
  });

  it('burst writes --json in its own shape, with the common verdict line', async () => {
    const run = await runCli(['--host', mock.url, '--burst', '5', '--json', f('burst.json')], { env: { API_KEY: 'sk-test-reports' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^RESULT: PASS/m);
    const doc = JSON.parse(readFileSync(f('burst.json'), 'utf8'));
    expect(doc.burst).toMatchObject({ sent: 5, succeeded: 5 });
    expect(doc.exitCode).toBe(0);
    expect(JSON.stringify(doc)).not.toContain('sk-test-reports');
  });
});
