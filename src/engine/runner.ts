/**
 * runLoadTest: one run, start to verdict. Used by the CLI and by `serve` alike (one engine).
 *   start embedded mock if needed → reachability → shared key (exit 3 on failure, before any
 *   load) → executor until run time / iterations / interrupt → stop timeout for in-flight
 *   work → abandon the rest (counted as failures) → snapshot → thresholds.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { StartError } from '../config/errors.js';
import { apiBaseFor, resolveAgainstOrigin } from '../config/target.js';
import type { RunConfig } from '../config/types.js';
import { HttpClient } from '../http/client.js';
import { redactor } from '../http/redact.js';
import { MetricsRecorder, type IntervalStats } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { createScenarios } from '../scenarios/index.js';
import type { Scenario } from '../scenarios/types.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { makeContext, makeThink, thinkDuration, type RunSignals } from './context.js';
import { LoadGauge, type LoadFigures } from './load-gauge.js';
import type { WorkerReport } from '../workers/report.js';
import { createExecutor, type Executor, type ExecutorContext, type ExecutorState, type ScheduleReport } from './executors/index.js';
import { derivedMetrics } from './derived.js';
import { StepRecorder } from './step-recorder.js';
import { runSweep, sweepDerived, sweepThresholds, type SweepSection } from './sweep.js';
import { SLO_COUNTERS } from '../metrics/goodput.js';
import type { Recorder } from '../metrics/types.js';
import { createRandom, weightedPicker } from './random.js';
import { assertReachable } from './reachability.js';
import { SharedApiKey } from './shared-key.js';
import { sleep } from './sleep.js';
import { warmStart } from './warm-start.js';
import type { MockStats } from '../mock/index.js';
import { Retry429, type HttpCaller } from '../http/retry.js';
import { BatchTimelineLog, type BatchTimeline } from '../report/batch-timeline.js';
import { BatchesInFlight } from '../scenarios/batch/in-flight.js';
import { isBatchScenario } from '../config/scenario-mix.js';
import type { CompareOnlineSection } from '../scenarios/batch/compare-online.js';
import { runCompareOnline } from './compare-online.js';
import { TimeSeries, type TimeSeriesPoint } from '../report/timeseries.js';

export interface ProgressInfo {
  elapsedMs: number;
  runTimeMs: number;
  users: number;
  /** what the load shape asks for now: users (closed model) or starts per second (open model) */
  target: { users?: number; rate?: number };
  /** open model: iterations started per second in the interval */
  rate?: number;
  /** iterations started so far (all workers' for a scale-out run) */
  iterationsStarted?: number;
  /** this process's CPU and event-loop lag over the interval (is the generator saturated?) */
  load?: LoadFigures;
  /** scale-out runs: workers not lost (running or done), expected, and lost (the coordinator's progress) */
  workers?: { running: number; expected: number; lost: number };
  interval: IntervalStats;
  totals: { requests: number; failures: number };
  workflowsDone: number;
  /** batch scenarios: batches per status now (all workers' for a scale-out run) */
  batchesInFlight?: Record<string, number>;
  /** the per-name stats so far, without histograms (built only when called: the TTY block) */
  snapshot: () => MetricsSnapshot;
  /** the last tick, at the end of the run: its interval is the rest since the previous tick */
  final?: boolean;
}

export interface RunHooks {
  /** interrupt: stop now, abandon in-flight work, still produce the (partial) result */
  signal?: AbortSignal;
  log?: (line: string) => void;
  onProgress?: (progress: ProgressInfo) => void;
  /** called once the target is known (embedded mock URL filled in) and load is about to start */
  onStart?: (config: RunConfig) => void;
  /** supply a recorder to observe the run live (serve's /metrics) */
  recorder?: MetricsRecorder;
  /**
   * Awaited once the target is reachable and the shared key known, just before load starts
   * (scale-out: workers wait here for the common start; the coordinator hands out the shares and
   * waits until every worker is ready). Throwing a StartError ends the run before any load.
   */
  beforeLoad?: (config: RunConfig, apiKey: string | undefined) => Promise<void>;
  /**
   * Virtual user n's id is `first + (n - 1) × stride` (default 1, 1: n itself). Scale-out: worker
   * i of N runs the run's users i+1, i+1+N, ..., so ids are unique across the run.
   */
  userIds?: { first: number; stride: number };
  /** wait this long after the start before the load shape starts (scale-out: a closed-model worker's phase) */
  startDelayMs?: number;
  /** open model: the first start this far into the schedule, in expected starts (scale-out: worker i of N, i/N) */
  arrivalPhase?: number;
  /** where the embedded mock listens (default 127.0.0.1 on a free port) */
  embeddedListen?: { host: string; port: number };
  /** the load runs elsewhere (scale-out coordinator): it replaces the local executor */
  remote?: RemoteLoad;
}

