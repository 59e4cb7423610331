import type { RunConfig } from '../config/types.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { computeOverhead } from '../scenarios/online/overhead.js';

/**
 * Metric values computed from the snapshot rather than recorded, for thresholds to name:
 * proxy overhead (`overhead: p(99)<10`, `overhead_ttft`, `overhead:<request name>`).
 */
export function derivedMetrics(snapshot: MetricsSnapshot, _config: RunConfig): Record<string, Partial<Record<string, number>>> {
  return computeOverhead(snapshot).derived;
}
