/**
 * `ramping-arrival-rate` (k6's executor of that name): `--stages` whose targets are start rates
 * per second (given with `--rate`, the start rate, or `--arrival`), interpolated linearly; the
 * arrival process spaces the starts along the ramp (time rescaling: see arrivals.ts).
 */
import { ArrivalScheduler } from './arrival-scheduler.js';
import { createArrivalProcess } from './arrivals.js';
import { Profile } from './profile.js';
import type { ExecutorDefinition } from './types.js';

export const rampingArrivalRate: ExecutorDefinition = {
  name: 'ramping-arrival-rate',
  matches: (config) => config.stages?.of === 'rate',
  create(ctx) {
    const { config } = ctx;
    const profile = new Profile(config.arrivalRate, config.stages!.stages);
    const scheduler = new ArrivalScheduler(ctx, profile, createArrivalProcess(config.arrival, ctx.random));
    return {
      name: 'ramping-arrival-rate',
      run: () => scheduler.run(),
      progress: () => scheduler.progress(),
      schedule: () => scheduler.schedule(),
    };
  },
};
