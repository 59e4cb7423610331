// The CLI as a real process: how fast bad input is refused, and what a crash leaves behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

const root = resolve(import.meta.dirname, '../..');

function cli(args: string[], env: Record<string, string> = {}, preload: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'src/cli/bin.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { staticKeys: ['sk-good'] } });
});
afterAll(() => mock.close());

describe('bad input as a process', () => {
  it('a key with a newline exits 2 at once (no hang, no load)', async () => {
    const before = mock.stats().requests.total;
    const run = await cli(['--host', mock.url, '--api-key', 'KEY\nX', '--wait-min', '0', '--wait-max', '0', '-t', '30s']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--api-key: the API key contains a character not allowed/);
    expect(mock.stats().requests.total).toBe(before);
    // process start-up (tsx) included; the refusal itself is immediate
    expect(run.ms).toBeLessThan(30_000);
  });
});

describe('a crash mid-run', () => {
  it('prints one line, writes what was counted and exits 4', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bl-crash-'));
    const json = join(out, 'r.json');
    const run = await cli(
      ['--host', mock.url, '--scenario', 'health', '-u', '2', '-r', '2', '-t', '30s', '--wait-min', '0.01s', '--wait-max', '0.02s', '--json', json, '--only-summary'],
      { CRASH_AFTER_MS: '1000' },
      ['./test/fixtures/crash-after.mjs'],
    );
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^batch-load: internal error: boom from a timer \(a bug in batch-load/m);
    expect(run.stdout).toMatch(/CRASHED: boom from a timer/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.error).toBe('boom from a timer');
    expect(report.exitCode).toBe(4);
    expect(report.passed).toBe(false);
    expect(report.metrics.aggregated.count).toBeGreaterThan(0);
  });
});
