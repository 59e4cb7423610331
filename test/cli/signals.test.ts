import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('SIGINT / SIGTERM', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s writes the partial report and every request is counted', async (signal) => {
    const out = mkdtempSync(join(tmpdir(), 'bl-sig-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', '-u', '3', '-r', '3', '-t', '5m', '--wait-min', '0', '--wait-max', '0', '--poll-interval', '100ms', '--progress-interval', '300ms', '--json', join(out, 'r.json')],
      { cwd: root, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise<void>((resolveProgress) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        // interrupt once load is flowing (a progress line with requests)
        if (/\| [1-9]\d* reqs/.test(stdout)) resolveProgress();
      });
    });
    child.kill(signal);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(killer);
    expect(stderr).toContain(`${signal}: stopping, writing the partial report`);
    expect(stdout).toContain('Interrupted: in-flight requests were abandoned and counted; this is a partial report.');
    // a partial run is never judged a pass: its own exit code (5), so a Job never shows Complete
    expect(stdout).toMatch(/RESULT: INTERRUPTED \(partial run, not judged/);
    expect(code).toBe(5);
    const report = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.exitCode).toBe(5);
    expect(report.passed).toBe(false);
    const perName = Object.values(report.metrics.requests as Record<string, { count: number }>).reduce((n, r) => n + r.count, 0);
    expect(perName).toBe(report.metrics.aggregated.count);
    // the embedded mock saw what we counted, except requests abandoned before they reached it
    // (queued for a socket, or answered after its counts were read): those are ours alone,
    // each counted once as `aborted (run stopped)`
    const served = Object.values(report.serverStats.requests.byRoute as Record<string, Record<string, number>>)
      .flatMap((s) => Object.values(s))
      .reduce((n, c) => n + c, 0);
    const aborted = (report.metrics.failures as Array<{ error: string; occurrences: number }>)
      .filter((f) => f.error === 'aborted (run stopped)')
      .reduce((n, f) => n + f.occurrences, 0);
    expect(served).toBeLessThanOrEqual(report.metrics.aggregated.count);
    expect(report.metrics.aggregated.count - served).toBeLessThanOrEqual(aborted);
  });
});
