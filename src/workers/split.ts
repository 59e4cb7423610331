/**
 * One run's load split across N workers so that together they are the run: the run's users (and
 * open-model arrivals) are dealt round-robin, user j (0-based) to worker j mod N. So whole numbers
 * split with the remainder going to the lowest indices (10 users over 3 workers: 4, 3, 3;
 * --iterations 3001: 1001, 1000, 1000), spawn and arrival rates split evenly, and worker i starts
 * i spawn (or arrival) intervals after the common start: user j spawns at j / spawn rate as in one
 * process, and arrivals are not bunched N at a time. Worker i's users are the run's users
 * i+1, i+1+N, ... (ids unique across the run, as the batch metadata needs), and its seed is
 * derived from the run's seed and its index.
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
  /** the worker's user n is the run's user first + (n - 1) × stride */
  userIds: { first: number; stride: number };
  /** its phase: how long after the common start its first user spawns (or first arrival comes) */
  startDelayMs: number;
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

/** Checks that the run can be split and every worker gets a share; a ConfigError (exit 2) otherwise. */
export function checkSplit(config: RunConfig, count: number): void {
  if (config.batchRun?.compareOnline) {
    throw new ConfigError('--compare-online runs its batch and online phases in one process: not with worker processes');
  }
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
  // one process spawns every user at once when the spawn rate covers them all (executors)
  const spawnAll = config.spawnRate >= config.users;
  const intervalMs = config.arrivalRate > 0 ? 1000 / config.arrivalRate : spawnAll ? 0 : 1000 / config.spawnRate;
  return users.map((u, index) => ({
    index,
    count,
    users: u,
    spawnRate: config.spawnRate / count,
    arrivalRate: config.arrivalRate / count,
    iterations: iterations[index]!,
    seed: workerSeed(config.seed, index),
    userIds: { first: index + 1, stride: count },
    startDelayMs: index * intervalMs,
  }));
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
