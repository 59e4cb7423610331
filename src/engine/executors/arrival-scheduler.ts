/**
 * The open model's engine: iterations start at a rate profile (constant, or `--stages` of rates)
 * with an arrival process (constant, Poisson, gamma), on a pool of at most `--users` workers. A
 * start that finds no free worker is dropped and counted (`dropped_iterations`), never queued:
 * queuing would hide the latency the server causes.
 *
 * Timing: one re-armed timer. Each tick starts every arrival that fell due since the previous
 * tick, each with its own intended time from the schedule (not the timer's), so latency counts
 * from when the request should have gone out (coordinated omission corrected) and the achieved
 * rate holds where timers quantize to ~1 ms (above ~500 starts/s a tick starts several). The
 * schedule starts at the first tick: a cold start fires no backlog.
 *
 * Measured per start: `schedule_lag` (actual − intended start, ms), and the counters
 * `iterations_scheduled` (arrivals that fell due) and `dropped_iterations`. Each progress tick
 * checks the interval: fewer than 97 % of the due starts started, or a lag p99 above 10 ms,
 * logs a warning and counts `schedule_warnings`.
 *
 * Cost: no promise, listener or closure per tick or iteration (a worker's completion callback
 * is built once per worker). After a stall (or at an absurd rate) the arrivals due with no free
 * worker are counted in one step, not looped over.
 */
import { performance } from 'node:perf_hooks';
import { MetricHistogram } from '../../metrics/histogram.js';
import { onAbort } from '../abort-hub.js';
import type { MetricsSnapshot } from '../../metrics/types.js';
import type { ArrivalProcess } from './arrivals.js';
import type { Profile } from './profile.js';
import type { ExecutorContext, ExecutorProgress, ScheduleReport } from './types.js';

export const SCHEDULE_LAG = 'schedule_lag';
export const ITERATIONS_SCHEDULED = 'iterations_scheduled';
export const DROPPED_ITERATIONS = 'dropped_iterations';
export const SCHEDULE_WARNINGS = 'schedule_warnings';
/** below this share of the due starts started in an interval, the run is falling behind */
export const MIN_ACHIEVED_SHARE = 0.97;
/** above this schedule lag p99 (ms) in an interval, the generator is late */
export const MAX_LAG_P99_MS = 10;
/** arrivals due with no free worker beyond this many are counted arithmetically */
const LOOP_LIMIT = 10_000;

