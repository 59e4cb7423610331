/**
 * A run's load over N workers. The shares themselves are the load shapes' split
 * (engine/executors/split.ts `splitShape`: users, iterations and stage targets as whole numbers,
 * the remainder to the lowest indices; rates split exactly; the spawn rate going with each
 * worker's users). On top of it, what a worker process needs to be one part of one run:
 *   - user ids: worker i runs the run's users i+1, i+1+N, ... (its user count is
 *     splitInteger(users, i, N), exactly those), so (run id, user, iteration), which the batch
 *     metadata carries, never repeats across the run;
 *   - a phase, so that with an even split the workers together keep one process's schedule
 *     instead of starting N at a time: in the open model (constant or ramping rate) worker i's
 *     first start falls i/N of an expected start into its own schedule, so it takes the run's
 *     arrivals i, i+N, i+2N, ... (their count then adds up to one process's, ramps included);
 *     in the closed model worker i spawns its first user i spawn intervals after the common
 *     start (user j at j / spawn rate), except when the users spawn at once or ramp by stages;
 *   - its own seed, derived from the run's seed and its index;
 *   - its share of the sockets (--connections), like its users.
 */
import { ConfigError } from '../config/errors.js';
import type { RunConfig } from '../config/types.js';
import { isOpenModel, splitShape } from '../engine/executors/index.js';

/** What a worker is told about its part (its run config travels next to it). */
export interface WorkerShare {
  index: number;
  count: number;
  users: number;
  spawnRate: number;
  arrivalRate: number;
  /** 0 = the run time decides (as for the run) */
  iterations: number;
  seed?: number;
  /** the worker's user n is the run's user first + (n - 1) × stride */
  userIds: { first: number; stride: number };
  /** closed model: how long after the common start its first user spawns */
  startDelayMs: number;
  /** open model: where its first start falls, in expected starts of its own schedule (i/N) */
  arrivalPhase: number;
}

export interface WorkerPlan {
  share: WorkerShare;
  /** the run config this worker runs: the run's, with its share */
  config: RunConfig;
}

/**
 * A worker's seed: the run seed and the index mixed (murmur3's finalizer over seed + (i+1)·φ),
 * distinct for every index of one seed. Undefined when the run has no seed.
 */
export function workerSeed(seed: number | undefined, index: number): number | undefined {
  if (seed === undefined) return undefined;
  let z = (seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Checks that the run can be split and every worker gets a share; a ConfigError (exit 2) otherwise. */
export function checkSplit(config: RunConfig, count: number): void {
  if (config.batchRun?.compareOnline) {
    throw new ConfigError('--compare-online runs its batch and online phases in one process: not with worker processes');
  }
  if (config.sweep) throw new ConfigError('--sweep searches step by step in one process: not with worker processes');
  if (config.users < count) {
    throw new ConfigError(`--workers ${count}: needs at least ${count} users (--users ${config.users}): every worker runs one or more`);
  }
  if (config.iterations > 0 && config.iterations < count) {
    throw new ConfigError(`--workers ${count}: needs at least ${count} iterations (--iterations ${config.iterations}): every worker runs one or more`);
  }
}

/** Every worker's part of the run, index 0..count-1. */
export function splitRun(config: RunConfig, count: number): WorkerPlan[] {
  checkSplit(config, count);
  const open = isOpenModel(config);
  // the closed model's interval between one process's spawns (none when all spawn at once or
  // stages ramp the users)
  const spawnMs = open || config.stages || config.spawnRate >= config.users ? 0 : 1000 / config.spawnRate;
  return Array.from({ length: count }, (_, index) => {
    const { config: shape } = splitShape(config, index, count);
    const seed = workerSeed(config.seed, index);
    const share: WorkerShare = {
      index,
      count,
      users: shape.users,
      spawnRate: shape.spawnRate,
      arrivalRate: shape.arrivalRate,
      iterations: shape.iterations,
      seed,
      userIds: { first: index + 1, stride: count },
      startDelayMs: index * spawnMs,
      arrivalPhase: open ? index / count : 0,
    };
    const connections = Math.max(1, Math.ceil((config.connections * shape.users) / config.users));
    return { share, config: { ...shape, seed, connections } };
  });
}