/** Load run by other processes: the runner prepares the target and key, judges the result. */
export interface RemoteLoad {
  /** runs until the load is over; stops at once when `signals.aborted` fires */
  run(signals: RunSignals): Promise<void>;
  /** live progress figures (the runner adds the clock) */
  progress(): Omit<ProgressInfo, 'elapsedMs' | 'runTimeMs' | 'final'>;
  /** the runner's progress ticks come this long after the load's own (whose figures they show) */
  readonly progressLagMs: number;
  /** the whole run's metrics: the remote load's merged with the runner's own (the key bootstrap) */
  metrics(own: MetricsSnapshot): MetricsSnapshot;
}

export interface RunResult {
  runId: string;
  startedAt: string;
  endedAt: string;
  target: { host: string; basePath: string; embedded: boolean };
  metrics: MetricsSnapshot;
  thresholds: ThresholdResult[];
  passed: boolean;
  /** 0 all thresholds passed, 1 one failed, 5 interrupted, 6 a worker was lost (cli/exit-codes.ts) */
  exitCode: 0 | 1 | 5 | 6;
  interrupted: boolean;
  /** extra metric values thresholds can name (e.g. proxy overhead) */
  derived: Record<string, Partial<Record<string, number>>>;
  /** the embedded mock's own counts, for reconciliation (embedded runs only) */
  serverStats?: MockStats;
  /** the executor that ran (closed, open, ramping-users, ramping-arrival-rate, sweep) */
  executor?: string;
  /** open model: requested vs achieved start rate (schedule lag is the `schedule_lag` trend) */
  schedule?: ScheduleReport;
  /** a sweep's steps and maximum sustainable rate */
  sweep?: SweepSection;
  /** the last batches' lifecycles from the server's timestamps (runs with batch scenarios) */
  batches?: BatchTimeline[];
  /** --compare-online: the batch and online figures side by side */
  compareOnline?: CompareOnlineSection;
  /** one point per progress interval (bounded), for the JSON and HTML reports */
  timeseries?: TimeSeriesPoint[];
  /** scale-out runs: each worker's share and what it reported */
  workers?: WorkerReport[];
  /** scale-out runs: the coordinator process's CPU time from the common start (the embedded mock's included when it serves the run) */
  coordinator?: { cpuSeconds: number };
}

