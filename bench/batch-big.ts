/**
 * `npm run bench:batch-big`: a big batch through the whole workflow with `--verify content`, and
 * what it costs in memory. Writes (or reuses) a `batch-load data` file, runs the mock in a child
 * pinned to CPU 0 (no latency, --line-concurrency 256, millisecond timestamps) and one workflow of
 * the tester in this process (pinned to CPU 1 when taskset exists), sampling this process's RSS
 * every 50 ms. Prints the tester's RSS before the workflow and its peak (growth = peak − before),
 * the mock's RSS before and its peak, upload and download MB/s, and the lifecycle figures.
 *
 * Options: --lines 50000 --prompt-tokens 1000:128 --output-tokens 256:64 --file PATH (reuse a file)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from '../src/config/load.js';
import { runLoadTest } from '../src/engine/runner.js';
import { hasTaskset, ROOT, startServerChild } from './mock-child.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 || process.argv[i + 1] === undefined ? fallback : process.argv[i + 1]!;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

async function main(): Promise<void> {
  const lines = arg('lines', '50000');
  const file = arg('file', join(tmpdir(), `batch-load-big-${lines}.jsonl`));
  if (!existsSync(file)) {
    const made = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'), 'data', '--endpoint', 'chat', '--lines', lines,
      '--prompt-tokens', arg('prompt-tokens', '1000:128'), '--output-tokens', arg('output-tokens', '256:64'), '--seed', '1', '-o', file], { cwd: ROOT, stdio: 'inherit' });
    if (made.status !== 0) throw new Error('batch-load data failed');
  }
  if (hasTaskset) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
  else process.stderr.write('warning: taskset not available, processes are not pinned\n');

  const server = await startServerChild(
    { auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 }, batch: { lineConcurrency: 256, msTimestamps: true, validatingMs: 100, finalizingMs: 100 } },
    0,
    50,
  );
  try {
    const config = await loadRunConfig({
      host: server.url, apiKey: 'sk-bench', users: 1, iterations: 1, runTime: '10m', waitMin: 0, waitMax: 0,
      verify: arg('verify', 'content'), p95ThresholdMs: 600_000, pollInterval: '500ms', pollFactor: 1, pollJitter: false, data: file, onlySummary: true, maxPolls: 100_000,
    });
    const mockBefore = await server.probe();
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage.rss();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = before;
    let heapPeak = 0;
    let buffersPeak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
      buffersPeak = Math.max(buffersPeak, m.arrayBuffers);
    }, 50);
    const started = performance.now();
    const result = await runLoadTest(config);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const mockAfter = await server.probe();
    const t = result.metrics.trends;
    const c = result.metrics.counters;
    const f = (name: string, digits = 1) => (t[name] ? t[name]!.max.toFixed(digits) : 'n/a');
    process.stdout.write(
      [
        `bench:batch-big  ${config.batch!.lines} lines, ${mb(statSync(file).size)} (${file}), --verify ${config.verify}, one workflow in ${seconds.toFixed(1)} s: ${result.passed ? 'PASS' : 'FAIL'}`,
        `  tester RSS   before ${mb(before)}, peak ${mb(peak)}: growth ${mb(peak - before)} (JS heap ${mb(heapBefore)} → peak ${mb(heapPeak)}, buffers peak ${mb(buffersPeak)})`,
        `  mock RSS     before ${mb(mockBefore.rss)}, peak ${mb(mockAfter.peakRss)}: growth ${mb(mockAfter.peakRss - mockBefore.rss)}`,
        `  upload       ${f('upload_mb_per_second')} MB/s (${mb(c.upload_bytes ?? 0)})`,
        `  download     verify content and output: ${t.download_mb_per_second ? `${t.download_mb_per_second.min.toFixed(1)}–${t.download_mb_per_second.max.toFixed(1)}` : 'n/a'} MB/s (${mb(c.download_bytes ?? 0)} in ${t.download_mb_per_second?.count ?? 0} downloads)`,
        `  lifecycle    queue ${f('batch_queue_time', 0)} ms, processing ${f('batch_processing_time', 0)} ms, finalize ${f('batch_finalize_time', 0)} ms, turnaround ${f('batch_turnaround', 0)} ms, ${f('batch_lines_per_second', 0)} lines/s, notice lag ${f('batch_notice_lag', 0)} ms`,
        `  lines        ok ${c.batch_lines_ok ?? 0}, failed ${c.batch_lines_failed ?? 0}, integrity problems ${Object.entries(c).filter(([k]) => k.startsWith('integrity_')).reduce((n, [, v]) => n + v, 0)}`,
      ].join('\n') + '\n',
    );
    if (!result.passed) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
