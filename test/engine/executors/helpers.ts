/** Executor contexts for tests: a resolved config, a fresh state and recorder, a stop switch. */
import { resolveRunConfig } from '../../../src/config/resolve.js';
import type { ExecutorContext, ExecutorState, IterationRunner } from '../../../src/engine/executors/index.js';
import { createRandom } from '../../../src/engine/random.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import type { RawRunOptions } from '../../../src/options/run-options.js';

export const config = (raw: RawRunOptions) => resolveRunConfig({ scenario: 'health', ...raw });

export interface TestContext extends ExecutorContext {
  stop: AbortController;
  state: ExecutorState;
  recorder: MetricsRecorder;
}

export function context(raw: RawRunOptions, iterate: IterationRunner, opts: { thinkMs?: number; recorder?: MetricsRecorder; log?: (l: string) => void } = {}): TestContext {
  const stop = new AbortController();
  const recorder = opts.recorder ?? new MetricsRecorder();
  return {
    config: config(raw),
    state: { activeUsers: 0, iterationsStarted: 0 },
    stopping: stop.signal,
    stop,
    iterate,
    recorder,
    random: createRandom(1),
    thinkMs: () => opts.thinkMs ?? 0,
    onBudgetSpent: () => stop.abort(),
    log: opts.log,
  };
}
