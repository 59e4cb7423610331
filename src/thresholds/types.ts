/** A parsed `--threshold` expression, k6 style: `METRIC: AGG OP VALUE`. */
export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdSpec {
  /** the expression as the user wrote it */
  source: string;
  /** metric name: a request name, a trend, a counter, or a built-in (http_req_duration, errors, integrity) */
  metric: string;
  /** aggregation: p(95), avg, min, max, med, count, rate */
  aggregation: string;
  op: ThresholdOp;
  value: number;
}

export interface ThresholdResult {
  source: string;
  metric: string;
  aggregation: string;
  op: ThresholdOp;
  threshold: number;
  /** observed value, null when the metric never got a sample */
  observed: number | null;
  passed: boolean;
  /** why it failed when observed is null or the metric is unknown */
  note?: string;
}
