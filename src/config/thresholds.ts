import { defaultThresholds } from '../thresholds/evaluate.js';
import { parseThreshold } from '../thresholds/parse.js';
import type { ThresholdSpec } from '../thresholds/types.js';
import { ConfigError } from './errors.js';

/** `--threshold` values (repeatable) plus, unless disabled, the two default thresholds. */
export function parseThresholdList(
  input: string[] | string | undefined,
  withDefaults: boolean,
  p95Ms: number,
  errorRate: number,
): ThresholdSpec[] {
  const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
  const specs: ThresholdSpec[] = withDefaults ? defaultThresholds(p95Ms, errorRate) : [];
  for (const expr of list) {
    try {
      specs.push(...parseThreshold(String(expr)));
    } catch (err) {
      throw new ConfigError(`--threshold: ${(err as Error).message}`);
    }
  }
  return specs;
}
