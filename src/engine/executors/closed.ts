/**
 * `closed`: Locust's model. `--users` virtual users, started at `--spawn-rate` per second (all at
 * once when the rate is at least the user count), each looping iteration → think → iteration
 * until the run stops.
 */
import type { ExecutorDefinition } from './types.js';
import { UserPool, type LevelCurve } from './user-pool.js';

/** User k (1-based) starts at (k − 1) / spawnRate seconds; all at once when spawnRate ≥ users. */
export class SpawnCurve implements LevelCurve {
  constructor(
    private readonly users: number,
    private readonly spawnRate: number,
  ) {}

  levelAt(tMs: number): number {
    if (this.users <= 0) return 0;
    if (this.spawnRate >= this.users) return this.users;
    return Math.min(this.users, Math.floor((tMs * this.spawnRate) / 1000 + 1e-9) + 1);
  }

  nextLevelChange(tMs: number): number {
    const level = this.levelAt(tMs);
    return level >= this.users ? Number.POSITIVE_INFINITY : (level * 1000) / this.spawnRate;
  }
}

export const closed: ExecutorDefinition = {
  name: 'closed',
  matches: (config) => !(config.arrivalRate > 0) && !config.stages,
  create(ctx) {
    const pool = new UserPool(ctx, new SpawnCurve(ctx.config.users, ctx.config.spawnRate));
    return {
      name: 'closed',
      run: () => pool.run(),
      progress: () => ({ targetUsers: pool.target }),
    };
  },
};
