/**
 * --compare-online: the same input lines, once as one batch and once as online requests, side by
 * side, so a user can choose a mode on their own service. Two phases of the one engine
 * (runLoadTest), recording into one recorder, so the run has one summary, one JSON and one
 * verdict over both:
 *   1. batch: the batch workflow once (one user, no think time);
 *   2. online: the `online-lines` scenario, one iteration per line (every line exactly once), at
 *      --rate (open model) or by --users (closed model), no think time.
 * Each phase is capped by --run-time. An embedded mock is started once and serves both.
 */
import { performance } from 'node:perf_hooks';
import type { RunConfig } from '../config/types.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { compareSection, type CompareOnlineSection } from '../scenarios/batch/compare-online.js';
import type { RunHooks, RunResult } from './runner.js';

export async function runCompareOnline(config: RunConfig, hooks: RunHooks, run: (config: RunConfig, hooks: RunHooks) => Promise<RunResult>): Promise<RunResult> {
  const input = config.batch;
  if (!input) throw new Error('--compare-online needs a data file');
  const recorder = hooks.recorder ?? new MetricsRecorder();
  // the mock's code is loaded only when a run uses it (no --host)
  const mock = config.target.embedded ? await (await import('./embedded-target.js')).startEmbeddedTarget(config.auth) : undefined;
  try {
    const target = mock ? { ...config.target, host: mock.url, embedded: false } : config.target;
    const base: RunConfig = { ...config, target, waitMinMs: 0, waitMaxMs: 0, batchRun: { ...config.batchRun, compareOnline: false } };
    let startedMs = 0;
    let told = false;
    const phaseHooks = (): RunHooks => ({
      ...hooks,
      recorder,
      onStart: (c) => {
        startedMs = performance.now();
        // the caller hears of the start once, with the target it asked for
        if (!told) hooks.onStart?.(mock ? { ...c, target: { ...c.target, embedded: true } } : c);
        told = true;
      },
    });

    const batchPhase: RunConfig = { ...base, scenarios: [{ name: 'batch', weight: 1 }], users: 1, spawnRate: 1, arrivalRate: 0, iterations: 1 };
    const first = await run(batchPhase, phaseHooks());
    const batchSeconds = (performance.now() - startedMs) / 1000;
    if (first.interrupted) return finish(first, first);

    // every user from the start: a ramp would count in the time until every line is done
    const onlinePhase: RunConfig = { ...base, scenarios: [{ name: 'online-lines', weight: 1 }], iterations: input.lines, spawnRate: Math.max(config.spawnRate, config.users) };
    const second = await run(onlinePhase, phaseHooks());
    const onlineSeconds = (performance.now() - startedMs) / 1000;
    return finish(first, second, compareSection(config, first.metrics, second.metrics, batchSeconds, onlineSeconds));

    function finish(a: RunResult, b: RunResult, section?: CompareOnlineSection): RunResult {
      return {
        ...b,
        startedAt: a.startedAt,
        target: config.target.embedded ? { ...b.target, embedded: true } : b.target,
        ...(mock ? { serverStats: mock.stats() } : {}),
        ...(section ? { compareOnline: section } : {}),
        ...(a.batches ? { batches: a.batches } : {}),
      };
    }
  } finally {
    await mock?.close();
  }
}
