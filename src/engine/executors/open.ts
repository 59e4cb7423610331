/**
 * `open` (k6's constant-arrival-rate): `--rate` iterations started per second, spaced by the
 * arrival process (`--arrival constant|poisson|gamma`), on at most `--users` workers.
 */
import { ArrivalScheduler } from './arrival-scheduler.js';
import { createArrivalProcess } from './arrivals.js';
import { Profile } from './profile.js';
import type { ExecutorDefinition } from './types.js';

export const open: ExecutorDefinition = {
  name: 'open',
  matches: (config) => config.arrivalRate > 0 && !config.stages,
  create(ctx) {
    const scheduler = new ArrivalScheduler(ctx, Profile.constant(ctx.config.arrivalRate), createArrivalProcess(ctx.config.arrival, ctx.random));
    return {
      name: 'open',
      run: () => scheduler.run(),
      progress: () => scheduler.progress(),
      schedule: () => scheduler.schedule(),
    };
  },
};
