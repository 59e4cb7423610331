/**
 * The executor interface (k6's term; Locust calls the same idea a load shape). An executor
 * decides when iterations start: how many virtual users loop (closed model) or at what rate
 * iterations are started (open model). Each shape is one file in this folder behind this
 * interface, chosen from the RunConfig by the registry (index.ts); the runner never names one.
 */
import type { RunConfig } from '../../config/types.js';
import type { Recorder } from '../../metrics/types.js';

export interface IterationRunner {
  /** runs one iteration for a user; `scheduledAtMs` is the open model's intended start */
  (userId: number, iteration: number, scheduledAtMs?: number): Promise<void>;
}

/** Shared with the runner: read by live progress. */
export interface ExecutorState {
  activeUsers: number;
  iterationsStarted: number;
}

/** What every executor gets. */
export interface ExecutorContext {
  /** the run's config (a sweep step passes its own shape) */
  config: RunConfig;
  state: ExecutorState;
  /** aborts when no new iteration may start (run time over, budget spent, interrupt) */
  stopping: AbortSignal;
  iterate: IterationRunner;
  recorder: Recorder;
  /** the run's random source (seeded with --seed): arrival gaps, think times */
  random: () => number;
  /** the wait a user takes between iterations (closed model), ms; 0 = none */
  thinkMs: () => number;
  /** the --iterations budget is used up: the runner stops the run */
  onBudgetSpent: () => void;
  /** a closed-model user left before the end of the run (ramp-down): its connections close */
  onUserLeft?: (userId: number) => void;
  /** a warning for the run log (the open model falling behind) */
  log?: (line: string) => void;
  /**
   * open model: where the first start falls, in expected starts, after the arrival process's
   * own first (default 0). Worker i of N sets i/N, so it takes the run's arrivals i, i+N, ...
   */
  arrivalPhase?: number;
}

/** One progress tick's view of an executor. */
export interface ExecutorProgress {
  /** the users the shape asks for now (closed model) */
  targetUsers?: number;
  /** the start rate the shape asks for now, per second (open model) */
  targetRate?: number;
  /** starts per second since the previous tick (open model) */
  rate?: number;
}

/** The open model's account of its schedule, for the summary and the JSON. */
export interface ScheduleReport {
  /** the arrival process */
  arrival: string;
  /** what the shape asked for over the executor's time, per second */
  requestedRate: number;
  /** iterations actually started per second */
  achievedRate: number;
  /** starts that fell due (started + dropped) */
  scheduled: number;
  started: number;
  dropped: number;
  seconds: number;
}

export interface Executor {
  /** the registry name: closed, open, ramping-users, ramping-arrival-rate */
  readonly name: string;
  /** runs until `stopping` aborts (or the budget is spent) and every iteration it started ended */
  run(): Promise<void>;
  /** the current target and rate, for live progress and the time series (cheap: every tick) */
  progress(): ExecutorProgress;
  /** open model: the schedule so far (requested vs achieved); undefined for the closed model */
  schedule?(): ScheduleReport;
}

/** One shape in the registry. */
export interface ExecutorDefinition {
  name: string;
  /** true when this shape runs the config (the registry asks in order, the first wins) */
  matches(config: RunConfig): boolean;
  create(ctx: ExecutorContext): Executor;
}
