/**
 * Executors decide when iterations start (k6's term). Closed model: `users` virtual users
 * spawned at `spawnRate`, each looping iteration → think → iteration until stopping. Open
 * model (`--rate`): iterations start at a fixed rate on a pool of at most `users` workers; when
 * none is free the iteration is dropped and counted, never queued (queuing would hide latency).
 */
import { performance } from 'node:perf_hooks';
import type { RunConfig } from '../config/types.js';
import type { Recorder } from '../metrics/types.js';
import { sleep } from './sleep.js';

export interface IterationRunner {
  /** runs one iteration for a user; `scheduledAtMs` is the open model's intended start */
  (userId: number, iteration: number, scheduledAtMs?: number): Promise<void>;
}

export interface ExecutorState {
  activeUsers: number;
  iterationsStarted: number;
}

/** True once the iteration budget (--iterations) is used up. */
function budgetSpent(config: RunConfig, state: ExecutorState): boolean {
  return config.iterations > 0 && state.iterationsStarted >= config.iterations;
}

export async function runClosedModel(
  config: RunConfig,
  state: ExecutorState,
  stopping: AbortSignal,
  iterate: IterationRunner,
  think: () => Promise<void>,
  onBudgetSpent: () => void,
): Promise<void> {
  const users: Promise<void>[] = [];
  const turns = new LoopTurns();
  const user = async (userId: number) => {
    state.activeUsers++;
    try {
      for (let i = 1; !stopping.aborted; i++) {
        if (budgetSpent(config, state)) {
          onBudgetSpent();
          break;
        }
        state.iterationsStarted++;
        const mark = turns.mark();
        await iterate(userId, i);
        if (!stopping.aborted) await think();
        // nothing waited on I/O or a timer (a request that failed before it was sent, no think
        // time): without a turn of the event loop, timers and signals would never run
        if (turns.current === mark) await turns.yield();
      }
    } finally {
      state.activeUsers--;
    }
  };
  const spawnAll = config.spawnRate >= config.users;
  for (let id = 1; id <= config.users && !stopping.aborted; id++) {
    users.push(user(id));
    if (!spawnAll && id < config.users) await sleep(1000 / config.spawnRate, stopping);
  }
  await Promise.all(users);
}

/**
 * Tells whether the event loop turned since a mark: one shared setImmediate, armed by the first
 * mark of a turn, advances the counter (so at most one per turn however many users mark, and
 * nothing per wait is registered anywhere).
 */
class LoopTurns {
  current = 0;
  private armed = false;
  private readonly advance = () => {
    this.current++;
    this.armed = false;
  };

  mark(): number {
    if (!this.armed) {
      this.armed = true;
      setImmediate(this.advance);
    }
    return this.current;
  }

  yield(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * One timer tick handles every start that fell due since the last tick: as many as there are
 * free workers start, each with its own intended start (`start + k × interval`, exact, for
 * coordinated-omission correction); the rest are counted as dropped in one step (their number
 * is computed, not looped over). Then it re-arms for the next due start (at least 1 ms away). No
 * promise, abort listener or closure per tick or per iteration: a worker's completion callback
 * is built once per worker.
 */
export function runOpenModel(
  config: RunConfig,
  state: ExecutorState,
  stopping: AbortSignal,
  iterate: IterationRunner,
  recorder: Recorder,
  onBudgetSpent: () => void,
): Promise<void> {
  const maxWorkers = config.users;
  const free: number[] = Array.from({ length: maxWorkers }, (_, i) => maxWorkers - i);
  /** iterations run by each worker, index = worker id */
  const perWorker = new Array<number>(maxWorkers + 1).fill(0);
  const start = performance.now();
  const intervalMs = 1000 / config.arrivalRate;
  let due = 0;
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const release: (() => void)[] = [];
  for (let w = 0; w <= maxWorkers; w++) {
    release.push(() => {
      state.activeUsers--;
      running--;
      free.push(w);
      if (stopped && running === 0) resolveDone();
    });
  }
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    stopping.removeEventListener('abort', stop);
    if (running === 0) resolveDone();
  };

  const tick = () => {
    timer = undefined;
    if (stopped) return;
    const now = performance.now();
    // the starts that fell due since the last tick (`start + k × interval <= now`), in arithmetic:
    // after a stall, or at an absurd rate, they can number millions
    let pending = Math.max(0, Math.floor((now - start) / intervalMs) + 1 - due);
    // as many start as workers are free (none frees up during this tick) and the budget allows,
    // the earliest first, each with its own intended time
    while (pending > 0 && free.length > 0 && !budgetSpent(config, state) && !stopping.aborted) {
      const scheduledAtMs = start + due * intervalMs;
      due++;
      pending--;
      const worker = free.pop()!;
      state.iterationsStarted++;
      state.activeUsers++;
      running++;
      const n = ++perWorker[worker]!;
      const fin = release[worker]!;
      iterate(worker, n, scheduledAtMs).then(fin, fin);
    }
    if (budgetSpent(config, state)) onBudgetSpent();
    else if (pending > 0 && !stopping.aborted) {
      // the rest found no free worker: dropped, counted once
      recorder.count('dropped_iterations', pending);
      due += pending;
    }
    if (stopping.aborted) return stop();
    timer = setTimeout(tick, Math.max(1, start + due * intervalMs - performance.now()));
  };

  if (stopping.aborted) stop();
  else {
    stopping.addEventListener('abort', stop, { once: true });
    tick();
  }
  return done;
}
