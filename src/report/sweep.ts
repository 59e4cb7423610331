/**
 * The `sweep` section of the JSON report: one step per requested rate of a rate sweep, as the
 * load-shape runner fills it. The HTML report draws it (latency and TTFT against achieved
 * throughput; achieved rate and goodput against the requested rate) and `compare` judges its
 * goodput and maximum sustainable rate. Every field but the rates and latencies is optional.
 */
export interface SweepStep {
  /** iterations per second asked for */
  requestedRate: number;
  /** requests per second completed */
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
}

export interface SweepSection {
  steps: SweepStep[];
  /** highest requested rate whose step met the SLOs (requests/s) */
  maxSustainableRate?: number;
  /** the SLOs goodput counts against, as threshold expressions (`ttft: p(95)<500`) */
  slo?: string[];
}
