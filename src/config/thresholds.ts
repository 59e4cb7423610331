import { defaultThresholds, type RequestKinds } from '../thresholds/evaluate.js';
import { parseThreshold } from '../thresholds/parse.js';
import { isKnownMetric, KNOWN_METRICS_HINT } from '../thresholds/known-metrics.js';
import type { ThresholdSpec } from '../thresholds/types.js';
import { ConfigError } from './errors.js';
import type { ScenarioWeight } from './types.js';

const BATCH_DEFAULTS = ['integrity: count==0', 'workflows_failed: count==0'];
/** Every run: an iteration whose scenario threw (a bug, counted and named in the log) fails it. */
const RUN_DEFAULTS = ['scenario_errors: count==0'];
/**
 * Open-model runs: more than 1 % of the scheduled starts dropped (no free worker under --users)
 * means the load asked for was not sent, which must not pass silently.
 */
export const OPEN_MODEL_DEFAULTS = ['dropped_iterations_ratio: rate<=0.01'];

/** Chat and responses stream by the stream ratio; every other scenario sends plain requests. */
export function requestKinds(scenarios: readonly ScenarioWeight[], streamRatio: number): RequestKinds {
  const generation = scenarios.filter((s) => s.name === 'chat' || s.name === 'responses').length;
  return {
    streamed: generation > 0 && streamRatio > 0,
    nonStreamed: generation < scenarios.length || (generation > 0 && streamRatio < 1),
  };
}

/**
 * `--threshold` values (repeatable) plus, unless disabled, the default thresholds: p95 (whole
 * request for non-streamed requests, time to first token for streams: see defaultThresholds) and
 * error rate, and, when the batch workflow runs, `integrity: count==0` (a batch that loses or
 * duplicates a custom_id fails the run even when every HTTP call succeeded) and
 * `workflows_failed: count==0` (a batch that ends failed, expired or cancelled, or never reaches
 * a terminal status, fails the run; its reason is in the failures table).
 */
export function parseThresholdList(
  input: string[] | string | undefined,
  withDefaults: boolean,
  p95Ms: number,
  errorRate: number,
  batchRuns = false,
  /** what the run sends (requestKinds); without it the p95 default covers every request */
  kinds?: RequestKinds,
  shape: { openModel?: boolean } = {},
): ThresholdSpec[] {
  const list = input === undefined ? [] : Array.isArray(input) ? input : [input];
  const specs: ThresholdSpec[] = withDefaults ? defaultThresholds(p95Ms, errorRate, kinds) : [];
  if (withDefaults) specs.push(...RUN_DEFAULTS.flatMap((t) => parseThreshold(t)));
  if (withDefaults && batchRuns) specs.push(...BATCH_DEFAULTS.flatMap((t) => parseThreshold(t)));
  if (withDefaults && shape.openModel) specs.push(...OPEN_MODEL_DEFAULTS.flatMap((t) => parseThreshold(t)));
  for (const expr of list) {
    let parsed: ThresholdSpec[];
    try {
      parsed = parseThreshold(String(expr));
    } catch (err) {
      throw new ConfigError(`--threshold: ${(err as Error).message}`);
    }
    for (const spec of parsed) {
      if (!isKnownMetric(spec.metric)) {
        throw new ConfigError(`--threshold: unknown metric '${spec.metric}' in "${String(expr)}" (expected ${KNOWN_METRICS_HINT})`);
      }
    }
    specs.push(...parsed);
  }
  return specs;
}
