/**
 * Capacity sweeps against the mock's capacity model, where the answer is known: with
 * `--max-concurrency N --ttft 50ms --per-token 5ms --jitter 0` and 20 output tokens the service
 * time is 50 + 19 × 5 = 145 ms, so the capacity is N / 0.145 s (220.7 req/s for N = 32). Short
 * steps and generous bounds (the machine is shared); the README has full-length figures.
 * Batch: lines of 10 output tokens at 20 ms + 9 × 2 ms = 38 ms each on 4 slots: 105.3 lines/s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/load.js';
import { generateBatchFile } from '../../src/data/generate.js';
import { runLoadTest } from '../../src/engine/runner.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import type { RawRunOptions } from '../../src/options/run-options.js';

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function sweepAgainst(maxConcurrency: number, raw: RawRunOptions) {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { noAuth: true }, capacity: { maxConcurrency }, latency: { ttftMs: 50, perTokenMs: 5, jitterMs: 0 } });
  const config = await loadRunConfig({
    host: mock.url, apiKey: 'k', scenario: 'chat', stream: true, maxTokens: 20, threshold: ['ttft: p(95)<200'],
    sweep: 6, stepTime: '2s', warmup: '500ms', progressInterval: '10s', ...raw,
  });
  return runLoadTest(config);
}

describe('rate sweep (online)', () => {
  it('finds the knee of a 32-slot server: max sustainable rate near 32 / 0.145 s, each step judged and recorded', async () => {
    const result = await sweepAgainst(32, {});
    const sweep = result.sweep!;
    const capacity = 32 / 0.145;
    expect(result.executor).toBe('sweep');
    expect(sweep.axis).toBe('rate');
    expect(sweep.steps[0]).toMatchObject({ kind: 'baseline', users: 1, passed: true });
    // one request in flight: one every 145 ms
    expect(sweep.baselineRate!).toBeGreaterThan(4);
    expect(sweep.baselineRate!).toBeLessThan(7.5);
    expect(sweep.steps.filter((s) => s.kind === 'probe').length).toBeGreaterThanOrEqual(4);
    expect(sweep.plateauRate!).toBeGreaterThan(capacity * 0.8);
    expect(sweep.plateauRate!).toBeLessThan(capacity * 1.1);
    const rates = sweep.steps.filter((s) => s.kind === 'rate');
    expect(rates.length).toBeGreaterThanOrEqual(3);
    // loose below: on a loaded machine a stalled step can fail early
    expect(sweep.maxSustainableRate!).toBeGreaterThan(capacity * 0.5);
    expect(sweep.maxSustainableRate!).toBeLessThan(capacity * 1.15);
    for (const s of sweep.steps) {
      // each step's own metrics, histograms included (mergeable)
      expect(s.metrics!.aggregated.histogram.length).toBeGreaterThan(0);
      expect(s.requests).toBe(s.metrics!.aggregated.count);
      expect(s.ttftP95Ms).toBeGreaterThan(40);
    }
    for (const s of rates) expect(s.achievedRate / s.requestedRate).toBeGreaterThan(0.9);
    // the run's verdict is the sweep's: some rate held
    expect(result.thresholds.map((t) => `${t.metric} ${t.passed}`)).toEqual(['max_sustainable_rate true']);
    expect(result.derived.max_sustainable_rate!.rate).toBe(sweep.maxSustainableRate);
    expect(result.exitCode).toBe(0);
  });

  it('a capacity regression fails max_sustainable_rate in --threshold (exit 1); --refine bisects the bracket', async () => {
    const result = await sweepAgainst(8, { sweep: 4, stepTime: '1500ms', refine: true, threshold: ['ttft: p(95)<200', 'max_sustainable_rate: rate>100'] });
    const sweep = result.sweep!;
    // 8 slots: 55 req/s at most
    expect(sweep.maxSustainableRate!).toBeLessThan((8 / 0.145) * 1.15);
    expect(result.thresholds[0]).toMatchObject({ metric: 'max_sustainable_rate', passed: false });
    expect(result.exitCode).toBe(1);
    const { low, high } = sweep.bracket!;
    if (high !== null) expect(sweep.steps.some((s) => s.kind === 'refine')).toBe(true);
    expect(low).toBe(sweep.maxSustainableRate);
  });
});

describe('batch capacity sweep', () => {
  it('batches in flight 1, 2, 4 ...: completed lines/s plateau near the analytic 4 / 38 ms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-bsweep-'));
    const data = join(dir, 'in.jsonl');
    await generateBatchFile({ endpoint: 'chat', output: data, lines: 40, promptTokens: { mean: 20, sd: 0 }, outputTokens: { mean: 10, sd: 0 }, sharedPrefixTokens: 0, seed: 1 });
    mock = await startMockServer({
      port: 0, host: '127.0.0.1', capacity: { maxConcurrency: 4 }, latency: { ttftMs: 20, perTokenMs: 2, jitterMs: 0 },
      batch: { validatingMs: 20, finalizingMs: 20, msTimestamps: true },
    });
    const config = await loadRunConfig({
      host: mock.url, data, sweep: 4, stepTime: '2500ms', warmup: '300ms', waitMin: 0, waitMax: 0,
      pollInterval: '50ms', pollMaxInterval: '50ms', maxPolls: 10_000, progressInterval: '10s',
    });
    const result = await runLoadTest(config);
    const sweep = result.sweep!;
    const analytic = 4 / 0.038;
    expect(sweep.axis).toBe('batches');
    expect(sweep.steps.map((s) => s.batchesInFlight)).toEqual([1, 2, 4, 8].slice(0, sweep.steps.length));
    expect(sweep.steps.length).toBeGreaterThanOrEqual(3);
    for (const s of sweep.steps) {
      expect(s.kind).toBe('batches');
      expect(s.linesPerSecond).toBeGreaterThan(0);
      expect(s.turnaroundP95Ms).toBeGreaterThan(0);
      expect(s.workflows).toBeGreaterThan(0);
      // created_at → in_progress_at from the server's timestamps: the mock's 20 ms of validating
      expect(s.queueP50Ms).toBeGreaterThanOrEqual(15);
      expect(s.queueP50Ms).toBeLessThan(200);
    }
    expect(sweep.plateauRate!).toBeGreaterThan(analytic * 0.75);
    expect(sweep.plateauRate!).toBeLessThan(analytic * 1.15);
    expect(result.exitCode).toBe(0);
  });
});
