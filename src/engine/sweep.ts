/**
 * `--sweep [N]`: a capacity search, run by the one engine (runLoadTest runs each step's shape
 * through the executor registry, with the same client, scenarios and recorder).
 *
 * Online scenarios, N steps:
 *   1. baseline: one request in flight (one user, no think time);
 *   2. saturation probe: a closed ramp, users doubling 2, 4, 8 ... until the completed
 *      requests/s stop rising (below; one step per level in the report);
 *   3. N − 2 open-model rates (constant, or Poisson with `--arrival poisson`) evenly spaced from
 *      the baseline up to the plateau;
 *   4. with `--refine`, bisection between the last passing and the first failing rate.
 * Every step is judged by the thresholds (all but `max_sustainable_rate`), on that step's own
 * window: `--warmup` then `--step-time`. The maximum sustainable rate is the highest rate at
 * which every threshold passed, bracketed by the first rate above it that failed; the run's
 * verdict is `max_sustainable_rate` (default `max_sustainable_rate: rate>0`: some rate held).
 *
 * Batch workflow: the axis is batches in flight, 1, 2, 4 ... (a closed loop of that many
 * workflows), each level a measured step, until the completed lines/s stop rising or N levels;
 * per step lines/s, batch turnaround and queue time (server timestamps).
 *
 * Why the probe is long enough (GuideLLM's probe is a fixed short burst at full concurrency,
 * and its measured throughput includes the time the pipeline takes to fill, so it reads low):
 *   - a level's window opens only after as many requests have completed as there are users (the
 *     pipeline is full), so the fill is never counted;
 *   - the window then lasts until at least max(100, 10 × users) requests completed and at least
 *     1 s and 5 × the median latency, so the requests still in flight at its edges (at most the
 *     user count) move the rate by 10 % at the very worst, and typically by much less;
 *   - users are added to the running loop, never restarted, so each level starts warm;
 *   - the plateau needs two doublings in a row that raise the rate by less than 5 %; it is the
 *     highest rate any level reached;
 *   - every level is bounded by `--step-time`, so a slow server cannot stall the probe.
 * The rate steps that follow then measure the open model directly up to the plateau, so an
 * error in the probe moves where the steps fall, not the rate they measure.
 */
import { performance } from 'node:perf_hooks';
import type { RunConfig } from '../config/types.js';
import type { SweepSection, SweepStep } from '../report/sweep.js';
import type { ThresholdSpec } from '../thresholds/types.js';
import { createExecutor, createProbe } from './executors/index.js';
import { runBatchSweep } from './sweep-batch.js';
import {
  judgeWindow,
  measure,
  openWindow,
  PLATEAU_LEVELS,
  PLATEAU_RISE,
  round,
  startStep,
  stepLine,
  stepOf,
  succeeded,
  SWEEP_METRIC,
  sweepThresholds,
  waitFor,
  type SweepDeps,
} from './sweep-steps.js';

export { SWEEP_METRIC, sweepThresholds, type SweepDeps } from './sweep-steps.js';
export type { SweepSection } from '../report/sweep.js';

const MIN_PROBE_COMPLETIONS = 100;
const PROBE_COMPLETIONS_PER_USER = 10;
const MIN_PROBE_WINDOW_MS = 1000;
/** Bisection steps of --refine at most, and the bracket width (of its low end) that ends it. */
const REFINE_STEPS = 4;
const REFINE_WIDTH = 0.02;
/** Failing rate steps in a row after which the higher rates are not run. */
const STOP_AFTER_FAILURES = 2;

/** `max_sustainable_rate` for thresholds. */
export function sweepDerived(sweep: SweepSection | undefined): Record<string, Partial<Record<string, number>>> {
  return { [SWEEP_METRIC]: sweep?.maxSustainableRate !== undefined ? { rate: sweep.maxSustainableRate } : {} };
}

/** The shape every online step shares: no think time, no budget, no stages. */
function stepShape(config: RunConfig, patch: Partial<RunConfig>): RunConfig {
  return { ...config, waitMinMs: 0, waitMaxMs: 0, iterations: 0, stages: undefined, sweep: undefined, ...patch };
}

export async function runSweep(deps: SweepDeps): Promise<SweepSection> {
  const { config } = deps;
  const slo = config.slo?.map((s) => s.source);
  const base = config.scenarios.some((s) => s.name === 'batch') ? await runBatchSweep(deps) : await runOnlineSweep(deps);
  return { ...base, ...(slo ? { slo } : {}) };
}

