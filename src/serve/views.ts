/**
 * Response bodies built from a run record: the FastAPI orchestrator's shapes for the POST routes, and the
 * run views of GET /runs and GET /runs/{id}.
 */
import { INTENSITY_LEVELS } from './intensity.js';
import type { ResultBody } from './result.js';
import type { RunRecord } from './runs.js';

/** The body the sync call returns (and GET /runs/{id} carries as `result`). */
export function runResponseBody(run: RunRecord): Record<string, unknown> {
  const base = { run_id: run.id, status: run.status, ...(run.error ? { error: run.error } : {}) };
  if (run.kind === 'all') return { results: run.results, ...base };
  const test = run.tests[0]!;
  const result: ResultBody | null = run.results[test] ?? null;
  if (run.kind === 'test') return { test, result, ...base };
  const configuration = run.configurations[test] ?? (run.intensity ? INTENSITY_LEVELS[run.intensity] : undefined);
  return { test, intensity_level: run.intensity, configuration, result, ...base };
}

export interface Progress {
  current_test: string | null;
  tests_done: number;
  tests_total: number;
  /** seconds of load so far, over all tests of the run */
  elapsed_seconds: number;
  planned_seconds: number;
  /** 0..1 of the planned run time */
  fraction: number;
  /** the current test's live counts */
  requests: number;
  failures: number;
  users: number;
}

export function progressOf(run: RunRecord): Progress {
  const live = run.live;
  const liveElapsedMs = live?.loadStartedAtMs !== undefined ? Math.min(Date.now() - live.loadStartedAtMs, live.runTimeMs) : 0;
  const elapsedMs = run.doneRunTimeMs + liveElapsedMs;
  const totals = live?.recorder.totals() ?? { requests: 0, failures: 0 };
  const finished = run.status === 'completed';
  return {
    current_test: live?.test ?? null,
    tests_done: Object.keys(run.results).length,
    tests_total: run.tests.length,
    elapsed_seconds: Math.round(elapsedMs) / 1000,
    planned_seconds: run.plannedRunTimeMs / 1000,
    fraction: finished ? 1 : run.plannedRunTimeMs > 0 ? Math.min(1, Math.round((elapsedMs / run.plannedRunTimeMs) * 1000) / 1000) : 0,
    requests: totals.requests,
    failures: totals.failures,
    users: live?.users ?? 0,
  };
}

export function runSummary(run: RunRecord, statusUrl: string): Record<string, unknown> {
  return {
    run_id: run.id,
    status: run.status,
    kind: run.kind,
    tests: run.tests,
    ...(run.intensity ? { intensity_level: run.intensity } : {}),
    async: run.async,
    created_at: run.createdAt,
    started_at: run.startedAt ?? null,
    ended_at: run.endedAt ?? null,
    error: run.error ?? null,
    status_url: statusUrl,
  };
}
