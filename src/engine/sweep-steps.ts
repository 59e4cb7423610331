/**
 * The parts of a sweep step: run a shape for a while, measure a window of it with a recorder of
 * its own, judge the window by the thresholds, and summarise it as a SweepStep.
 */
import { performance } from 'node:perf_hooks';
import type { RunConfig } from '../config/types.js';
import { goodputDerived } from '../metrics/goodput.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import type { SweepStep } from '../report/sweep.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import { parseThreshold } from '../thresholds/parse.js';
import type { ThresholdSpec } from '../thresholds/types.js';
import { onAbort } from './abort-hub.js';
import { DROPPED_ITERATIONS, ITERATIONS_SCHEDULED } from './executors/arrival-scheduler.js';
import { derivedMetrics } from './derived.js';
import type { Executor, ExecutorContext } from './executors/index.js';
import { sleep } from './sleep.js';
import type { StepRecorder } from './step-recorder.js';

export interface SweepDeps {
  config: RunConfig;
  recorder: StepRecorder;
  /** the run's stop (interrupt): ends the sweep */
  stopping: AbortSignal;
  log: (line: string) => void;
  /** an executor context for a step's shape, stopping on `stop` */
  context: (shape: RunConfig, stop: AbortSignal) => ExecutorContext;
  /** the executor running now (live progress follows it) */
  onExecutor: (executor: Executor) => void;
}

/** A running step: its executor, stopped with `stop()`, drained with `drain()`. */
export interface Running {
  executor: Executor;
  stop(): void;
  /** waits for the step's in-flight iterations, at most the stop timeout */
  drain(): Promise<void>;
}

export function startStep<E extends Executor>(deps: SweepDeps, shape: RunConfig, make: (ctx: ExecutorContext) => E): Running & { executor: E } {
  const stop = new AbortController();
  const cancel = onAbort(deps.stopping, () => stop.abort());
  const executor = make(deps.context(shape, stop.signal));
  deps.onExecutor(executor);
  const done = executor.run();
  return {
    executor,
    stop: () => {
      stop.abort();
      cancel();
    },
    // in-flight work past the stop timeout goes on and counts in the run (not in any step)
    drain: () => Promise.race([done, sleep(deps.config.stopTimeoutMs, deps.stopping)]),
  };
}

/** One measured window. */
export interface Window {
  snapshot: MetricsSnapshot;
  seconds: number;
}

/** Starts recording a window into a fresh recorder; `end()` detaches it. */
export function openWindow(deps: SweepDeps): { recorder: MetricsRecorder; end(): Window } {
  const recorder = new MetricsRecorder();
  deps.recorder.step = recorder;
  const t0 = performance.now();
  return {
    recorder,
    end() {
      if (deps.recorder.step === recorder) deps.recorder.step = undefined;
      return { snapshot: recorder.snapshot(), seconds: (performance.now() - t0) / 1000 };
    },
  };
}

/** Skips `warmupMs`, then records `measureMs` (both cut short by an interrupt). */
export async function measure(deps: SweepDeps, warmupMs: number, measureMs: number): Promise<Window> {
  await sleep(warmupMs, deps.stopping);
  const w = openWindow(deps);
  await sleep(measureMs, deps.stopping);
  return w.end();
}

/** Polls `done` every 50 ms until it holds or `maxMs` passed (or the run stops). */
export async function waitFor(deps: SweepDeps, done: () => boolean, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (!done() && performance.now() < until && !deps.stopping.aborted) await sleep(Math.min(50, until - performance.now()), deps.stopping);
}

/** Requests that succeeded so far in a window. */
export const succeeded = (r: MetricsRecorder): number => {
  const t = r.totals();
  return t.requests - t.failures;
};

/** The metric a sweep's verdict names; the rest of the thresholds judge each step. */
export const SWEEP_METRIC = 'max_sustainable_rate';
/** A level whose rate rises less than this over the best so far counts as flat. */
export const PLATEAU_RISE = 0.05;
/** Flat levels in a row that make a plateau. */
export const PLATEAU_LEVELS = 2;

