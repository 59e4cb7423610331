/**
 * Memory stays bounded whatever the input size: a 60 MB, 15,000-line file through the whole
 * workflow with `--verify content` (upload streamed from disk, the download compared as it
 * streams against the input's digest, the output checked line by line). What the tester's RSS
 * still grows by is transfer buffers awaiting garbage collection (V8 collects once about 64 MB of
 * them pile up), about the same for 60 MB as for 200 MB; holding the input and the download, as a
 * whole-file check does, adds twice the file on top (120 MB here). The mock runs in its own
 * process, so only the tester is measured. (`npm run bench:batch-big`: 200 MB, 50,000 lines.)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../../src/config/load.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import { runCli } from '../../helpers/cli.js';
import { startMockChild, type MockChild } from '../online/mock-child.js';

const MB = 1024 * 1024;
let mock: MockChild | undefined;
afterAll(() => mock?.close());

describe('a big input, --verify content', () => {
  it('passes integrity with the tester growing less than 90 MB for a 60 MB file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bl-big-')), 'big.jsonl');
    const made = await runCli(['data', '--lines', '15000', '--prompt-tokens', '1000', '--output-tokens', '8', '--seed', '2', '-o', file]);
    expect(made.code).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(59 * MB);
    mock = await startMockChild({
      auth: { staticKeys: ['sk-big'] },
      latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 },
      batch: { lineConcurrency: 256, validatingMs: 20, finalizingMs: 20, msTimestamps: true },
    });
    const config = await loadRunConfig({
      host: mock.url, apiKey: 'sk-big', data: file, verify: 'content', users: 1, iterations: 1, runTime: '2m',
      waitMin: 0, waitMax: 0, pollInterval: '200ms', pollJitter: false, p95ThresholdMs: 120_000, onlySummary: true,
    });
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const result = await runLoadTest(config);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    expect(result.metrics.counters.batch_lines_ok).toBe(15_000);
    expect(result.exitCode).toBe(0);
    expect(result.metrics.trends.download_mb_per_second!.count).toBe(2);
    expect(result.metrics.trends.upload_mb_per_second!.count).toBe(1);
    expect((peak - before) / MB).toBeLessThan(90);
    rmSync(file);
  });
});
