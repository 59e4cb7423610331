/**
 * The batch workflow's capacity sweep: how much batch work the service absorbs. The axis is
 * batches in flight: 1, 2, 4 ... workflows looping at once (a closed loop: each user uploads,
 * creates, polls and downloads one batch after another, with the run's --wait-min/--wait-max
 * between steps). Each level is one step: after the level's first workflows have completed (the
 * pipeline is full) and `--warmup`, `--step-time` is measured; then the next level. It stops
 * when the completed lines/s rise by less than 5 % twice in a row, or after --sweep levels.
 *
 * Per step: completed lines/s (`batch_lines_ok` of the workflows that finished in the window,
 * over the window), batch turnaround p50/p95, queue time before processing starts
 * (`batch_queue_time`: the Batch object's created_at → in_progress_at, server clock), and the
 * thresholds' verdict. The maximum sustainable rate is the highest lines/s of a level at which
 * every threshold passed.
 */
import type { SweepSection, SweepStep } from '../report/sweep.js';
import { LIFECYCLE } from '../scenarios/batch/lifecycle.js';
import { WORKFLOW_COUNTERS } from '../scenarios/batch/names.js';
import { createProbe } from './executors/index.js';
import { judgeWindow, measure, openWindow, PLATEAU_LEVELS, PLATEAU_RISE, round, startStep, stepLine, stepOf, sweepThresholds, waitFor, type SweepDeps } from './sweep-steps.js';

/** Completed lines of the batch workflow (scenarios/batch/workflow.ts counts it). */
const BATCH_LINES_OK = 'batch_lines_ok';

export async function runBatchSweep(deps: SweepDeps): Promise<SweepSection> {
  const { config } = deps;
  const sweep = config.sweep!;
  const specs = sweepThresholds(config).step;
  const steps: SweepStep[] = [];
  const maxLevels = sweep.steps;
  const maxInFlight = 2 ** (maxLevels - 1);
  const run = startStep(deps, { ...config, users: maxInFlight, iterations: 0, stages: undefined, sweep: undefined, arrivalRate: 0 }, (ctx) => createProbe(ctx, 1));
  let best = 0;
  let flat = 0;
  for (let level = 0, inFlight = 1; level < maxLevels && !deps.stopping.aborted; level++, inFlight *= 2) {
    run.executor.setUsers(inFlight);
    // the level's first workflows end: as many as there are batches in flight
    const fill = openWindow(deps);
    const finished = () => WORKFLOW_COUNTERS.reduce((n, c) => n + fill.recorder.counter(c), 0);
    await waitFor(deps, () => finished() >= inFlight, Math.max(sweep.stepTimeMs, config.stopTimeoutMs));
    fill.end();
    const w = await measure(deps, sweep.warmupMs, sweep.stepTimeMs);
    const s = w.snapshot;
    const lines = s.counters[BATCH_LINES_OK] ?? 0;
    const linesPerSecond = w.seconds > 0 ? lines / w.seconds : 0;
    const turnaround = s.trends[LIFECYCLE.turnaround];
    const queue = s.trends[LIFECYCLE.queue];
    const step = stepOf('batches', w, judgeWindow(specs, w, false), {
      users: inFlight,
      batchesInFlight: inFlight,
      requestedRate: inFlight,
      linesPerSecond: round(linesPerSecond),
      workflows: s.counters.workflows_completed ?? 0,
      ...(turnaround ? { turnaroundP50Ms: turnaround.p50, turnaroundP95Ms: turnaround.p95 } : {}),
      ...(queue ? { queueP50Ms: queue.p50, queueP95Ms: queue.p95 } : {}),
    });
    step.achievedRate = round(linesPerSecond);
    steps.push(step);
    deps.log(stepLine(step));
    flat = linesPerSecond > best * (1 + PLATEAU_RISE) ? 0 : flat + 1;
    best = Math.max(best, linesPerSecond);
    if (flat >= PLATEAU_LEVELS) break;
  }
  run.stop();
  await run.drain();
  const passing = steps.filter((s) => s.passed);
  const top = passing.length > 0 ? passing.reduce((a, b) => ((a.linesPerSecond ?? 0) >= (b.linesPerSecond ?? 0) ? a : b)) : undefined;
  const above = top ? steps.find((s) => !s.passed && (s.batchesInFlight ?? 0) > (top.batchesInFlight ?? 0)) : steps.find((s) => !s.passed);
  return {
    axis: 'batches',
    steps,
    ...(top ? { maxSustainableRate: top.linesPerSecond } : {}),
    // batch sweeps bracket in batches in flight: the last passing level and the first failing one
    bracket: { low: top?.batchesInFlight ?? null, high: above?.batchesInFlight ?? null },
    plateauRate: round(best),
  };
}
