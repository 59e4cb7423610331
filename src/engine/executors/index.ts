/**
 * The executor registry: every load shape, and the one place that picks one from a RunConfig.
 * A new shape is a file in this folder (an ExecutorDefinition) and one line in SHAPES; the
 * runner only ever calls createExecutor.
 */
import type { RunConfig } from '../../config/types.js';
import { closed } from './closed.js';
import { open } from './open.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingUsers } from './ramping-users.js';
import type { Executor, ExecutorContext, ExecutorDefinition } from './types.js';

/** In order: the first whose `matches` accepts the config runs it. */
export const SHAPES: readonly ExecutorDefinition[] = [rampingArrivalRate, rampingUsers, open, closed];

export function selectExecutor(config: RunConfig): ExecutorDefinition {
  const shape = SHAPES.find((s) => s.matches(config));
  if (!shape) throw new Error('no executor matches this run configuration');
  return shape;
}

export function createExecutor(ctx: ExecutorContext): Executor {
  return selectExecutor(ctx.config).create(ctx);
}

/** Whether a config runs an open model (starts at a rate rather than users in a loop). */
export function isOpenModel(config: RunConfig): boolean {
  return config.arrivalRate > 0 || config.stages?.of === 'rate';
}

export { splitShape, splitInteger, splitRate, type ShapeShare } from './split.js';
export type { Executor, ExecutorContext, ExecutorDefinition, ExecutorProgress, ExecutorState, IterationRunner, ScheduleReport } from './types.js';
export { createProbe, type ProbeExecutor } from './probe.js';
