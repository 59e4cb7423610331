/**
 * Goodput (`--slo`): each online request is judged once, as it ends, against every bound; two
 * counters hold the verdicts (`slo_requests` judged, `slo_met` met every bound), so no sample is
 * kept and shards of a run merge by adding counters. Derived from them:
 *   goodput        rate = requests per second that met every SLO, count = how many
 *   goodput_ratio  rate = met / judged (0..1)
 * What a request's metrics are:
 *   - a failed request (HTTP error, failed check) meets no SLO;
 *   - a stream: ttft = first content token, tpot = (e2e − ttft) / (tokens − 1), e2e = whole stream;
 *   - a request that is not streamed: its whole reply is its first token, so ttft = e2e = its
 *     duration, and it has no tpot (a tpot bound does not judge it).
 * In the open model every time counts from the intended start (coordinated omission corrected).
 */
import type { SloSpec } from '../config/types.js';
import type { MetricsSnapshot, Recorder } from './types.js';

export const SLO_REQUESTS = 'slo_requests';
export const SLO_MET = 'slo_met';
export const SLO_COUNTERS = [SLO_REQUESTS, SLO_MET] as const;

export interface SloSample {
  ok: boolean;
  ttftMs?: number;
  tpotMs?: number;
  e2eMs: number;
}

export class SloJudge {
  constructor(private readonly specs: readonly SloSpec[]) {}

  meets(sample: SloSample): boolean {
    if (!sample.ok) return false;
    for (const s of this.specs) {
      const v = s.metric === 'e2e' ? sample.e2eMs : s.metric === 'ttft' ? (sample.ttftMs ?? sample.e2eMs) : sample.tpotMs;
      if (v === undefined) continue;
      if (!(s.op === '<' ? v < s.valueMs : v <= s.valueMs)) return false;
    }
    return true;
  }

  /** Counts one request's verdict. */
  judge(rec: Recorder, sample: SloSample): void {
    rec.count(SLO_REQUESTS);
    if (this.meets(sample)) rec.count(SLO_MET);
  }
}

/** A judge for the run's SLOs, or undefined when it has none. */
export function sloJudge(slo: readonly SloSpec[] | undefined): SloJudge | undefined {
  return slo && slo.length > 0 ? new SloJudge(slo) : undefined;
}

/** `goodput` and `goodput_ratio` for thresholds, when the run judged requests against SLOs. */
export function goodputDerived(s: MetricsSnapshot, seconds = s.elapsedSeconds): Record<string, Partial<Record<string, number>>> {
  const judged = s.counters[SLO_REQUESTS];
  if (judged === undefined) return {};
  const met = s.counters[SLO_MET] ?? 0;
  const out: Record<string, Partial<Record<string, number>>> = { goodput: { count: met } };
  if (seconds > 0) out.goodput.rate = met / seconds;
  if (judged > 0) out.goodput_ratio = { rate: met / judged };
  else out.goodput_ratio = {};
  return out;
}