async function runOnlineSweep(deps: SweepDeps): Promise<SweepSection> {
  const { config, log } = deps;
  const sweep = config.sweep!;
  const specs = sweepThresholds(config).step;
  const steps: SweepStep[] = [];
  const done = (): SweepSection => summarize(steps, baselineRate, plateauRate);
  let baselineRate: number | undefined;
  let plateauRate: number | undefined;

  // 1. baseline: one request in flight
  const baseline = startStep(deps, stepShape(config, { users: 1, spawnRate: 1, arrivalRate: 0 }), createExecutor);
  const bw = await measure(deps, sweep.warmupMs, sweep.stepTimeMs);
  baseline.stop();
  await baseline.drain();
  const b = stepOf('baseline', bw, judgeWindow(specs, bw, false), { users: 1 });
  steps.push(b);
  log(stepLine(b));
  baselineRate = b.rps ?? 0;
  if (deps.stopping.aborted) return done();
  if (!(baselineRate > 0)) {
    log('sweep: the baseline completed no request; nothing to sweep');
    return done();
  }

  // 2. saturation probe
  const probe = await runProbe(deps, specs, baselineRate, b.p95Ms);
  steps.push(...probe.steps);
  plateauRate = probe.plateau;
  if (deps.stopping.aborted) return done();
  log(`sweep: throughput plateau ${plateauRate.toFixed(1)} req/s at ${probe.users} users (baseline ${baselineRate.toFixed(1)} req/s)`);

  // 3. N − 2 rates from the baseline up to the plateau
  const inFlight = Math.max(config.users, 4 * probe.users, 64);
  const rateStep = async (rate: number, kind: 'rate' | 'refine'): Promise<SweepStep> => {
    const run = startStep(deps, stepShape(config, { arrivalRate: rate, users: inFlight }), createExecutor);
    const w = await measure(deps, sweep.warmupMs, sweep.stepTimeMs);
    run.stop();
    await run.drain();
    const step = stepOf(kind, w, judgeWindow(specs, w, true), { requestedRate: rate });
    steps.push(step);
    log(stepLine(step));
    return step;
  };
  const count = sweep.steps - 2;
  let failuresInRow = 0;
  for (let i = 1; i <= count && !deps.stopping.aborted; i++) {
    const rate = baselineRate + ((plateauRate - baselineRate) * i) / count;
    const step = await rateStep(rate, 'rate');
    failuresInRow = step.passed ? 0 : failuresInRow + 1;
    if (failuresInRow >= STOP_AFTER_FAILURES && i < count) {
      log(`sweep: ${STOP_AFTER_FAILURES} rates in a row failed; the ${count - i} higher rate(s) are not run`);
      break;
    }
  }

  // 4. bisection between the last passing and the first failing rate
  if (sweep.refine && !deps.stopping.aborted) {
    for (let i = 0; i < REFINE_STEPS && !deps.stopping.aborted; i++) {
      const { low, high } = bracketOf(steps);
      if (low === null || high === null || (high - low) / low <= REFINE_WIDTH) break;
      await rateStep((low + high) / 2, 'refine');
    }
  }
  return done();
}

/**
 * The closed ramp: users double from 2 until the completed requests/s stop rising (see the
 * file comment for why each level is long enough). One step per level.
 */
async function runProbe(deps: SweepDeps, specs: ThresholdSpec[], baselineRate: number, baselineP95: number): Promise<{ plateau: number; users: number; steps: SweepStep[] }> {
  const { config } = deps;
  const maxUsers = Math.max(config.users, config.connections, 2);
  const stepTimeMs = config.sweep!.stepTimeMs;
  const probe = startStep(deps, stepShape(config, { users: maxUsers, arrivalRate: 0 }), (ctx) => createProbe(ctx, 2));
  const steps: SweepStep[] = [];
  let best = baselineRate;
  let bestUsers = 1;
  let flat = 0;
  let latency = baselineP95;
  for (let users = 2; users <= maxUsers && !deps.stopping.aborted; users *= 2) {
    probe.executor.setUsers(users);
    // the pipeline fills: as many requests complete as there are users
    const fill = openWindow(deps);
    await waitFor(deps, () => fill.recorder.totals().requests >= users, stepTimeMs);
    const filled = fill.end();
    if (filled.snapshot.aggregated.count > 0) latency = filled.snapshot.aggregated.p50;
    const need = Math.max(MIN_PROBE_COMPLETIONS, PROBE_COMPLETIONS_PER_USER * users);
    const minMs = Math.max(MIN_PROBE_WINDOW_MS, 5 * latency);
    const win = openWindow(deps);
    const t0 = performance.now();
    await waitFor(deps, () => win.recorder.totals().requests >= need && performance.now() - t0 >= minMs, stepTimeMs);
    const ok = succeeded(win.recorder);
    const w = win.end();
    const rate = w.seconds > 0 ? ok / w.seconds : 0;
    const step = stepOf('probe', w, judgeWindow(specs, w, false), { users, requestedRate: rate });
    step.achievedRate = round(rate);
    steps.push(step);
    deps.log(stepLine(step));
    flat = rate > best * (1 + PLATEAU_RISE) ? 0 : flat + 1;
    if (rate > best) {
      best = rate;
      bestUsers = users;
    }
    if (flat >= PLATEAU_LEVELS) break;
    // a server failing most requests has no higher plateau to find
    if (w.snapshot.aggregated.errorRate > 0.5) break;
  }
  probe.stop();
  await probe.drain();
  return { plateau: best, users: bestUsers, steps };
}

/** Highest passing rate and the lowest failing rate above it (rate and refine steps, the baseline). */
function bracketOf(steps: readonly SweepStep[]): { low: number | null; high: number | null } {
  const rated = steps.filter((s) => s.kind === 'rate' || s.kind === 'refine' || s.kind === 'baseline');
  const rateOf = (s: SweepStep) => (s.kind === 'baseline' ? (s.rps ?? s.achievedRate) : s.requestedRate);
  let low: number | null = null;
  for (const s of rated) if (s.passed && (low === null || rateOf(s) > low)) low = rateOf(s);
  let high: number | null = null;
  for (const s of rated) if (!s.passed && (low === null || rateOf(s) > low) && (high === null || rateOf(s) < high)) high = rateOf(s);
  return { low, high };
}

function summarize(steps: SweepStep[], baselineRate: number | undefined, plateauRate: number | undefined): SweepSection {
  const bracket = bracketOf(steps);
  return {
    axis: 'rate',
    steps,
    ...(bracket.low !== null ? { maxSustainableRate: bracket.low } : {}),
    bracket,
    ...(baselineRate !== undefined ? { baselineRate: round(baselineRate) } : {}),
    ...(plateauRate !== undefined ? { plateauRate: round(plateauRate) } : {}),
  };
}
