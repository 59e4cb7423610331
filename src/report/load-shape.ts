/**
 * End-of-run text for the load shape: the open model's schedule (requested vs achieved rate,
 * drops, schedule lag), goodput against the SLOs, and a sweep's per-step table with its maximum
 * sustainable rate. Pure functions; the run command appends them to the summary.
 */
import type { RunConfig } from '../config/types.js';
import { formatDuration } from '../config/duration.js';
import {
  DROPPED_ITERATIONS,
  ITERATIONS_SCHEDULED,
  MAX_LAG_P99_MS,
  MIN_ACHIEVED_SHARE,
  SCHEDULE_LAG,
  SCHEDULE_WARNINGS,
} from '../engine/executors/arrival-scheduler.js';
import type { ScheduleReport } from '../engine/executors/types.js';
import { SLO_MET, SLO_REQUESTS } from '../metrics/goodput.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { fmtFixed, fmtMs, fmtNum, fmtPercent, renderTable } from './format.js';
import type { SweepSection, SweepStep } from './sweep.js';

/** Trends and counters this section shows (the summary's generic tables leave them out). */
export const LOAD_SHAPE_TRENDS = new Set([SCHEDULE_LAG]);
export const LOAD_SHAPE_COUNTERS = new Set([ITERATIONS_SCHEDULED, DROPPED_ITERATIONS, SCHEDULE_WARNINGS, SLO_REQUESTS, SLO_MET]);