export async function runLoadTest(input: RunConfig, hooks: RunHooks = {}): Promise<RunResult> {
  // two phases of this engine (batch, then the same lines online): engine/compare-online.ts
  if (input.batchRun?.compareOnline) return runCompareOnline(input, hooks, runLoadTest);
  const log = (line: string) => hooks.log?.(redactor.redact(line));
  // masked while the run lasts; callers that print after it (the CLI) register them for longer
  // (a key the run creates is registered for the process: see below)
  const forgetSecrets = [redactor.addScoped(input.auth.apiKey), redactor.addScoped(input.auth.basicAuthPassword)];

  // the mock's code is loaded only when a run uses it (no --host)
  const mock = input.target.embedded ? await (await import('./embedded-target.js')).startEmbeddedTarget(input.auth, hooks.embeddedListen) : undefined;
  const config: RunConfig = mock ? { ...input, target: { ...input.target, host: mock.url } } : input;
  const apiBase = apiBaseFor(config.target, config.target.host);

  const recorder = hooks.recorder ?? new MetricsRecorder();
  // a sweep also records each step on its own (step-recorder.ts)
  const sink: Recorder = config.sweep ? new StepRecorder(recorder) : recorder;
  const stopping = new AbortController();
  const aborted = new AbortController();
  // one listener per in-flight request or sleeping user: thousands are expected, not a leak
  setMaxListeners(0, stopping.signal, aborted.signal);
  const signals: RunSignals = { stopping: stopping.signal, aborted: aborted.signal };
  const http = new HttpClient({
    recorder: sink,
    requestTimeoutMs: config.requestTimeoutMs,
    connections: config.connections,
    signal: aborted.signal,
  });
  let interrupted = false;
  let forgetKey = () => {};
  const onInterrupt = () => {
    interrupted = true;
    stopping.abort();
    aborted.abort();
  };

  if (hooks.signal?.aborted) onInterrupt();
  hooks.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    if (!mock) {
      const hosts = [config.target.host, ...Object.values(config.target.scenarioHosts), config.target.baselineHost];
      await assertReachable(hosts.filter((h): h is string => !!h));
    }
    // before the clock starts: a warm request path and the first second's connections (not for
    // a coordinator: its workers send the load and warm their own)
    if (!hooks.remote) await warmStart(http, config, log, aborted.signal);
    const keyUrl = resolveAgainstOrigin(config.target.host, config.auth.apiKeyEndpoint);
    const sharedKey = new SharedApiKey(http, config.auth, keyUrl);
    // a health-only run needs no key (GET /health is unauthenticated)
    const needsKey = config.scenarios.some((s) => s.name !== 'health');
    const key = needsKey ? await sharedKey.get() : undefined;
    // a key given to the run is masked while it lasts (its caller registers it for longer when it
    // prints later); a key the run created is masked until the process exits, since reports,
    // summaries and serve's response bodies are printed after the run has ended
    if (key !== undefined && key !== config.auth.apiKey) redactor.add(key);
    else forgetKey = redactor.addScoped(key);
    const authHeaders: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    const batchTimelines = new BatchTimelineLog();
    const batchesInFlight = new BatchesInFlight();
    const scenarios = createScenarios(config, apiBase, { batchTimelines, batchesInFlight });
    const hasBatches = config.scenarios.some((s) => isBatchScenario(s.name));
    // --retry-429: every scenario's calls go through the retry layer; waits end at the hard stop
    let retryDeadline = Number.POSITIVE_INFINITY;
    const retry = config.retry429 > 0 ? { maxRetries: config.retry429, recorder: sink, signal: aborted.signal, deadlineMs: () => retryDeadline } : undefined;
    const withRetry = (inner: HttpCaller): HttpCaller => (retry ? new Retry429(inner, retry) : inner);
    // the open model shares the pool; a closed-model user sends on its own connections
    const caller = withRetry(http);
    const userCallers: (HttpCaller | undefined)[] = [];
    const callerOf = (userId: number): HttpCaller => (userCallers[userId] ??= withRetry(http.forUser(userId)));
    // a closed-model user leaving (ramp-down) closes its connections, as a real client would
    const onUserLeft = (userId: number): void => {
      userCallers[userId] = undefined;
      http.releaseUser(userId);
    };
    const random = createRandom(config.seed);

    if (interrupted) throw new StartError('interrupted before the load started');
    // counters thresholds judge exist from the start: `workflows_failed` is 0, not missing
    for (const { scenario } of scenarios) for (const name of scenario.counters ?? []) sink.count(name, 0);
    sink.count('scenario_errors', 0);
    if (config.slo) for (const name of SLO_COUNTERS) sink.count(name, 0);
    hooks.onStart?.(config);
    await hooks.beforeLoad?.(config, key);
    if (interrupted) throw new StartError('interrupted before the load started');
    // rates cover the load, not the set-up (a coordinator may wait minutes for its workers)
    recorder.restartClock();
    const gauge = new LoadGauge();
    const started = performance.now();
    const startedAt = new Date().toISOString();
    // a sweep has no run time: its retries wait until the run stops
    retryDeadline = config.sweep ? Number.POSITIVE_INFINITY : started + config.runTimeMs + config.stopTimeoutMs;
    const state: ExecutorState = { activeUsers: 0, iterationsStarted: 0 };

    // per scenario, built once: the counter names (no string building per iteration)
    const mix = scenarios.map((s) => ({
      weight: s.weight,
      scenario: s.scenario,
      started: `iterations:${s.scenario.name}`,
      failed: `iterations_failed:${s.scenario.name}`,
    }));
    const pick = weightedPicker(mix, random);
    const { first: firstUserId, stride: userIdStride } = hooks.userIds ?? { first: 1, stride: 1 };
    // the open model has no think time: one shared no-op instead of a closure per iteration
    const noThink = makeThink(config, random, stopping.signal, false);
    const iterate = async (userId: number, iteration: number, scheduledAtMs?: number) => {
      // users share the single-flight key; it was obtained above (before any load), so asking
      // again per iteration (as the Locust suite's users did in on_start) cannot change it
      const entry = pick();
      const scenario: Scenario = entry.scenario;
      const open = scheduledAtMs !== undefined;
      const runUserId = firstUserId + (userId - 1) * userIdStride;
      const ctx = makeContext(config, open ? caller : callerOf(userId), sink, authHeaders, signals, random, log, runUserId, iteration, !open, open ? noThink : undefined);
      if (open) ctx.scheduledAtMs = scheduledAtMs;
      sink.count(entry.started);
      try {
        const outcome = await scenario.run(ctx);
        if (!outcome.ok) sink.count(entry.failed);
      } catch (err) {
        // a scenario bug must not kill the user loop; it is counted and named
        sink.count(entry.failed);
        sink.count('scenario_errors');
        log(`scenario ${scenario.name} threw: ${(err as Error).message}`);
      }
    };
    const budgetSpent = () => stopping.abort();
    const shapeContext = (shape: RunConfig, stop: AbortSignal): ExecutorContext => ({
      config: shape,
      state,
      stopping: stop,
      iterate,
      recorder: sink,
      random,
      thinkMs: thinkDuration(shape, random),
      onBudgetSpent: budgetSpent,
      onUserLeft,
      log,
      ...(hooks.arrivalPhase ? { arrivalPhase: hooks.arrivalPhase } : {}),
    });
    // the executor running now (a sweep runs one per step)
    let executor: Executor | undefined;

    // a sweep ends when its last step has; a load shape at its run time
    const runTimer = config.sweep ? undefined : setTimeout(() => stopping.abort(), config.runTimeMs);
    // one point per progress interval, bounded (adjacent points merge past ~2,000)
    const series = new TimeSeries();
    const liveSnapshot = () => recorder.snapshot(undefined, { histograms: false });
    const local = () => {
      const interval = recorder.takeInterval();
      // once per tick: the executor's interval view (and its falling-behind warning)
      const shape = shapeProgress(executor);
      return {
        users: state.activeUsers,
        iterationsStarted: state.iterationsStarted,
        load: gauge.take(),
        ...shape,
        interval,
        totals: recorder.totals(),
        workflowsDone: recorder.counter('workflows_completed') + recorder.counter('workflows_failed'),
        ...(hasBatches ? { batchesInFlight: batchesInFlight.snapshot() } : {}),
        snapshot: liveSnapshot,
      };
    };
    let startedAtLastTick = 0;
    const progress = (final: boolean) => {
      const p = hooks.remote ? hooks.remote.progress() : local();
      const { interval } = p;
      const starts = (p.iterationsStarted ?? 0) - startedAtLastTick;
      startedAtLastTick = p.iterationsStarted ?? 0;
      try {
        series.add({
          interval,
          users: p.users,
          targetUsers: p.target.users,
          // the open model's own count of starts; else iterations started per second
          rate: p.rate ?? (interval.seconds > 0 ? starts / interval.seconds : 0),
          targetRate: p.target.rate,
          ...(p.batchesInFlight ? { batchesInFlight: p.batchesInFlight } : {}),
        });
      } catch (err) {
        log(`time series failed: ${(err as Error).message}`);
      }
      try {
        hooks.onProgress?.({
          elapsedMs: performance.now() - started,
          // a sweep's length is what it finds
          runTimeMs: config.sweep ? 0 : config.runTimeMs,
          ...p,
          ...(final ? { final } : {}),
        });
      } catch (err) {
        // live output is no part of the verdict: a failing consumer is named, the run goes on
        log(`progress output failed: ${(err as Error).message}`);
      }
    };
    let progressTimer: NodeJS.Timeout | undefined;
    const tickEvery = () => {
      progressTimer = setInterval(() => progress(false), config.output.progressIntervalMs);
      progressTimer.unref();
    };
    // remote load: tick a little after the workers do, so their intervals have arrived
    const phase = hooks.remote ? setTimeout(tickEvery, hooks.remote.progressLagMs).unref() : undefined;
    if (!phase) tickEvery();

    let sweep: SweepSection | undefined;
    let running: Promise<void>;
    if (hooks.remote) running = hooks.remote.run(signals);
    else if (config.sweep) {
      running = runSweep({
        config,
        recorder: sink as StepRecorder,
        stopping: stopping.signal,
        log,
        context: shapeContext,
        onExecutor: (ex) => (executor = ex),
      }).then((s) => {
        sweep = s;
        stopping.abort();
      });
    } else {
      const ex = createExecutor(shapeContext(config, stopping.signal));
      executor = ex;
      running = hooks.startDelayMs ? sleep(hooks.startDelayMs, stopping.signal).then(() => (stopping.signal.aborted ? undefined : ex.run())) : ex.run();
    }

    // wait for the end of the run, then give in-flight iterations the stop timeout
    await Promise.race([running, once(stopping.signal)]);
    clearTimeout(runTimer);
    if (!aborted.signal.aborted) {
      const graceEnded = new AbortController();
      const finished = await Promise.race([
        running.then(() => true),
        sleep(config.stopTimeoutMs, AbortSignal.any([graceEnded.signal, aborted.signal])).then(() => false),
      ]);
      graceEnded.abort();
      if (!finished) {
        log(`stop timeout (${config.stopTimeoutMs / 1000}s) reached: abandoning ${http.pending} in-flight request(s)`);
        aborted.abort();
      }
    }
    await running;
    clearTimeout(phase);
    clearInterval(progressTimer);
    // the last partial interval (the whole run when it was shorter than one interval)
    progress(true);
    gauge.stop();

    const metrics = hooks.remote ? hooks.remote.metrics(recorder.snapshot()) : recorder.snapshot();
    const { derived, thresholds, passed, exitCode } = judgeRun(config, metrics, interrupted, sweep);
    const schedule = config.sweep ? undefined : executor?.schedule?.();
    return {
      runId: config.runId,
      startedAt,
      endedAt: new Date().toISOString(),
      target: { host: config.target.host, basePath: config.target.basePath, embedded: config.target.embedded },
      metrics,
      thresholds,
      passed,
      exitCode,
      interrupted,
      derived,
      serverStats: mock?.stats(),
      executor: config.sweep ? 'sweep' : executor?.name,
      ...(schedule ? { schedule } : {}),
      ...(sweep ? { sweep } : {}),
      ...(batchTimelines.size > 0 ? { batches: batchTimelines.toJSON() } : {}),
      timeseries: series.toJSON(),
    };
  } finally {
    hooks.signal?.removeEventListener('abort', onInterrupt);
    forgetKey();
    for (const forget of forgetSecrets) forget();
    await http.close(true).catch(() => undefined);
    await mock?.close();
  }
}