/** The thresholds a sweep judges steps by, and the ones that judge the sweep. */
export function sweepThresholds(config: RunConfig): { step: ThresholdSpec[]; run: ThresholdSpec[] } {
  const run = config.thresholds.filter((t) => t.metric === SWEEP_METRIC);
  const step = config.thresholds.filter((t) => t.metric !== SWEEP_METRIC);
  if (run.length === 0) run.push(...parseThreshold(`${SWEEP_METRIC}: rate>0`));
  return { step, run };
}

export interface Verdict {
  passed: boolean;
  failed: string[];
}

/** Every step threshold on one window (an open-model threshold only on open-model steps). */
export function judgeWindow(specs: readonly ThresholdSpec[], w: Window, openModel: boolean): Verdict {
  const use = openModel ? specs : specs.filter((s) => s.metric !== 'dropped_iterations_ratio');
  const s = w.snapshot;
  const derived = derivedMetrics(s, w.seconds);
  const results = evaluateThresholds([...use], s, derived);
  const failed = results.filter((r) => !r.passed).map((r) => `${r.source} (${r.observed === null ? (r.note ?? 'no value') : `observed ${round(r.observed)}`})`);
  return { passed: failed.length === 0, failed };
}

/** A figure of a step, to `digits` decimals (3: a thousandth of a request per second). */
export const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** A window's figures as a sweep step (latencies in ms, rates per second). */
export function stepOf(kind: NonNullable<SweepStep['kind']>, w: Window, verdict: Verdict, extra: Partial<SweepStep> = {}): SweepStep {
  const s = w.snapshot;
  const agg = s.aggregated;
  const t = s.trends;
  const sec = w.seconds;
  const rps = sec > 0 ? agg.count / sec : 0;
  const good = goodputDerived(s, sec);
  const started = (s.counters[ITERATIONS_SCHEDULED] ?? 0) - (s.counters[DROPPED_ITERATIONS] ?? 0);
  const achieved = s.counters[ITERATIONS_SCHEDULED] !== undefined && sec > 0 ? started / sec : rps;
  const step: SweepStep = {
    kind,
    requestedRate: round(extra.requestedRate ?? achieved),
    achievedRate: round(achieved),
    rps: round(rps),
    p50Ms: agg.p50,
    p95Ms: agg.p95,
    ...(t.ttft ? { ttftP50Ms: t.ttft.p50, ttftP95Ms: t.ttft.p95 } : {}),
    ...(t.itl ? { itlP50Ms: t.itl.p50, itlP95Ms: t.itl.p95 } : {}),
    // the whole request: a stream's e2e, else the request's duration
    e2eP95Ms: t.e2e?.p95 ?? agg.p95,
    errors: agg.failures,
    errorRate: agg.errorRate,
    requests: agg.count,
    seconds: round(sec),
    ...(good.goodput?.rate !== undefined ? { goodput: round(good.goodput.rate) } : {}),
    ...(good.goodput_ratio?.rate !== undefined ? { goodputRatio: round(good.goodput_ratio.rate, 4) } : {}),
    passed: verdict.passed,
    ...(verdict.failed.length > 0 ? { failed: verdict.failed } : {}),
    ...extra,
    metrics: s,
  };
  if (extra.requestedRate !== undefined) step.requestedRate = round(extra.requestedRate);
  return step;
}

/** One line per step for the run log. */
export function stepLine(step: SweepStep): string {
  const f = (v: number | undefined) => (v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const what =
    step.kind === 'batches'
      ? `${step.batchesInFlight} batches in flight: ${f(step.linesPerSecond)} lines/s, turnaround p95 ${f(step.turnaroundP95Ms)} ms`
      : step.kind === 'baseline' || step.kind === 'probe'
        ? `${step.kind} ${step.users} in flight: ${f(step.rps)} req/s, p95 ${f(step.p95Ms)} ms`
        : `${step.kind} ${f(step.requestedRate)}/s: achieved ${f(step.achievedRate)}/s, p95 ${f(step.p95Ms)} ms`;
  const ttft = step.ttftP95Ms !== undefined ? `, TTFT p95 ${f(step.ttftP95Ms)} ms` : '';
  return `sweep: ${what}${ttft}, ${step.errors ?? 0} errors: ${step.passed ? 'pass' : `FAIL (${(step.failed ?? []).join('; ')})`}`;
}