export class ArrivalScheduler {
  private readonly free: number[];
  private readonly perWorker: number[];
  private readonly release: (() => void)[] = [];
  private start = 0;
  /** the next arrival, in expected starts from the beginning (the profile's integral) */
  private nextAt = 0;
  private running = 0;
  private stopped = false;
  private stoppedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private resolveDone!: () => void;
  private readonly done = new Promise<void>((r) => (this.resolveDone = r));
  private scheduled = 0;
  private started = 0;
  private dropped = 0;
  /** the progress interval's starts, due arrivals and lag */
  private interval = { at: 0, scheduled: 0, started: 0, lag: new MetricHistogram('ms') };

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly profile: Profile,
    private readonly process: ArrivalProcess,
  ) {
    const maxWorkers = ctx.config.users;
    this.free = Array.from({ length: maxWorkers }, (_, i) => maxWorkers - i);
    this.perWorker = new Array<number>(maxWorkers + 1).fill(0);
    for (let w = 0; w <= maxWorkers; w++) {
      this.release.push(() => {
        this.ctx.state.activeUsers--;
        this.running--;
        this.free.push(w);
        if (this.stopped && this.running === 0) this.resolveDone();
      });
    }
  }

  run(): Promise<void> {
    if (this.ctx.stopping.aborted) this.stop();
    else {
      onAbort(this.ctx.stopping, this.stop);
      this.start = performance.now();
      this.interval.at = this.start;
      this.nextAt = this.process.first();
      this.tick();
    }
    return this.done;
  }

  private readonly stop = (): void => {
    if (this.stopped) return;
    this.stopped = true;
    this.stoppedAt = performance.now();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running === 0) this.resolveDone();
  };

  private budgetSpent(): boolean {
    const { config, state } = this.ctx;
    return config.iterations > 0 && state.iterationsStarted >= config.iterations;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.stopped) return;
    const { ctx, profile } = this;
    const { state, recorder } = ctx;
    const now = performance.now();
    const due = profile.integral(now - this.start);
    let scheduled = 0;
    let dropped = 0;
    while (this.nextAt <= due && !ctx.stopping.aborted) {
      if (this.budgetSpent()) break;
      if (this.free.length === 0 && due - this.nextAt > LOOP_LIMIT) {
        // a stall or an absurd rate with every worker busy: the arrivals due are counted, not
        // looped over (their expected number: each gap has mean 1)
        const n = Math.floor(due - this.nextAt) + 1;
        dropped += n;
        scheduled += n;
        this.nextAt += n - 1 + this.process.next();
        continue;
      }
      const intended = this.start + profile.timeOfIntegral(this.nextAt);
      this.nextAt += this.process.next();
      scheduled++;
      const worker = this.free.pop();
      if (worker === undefined) {
        dropped++;
        continue;
      }
      state.iterationsStarted++;
      state.activeUsers++;
      this.running++;
      this.started++;
      this.interval.started++;
      const startedAt = performance.now();
      const lag = Math.max(0, startedAt - intended);
      recorder.trend(SCHEDULE_LAG, lag, 'ms');
      this.interval.lag.record(lag);
      const n = ++this.perWorker[worker]!;
      const fin = this.release[worker]!;
      ctx.iterate(worker, n, intended).then(fin, fin);
    }
    if (scheduled > 0) {
      this.scheduled += scheduled;
      this.interval.scheduled += scheduled;
      recorder.count(ITERATIONS_SCHEDULED, scheduled);
    }
    if (dropped > 0) {
      this.dropped += dropped;
      recorder.count(DROPPED_ITERATIONS, dropped);
    }
    if (this.budgetSpent()) ctx.onBudgetSpent();
    if (ctx.stopping.aborted) return this.stop();
    const nextMs = profile.timeOfIntegral(this.nextAt);
    // a profile that stays at 0 has no next start: the run time ends the run
    if (Number.isFinite(nextMs)) this.timer = setTimeout(this.tick, Math.max(1, this.start + nextMs - performance.now()));
  };

  /** The target rate now and the interval's start rate; warns when the interval fell behind. */
  progress(): ExecutorProgress {
    const now = performance.now();
    const iv = this.interval;
    const seconds = (now - iv.at) / 1000;
    const out: ExecutorProgress = {
      targetRate: this.profile.valueAt(now - this.start),
      rate: seconds > 0 ? iv.started / seconds : 0,
    };
    const behind = iv.scheduled >= 20 && iv.started < MIN_ACHIEVED_SHARE * iv.scheduled;
    const lagP99 = iv.lag.count > 0 ? iv.lag.percentile(99) : 0;
    if (behind || lagP99 > MAX_LAG_P99_MS) {
      this.ctx.recorder.count(SCHEDULE_WARNINGS);
      const parts = [];
      if (behind) parts.push(`started ${iv.started} of ${iv.scheduled} due (${((iv.started / iv.scheduled) * 100).toFixed(1)} %, below ${MIN_ACHIEVED_SHARE * 100} %: ${iv.scheduled - iv.started} dropped for want of a free worker under --users ${this.ctx.config.users})`);
      if (lagP99 > MAX_LAG_P99_MS) parts.push(`schedule lag p99 ${lagP99.toFixed(1)} ms (above ${MAX_LAG_P99_MS} ms: this process cannot start iterations on time)`);
      this.ctx.log?.(`warning: the open model fell behind in the last ${seconds.toFixed(1)} s: ${parts.join('; ')}`);
    }
    this.interval = { at: now, scheduled: 0, started: 0, lag: new MetricHistogram('ms') };
    return out;
  }

  schedule(): ScheduleReport {
    const end = this.stopped ? this.stoppedAt : performance.now();
    const ms = Math.max(0, end - this.start);
    const seconds = ms / 1000;
    return {
      arrival: this.process.name,
      requestedRate: seconds > 0 ? this.profile.integral(ms) / seconds : 0,
      achievedRate: seconds > 0 ? this.started / seconds : 0,
      scheduled: this.scheduled,
      started: this.started,
      dropped: this.dropped,
      seconds,
    };
  }
}

/**
 * `dropped_iterations_ratio` for thresholds: dropped / scheduled starts (open-model runs, from
 * the counters, so shards merge exactly).
 */
export function droppedRatioDerived(s: MetricsSnapshot): Record<string, Partial<Record<string, number>>> {
  const scheduled = s.counters[ITERATIONS_SCHEDULED];
  if (scheduled === undefined) return {};
  const dropped = s.counters[DROPPED_ITERATIONS] ?? 0;
  return { dropped_iterations_ratio: scheduled > 0 ? { rate: dropped / scheduled } : {} };
}
