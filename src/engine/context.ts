import type { RunConfig } from '../config/types.js';
import type { HttpCaller } from '../http/retry.js';
import type { Recorder } from '../metrics/types.js';
import type { ScenarioContext } from '../scenarios/types.js';
import { sleep } from './sleep.js';

export interface RunSignals {
  /** run time is over (or interrupted): no new iterations, think times cut short */
  stopping: AbortSignal;
  /** in-flight work is abandoned: requests fail as `aborted (run stopped)` */
  aborted: AbortSignal;
}

/** Draws one wait between steps or iterations: waitMin..waitMax ms (0 when both are 0). */
export function thinkDuration(config: RunConfig, random: () => number): () => number {
  const { waitMinMs, waitMaxMs } = config;
  if (waitMaxMs <= 0) return () => 0;
  return () => waitMinMs + random() * (waitMaxMs - waitMinMs);
}

/** The wait between steps: waitMin..waitMax, cut short once the run is stopping. */
export function makeThink(config: RunConfig, random: () => number, stopping: AbortSignal, enabled = true): () => Promise<void> {
  if (!enabled || config.waitMaxMs <= 0) return () => Promise.resolve();
  const draw = thinkDuration(config, random);
  return () => sleep(draw(), stopping);
}

/** Builds the per-iteration context a scenario runs with. */
export function makeContext(
  config: RunConfig,
  http: HttpCaller,
  recorder: Recorder,
  authHeaders: Record<string, string>,
  signals: RunSignals,
  random: () => number,
  log: (line: string) => void,
  userId: number,
  iteration: number,
  thinkEnabled: boolean,
  /** a ready think function (saves building one per iteration) */
  think?: () => Promise<void>,
): ScenarioContext {
  return {
    userId,
    iteration,
    config,
    http,
    recorder,
    authHeaders,
    signal: signals.aborted,
    random,
    think: think ?? makeThink(config, random, signals.stopping, thinkEnabled),
    log,
  };
}
