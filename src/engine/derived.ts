import type { RunConfig } from '../config/types.js';
import type { MetricsSnapshot } from '../metrics/types.js';

/**
 * Metric values computed from the snapshot rather than recorded, for thresholds to name
 * (e.g. `overhead: p(99)<10`). The online scenarios add proxy overhead here.
 */
export function derivedMetrics(_snapshot: MetricsSnapshot, _config: RunConfig): Record<string, Partial<Record<string, number>>> {
  return {};
}
