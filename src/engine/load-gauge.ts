/**
 * Is this generator saturated? The process's CPU share and the event loop's lag over each
 * progress interval. One core runs one event loop: at ~100 % CPU, or when timers fire tens of
 * milliseconds late, latencies measured here include time spent waiting in this process, and
 * more load needs more processes (`--workers`). Cost: one histogram timer every 20 ms.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

export interface LoadFigures {
  /** CPU time of this process over the interval, % of one core (threads can take it past 100) */
  cpuPercent: number;
  /** 99th percentile of the event loop's delay over the interval, ms */
  lagP99Ms: number;
}

/** Past either bound the progress line says the generator is saturated. */
export const SATURATED = { cpuPercent: 90, lagP99Ms: 50 } as const;

export function isSaturated(load: LoadFigures): boolean {
  return load.cpuPercent >= SATURATED.cpuPercent || load.lagP99Ms >= SATURATED.lagP99Ms;
}

export class LoadGauge {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private cpu = process.cpuUsage();
  private at = performance.now();

  constructor() {
    this.lag.enable();
  }

  /** The figures since the last take (or the start); then a new interval starts. */
  take(): LoadFigures {
    const now = performance.now();
    const cpu = process.cpuUsage(this.cpu);
    const wallUs = (now - this.at) * 1000;
    const lagNs = this.lag.count > 0 ? this.lag.percentile(99) : 0;
    // the histogram's floor is its resolution: a loop that is never late still reads ~20 ms
    const figures = {
      cpuPercent: wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 : 0,
      lagP99Ms: Math.max(0, Math.round(lagNs / 1e5) / 10 - 20),
    };
    this.cpu = process.cpuUsage();
    this.at = now;
    this.lag.reset();
    return figures;
  }

  stop(): void {
    this.lag.disable();
  }
}
