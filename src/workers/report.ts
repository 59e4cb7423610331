/**
 * What a scale-out run tells about its workers: in the JSON (`workers`: one entry each, so skew
 * is visible) and as a section of the end summary. A lost worker is named with when it was lost,
 * why, and what it had reported (those figures are in the merged totals, once).
 */
import { fmtFixed, renderTable } from '../report/format.js';
import type { MetricsSnapshot } from '../metrics/types.js';

export interface WorkerReport {
  index: number;
  /** `worker 2 (host, pid 123)` */
  name: string;
  host?: string;
  pid?: number;
  /** its share of the run */
  users: number;
  spawnRate: number;
  arrivalRate: number;
  /** its iteration budget (0 = the run time decides) */
  iterations: number;
  /** finished: its whole share ran and its final figures arrived; stopped early: interrupted on
   *  its own (a signal to that process or pod); lost: disconnected or silent, its last report counts */
  state: 'finished' | 'stopped early' | 'lost';
  requests: number;
  failures: number;
  iterationsStarted: number;
  /** requests per second over its own elapsed time */
  achievedRate: number;
  elapsedSeconds: number;
  /** CPU time of the worker process from the common start to its end (known once it finished) */
  cpuSeconds?: number;
  lost?: { at: string; afterSeconds: number; reason: string; lastReportAt?: string };
}

/** Iterations started, from the `iterations:<scenario>` counters. */
export function iterationsOf(snapshot: MetricsSnapshot | undefined): number {
  if (!snapshot) return 0;
  let n = 0;
  for (const [name, v] of Object.entries(snapshot.counters)) if (name.startsWith('iterations:')) n += v;
  return n;
}

/** The workers section of the end summary. */
export function renderWorkersSection(workers: WorkerReport[], coordinatorCpuSeconds?: number): string {
  if (workers.length === 0) return '';
  const rows = workers.map((w) => [
    String(w.index),
    w.host ? `${w.host}:${w.pid ?? '?'}` : '-',
    w.state,
    String(w.users),
    String(w.requests),
    String(w.failures),
    String(w.iterationsStarted),
    fmtFixed(w.achievedRate),
    w.cpuSeconds === undefined ? '-' : fmtFixed(w.cpuSeconds),
  ]);
  const total = workers.reduce((n, w) => n + w.requests, 0);
  const lines = [
    `Workers (${workers.length}; ${total} requests in total${coordinatorCpuSeconds !== undefined ? `; coordinator CPU ${fmtFixed(coordinatorCpuSeconds)} s` : ''})`,
    ...renderTable(['#', 'host:pid', 'state', 'users', '# reqs', '# fails', 'iterations', 'req/s', 'CPU s'], rows, ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
  ];
  for (const w of workers) {
    if (!w.lost) continue;
    lines.push(`  ${w.name} LOST ${fmtFixed(w.lost.afterSeconds)}s into the run (${w.lost.at}): ${w.lost.reason}; its last report${w.lost.lastReportAt ? ` (${w.lost.lastReportAt})` : ''} counts: ${w.requests} requests, ${w.failures} failures`);
  }
  return lines.join('\n');
}
