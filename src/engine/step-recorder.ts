/**
 * The recorder a sweep runs with: everything goes to the run's recorder (live progress, the
 * whole run's report) and, while a step measures, also to that step's own recorder, whose
 * snapshot becomes the step's metrics (mergeable histograms). Detaching it between steps is how
 * a step's warm-up stays out of its stats.
 */
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot, Recorder, TrendUnit } from '../metrics/types.js';

export class StepRecorder implements Recorder {
  /** the measuring step's recorder, when one measures */
  step: MetricsRecorder | undefined;

  constructor(readonly main: Recorder) {}

  request(name: string, durationMs: number, error?: string): void {
    this.main.request(name, durationMs, error);
    this.step?.request(name, durationMs, error);
  }

  failure(name: string, error: string): void {
    this.main.failure(name, error);
    this.step?.failure(name, error);
  }

  trend(name: string, value: number, unit?: TrendUnit): void {
    this.main.trend(name, value, unit);
    this.step?.trend(name, value, unit);
  }

  count(name: string, n?: number): void {
    this.main.count(name, n);
    this.step?.count(name, n);
  }

  snapshot(): MetricsSnapshot {
    return this.main.snapshot();
  }
}