/**
 * The verdict on a run's metrics: derived values (proxy overhead), every threshold, and the exit
 * code. An interrupted run is never a pass: it ends with its own code (5), whatever the thresholds.
 */
export function judgeRun(config: RunConfig, metrics: MetricsSnapshot, interrupted: boolean, sweep?: SweepSection) {
  // values thresholds can name that are computed, not recorded (proxy overhead, goodput, the
  // share of dropped starts; a sweep's maximum sustainable rate)
  const derived = { ...derivedMetrics(metrics), ...(config.sweep ? sweepDerived(sweep) : {}) };
  // a sweep judged every step by the thresholds; the run by what the sweep found
  const specs = config.sweep ? sweepThresholds(config).run : config.thresholds;
  const thresholds = evaluateThresholds(specs, metrics, derived);
  const passed = !interrupted && thresholds.every((t) => t.passed);
  const exitCode: RunResult['exitCode'] = interrupted ? 5 : passed ? 0 : 1;
  return { derived, thresholds, passed, exitCode };
}

/** The live target and start rate of the executor running now. */
function shapeProgress(executor: Executor | undefined): Pick<ProgressInfo, 'target' | 'rate'> {
  const p = executor?.progress() ?? {};
  const target: ProgressInfo['target'] = {};
  if (p.targetUsers !== undefined) target.users = p.targetUsers;
  if (p.targetRate !== undefined) target.rate = p.targetRate;
  return p.rate !== undefined ? { target, rate: p.rate } : { target };
}

function once(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}

export { StartError };
