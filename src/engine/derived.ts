/**
 * The values thresholds can name that are computed from a run's metrics, not recorded: proxy
 * overhead (from the histograms), goodput and the share of dropped starts (from the counters).
 * One function for a run and for a merge of several (a coordinator's workers, `batch-load
 * merge`), so a merged report judges the same metrics as one process would.
 */
import type { MetricsSnapshot } from '../metrics/types.js';
import { goodputDerived } from '../metrics/goodput.js';
import { computeOverhead } from '../scenarios/online/overhead.js';
import type { DerivedMetrics } from '../thresholds/evaluate.js';
import { droppedRatioDerived } from './executors/arrival-scheduler.js';

export function derivedMetrics(metrics: MetricsSnapshot, seconds = metrics.elapsedSeconds): DerivedMetrics {
  return { ...computeOverhead(metrics).derived, ...goodputDerived(metrics, seconds), ...droppedRatioDerived(metrics) };
}