/** `2m30s`, or `2500ms` when not whole seconds (stages as the user wrote them). */
const exact = (ms: number) => (ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`);

/** The run's shape in one phrase, for the line the run starts with. */
export function describeShape(c: RunConfig): string {
  const arrival = c.arrival && c.arrival.process !== 'constant' ? ` ${c.arrival.process === 'gamma' ? `gamma(${c.arrival.burstiness})` : c.arrival.process} arrivals,` : '';
  if (c.sweep) return `sweep in ${c.sweep.steps} steps of ${formatDuration(c.sweep.stepTimeMs)} (+${formatDuration(c.sweep.warmupMs)} warm-up)${c.sweep.refine ? ', refined' : ''}`;
  const stages = c.stages ? c.stages.stages.map((s) => `${exact(s.durationMs)}:${s.target}`).join(',') : '';
  if (c.stages?.of === 'users') return `users ramping through ${stages}`;
  if (c.stages?.of === 'rate') return `rate ramping from ${c.arrivalRate}/s through ${stages},${arrival} max ${c.users} in flight`;
  if (c.arrivalRate > 0) return `${c.arrivalRate}/s open model,${arrival} max ${c.users} in flight`;
  return `${c.users} users at ${c.spawnRate}/s`;
}

/** `Load shape` section: the schedule of an open-model run and goodput, when the run has them. */
export function renderScheduleSection(schedule: ScheduleReport | undefined, m: MetricsSnapshot): string {
  const out: string[] = [];
  if (schedule) {
    const share = schedule.requestedRate > 0 ? schedule.achievedRate / schedule.requestedRate : 0;
    out.push(`open model (${schedule.arrival} arrivals): requested ${fmtFixed(schedule.requestedRate)}/s, achieved ${fmtFixed(schedule.achievedRate)}/s (${fmtPercent(share, 1)}) over ${fmtFixed(schedule.seconds, 1)} s`);
  }
  // from the counters, so a merged or saved report shows them too
  const due = m.counters[ITERATIONS_SCHEDULED];
  const dropped = m.counters[DROPPED_ITERATIONS];
  if (due !== undefined || dropped !== undefined) {
    const d = dropped ?? 0;
    const share = due ? ` (${fmtPercent(d / due)})` : '';
    out.push(`starts: ${due === undefined ? '' : `${fmtNum(due)} due, ${fmtNum(due - d)} started, `}${fmtNum(d)} dropped${share}: no free worker under --users`);
  }
  const lag = m.trends[SCHEDULE_LAG];
  if (lag && lag.count > 0) out.push(`schedule lag (actual − intended start): p50 ${fmtMs(lag.p50)} ms, p99 ${fmtMs(lag.p99)} ms, max ${fmtMs(lag.max)} ms`);
  const warnings = m.counters[SCHEDULE_WARNINGS] ?? 0;
  if (warnings > 0) out.push(`WARNING: ${warnings} progress interval(s) fell behind (under ${MIN_ACHIEVED_SHARE * 100} % of the due starts started, or lag p99 over ${MAX_LAG_P99_MS} ms): see the log`);
  const judged = m.counters[SLO_REQUESTS];
  if (judged !== undefined) {
    const met = m.counters[SLO_MET] ?? 0;
    const rate = m.elapsedSeconds > 0 ? met / m.elapsedSeconds : 0;
    out.push(`goodput: ${fmtFixed(rate)} req/s met every SLO; goodput_ratio ${judged > 0 ? fmtPercent(met / judged) : '-'} (${fmtNum(met)} of ${fmtNum(judged)} requests)`);
  }
  return out.length > 0 ? ['Load shape', ...out].join('\n') : '';
}

const f1 = (v: number | undefined) => (v === undefined ? '-' : fmtFixed(v, 1));
const ms = (v: number | undefined) => (v === undefined ? '-' : fmtMs(v));

/** `Sweep` section: one row per step, then the maximum sustainable rate and its bracket. */
export function renderSweepSection(sweep: SweepSection): string {
  const verdict = (s: SweepStep) => (s.passed === undefined ? '' : s.passed ? 'pass' : 'FAIL');
  let lines: string[];
  if (sweep.axis === 'batches') {
    lines = renderTable(
      ['in flight', 'lines/s', 'turnaround p50', 'turnaround p95', 'queue p50', 'queue p95', 'workflows', 'errors', 'thresholds'],
      sweep.steps.map((s) => [String(s.batchesInFlight ?? s.requestedRate), f1(s.linesPerSecond), ms(s.turnaroundP50Ms), ms(s.turnaroundP95Ms), ms(s.queueP50Ms), ms(s.queueP95Ms), String(s.workflows ?? '-'), String(s.errors ?? 0), verdict(s)]),
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    );
  } else {
    const load = (s: SweepStep) => (s.kind === 'baseline' || s.kind === 'probe' ? `${s.users} users` : `${f1(s.requestedRate)}/s`);
    lines = renderTable(
      ['step', 'load', 'achieved/s', 'req/s', 'TTFT p50', 'TTFT p95', 'ITL p50', 'ITL p95', 'e2e p95', 'errors', 'goodput/s', 'thresholds'],
      sweep.steps.map((s) => [s.kind ?? '', load(s), f1(s.achievedRate), f1(s.rps), ms(s.ttftP50Ms), ms(s.ttftP95Ms), ms(s.itlP50Ms), ms(s.itlP95Ms), ms(s.e2eP95Ms), String(s.errors ?? 0), f1(s.goodput), verdict(s)]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    );
  }
  const batches = sweep.axis === 'batches';
  const unit = batches ? ' lines/s' : '/s';
  const out = [`Sweep (times in ms${sweep.slo ? `; goodput counts requests meeting ${sweep.slo.join(', ')}` : ''})`, ...lines];
  const b = sweep.bracket;
  if (sweep.maxSustainableRate !== undefined) {
    const bracket = batches
      ? `at ${b?.low} batches in flight${b?.high != null ? `; ${b.high} failed` : '; no higher level failed'}`
      : b && b.high !== null
        ? `between ${fmtFixed(b.low ?? 0, 1)}/s (passed) and ${fmtFixed(b.high, 1)}/s (failed)`
        : 'no higher rate failed';
    out.push(`max sustainable rate: ${fmtFixed(sweep.maxSustainableRate, 1)}${unit} (${bracket})`);
  } else {
    out.push('max sustainable rate: none (no step passed every threshold)');
  }
  if (sweep.plateauRate !== undefined) out.push(`throughput plateau: ${fmtFixed(sweep.plateauRate, 1)}${unit}${sweep.baselineRate !== undefined ? `; baseline (one request in flight): ${fmtFixed(sweep.baselineRate, 1)}/s` : ''}`);
  for (const s of sweep.steps) if (s.passed === false && s.failed) out.push(`  ${s.kind} ${sweep.axis === 'batches' ? `${s.batchesInFlight} in flight` : `${f1(s.requestedRate)}/s`}: ${s.failed.join('; ')}`);
  return out.join('\n');
}
