/**
 * The `sweep` section of the JSON report: one step per measured load of a capacity sweep
 * (engine/sweep.ts). The HTML report draws it (latency and TTFT against achieved throughput;
 * achieved rate and goodput against the requested rate) and `compare` judges its goodput and
 * maximum sustainable rate. Every field but the rates and latencies is optional (older reports).
 *
 * Online sweeps (`axis: 'rate'`): rates are requests (iterations) per second. Batch sweeps
 * (`axis: 'batches'`): `requestedRate` is the number of batches in flight and `achievedRate` the
 * completed batch lines per second (also in `linesPerSecond`).
 */
import type { MetricsSnapshot } from '../metrics/types.js';

export interface SweepStep {
  /** iterations per second asked for (batch sweeps: batches in flight) */
  requestedRate: number;
  /** iterations started per second (closed steps: requests completed per second; batch: lines/s) */
  achievedRate: number;
  /** request latency at this step (ms) */
  p50Ms: number;
  p95Ms: number;
  /** time to first token p95 (ms), streams only */
  ttftP95Ms?: number;
  /** requests per second that met every SLO */
  goodput?: number;
  /** failed / all requests, 0..1 */
  errorRate?: number;
  requests?: number;
  seconds?: number;
  /** baseline (one request in flight), probe (closed ramp), rate (open), refine (bisection), batches */
  kind?: 'baseline' | 'probe' | 'rate' | 'refine' | 'batches';
  /** closed steps: users in the loop (batch: batches in flight) */
  users?: number;
  /** requests completed per second */
  rps?: number;
  ttftP50Ms?: number;
  itlP50Ms?: number;
  itlP95Ms?: number;
  /** whole request (stream) p95, ms */
  e2eP95Ms?: number;
  /** failed requests */
  errors?: number;
  /** share of judged requests that met every SLO */
  goodputRatio?: number;
  /** every threshold passed at this step */
  passed?: boolean;
  /** the thresholds that failed, with their observed values */
  failed?: string[];
  /** batch sweeps */
  batchesInFlight?: number;
  linesPerSecond?: number;
  turnaroundP50Ms?: number;
  turnaroundP95Ms?: number;
  /** created → in_progress, from the server's timestamps */
  queueP50Ms?: number;
  queueP95Ms?: number;
  workflows?: number;
  /** the step's full metrics, histograms included (mergeable) */
  metrics?: MetricsSnapshot;
}

export interface SweepSection {
  steps: SweepStep[];
  /** highest requested rate whose step met every threshold (batch: lines/s) */
  maxSustainableRate?: number;
  /** the SLOs goodput counts against, as written (`ttft<=500ms`) */
  slo?: string[];
  /** rate (online, the default) or batches (batch workflow) */
  axis?: 'rate' | 'batches';
  /** the synchronous baseline's rate (one request in flight) */
  baselineRate?: number;
  /** where the saturation probe's throughput stopped rising */
  plateauRate?: number;
  /** the maximum sustainable rate lies between these: the last passing and first failing rates
   *  (batch sweeps: batches in flight) */
  bracket?: { low: number | null; high: number | null };
}
