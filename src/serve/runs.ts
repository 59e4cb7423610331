/**
 * The run registry: every run `serve` knows about, live and finished. A run is one POST: one
 * test, or several run one after another. Memory is bounded: finished runs beyond the history cap
 * are dropped oldest first (active runs are never dropped), and each run keeps only its result
 * bodies (no histograms); the live recorder is released when the run ends.
 */
import { randomUUID } from 'node:crypto';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { IntensityName } from './intensity.js';
import type { TestConfiguration } from './plan.js';
import type { ResultBody } from './result.js';
import type { TestName } from './tests.js';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';
export type RunKind = 'all' | 'test' | 'intensity';

export const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set(['queued', 'running']);

/** The test being run right now, for progress and /metrics. */
export interface LiveTest {
  test: TestName;
  engineRunId: string;
  recorder: MetricsRecorder;
  runTimeMs: number;
  /** epoch ms load started (undefined while the target is checked and the key fetched) */
  loadStartedAtMs?: number;
  users: number;
}

export interface RunRecord {
  id: string;
  kind: RunKind;
  tests: TestName[];
  intensity?: IntensityName;
  async: boolean;
  status: RunStatus;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** results of the tests finished so far (partial for a stopped test) */
  results: Partial<Record<TestName, ResultBody>>;
  /** what each test was asked to do (intensity route's `configuration`) */
  configurations: Partial<Record<TestName, TestConfiguration>>;
  /** sum of the tests' configured run times, for a progress fraction */
  plannedRunTimeMs: number;
  /** run time of the tests already finished */
  doneRunTimeMs: number;
  live?: LiveTest;
  error?: string;
  /** HTTP status a sync call answers a failed run with: 502 could not start, 422 bad config, 500 bug */
  errorStatus?: number;
  /** set when the run should stop (DELETE, server shutdown) */
  controller: AbortController;
  /** settles when the run has ended (whatever its status); set by whoever starts it */
  done: Promise<void>;
}

/** The last finished test's final numbers: what /metrics shows when nothing runs. */
export interface LastFinished {
  runId: string;
  test: TestName;
  engineRunId: string;
  status: RunStatus;
  snapshot: MetricsSnapshot;
}

export interface NewRun {
  kind: RunKind;
  tests: TestName[];
  intensity?: IntensityName;
  async: boolean;
  configurations: Partial<Record<TestName, TestConfiguration>>;
  plannedRunTimeMs: number;
}

export class RunRegistry {
  private readonly runs = new Map<string, RunRecord>();
  lastFinished?: LastFinished;

  constructor(
    readonly maxConcurrentRuns: number,
    readonly historyCap: number,
  ) {}

  active(): RunRecord[] {
    return [...this.runs.values()].filter((r) => ACTIVE_STATUSES.has(r.status));
  }

  /** Registers a queued run, or returns the active runs that leave no room for it. */
  create(spec: NewRun): { run: RunRecord } | { busy: RunRecord[] } {
    const active = this.active();
    if (active.length >= this.maxConcurrentRuns) return { busy: active };
    const run: RunRecord = {
      id: randomUUID(),
      ...spec,
      status: 'queued',
      createdAt: new Date().toISOString(),
      results: {},
      doneRunTimeMs: 0,
      controller: new AbortController(),
      done: Promise.resolve(),
    };
    this.runs.set(run.id, run);
    this.prune();
    return { run };
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Newest first. */
  list(): RunRecord[] {
    return [...this.runs.values()].reverse();
  }

  /** Marks a run ended and drops the oldest finished runs beyond the cap. */
  finish(run: RunRecord, status: RunStatus, error?: { message: string; httpStatus: number }): void {
    run.status = status;
    run.endedAt = new Date().toISOString();
    if (error !== undefined) {
      run.error = error.message;
      run.errorStatus = error.httpStatus;
    }
    run.live = undefined;
    this.prune();
  }

  private prune(): void {
    let finished = [...this.runs.values()].filter((r) => !ACTIVE_STATUSES.has(r.status)).length;
    for (const [id, run] of this.runs) {
      if (finished <= this.historyCap) break;
      if (ACTIVE_STATUSES.has(run.status)) continue;
      this.runs.delete(id);
      finished--;
    }
  }
}
