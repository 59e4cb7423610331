/**
 * One run's load split across N workers so that the shares add up to the run: users and
 * iterations are whole numbers split with the remainder going to the lowest indices (10 users
 * over 3 workers: 4, 3, 3); spawn rate and arrival rate are split evenly. Each worker gets a seed
 * of its own derived from the run's seed and its index, and the first user id after those of the
 * workers before it, so (run id, user, iteration), which the batch metadata carries, is unique
 * across the whole run.
 */
import { ConfigError } from '../config/errors.js';
import type { RunConfig } from '../config/types.js';

export interface WorkerShare {
  index: number;
  count: number;
  users: number;
  spawnRate: number;
  arrivalRate: number;
  /** 0 = the run time decides (as for the run) */
  iterations: number;
  seed?: number;
  /** added to this worker's user ids (1..users): the users of the workers before it */
  userIdOffset: number;
}

/** `total` split into `n` whole parts that add up to it, the remainder to the lowest indices. */
export function splitWhole(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  const rest = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < rest ? 1 : 0));
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

/** Checks that every worker gets a share at all; a ConfigError (exit 2) otherwise. */
export function checkSplit(config: RunConfig, count: number): void {
  if (config.users < count) {
    throw new ConfigError(`--workers ${count}: needs at least ${count} users (--users ${config.users}): every worker runs one or more`);
  }
  if (config.iterations > 0 && config.iterations < count) {
    throw new ConfigError(`--workers ${count}: needs at least ${count} iterations (--iterations ${config.iterations}): every worker runs one or more`);
  }
}

/** Every worker's share of the run, index 0..count-1. */
export function splitRun(config: RunConfig, count: number): WorkerShare[] {
  checkSplit(config, count);
  const users = splitWhole(config.users, count);
  const iterations = config.iterations > 0 ? splitWhole(config.iterations, count) : users.map(() => 0);
  let offset = 0;
  return users.map((u, index) => {
    const share: WorkerShare = {
      index,
      count,
      users: u,
      spawnRate: config.spawnRate / count,
      arrivalRate: config.arrivalRate / count,
      iterations: iterations[index]!,
      seed: workerSeed(config.seed, index),
      userIdOffset: offset,
    };
    offset += u;
    return share;
  });
}

/** The run config a worker runs: the run's, with its share of the load. */
export function applyShare(config: RunConfig, share: WorkerShare): RunConfig {
  return {
    ...config,
    users: share.users,
    spawnRate: share.spawnRate,
    arrivalRate: share.arrivalRate,
    iterations: share.iterations,
    seed: share.seed,
    // sockets per origin: the run's bound, shared out like the users
    connections: Math.max(1, Math.ceil((config.connections * share.users) / config.users)),
  };
}
