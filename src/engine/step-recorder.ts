/**
 * The recorder a sweep runs with: everything goes to the run's recorder (live progress, the
 * whole run's report) and, while a step measures, also to that step's own recorder, whose
 * snapshot becomes the step's metrics (mergeable histograms). Detaching it between steps is how
 * a step's warm-up stays out of its stats.
 */
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot, Recorder, TrendUnit } from '../metrics/types.js';

export class StepRecorder implements Recorder {
  private current: MetricsRecorder | undefined;
  /** counters the run creates at 0 (thresholds judge them): every step has them too */
  private readonly zeros = new Set<string>();

  constructor(readonly main: Recorder) {}

  /** the measuring step's recorder, when one measures */
  get step(): MetricsRecorder | undefined {
    return this.current;
  }

  set step(recorder: MetricsRecorder | undefined) {
    this.current = recorder;
    for (const name of this.zeros) recorder?.count(name, 0);
  }

  request(name: string, durationMs: number, error?: string): void {
    this.main.request(name, durationMs, error);
    this.current?.request(name, durationMs, error);
  }

  failure(name: string, error: string): void {
    this.main.failure(name, error);
    this.current?.failure(name, error);
  }

  trend(name: string, value: number, unit?: TrendUnit): void {
    this.main.trend(name, value, unit);
    this.current?.trend(name, value, unit);
  }

  count(name: string, n?: number): void {
    if (n === 0) this.zeros.add(name);
    this.main.count(name, n);
    this.current?.count(name, n);
  }

  snapshot(): MetricsSnapshot {
    return this.main.snapshot();
  }
}
