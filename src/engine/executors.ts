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
  const user = async (userId: number) => {
    state.activeUsers++;
    try {
      for (let i = 1; !stopping.aborted; i++) {
        if (budgetSpent(config, state)) {
          onBudgetSpent();
          break;
        }
        state.iterationsStarted++;
        await iterate(userId, i);
        if (!stopping.aborted) await think();
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

export async function runOpenModel(
  config: RunConfig,
  state: ExecutorState,
  stopping: AbortSignal,
  iterate: IterationRunner,
  recorder: Recorder,
  onBudgetSpent: () => void,
): Promise<void> {
  const maxWorkers = config.users;
  const inFlight = new Set<Promise<void>>();
  const free: number[] = Array.from({ length: maxWorkers }, (_, i) => maxWorkers - i);
  const perIteration = new Map<number, number>();
  const start = performance.now();
  const intervalMs = 1000 / config.arrivalRate;
  let due = 0;
  while (!stopping.aborted) {
    const now = performance.now();
    // catch up on every start that fell due since the last tick, each with its own intended time
    while (start + due * intervalMs <= now && !stopping.aborted) {
      const scheduledAtMs = start + due * intervalMs;
      due++;
      if (budgetSpent(config, state)) {
        onBudgetSpent();
        break;
      }
      const worker = free.pop();
      if (worker === undefined) {
        recorder.count('dropped_iterations');
        continue;
      }
      state.iterationsStarted++;
      state.activeUsers++;
      const n = (perIteration.get(worker) ?? 0) + 1;
      perIteration.set(worker, n);
      const p: Promise<void> = iterate(worker, n, scheduledAtMs).finally(() => {
        state.activeUsers--;
        free.push(worker);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    const next = start + due * intervalMs - performance.now();
    await sleep(Math.max(1, next), stopping);
  }
  await Promise.all(inFlight);
}
