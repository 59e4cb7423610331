/**
 * `ramping-users` (k6's ramping-vus): `--stages` whose targets are users. The user count follows
 * the stages linearly from 0; users above the target leave after their current iteration (a
 * thinking user at once), never mid-request.
 */
import { Profile } from './profile.js';
import type { ExecutorDefinition } from './types.js';
import { UserPool } from './user-pool.js';

export const rampingUsers: ExecutorDefinition = {
  name: 'ramping-users',
  matches: (config) => config.stages?.of === 'users',
  create(ctx) {
    const pool = new UserPool(ctx, new Profile(0, ctx.config.stages!.stages));
    return {
      name: 'ramping-users',
      run: () => pool.run(),
      progress: () => ({ targetUsers: pool.target }),
    };
  },
};
