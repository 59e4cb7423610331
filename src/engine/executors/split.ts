/**
 * Splitting one load shape across `count` workers (processes or pods) so that the workers'
 * shares add up exactly to the whole:
 *   - counts (users, iterations, user targets of stages) split as integers, the remainder going
 *     one each to the lowest indices: 10 users over 3 workers = 4, 3, 3;
 *   - rates (arrival rate, rate targets of stages) split in millionths the same way, so the
 *     shares add up to the total to the last decimal a flag can carry;
 *   - the spawn rate goes with each worker's users (spawnRate × share / users), so every
 *     worker's ramp ends when the whole one would;
 *   - stage durations, the arrival process and everything else are the same for every worker.
 * A worker whose share of a positive `--iterations` budget is 0 gets `idle: true` (its config
 * cannot say "no iterations": 0 means unbounded) and must send nothing.
 */
import type { RunConfig, Stage } from '../../config/types.js';

export interface ShapeShare {
  config: RunConfig;
  /** true when this worker's share is no load at all (a zero share of the iteration budget) */
  idle: boolean;
}

/** `total` split into `count` integer shares, remainder to the lowest indices; share `index` (0-based). */
export function splitInteger(total: number, index: number, count: number): number {
  const base = Math.floor(total / count);
  return base + (index < total - base * count ? 1 : 0);
}

const MICRO = 1e6;

/** A rate split like an integer count of millionths. */
export function splitRate(total: number, index: number, count: number): number {
  return splitInteger(Math.round(total * MICRO), index, count) / MICRO;
}

export function splitShape(config: RunConfig, index: number, count: number): ShapeShare {
  if (!Number.isInteger(count) || count < 1) throw new Error(`splitShape: count must be a whole number ≥ 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new Error(`splitShape: index must be 0..${count - 1}, got ${index}`);
  if (config.sweep) throw new Error('splitShape: a sweep is run by one coordinator; split each step’s shape instead');
  const users = splitInteger(config.users, index, count);
  const share: RunConfig = {
    ...config,
    users,
    spawnRate: config.users > 0 ? (config.spawnRate * users) / config.users : 0,
    arrivalRate: splitRate(config.arrivalRate, index, count),
    iterations: splitInteger(config.iterations, index, count),
  };
  if (config.stages) {
    const split = config.stages.of === 'users' ? splitInteger : splitRate;
    const stages: Stage[] = config.stages.stages.map((s) => ({ durationMs: s.durationMs, target: split(s.target, index, count) }));
    share.stages = { of: config.stages.of, stages };
    // the closed model's most users: this worker's highest stage target
    if (config.stages.of === 'users') share.users = Math.max(0, ...stages.map((s) => s.target));
  }
  return { config: share, idle: config.iterations > 0 && share.iterations === 0 };
}
