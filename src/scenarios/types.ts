/**
 * A scenario is one kind of iteration a virtual user repeats: the batch workflow, one chat
 * request, one embeddings request ... The engine picks a scenario per iteration by weight and
 * calls `run`; scenarios talk HTTP only through ctx.http, so every request is recorded once.
 */
import type { RunConfig, ScenarioName } from '../config/types.js';
import type { HttpCaller } from '../http/retry.js';
import type { Recorder } from '../metrics/types.js';
import type { BatchesInFlight } from './batch/in-flight.js';
import type { BatchTimelineLog } from '../report/batch-timeline.js';

export interface ScenarioContext {
  /** 1-based virtual user number */
  userId: number;
  /** 1-based iteration number of this user */
  iteration: number;
  /**
   * Open model only: performance.now() at which this iteration was meant to start. Pass it as
   * the first request's `intendedStartMs` so latency includes time spent waiting to be sent
   * (coordinated-omission correction, as wrk2 and autocannon do).
   */
  scheduledAtMs?: number;
  config: RunConfig;
  /** the HTTP client, behind the 429 retry layer when --retry-429 is on */
  http: HttpCaller;
  recorder: Recorder;
  /** headers every API call carries (Authorization: Bearer <shared key>) */
  authHeaders: Record<string, string>;
  /** aborted when the run is interrupted or the stop timeout abandons in-flight work */
  signal: AbortSignal;
  /** seeded when --seed is given */
  random: () => number;
  /** the wait between workflow steps (config waitMin..waitMax); resolves early on abort */
  think(): Promise<void>;
  /** a short line for the run log (never includes secrets) */
  log(line: string): void;
}

/** How one iteration ended; failed iterations have already recorded their failing request. */
export type IterationOutcome = { ok: true } | { ok: false; reason: string };

export interface Scenario {
  name: ScenarioName;
  run(ctx: ScenarioContext): Promise<IterationOutcome>;
  /** counters the engine creates at 0 before any load, so a threshold on them never lacks a value */
  counters?: readonly string[];
}

/** What the scenarios of one run share, built once by the engine. */
export interface SharedRunState {
  /** the last batches' lifecycles, for the report (`batches` in the JSON) */
  batchTimelines: BatchTimelineLog;
  /** batches being polled now, by their last seen status (the time series' gauge) */
  batchesInFlight?: BatchesInFlight;
}
