/**
 * `--stages '30s:10,2m:100,30s:0'`: each entry ramps linearly from the previous target (the
 * first from the start value: 0 users, or `--rate`) to its own over its duration (k6's stages).
 * Durations go through the one duration parser (a bare number is seconds).
 */
import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import type { Stage } from './types.js';

const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseStages(text: string, label = '--stages', integerTargets = false): Stage[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new ConfigError(`${label}: expected stages such as '30s:10,2m:100,30s:0', got '${text}'`);
  return parts.map((part) => {
    const colon = part.lastIndexOf(':');
    if (colon <= 0) throw new ConfigError(`${label}: '${part}' is not DURATION:TARGET (e.g. 30s:10)`);
    const durationMs = parseDuration(part.slice(0, colon), `${label} '${part}'`);
    const targetText = part.slice(colon + 1).trim();
    if (!NUMBER.test(targetText)) throw new ConfigError(`${label} '${part}': target '${targetText}' is not a number ≥ 0`);
    const target = Number(targetText);
    if (!Number.isFinite(target) || target > 1e9) throw new ConfigError(`${label} '${part}': target must be at most 1e9`);
    if (integerTargets && !Number.isInteger(target)) throw new ConfigError(`${label} '${part}': a user count must be a whole number`);
    return { durationMs, target };
  });
}

/** The run time the stages make: their durations added. */
export function stagesDurationMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}
