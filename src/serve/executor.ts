/**
 * Runs a registered run's tests one after another with the engine (the same runLoadTest the CLI
 * uses), keeping live state for progress and /metrics and each test's result. Stopping (DELETE or
 * shutdown) aborts the current test through hooks.signal: the engine returns its partial result,
 * which is kept, and the remaining tests are skipped.
 */
import { ConfigError, StartError } from '../config/errors.js';
import type { RunConfig } from '../config/types.js';
import type { RunHooks, RunResult } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { ServeLog } from './log.js';
import type { TestPlan } from './plan.js';
import { toResultBody } from './result.js';
import type { LiveTest, RunRecord, RunRegistry } from './runs.js';

export type Runner = (config: RunConfig, hooks: RunHooks) => Promise<RunResult>;

export interface ExecuteDeps {
  registry: RunRegistry;
  runner: Runner;
  log: ServeLog;
}

/** The snapshot without encoded histograms: /metrics never needs them. */
function withoutHistograms(s: MetricsSnapshot): MetricsSnapshot {
  const requests = Object.fromEntries(Object.entries(s.requests).map(([k, r]) => [k, { ...r, histogram: '' }]));
  const trends = Object.fromEntries(Object.entries(s.trends).map(([k, t]) => [k, { ...t, histogram: '' }]));
  return { ...s, requests, trends, aggregated: { ...s.aggregated, histogram: '' } };
}

/** The message and the status a sync call answers with: 502 the target failed us, 422 config, 500 ours. */
function failureOf(err: unknown): { message: string; httpStatus: number } {
  if (err instanceof StartError) return { message: err.message, httpStatus: 502 };
  if (err instanceof ConfigError) return { message: err.message, httpStatus: 422 };
  return { message: `internal error: ${err instanceof Error ? err.message : String(err)}`, httpStatus: 500 };
}

export async function executeRun(run: RunRecord, plans: TestPlan[], deps: ExecuteDeps): Promise<void> {
  const { registry, runner, log } = deps;
  const signal = run.controller.signal;
  run.status = 'running';
  run.startedAt = new Date().toISOString();
  log(`run ${run.id}: started (${plans.map((p) => p.test).join(', ')})`);

  for (const plan of plans) {
    if (signal.aborted) break;
    const live: LiveTest = {
      test: plan.test,
      engineRunId: plan.config.runId,
      recorder: new MetricsRecorder(),
      runTimeMs: plan.config.runTimeMs,
      users: 0,
    };
    run.live = live;
    const target = plan.configuration.host ?? 'the embedded mock';
    log(`run ${run.id}: ${plan.test} against ${target}, ${plan.config.users} user(s), ${plan.config.runTimeMs / 1000}s`);
    let result: RunResult;
    // this test's credentials are masked while it runs and its result is built, then forgotten
    // (a long-lived server must not collect, and mask forever, every caller's values)
    const forget = [redactor.addScoped(plan.config.auth.apiKey), redactor.addScoped(plan.config.auth.basicAuthPassword)];
    try {
      result = await runner(plan.config, {
        signal,
        recorder: live.recorder,
        log: (line) => log(`run ${run.id}: ${plan.test}: ${line}`),
        onStart: () => {
          live.loadStartedAtMs = Date.now();
        },
        onProgress: (p) => {
          live.users = p.users;
        },
      });
    } catch (err) {
      const failure = failureOf(err);
      const message = redactor.redact(`${plan.test}: ${failure.message}`);
      log(`run ${run.id}: failed: ${message}`);
      registry.finish(run, 'failed', { message, httpStatus: failure.httpStatus });
      for (const f of forget) f();
      return;
    }
    run.results[plan.test] = toResultBody(plan.test, result, plan.configuration);
    for (const f of forget) f();
    // a stopped test counts only the load time it had
    run.doneRunTimeMs += result.interrupted ? Math.min(result.metrics.elapsedSeconds * 1000, plan.config.runTimeMs) : plan.config.runTimeMs;
    const a = result.metrics.aggregated;
    registry.lastFinished = {
      runId: run.id,
      test: plan.test,
      engineRunId: plan.config.runId,
      status: result.interrupted ? 'stopped' : 'completed',
      snapshot: withoutHistograms(result.metrics),
    };
    log(`run ${run.id}: ${plan.test} ${result.interrupted ? 'stopped' : 'finished'}: ${a.count} requests, ${a.failures} failures`);
  }
  const status = signal.aborted ? 'stopped' : 'completed';
  registry.finish(run, status);
  log(`run ${run.id}: ${status}`);
}
