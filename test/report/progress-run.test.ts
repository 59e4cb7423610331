/**
 * Progress around a real run: a run shorter than one progress interval still gets its stats
 * history row (a final tick covers the last partial interval), and the TTY block lists the
 * request names.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadRunConfig } from '../../src/config/load.js';
import { runLoadTest, type ProgressInfo } from '../../src/engine/runner.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { runCli } from '../helpers/cli.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1' });
});
afterAll(() => mock.close());

const quick = ['--scenario', 'health', '-u', '2', '-r', '2', '--wait-min', '0', '--wait-max', '20ms'];

describe('progress of a run', () => {
  it('ends with a final tick over the last partial interval, even when no regular tick fired', async () => {
    const config = await loadRunConfig({ host: mock.url, scenario: 'health', users: 2, spawnRate: 2, runTime: '300ms', waitMin: 0, waitMax: '20ms', progressInterval: '5s' });
    const ticks: ProgressInfo[] = [];
    const result = await runLoadTest(config, { onProgress: (p) => ticks.push(p) });
    expect(ticks).toHaveLength(1);
    const [last] = ticks;
    expect(last!.final).toBe(true);
    expect(last!.totals.requests).toBe(result.metrics.aggregated.count);
    expect(last!.interval.requests).toBe(result.metrics.aggregated.count);
    expect(last!.snapshot!().requests['GET /health [health]']!.count).toBe(result.metrics.aggregated.count);
  });

  it('a progress consumer that throws is named in the log; the run still ends with its result', async () => {
    const config = await loadRunConfig({ host: mock.url, scenario: 'health', users: 1, runTime: '250ms', waitMin: 0, waitMax: '20ms', progressInterval: '100ms' });
    const lines: string[] = [];
    const result = await runLoadTest(config, {
      log: (l) => lines.push(l),
      onProgress: () => {
        throw new Error('disk full');
      },
    });
    expect(result.metrics.aggregated.count).toBeGreaterThan(0);
    expect(lines).toContain('progress output failed: disk full');
  });

  it('_stats_history.csv is written for a run shorter than one progress interval', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bl-hist-'));
    const run = await runCli(['--host', mock.url, ...quick, '-t', '400ms', '--progress-interval', '5s', '--csv', join(out, 'run')]);
    expect(run.code).toBe(0);
    const rows = readFileSync(join(out, 'run_stats_history.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(2);
    const stats = readFileSync(join(out, 'run_stats.csv'), 'utf8').trim().split('\n');
    const aggregatedCount = stats.at(-1)!.split(',')[2];
    expect(rows[1]!.split(',').at(-2)).toBe(aggregatedCount);
  });

  it('on a terminal the live block lists the request names', async () => {
    class Tty extends Writable {
      text = '';
      isTTY = true;
      columns = 200;
      override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
        this.text += chunk.toString();
        cb();
      }
    }
    const stdout = new Tty();
    const stderr = new Tty();
    const code = await main(['--host', mock.url, ...quick, '-t', '700ms', '--progress-interval', '200ms'], { stdout, stderr, env: {}, cwd: process.cwd() });
    expect(code).toBe(0);
    expect(stdout.text).toMatch(/\n {2}GET \/health \[health\] +\d+ reqs +0 fails {2}p95 [\d.]+ ms\n/);
  });
});
