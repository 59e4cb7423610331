/**
 * `probe`: a closed model whose user count the caller sets as it goes (a sweep's saturation
 * probe and its batches-in-flight levels). Users added join at once; users taken away leave at
 * their next iteration boundary, as in every closed shape. Not chosen from a RunConfig: the
 * sweep builds it (engine/sweep.ts).
 */
import type { Executor, ExecutorContext } from './types.js';
import { UserPool, type LevelCurve } from './user-pool.js';

class Fixed implements LevelCurve {
  constructor(private readonly users: number) {}
  levelAt(): number {
    return this.users;
  }
  nextLevelChange(): number {
    return Number.POSITIVE_INFINITY;
  }
}

export interface ProbeExecutor extends Executor {
  setUsers(users: number): void;
}

export function createProbe(ctx: ExecutorContext, users: number): ProbeExecutor {
  const pool = new UserPool(ctx, new Fixed(users));
  return {
    name: 'probe',
    run: () => pool.run(),
    progress: () => ({ targetUsers: pool.target }),
    setUsers: (n) => pool.retarget(new Fixed(n)),
  };
}
